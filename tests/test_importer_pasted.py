"""`import` on pages as editors paste them: site labels, titles given twice or with the
text straight under them, headings, paragraphs one per line, slugs of Persian titles,
a text in another language than --lang, Persian without ZWNJs."""

from __future__ import annotations

import io

import pytest

from workflow.cli import main
from workflow.errors import PamphletError
from workflow.importer import convert, import_file

# An Arabic statement as copied from an organisation's site: the page's label, then the
# title, the date, the text.
AR_LABELLED = """\
بيان رسمي

تضامناً مع عمال النفط المضربين في عبادان

٣ كانون الأول ٢٠٢٢

يعلن تحالفنا تضامنه الكامل مع عمال النفط المضربين منذ ثلاثة أسابيع. لقد واجه العمال \
الاعتقال والفصل التعسفي لأنهم طالبوا بأجورهم المتأخرة.

نطالب بالإفراج الفوري عن جميع المعتقلين. لا أحد غير شرعي.
"""


def test_a_site_label_above_the_title_is_no_title():
    converted = convert(AR_LABELLED, "ar")
    assert converted.meta["title"] == "تضامناً مع عمال النفط المضربين في عبادان"
    assert converted.body.startswith("يعلن تحالفنا")
    assert "بيان رسمي" not in converted.body
    assert "left out the site's label 'بيان رسمي' above the title" in converted.notes
    # The same label with the title straight under it, and in Spanish
    converted = convert("Comunicado\nAlto a las deportaciones\n\nExigimos el fin de las "
                        "deportaciones. Nadie es ilegal.\n", "es")
    assert converted.meta["title"] == "Alto a las deportaciones"


def test_a_title_given_twice_is_kept_once():
    raw = ("Stop the Deportations Now\n\nStop the Deportations Now\n\nWe, the undersigned "
           "organisations, demand an end to the deportation flights. Families are torn "
           "apart every week.\n\nNo one is illegal.\n")
    converted = convert(raw, "en")
    assert converted.meta["title"] == "Stop the Deportations Now"
    assert converted.body.startswith("We, the undersigned")
    assert "left out the title's second copy" in converted.notes
    converted = convert(raw.replace("Now\n\nStop", "Now\nStop", 1), "en")
    assert converted.meta["title"] == "Stop the Deportations Now"
    assert converted.body.startswith("We, the undersigned")


def test_a_title_with_the_text_straight_under_it():
    raw = ("Solidarity with the Striking Oil Workers\nWe, the undersigned organisations, "
           "express our full solidarity with the oil workers of Abadan, who have been on "
           "strike for three weeks. They demand their unpaid wages.\n\nNo one is illegal.\n")
    converted = convert(raw, "en")
    assert converted.meta["title"] == "Solidarity with the Striking Oil Workers"
    assert converted.body.startswith("We, the undersigned")


def test_a_short_line_between_paragraphs_is_a_heading():
    raw = ("Stop the Deportations\n\nFamilies are torn apart every week by deportation "
           "flights that leave from the airport at night, out of sight of the press.\n\n"
           "Our demands\n\nWe demand an end to the flights, the release of all detainees "
           "and the closure of the detention centres across the country.\n\n"
           "In solidarity,\nThe Migrant Workers' Network\n")
    converted = convert(raw, "en")
    assert "\n\n## Our demands\n\n" in converted.body
    assert "In solidarity,\nThe Migrant Workers' Network" in converted.body  # no heading
    assert "made 'Our demands' a heading (## )" in converted.notes
    # ... also with the paragraph straight under it
    raw = raw.replace("Our demands\n\n", "Our demands\n")
    assert "\n\n## Our demands\n\nWe demand an end" in convert(raw, "en").body
    # Persian: no capitals to go by
    raw = ("همبستگی با کارگران نفت\n\nکارگران نفت آبادان سه هفته است که در اعتصاب‌اند و "
           "دستمزدهای معوقهٔ خود را می‌خواهند. آنان با بازداشت و اخراج روبه‌رو شده‌اند.\n\n"
           "خواسته‌های ما\n\nما خواهان آزادی فوری همهٔ بازداشت‌شدگان و پرداخت کامل دستمزدهای "
           "معوقهٔ کارگران هستیم. هیچ انسانی غیرقانونی نیست.\n")
    assert "\n\n## خواسته‌های ما\n\n" in convert(raw, "fa").body


