"""Raw pasted text -> draft statement, in all four languages."""

from __future__ import annotations

import io

import pytest
import yaml

from workflow.errors import PamphletError
from workflow.importer import convert_raw, guess_date, import_file

WRAPPED_EN = """\
Oppose War on Iran, Show Solidarity with Uprisings

The most worrisome aspect of these developments is that they might lead to
catastrophic consequences and full-scale war. That would in turn overshadow the
wave of uprisings that have broken out in the region in 2019, from Sudan and
Algeria to Iraq. These are the forces we support.
The joy expressed by some at the death of the criminal reactionary general is
understandable. However, his assassination represents nothing affirmative for
the uprisings. Continue reading

1. How can we challenge prejudices that
promote hatred in the region?
2. What will happen next?

In solidarity,
Alliance of Middle Eastern Socialists
Los Angeles
"""


def test_unwraps_and_finds_paragraphs_and_list():
    meta, body = convert_raw(WRAPPED_EN, "en")
    assert meta["title"] == "Oppose War on Iran, Show Solidarity with Uprisings"
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith("The most worrisome") and paragraphs[0].endswith("support.")
    assert "\n" not in paragraphs[0]
    assert paragraphs[1].endswith("for the uprisings.")  # teaser link removed
    assert paragraphs[2] == ("1. How can we challenge prejudices that promote hatred in the "
                             "region?\n2. What will happen next?")
    # A signature keeps its lines, even in text wrapped at a fixed width.
    assert paragraphs[3] == ("In solidarity,\nAlliance of Middle Eastern Socialists\n"
                             "Los Angeles")


def test_arabic_and_persian_and_spanish_dates():
    assert guess_date("صدر في ٣ نوفمبر ٢٠١٨ في بيروت", "ar") == "2018-11-03"
    assert guess_date("۱۸ دسامبر ۲۰۱۶", "fa") == "2016-12-18"
    assert guess_date("Madrid, 3 de noviembre de 2018", "es") == "2018-11-03"
    assert guess_date("Nov 3, 2018", "en") == "2018-11-03"
    # Levantine month names (babel's ar_SY data) and the Solar Hijri calendar of Iran.
    assert guess_date("دمشق، ١٥ كانون الثاني ٢٠٢٠", "ar") == "2020-01-15"
    assert guess_date("تهران، ۲۵ دی ۱۳۹۸", "fa") == "2020-01-15"
    assert guess_date("۲۹ اسفند ۱۴۰۲", "fa") == "2024-03-19"
    assert guess_date("۳۰ اسفند ۱۴۰۲", "fa") is None  # 1402 is no leap year


def test_import_arabic_text(project):
    raw = project.root / "raw.txt"
    raw.write_text("بيان تضامن مع قافلة المهاجرين\n\n٣ نوفمبر ٢٠١٨\n\nنحن نعبر عن تضامننا"
                   " مع القافلة.\nهل يمكننا أن نصمت؟\n\nلا أحد غير شرعي.\n", encoding="utf-8")
    path, missing, _ = import_file(project, raw, "ar", "caravan-ar")
    assert missing == ["author", "origin"]
    # "بيان" is "statement", not a byline word: the author is left for the editor.
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert meta["language"] == "ar" and str(meta["date"]) == "2018-11-03"
    assert meta["title"] == "بيان تضامن مع قافلة المهاجرين" and meta["author"] == ""
    with pytest.raises(PamphletError, match="already exists"):
        import_file(project, raw, "ar", "caravan-ar")


def test_import_empty_text_fails(project):
    raw = project.root / "empty.txt"
    raw.write_text("\n\n", encoding="utf-8")
    with pytest.raises(PamphletError, match="empty"):
        import_file(project, raw, "es", "x")
    assert not (project.root / "source" / "x.md").exists()


# Pages as a new user pastes them: the problems found importing real statements, on
# texts written for these tests.
def test_statement_is_no_byline_word_in_arabic():
    meta, _ = convert_raw("بيان رسمي\n\nنحن نعبر عن تضامننا مع القافلة. لا أحد غير شرعي.\n",
                          "ar")
    assert (meta["title"], meta["author"]) == ("بيان رسمي", "")
    meta, _ = convert_raw("بياننا التأسيسي\nبقلم: تحالف العمال\n\nنحن نعبر عن تضامننا. "
                          "لا أحد غير شرعي.\n", "ar")
    assert (meta["title"], meta["author"]) == ("بياننا التأسيسي", "تحالف العمال")


