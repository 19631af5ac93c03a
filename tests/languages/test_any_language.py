"""Every language a source language, and a language added in one module: statements written
for these tests in Arabic, Persian and Spanish (and imported in Urdu, Tagalog and French)
go through import, update, translate (random-weight Argos models whose tokenizer learnt
mixed-script text, so outputs carry other scripts' pieces), check and every layout of
build, drafts and finals."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polib
import pytest

from tests.argos_fixture import build_package
from tests.helpers import write_project
from workflow import languages
from workflow.build import build
from workflow.catalog.model import active_entries
from workflow.cli import main
from workflow.config import load_project
from workflow.models import install
from workflow.mt.stage import translate
from workflow.qa import run_checks
from workflow.update import update

STATEMENT_AR = """\
---
title: "تضامناً مع عمال التوصيل"
author: "تحالف العمال المهاجرين"
date: 2021-03-08
language: ar
origin: "https://example.org/ar/delivery"
---

## لا أحد غير شرعي

نعلن تضامننا مع عمال التوصيل في بيروت. أضرب ٣٨ عاملاً منذ يوم الاثنين.
نطالب بأجر عادل وبعقود مكتوبة، كما طالبت نقابة SEIU في الولايات المتحدة.

1. كيف نحمي حقوقنا؟
2. متى تتوقف الشركات عن استغلالنا؟
"""

STATEMENT_FA = """\
---
title: "همبستگی با زنان کارگر"
author: "اتحاد سوسیالیست‌های خاورمیانه"
date: 2022-10-01
language: fa
---

## نان، کار، آزادی

ما از اعتصاب ۳۸ کارگر کارخانهٔ نساجی حمایت می‌کنیم. آنان ۱۲ ماه است که دستمزد نگرفته‌اند.

سازمان ILO باید صدای آنان را بشنود.

1. چرا دستمزدها پرداخت نمی‌شود؟
2. چه کسی پاسخگوست؟
"""

STATEMENT_ES = """\
---
title: "Solidaridad con las trabajadoras del hogar"
author: "Alianza Internacional de Migrantes"
date: 2019-06-16
language: es
---

## Nadie es ilegal

Apoyamos la huelga de 38 trabajadoras en Madrid. ¿Hasta cuándo esperarán sus salarios?