def test_paragraphs_one_per_line_are_paragraphs():
    """Pages that separate paragraphs by a single newline (2 of 12 real files)."""
    raw = ("Alto a las deportaciones\n"
           "Las organizaciones firmantes exigimos el fin inmediato de los vuelos de "
           "deportación que salen cada semana del aeropuerto de la capital.\n"
           "Cada vuelo separa a familias enteras y devuelve a personas a países donde su vida "
           "corre peligro, sin que un juez haya revisado su caso.\n"
           "Pedimos a todas las organizaciones que se sumen a la jornada de protesta del "
           "próximo sábado frente al centro de detención.\n"
           "¡Nadie es ilegal!\n"
           "Red de Trabajadoras Migrantes\nMadrid\n")
    converted = convert(raw, "es")
    assert converted.meta["title"] == "Alto a las deportaciones"
    paragraphs = converted.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("Las organizaciones") and paragraphs[0].endswith("capital.")
    assert paragraphs[3] == "¡Nadie es ilegal!\nRed de Trabajadoras Migrantes\nMadrid"


def test_short_paragraphs_one_per_line_are_paragraphs():
    """Paragraphs of 80 characters pasted one per line: the text's own measure, not a fixed
    width, tells them from line breaks; a slogan and a signature under them keep theirs."""
    raw = ("Hands off the dockworkers\n"
           "The port authority fired forty dockworkers last week for joining the union.\n"
           "Their families now face eviction from the housing the port company owns.\n"
           "We call on every union in the city to join the picket on Monday morning.\n"
           "Solidarity forever!\nNo one is disposable!\n"
           "Dockworkers' Solidarity Committee\nRotterdam\n")
    paragraphs = convert(raw, "en").body.split("\n\n")
    assert paragraphs[:3] == [
        "The port authority fired forty dockworkers last week for joining the union.",
        "Their families now face eviction from the housing the port company owns.",
        "We call on every union in the city to join the picket on Monday morning."]
    assert paragraphs[3] == ("Solidarity forever!\nNo one is disposable!\n"
                             "Dockworkers' Solidarity Committee\nRotterdam")
    # Persian, and one single newline among blank-line paragraphs (Arabic)
    raw = ("همبستگی با کارگران\n"
           "کارگران پتروشیمی سه هفته است که برای دستمزدهای معوقه اعتصاب کرده‌اند.\n"
           "کارفرما به جای پرداخت دستمزدها، ده نفر از نمایندگان آنان را اخراج کرده است.\n")
    assert len(convert(raw, "fa").body.split("\n\n")) == 2
    raw = ("لا للحرب على غزة\n\nنحن، النقابات الموقعة أدناه، نعلن تضامننا الكامل مع العمال "
           "في غزة ونطالب بوقف فوري لإطلاق النار.\nإن أكثر من ألف وخمسمئة عامل فقدوا "
           "وظائفهم منذ بداية الحرب.\n\nعاش التضامن.\n")
    assert convert(raw, "ar").body.split("\n\n")[1].startswith("إن أكثر")
    # Hard-wrapped text keeps joining its lines into one paragraph
    wrapped = ("A title\n\n" + "We stand with the workers of the port who were fired for "
               "joining the union last\nweek. Their families face eviction. We call on "
               "every union in the city to\n" * 3 + "join the picket.\n")
    assert len(convert(wrapped, "en").body.split("\n\n")) == 1


def test_a_short_heading_over_short_demands():
    raw = ("Rent Strike Solidarity\n\nThe landlords have had their way for too long. We say "
           "enough.\n\nWhat we demand\nAn end to evictions. Rent control now.\n\n"
           "No Borders\nNo one is illegal.\n")
    converted = convert(raw, "en")
    assert "\n\n## What we demand\n\nAn end to evictions. Rent control now." in converted.body
    assert converted.body.endswith("\n\nNo Borders\nNo one is illegal.")  # a slogan's lines
    assert "made 'What we demand' a heading (## )" in converted.notes