def test_navigation_lines_are_dropped_and_never_the_title():
    meta, body = convert_raw("فهرست بستن\nخانه | جستجو\nهمبستگی با کارگران\nنوشتهٔ اتحاد "
                             "سوسیالیست‌ها\n۲۵ دی ۱۳۹۸\n\nما از اعتصاب حمایت می‌کنیم. آنان "
                             "دستمزد نگرفته‌اند.\n", "fa")
    assert meta["title"] == "همبستگی با کارگران"
    assert meta["author"] == "اتحاد سوسیالیست‌ها" and meta["date"] == "2020-01-15"
    assert "فهرست" not in body and "بستن" not in body and "نوشته" not in body


def test_a_byline_stops_at_a_separator_or_a_date():
    meta, body = convert_raw("Solidaridad con las trabajadoras\nPor EL PERSONAL DE ISN | 16 de "
                             "octubre de 2018\n\nApoyamos la huelga. Nadie es ilegal.\n", "es")
    assert meta["author"] == "EL PERSONAL DE ISN" and meta["date"] == "2018-10-16"
    assert meta["title"] == "Solidaridad con las trabajadoras"
    assert body == "Apoyamos la huelga. Nadie es ilegal."
    meta, _ = convert_raw("Title here\nby Jane Doe, 3 November 2018\n\nText. More.\n", "en")
    assert (meta["author"], meta["date"]) == ("Jane Doe", "2018-11-03")


def test_import_lists_the_fields_it_could_not_guess(project):
    from workflow.cli import main

    raw = project.root / "raw.txt"
    raw.write_text("Una declaración\n\nApoyamos la huelga. Nadie es ilegal.\n", encoding="utf-8")
    out = io.StringIO()
    assert main(["import", str(raw), "--lang", "es", "--slug", "x"], stdout=out,
                stderr=io.StringIO()) == 0
    assert "could not guess: author, date, origin" in out.getvalue()


def test_a_statement_in_a_language_the_project_does_not_print(project):
    text = project.source_path("caravan").read_text(encoding="utf-8")
    project.source_path("caravan").write_text(text.replace("language: en", "language: fr"),
                                              encoding="utf-8")
    from workflow.update import update

    with pytest.raises(PamphletError, match=r"caravan.md:5: the statement is in 'fr', which is "
                                            r"not in languages \(en, es, ar, fa\): add it "
                                            r"there \(pyproject.toml\)"):
        update(project)


@pytest.mark.parametrize(("raw", "language"), [
    ("Inicio | Noticias | Contacto\nDeclaración ante la represión\nPor la Red | 8 de marzo "
     "de 2021\n\nRechazamos la represión. Nadie es ilegal.\n", "es"),
    ("Accueil | Actualités | Contact\nDéclaration contre la répression\npar la Red\n8 mars "
     "2021\n\nNous refusons. Personne n'est illégal.\n", "fr"),
    ("Home | Balita | Tungkol sa Amin\nDeklarasyon laban sa panunupil\nni La Red\nMarso 8, "
     "2021\n\nKami ay nakikiisa. Walang ilegal.\n", "tl"),
    ("الرئيسية  بحث  اتصل بنا\nبيان ضد القمع\nبقلم: La Red\n٨ آذار ٢٠٢١\n\nنحن نتضامن. "
     "لا أحد غير شرعي.\n", "ar"),
    ("خانه | درباره ما | تماس\nفهرست بستن\nبیانیه علیه سرکوب\nنوشتهٔ La Red\n۱۸ اسفند "
     "۱۳۹۹\n\nما حمایت می‌کنیم. آنان حق دارند.\n", "fa"),
])
def test_a_sites_menu_is_no_title(raw, language):
    """A menu of short items between separators is dropped when one item is a known menu
    word ("Contacto", "اتصل بنا" need not all be known)."""
    meta, body = convert_raw(raw, language)
    assert meta["title"] in ("Declaración ante la represión", "Déclaration contre la répression",
                             "Deklarasyon laban sa panunupil", "بيان ضد القمع",
                             "بیانیه علیه سرکوب")
    assert meta["author"] == "La Red" and meta["date"] == "2021-03-08"
    assert "|" not in body and "Contact" not in body and "تماس" not in body


def test_a_title_with_slashes_is_no_menu():
    meta, _ = convert_raw("نان / کار / آزادی\n\nما حمایت می‌کنیم. آنان حق دارند.\n", "fa")
    assert meta["title"] == "نان / کار / آزادی"