1. ¿Quién cuida a quienes cuidan?
2. ¡Basta de abusos!
"""

# Pasted as a new user would, navigation lines and all.
RAW = {
    "ur": "فہرست\nمزدوروں کے ساتھ یکجہتی\nتحریر: مہاجر مزدوروں کا اتحاد\n۸ مارچ ۲۰۲۱\n\n"
          "ہم کراچی کے ۳۸ مزدوروں کی ہڑتال کی حمایت کرتے ہیں۔ انہیں بارہ ماہ سے تنخواہ "
          "نہیں ملی۔\n\nکیا یہ انصاف ہے؟\n",
    "tl": "Menu | Tahanan\nPakikiisa sa mga manggagawang migrante\nni Alyansa ng mga Migrante\n"
          "Marso 8, 2021\n\nSinusuportahan namin ang welga ng 38 manggagawa sa Maynila. "
          "Labindalawang buwan na silang walang sahod.\n\nHanggang kailan tayo maghihintay?\n",
    "fr": "Menu Accueil Rechercher\nSolidarité avec les travailleurs sans papiers\n"
          "par le Collectif des migrants\n8 mars 2021\n\nNous soutenons la grève de 38 "
          "travailleurs à Paris ; ils attendent leur salaire depuis douze mois.\n\n"
          "Jusqu'à quand ?\n",
}
TITLES = {"ur": "مزدوروں کے ساتھ یکجہتی", "tl": "Pakikiisa sa mga manggagawang migrante",
          "fr": "Solidarité avec les travailleurs sans papiers"}
AUTHORS = {"ur": "مہاجر مزدوروں کا اتحاد", "tl": "Alyansa ng mga Migrante",
           "fr": "Le Collectif des migrants"}

LAYOUT_COUNT = {4: 4 + 3 + 1, 7: 7 + 6 + 1}  # languages -> PDFs of one statement


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Argos packages to and from English for every language, in one directory."""
    built = Path(tempfile.mkdtemp(prefix="argos-mixed-"))
    directory = tmp_path_factory.mktemp("argos-mixed-packages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(directory))
        seed = 100
        for other in ("es", "ar", "fa", "ur", "tl", "fr"):
            for pair in (("en", other), (other, "en")):
                seed += 1
                install(build_package(built, *pair, seed=seed, mixed=True,
                                      tokenizer_size=1500, eos_bias=2.75))
    shutil.rmtree(built)
    return directory


def machine_entries(project, slug, language):
    path = project.po_path(slug, language)
    return [e for e in active_entries(polib.pofile(str(path))) if "fuzzy" in e.flags]


def review_all(project, slug, language, source_language):
    """A reviewer's pass: every entry translated (keeping the source's numbers, written in
    the target's digits, and its end mark) and no longer fuzzy."""
    path = project.po_path(slug, language)
    catalog = polib.pofile(str(path), wrapwidth=79)
    target = languages.get(language)
    word = {"en": "Reviewed", "es": "Revisado", "ar": "مراجَع", "fa": "بازبینی‌شده",
            "ur": "نظرثانی", "tl": "Nasuri", "fr": "Relu"}[language]
    for entry in active_entries(catalog):
        numbers = [target.write_digits(n, target.digits) for n in
                   re.findall(r"\d+", entry.msgid)]
        end = entry.msgid.rstrip()[-1:]
        mark = next((m for kind, m in target.marks.items()
                     if languages.get(source_language).marks.get(kind) == end), "")
        entry.msgstr = target.opening_marks.get(mark, "") + " ".join([word, *numbers]) + (
            target.space_before.get(mark, "") + mark if mark else "")
        entry.flags = [f for f in entry.flags if f != "fuzzy"]
        entry.previous_msgid = None
        entry.tcomment = ""
    catalog.save(str(path))


def pdf_fonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.slow
def test_statements_in_arabic_persian_and_spanish_give_every_pdf(tmp_path, monkeypatch,
                                                                  packages):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    root = write_project(tmp_path / "p", {"amal": STATEMENT_AR, "zanan": STATEMENT_FA,
                                          "hogar": STATEMENT_ES})
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    report = translate(project)
    assert report.machine > 0
    # Every target language of every statement got machine output, from mixed-script
    # models: the output carries pieces of other scripts (a check warns of them), and
    # the number of the source comes in the target's own digits.
    for slug, source, number in (("amal", "ar", "٣٨"), ("zanan", "fa", "۳۸"),
                                 ("hogar", "es", "38")):
        for target in project.target_languages(source):
            entries = machine_entries(project, slug, target)
            assert entries, (slug, target)
            with_number = [e for e in entries if number in e.msgid]
            expected = languages.get(target).write_digits("38")
            assert any(expected in e.msgstr for e in with_number), (slug, target)
            assert not any(n in e.msgstr for e in with_number for n in {"٣٨", "۳۸", "38"}
                           - {expected}), (slug, target)
    findings = run_checks(project)
    assert {"foreign-script", "latin-words"} & {f.check for f in findings}
    assert not [f for f in findings if f.check in ("digits",)]
    # Drafts: every layout, every language, though the text mixes scripts.
    report = build(project)
    assert len(report.written) == 3 * LAYOUT_COUNT[4]
    # Finals, once reviewed.
    for slug, source in (("amal", "ar"), ("zanan", "fa"), ("hogar", "es")):
        for target in project.target_languages(source):
            review_all(project, slug, target, source)
    assert [str(f) for f in run_checks(project) if f.severity == "error"] == []
    report = build(project, final=True)
    assert len(report.written) == 3 * LAYOUT_COUNT[4]
    text = subprocess.run(["pdftotext", str(root / "build" / "amal" / "amal.en.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Reviewed 38" in text and "DRAFT" not in text


@pytest.mark.slow
def test_urdu_tagalog_and_french_end_to_end(tmp_path, monkeypatch, packages):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    root = write_project(tmp_path / "p", {}, config='[tool.pamphlet]\nlanguages = '
                         '["en", "es", "ar", "fa", "ur", "tl", "fr"]\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    for language, raw in RAW.items():
        path = tmp_path / f"{language}.txt"
        path.write_text(raw, encoding="utf-8")
        out = io.StringIO()
        assert main(["import", str(path), "--lang", language, "--slug", f"s-{language}"],
                    stdout=out, stderr=io.StringIO()) == 0
        assert "could not guess: origin" in out.getvalue()
        text = (root / "source" / f"s-{language}.md").read_text(encoding="utf-8")
        assert f'title: "{TITLES[language]}"' in text, text
        assert f'author: "{AUTHORS[language]}"' in text, text
        assert "date: 2021-03-08" in text, text
    update(project)
    # Catalogs with the language's own headers.
    header = polib.pofile(str(project.po_path("s-fr", "ur"))).metadata
    assert header["Language"] == "ur" and header["Plural-Forms"] == languages.plural_forms("ur")
    assert header["Language-Team"].startswith("Urdu")
    assert polib.pofile(str(project.po_path("s-ur", "tl"))).metadata["Language"] == "tl"
    translate(project)
    run_checks(project)  # no traceback, whatever the machine output
    report = build(project)  # with the English statement write_project adds
    assert len(report.written) == 4 * LAYOUT_COUNT[7]
    for slug, source in (("s-ur", "ur"), ("s-tl", "tl"), ("s-fr", "fr"), ("caravan", "en")):
        for target in project.target_languages(source):
            review_all(project, slug, target, source)
    assert [str(f) for f in run_checks(project) if f.severity == "error"] == []
    report = build(project, final=True, layouts=["single"])
    assert len(report.written) == 4 * 7
    # Urdu is set in Noto Nastaliq Urdu: the font its profile names, which the
    # stylesheet uses and the glyph check tested.
    for pdf in ("s-fr/s-fr.ur.pdf", "s-ur/s-ur.ur.pdf", "caravan/caravan.ur.pdf"):
        assert "Noto-Nastaliq-Urdu" in pdf_fonts(root / "build" / pdf), pdf


@pytest.mark.slow
def test_adding_urdu_tagalog_and_french_to_a_copy_of_the_project(repo_copy):
    pyproject = repo_copy / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('languages = ["en", "es", "ar", "fa"]',
                                      'languages = ["en", "es", "ar", "fa", "ur", "tl", "fr"]'),
                         encoding="utf-8")
    project = load_project(repo_copy)
    report = update(project)
    slugs = project.slugs()
    assert sorted(p.relative_to(repo_copy).as_posix() for p in report.written) == sorted(
        f"locale/{lang}/{slug}.po" for lang in ("ur", "tl", "fr") for slug in slugs)
    for language, team, plural in (("ur", "Urdu", "nplurals=2; plural=(n != 1);"),
                                   ("fr", "French", "nplurals=3;"),
                                   ("tl", "Tagalog", "nplurals=2;")):
        header = polib.pofile(str(project.po_path(slugs[0], language))).metadata
        assert header["Language"] == language
        assert header["Language-Team"].startswith(team)
        assert header["Plural-Forms"].startswith(plural)
        assert header["Plural-Forms"] == languages.plural_forms(language)
    report = build(project, slugs[:1], languages=["ur", "tl", "fr"], to=["pdf"])
    assert len(report.written) == 3 + 3  # each alone, each beside the source
    report = build(project, slugs[:1], layouts=["multilingual"], to=["pdf"])
    assert len(report.written) == 1
    folder = repo_copy / "build" / slugs[0]
    assert "Noto-Nastaliq-Urdu" in pdf_fonts(folder / f"{slugs[0]}.ur.pdf")
    assert "Noto-Nastaliq-Urdu" in pdf_fonts(folder / f"{slugs[0]}.multilingual.pdf")
    # The four languages the embedded statements are reviewed in still build as finals.
    assert len(build(project, slugs[:1], languages=["es", "ar", "fa"], final=True,
                     to=["pdf"]).written) \
        == 3 + 3