@pytest.mark.parametrize(("raw", "stem", "slug"), [
    ("همبستگی با کارگران نفت ۲۰۲۲\n\nما از اعتصاب حمایت می‌کنیم. آنان حق دارند.\n", "raw",
     "hmbstgi-ba-kargran-nft-2022"),
    ("التضامن مع عمال النفط\n\nنحن نتضامن مع العمال. لا أحد غير شرعي.\n", "raw",
     "altdamn-m-mal-alnft"),
    # A title with no letters: the file's words, never the bare year
    ("2022\n\nما از اعتصاب حمایت می‌کنیم. آنان حق دارند.\n", "abadan-strike", "abadan-strike-2022"),
    ("۲۰۲۲\n\nما از اعتصاب حمایت می‌کنیم. آنان حق دارند.\n", "۱", "statement-2022"),
])
def test_slugs_of_arabic_script_titles(project, raw, stem, slug):
    path = project.root / f"{stem}.txt"
    path.write_text(raw, encoding="utf-8")
    language = "ar" if "التضامن" in raw else "fa"
    assert import_file(project, path, language).path.name == f"{slug}.md"


def test_text_in_another_script_than_the_language_is_refused(project):
    raw = project.root / "statement.txt"
    raw.write_text("Solidarity with the Striking Oil Workers\n\nWe express our full "
                   "solidarity with the oil workers of Abadan.\n", encoding="utf-8")
    with pytest.raises(PamphletError, match=r"statement.txt: the text is in Latin script "
                                            r"\(100% of its letters\), but ar \(Arabic\) is "
                                            r"written in Arabic script: import it with "
                                            r"--lang en or es or fr or tl"):
        import_file(project, raw, "ar")
    assert not list((project.root / "source").glob("solidarity*"))
    # A name or a quoted slogan in Latin letters is no reason to refuse
    convert("تضامن مع International Migrants Alliance\n\nنحن نتضامن مع العمال في كل مكان. "
            "لا أحد غير شرعي.\n", "ar")


def test_text_in_another_language_of_the_same_script_is_flagged():
    raw = ("Solidarity with the Striking Oil Workers\n\nWe express our full solidarity with "
           "the oil workers of Abadan, who have been on strike for three weeks. They demand "
           "the wages that are owed to them, and the release of all of their colleagues who "
           "were arrested at the gates of the refinery.\n")
    assert convert(raw, "es").notes == (
        "the text reads as English (28 of its function words, 0 of Spanish): is --lang es "
        "right?",)
    assert convert(raw, "en").notes == ()


def test_import_warns_of_persian_without_zwnj(project):
    raw = project.root / "raw.txt"
    raw.write_text("همبستگی با کارگران\n\nکارگران میگویند که جامعههای بینالمللی ساکت‌اند. "
                   "این اعتراض بیسابقهی است.\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["import", str(raw), "--lang", "fa", "--slug", "strike"], stdout=out,
                stderr=io.StringIO()) == 0
    lines = [line for line in out.getvalue().splitlines() if "zero-width" in line]
    assert len(lines) == 1 and lines[0].startswith("note: source/strike.md:")
    for word in ("'میگویند'", "'جامعههای'", "'بینالمللی'", "'بیسابقهی'"):
        assert word in lines[0]


def test_persian_imported_as_arabic_is_flagged():
    raw = ("همبستگی با کارگران نفت\n\nکارگران نفت آبادان سه هفته است که در اعتصاب هستند و "
           "دستمزدهای معوقهٔ خود را می‌خواهند. آنان با بازداشت و اخراج روبه‌رو شده‌اند. ما از "
           "این اعتصاب حمایت می‌کنیم و خواهان آزادی همه بازداشت‌شدگان هستیم.\n")
    assert convert(raw, "ar").notes[0].startswith("the text reads as Persian")
    assert convert(raw, "fa").notes == ()
