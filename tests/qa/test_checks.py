"""`pamphlet check`: one passing and one failing example per check, planted errors in a
catalog reported at their lines, the real catalogs free of errors, and the CLI."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import REPO, STATEMENT_EN, run
from workflow.catalog.model import MACHINE_MARK
from workflow.catalog.pofile import msgid_lines, write_po
from workflow.config import load_project
from workflow.glossary import Glossary
from workflow.qa import CHECKS, CheckFailure, make_context, run_checks, runner
from workflow.qa.checks.fluency import length, repeated_phrase, repeated_words, unchanged
from workflow.qa.checks.glossary import glossary_terms
from workflow.qa.checks.machine import low_confidence, machine_copy
from workflow.qa.checks.markup import markup, placeholders, tags, urls
from workflow.qa.checks.numbers import digits, number_value, numbers, separators
from workflow.qa.checks.punctuation import brackets, end_punctuation, punctuation
from workflow.qa.checks.script import (
    foreign_script,
    latin_words,
    letters,
    untranslated_words,
    unusual_letters,
)
from workflow.qa.checks.spelling import zwnj
from workflow.qa.checks.whitespace import (
    control_characters,
    double_space,
    newlines,
    tabs,
    whitespace,
)
from workflow.update import update

GLOSSARY = Glossary(
    rows=({"en": "caravan", "es": "caravana", "ar": "القافلة", "fa": "کاروان"},
          {"en": "migrant(s)", "es": "migrante(s)", "ar": "المهاجر / المهاجرون",
           "fa": "مهاجر / مهاجران"},
          {"en": "you (addressing readers)", "es": "ustedes"}),
    keep=("IMA",))


def fails(check, source: str, target: str, language: str = "es", entry: dict | None = None
          ) -> bool:
    """True if `check` rejects `target` as a translation of the English `source`; `entry`:
    what the context knows of the entry (machine output, its confidence)."""
    try:
        check(source, target, replace(make_context(language, "en", GLOSSARY), **(entry or {})))
    except CheckFailure:
        return True
    return False


# (check, language, source, a good translation, a bad one): every check appears here.
EXAMPLES = [
    (placeholders, "es", "Hello {name}, you have %d messages.",
     "Hola {name}, tienen %d mensajes.", "Hola {nombre}, tienen %d mensajes."),
    (markup, "es", "Read [our statement](https://x.org/s) **today**.",
     "Lean [nuestra declaración](https://x.org/s) **hoy**.",
     "Lean nuestra declaración **hoy**."),
    (markup, "fa", "Run `pamphlet check` now.", "اکنون `pamphlet check` را اجرا کنید.",
     "اکنون `pamphlet چک` را اجرا کنید."),
    (numbers, "fa", "7000 migrants", "۷۰۰۰ مهاجر", "۷۰۰ مهاجر"),
    (numbers, "ar", "More than 7,000 people.", "أكثر من ٧٬٠٠٠ شخص.", "أكثر من ٧٠٠٠٠ شخص."),
    (numbers, "es", "3 billion euros", "3000 millones de euros", "3000 euros"),
    (urls, "ar", "See https://example.org/caravan or mail info@example.org.",
     "انظر https://example.org/caravan أو راسلوا info@example.org.",
     "انظر https://example.org/karavan أو راسلوا info@example.org."),
    (brackets, "ar", 'They said "never again" (once).', "قالوا «لن يتكرر أبدًا» (مرة).",
     "قالوا «لن يتكرر أبدًا (مرة)."),
    (punctuation, "ar", "How can we challenge this?", "كيف نتحدى ذلك؟", "كيف نتحدى ذلك?"),
    (punctuation, "es", "How can we challenge this?", "¿Cómo podemos desafiar esto?",
     "Cómo podemos desafiar esto?"),
    (end_punctuation, "fa", "We stand with the caravan.", "ما در کنار کاروان هستیم.",
     "ما در کنار کاروان هستیم"),
    (latin_words, "fa", "The IMA stands with the caravan.",
     "IMA در کنار کاروان است (International Migrants Alliance).",
     "IMA در کنار caravan است."),
    (letters, "fa", "We stand with the caravan.", "ما در کنار کاروان هستیم.",
     "ما در كنار كاروان هستيم."),
    (letters, "ar", "We stand with the caravan.", "نقف إلى جانب القافلة.",
     "نقف إلى جانب القافلة گروه."),
    (digits, "ar", "38 people", "٣٨ شخصًا", "۳۸ شخصًا"),
    (digits, "en", "۳۸ نفر", "38 people", "۳۸ people"),
    (digits, "fa", "38 people", "۳۸ نفر", "٣٨ نفر"),
    (separators, "fa", "1,500 people", "۱٬۵۰۰ نفر", "۱,۵۰۰ نفر"),
    (foreign_script, "es", "Nasrin Sotoudeh is in prison.", "Nasrin Sotoudeh está presa.",
     "نسرین ستوده está presa."),
    (unusual_letters, "fa", "the circle", "دایره", "دایرة"),
    (untranslated_words, "es", "We stand with the migrants of the caravan.",
     "Apoyamos a los migrantes de la caravana.", "Apoyamos a los migrantes of the caravana."),
    (zwnj, "fa", "They say so.", "آن‌ها چنین می‌گویند.", "آن‌ها چنین میگویند."),
    (repeated_words, "es", "We walk together.", "Caminamos juntos.",
     "Caminamos juntos juntos."),
    (repeated_phrase, "es", "We walk together.", "Caminamos juntos.",
     "Caminamos juntos caminamos juntos."),
    (length, "es", "More than seven thousand people walk together to the border.",
     "Más de siete mil personas caminan juntas hacia la frontera.", "Más de siete mil."),
    (unchanged, "es", "Solidarity with the caravan", "Solidaridad con la caravana",
     "Solidarity with the caravan"),
    (glossary_terms, "es", "We stand with the caravan.", "Apoyamos a la caravana.",
     "Apoyamos al convoy."),
    (tags, "es", "We walk **together**.", "Caminamos **juntos**.", "Caminamos <b>juntos</b>."),
    (newlines, "es", "We walk together.", "Caminamos juntos.", "Caminamos juntos.\n"),
    (whitespace, "ar", "We walk together.", "نسير معًا.", "نسير معًا. "),
    (double_space, "fa", "We walk together.", "ما با هم راه می‌رویم.", "ما با هم  راه می‌رویم."),
    (tabs, "es", "We walk together.", "Caminamos juntos.", "Caminamos\tjuntos."),
    (control_characters, "fa", "We walk together.", "ما با هم\u200c\u200fراه می\u200cرویم.",
     "ما با هم \u202eراه می\u200cرویم."),
    (machine_copy, "ar", "More than 7000 people walk together.", "يسير أكثر من ٧٠٠٠ شخص معًا.",
     "More than ٧٠٠٠ people walk together.", {"machine": True}),
    (low_confidence, "es", "We walk together.", "Caminamos juntos.", "Caminamos juntos.",
     {"machine": True, "min_confidence": 0.4}, {"confidence": 0.62}, {"confidence": 0.31}),
]


def test_every_check_has_examples():
    assert {c.function for c in CHECKS} == {example[0] for example in EXAMPLES}
    assert not fails(machine_copy, "We walk together.", "We walk together.", "ar")  # reviewed
    assert len({c.name for c in CHECKS}) == len(CHECKS)


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e[0].__name__}-{e[1]}" for e in EXAMPLES])
def test_check_passes_good_and_fails_bad(example):
    # (check, language, source, good, bad[, entry[, entry of good, entry of bad]])
    check, language, source, good, bad, entry, good_entry, bad_entry = (
        *example, {}, {}, {})[:8]
    assert fails(check, source, good, language, {**entry, **good_entry}) is False
    assert fails(check, source, bad, language, {**entry, **bad_entry}) is True


def test_numbers_across_scripts_and_separators():
    assert {number_value(n) for n in ("7,000", "7000", "٧٠٠٠", "۷٬۰۰۰", "7.000", "7 000",
                                      "7\u202f000")} == {"7000"}
    assert number_value("2,5") == number_value("2.5") == number_value("۲٫۵") == "2.5"
    assert fails(numbers, "7000 migrants", "۷۰۰۰ مهاجر", "fa") is False
    assert fails(numbers, "Nov 3, 2018", "٣ تشرين الثاني/نوفمبر ٢٠١٨", "ar") is False
    assert fails(numbers, "12 million", "۱۲ میلیون", "fa") is False
    assert fails(numbers, "the U.S.", "ایالات متحده", "fa") is False
    assert fails(numbers, "3 billion euros", "3 mil millones de euros", "es") is False
    assert fails(numbers, "3 billion euros", "3 billones de euros", "es") is True  # 10^12
    # Numbers in words or Roman numerals on the other side.
    assert fails(numbers, "a ban on six countries", "حظر على ٦ دول", "ar") is False
    assert fails(numbers, "a ban on 6 countries", "حظر سفر على ست دول", "ar") is False
    assert fails(numbers, "the 21st century", "el siglo XXI", "es") is False


def test_message_names_what_to_fix():
    context = make_context("fa", "en", GLOSSARY)
    with pytest.raises(CheckFailure, match="'7000'"):
        numbers("7000 migrants", "۷۰۰ مهاجر", context)
    with pytest.raises(CheckFailure, match="ك .*'كاروان'.*use ک"):
        letters("caravan", "كاروان", context)
    with pytest.raises(CheckFailure, match="'\\?' after 'بکشیم' should be '؟'"):
        punctuation("Can we?", "آیا می‌توانیم آن را به چالش بکشیم?", context)


def test_false_positives_seen_in_real_translations():
    # A quotation split over two segments is open in both.
    assert fails(brackets, '"We are here.', "«ما این‌جا هستیم.", "fa") is False
    # Apostrophes are no quotation marks; Arabic writers may reverse “ ”.
    assert fails(brackets, "The migrants’ rights", "Los derechos de los migrantes", "es") \
        is False
    assert fails(brackets, "the “other”", "”الآخر“", "ar") is False
    # A gloss in parentheses and a comma in a Western-digit number.
    assert fails(latin_words, "The GCM", "پیمان جهانی مهاجرت (GCM)", "fa") is False
    assert fails(punctuation, "7,000 people", "7,000 شخص", "ar") is False
    # The final full stop of "U.S." is no sentence end.
    assert fails(end_punctuation, "Headed for the U.S.", "رهسپار ایالات متحده", "fa") is False
    # "migrants, immigrants": punctuation between is no repetition; nor is a repeat the
    # source has too.
    assert fails(repeated_words, "migrants, immigrants", "مهاجران، مهاجران مقیم", "fa") \
        is False
    assert fails(repeated_phrase, "No war, no war! No war no war", "No a la guerra no a la "
                 "guerra", "es") is False
    # A whole sentence or clause again after punctuation: machine translation looping.
    assert fails(repeated_phrase, "The caravan (from Honduras) arrived.",
                 "کاروان (از هندوراس) رسید. کاروان (از هندوراس) رسید.", "fa")
    assert fails(repeated_phrase, "The caravan arrived.",
                 "la caravana llegó, la caravana llegó, la caravana llegó", "es")
    assert fails(repeated_phrase, "Stop the war. Stop the war.",
                 "Paren la guerra. Paren la guerra.", "es") is False  # the source repeats
    assert fails(repeated_phrase, "Yes. Yes.", "Sí. Sí.", "es") is False
    assert fails(repeated_phrase, "No more war, no more walls.",
                 "No más guerra, no más muros.", "es") is False
    # Short sources grow when acronyms are spelled out.
    assert fails(length, "IMA on GCM", "بیانیه اتحاد بین‌المللی مهاجران (IMA) درباره "
                 "پیمان جهانی مهاجرت (GCM)", "fa") is False
    # Inflected glossary renderings; a row with a note on when it applies is not checked.
    assert fails(glossary_terms, "migrants", "المهاجرين", "ar") is False
    assert fails(glossary_terms, "The caravans", "Las caravanas", "es") is False
    assert fails(glossary_terms, "Can you come?", "¿Pueden venir?", "es") is False
    # Nothing to translate: no "unchanged" warning.
    assert fails(unchanged, "https://example.org", "https://example.org", "es") is False


@settings(max_examples=150, deadline=None)
@given(source=st.text(max_size=60), target=st.text(max_size=60),
       language=st.sampled_from(["es", "ar", "fa"]))
def test_checks_only_ever_raise_check_failure(source, target, language):
    context = make_context(language, "en", GLOSSARY)
    for item in CHECKS:
        try:
            item.function(source, target, context)
        except CheckFailure:
            pass


# --- Planted errors in a catalog ---------------------------------------------------------

EXTRA = """\
Read [the statement](https://example.org/caravan) today.

Write to info@example.org for **posters** and leaflets.

Share the tag `#caravan` with {count} friends.

The march of 2,500 km began in Honduras in October.

Walls and borders (and their guards) divide us.

They said “never again” and meant it.

"""

CLEAN = {
    "fa": {
        "Solidarity with the caravan": "همبستگی با کاروان",
        "Alliance of Middle Eastern Socialists": "اتحاد سوسیالیست‌های خاورمیانه",
        "No one is illegal": "هیچ انسانی غیرقانونی نیست",
        "We express our solidarity with the caravan.":
            "ما همبستگی خود را با کاروان اعلام می‌کنیم.",
        "The U.S. army has killed thousands.": "ارتش ایالات متحده هزاران نفر را کشته است.",
        "More than 7000 people walk together.": "بیش از ۷۰۰۰ نفر با هم راه می‌روند.",
        "How can we challenge this?": "چگونه می‌توانیم این را به چالش بکشیم؟",
        "What will happen next?": "بعد چه خواهد شد؟",
        "Read [the statement](https://example.org/caravan) today.":
            "[بیانیه](https://example.org/caravan) را امروز بخوانید.",
        "Write to info@example.org for **posters** and leaflets.":
            "برای **پوستر** و اعلامیه به info@example.org بنویسید.",
        "Share the tag `#caravan` with {count} friends.":
            "برچسب `#caravan` را با {count} دوست به اشتراک بگذارید.",
        "The march of 2,500 km began in Honduras in October.":
            "راهپیمایی ۲٬۵۰۰ کیلومتری در ماه اکتبر از هندوراس آغاز شد.",
        "Walls and borders (and their guards) divide us.":
            "دیوارها و مرزها (و نگهبانانشان) ما را از هم جدا می‌کنند.",
        "They said “never again” and meant it.": "آنان گفتند «دیگر هرگز» و منظورشان همین بود.",
        "Nov 3, 2018": "۳ نوامبر ۲۰۱۸",
    },
    "es": {
        "Solidarity with the caravan": "Solidaridad con la caravana",
        "Alliance of Middle Eastern Socialists": "Alianza de Socialistas de Medio Oriente",
        "No one is illegal": "Ningún ser humano es ilegal",
        "We express our solidarity with the caravan.":
            "Expresamos nuestra solidaridad con la caravana.",
        "The U.S. army has killed thousands.": "El ejército de EE. UU. ha matado a miles.",
        "More than 7000 people walk together.": "Más de 7000 personas caminan juntas.",
        "How can we challenge this?": "¿Cómo podemos desafiar esto?",
        "What will happen next?": "¿Qué pasará después?",
        "Read [the statement](https://example.org/caravan) today.":
            "Lean [la declaración](https://example.org/caravan) hoy.",
        "Write to info@example.org for **posters** and leaflets.":
            "Escriban a info@example.org para pedir **carteles** y volantes.",
        "Share the tag `#caravan` with {count} friends.":
            "Compartan la etiqueta `#caravan` con {count} amigos.",
        "The march of 2,500 km began in Honduras in October.":
            "La marcha de 2.500 km comenzó en Honduras en octubre.",
        "Walls and borders (and their guards) divide us.":
            "Muros y fronteras (y sus guardias) nos dividen.",
        "They said “never again” and meant it.": "Dijeron «nunca más» y lo decían en serio.",
        "Nov 3, 2018": "3 de noviembre de 2018",
    },
}

# msgid -> (the translation with one error planted, the check that must report it).
PLANTED = {
    "fa": {
        "Solidarity with the caravan": ("همبستگی با قافله", "glossary"),
        "Alliance of Middle Eastern Socialists": ("اتحاد سوسیالیست‌های خاورمیانة",
                                                  "unusual-letters"),
        "No one is illegal": ("هيچ انساني غيرقانوني نيست", "letters"),
        "We express our solidarity with the caravan.":
            ("ما همبستگی خود را با کاروان اعلام می‌کنیم", "end-punctuation"),
        "The U.S. army has killed thousands.": ("ارتش U.S. هزاران نفر را کشته است.",
                                                "latin-words"),
        "More than 7000 people walk together.": ("بیش از ۷۰۰ نفر با هم راه می‌روند.",
                                                 "numbers"),
        "How can we challenge this?": ("چگونه می‌توانیم این را به چالش بکشیم?",
                                       "punctuation"),
        "What will happen next?": ("بعد چه چه خواهد شد؟", "repeated-words"),
        "Read [the statement](https://example.org/caravan) today.":
            ("[بیانیه](https://example.org/karavan) را امروز بخوانید.", "urls"),
        "Write to info@example.org for **posters** and leaflets.":
            ("برای پوستر و اعلامیه به info@example.org بنویسید.", "markup"),
        "Share the tag `#caravan` with {count} friends.":
            ("برچسب `#caravan` را با دوستانتان به اشتراک بگذارید.", "placeholders"),
        "The march of 2,500 km began in Honduras in October.": ("۲٬۵۰۰ کیلومتر.", "length"),
        "Walls and borders (and their guards) divide us.":
            ("دیوارها و مرزها (و نگهبانانشان ما را از هم جدا می‌کنند.", "brackets"),
        "They said “never again” and meant it.":
            ("آنان گفتند «دیگر هرگز» و منظورشان همین بود همین بود.", "repeated-phrase"),
        "Nov 3, 2018": ("۳ نوامبر ۲۰۱۸ میلادی، روز تظاهراتهای سراسری", "zwnj"),
    },
    "es": {
        "Alliance of Middle Eastern Socialists": ("Alliance of Middle Eastern Socialists",
                                                  "unchanged"),
        "What will happen next?": ("Qué pasará después?", "punctuation"),
        "Nov 3, 2018": ("3 de noviembre de ۲۰۱۸", "digits"),
        "The march of 2,500 km began in Honduras in October.":
            ("La marcha de 2٬500 km comenzó en Honduras en octubre.", "separators"),
        "They said “never again” and meant it.":
            ("Dijeron «nunca más» and meant it.", "untranslated-words"),
        "Walls and borders (and their guards) divide us.":
            ("Muros y fronteras (y sus guardias) nos dividen، a todos.", "punctuation"),
        "The U.S. army has killed thousands.": ("El ejército de آمریکا ha matado a miles.",
                                                "foreign-script"),
        "Solidarity with the caravan": ("Solidaridad con la <b>caravana</b>", "tags"),
        "We express our solidarity with the caravan.":
            ("Expresamos nuestra solidaridad con la caravana.\n", "newlines"),
        "More than 7000 people walk together.": (" Más de 7000 personas caminan juntas.",
                                                 "whitespace"),
        "How can we challenge this?": ("¿Cómo podemos  desafiar esto?", "double-space"),
        "No one is illegal": ("Ningún ser humano es\tilegal", "tabs"),
        "Write to info@example.org for **posters** and leaflets.":
            ("Escriban a info@example.org para pedir **carteles** y \u202evolantes.",
             "control-characters"),
    },
}


@pytest.fixture
def catalogs(project):
    """The caravan statement with a paragraph of markup added, its catalogs written."""
    source = project.source_path("caravan")
    source.write_text(STATEMENT_EN.replace("Nov 3, 2018", EXTRA + "Nov 3, 2018"),
                      encoding="utf-8")
    project.glossary_path.parent.mkdir(parents=True, exist_ok=True)
    project.glossary_path.write_text("en,es,ar,fa,dnt,note\ncaravan,caravana,القافلة,کاروان,,\n"
                                     "IMA,,,,yes,acronym\n", encoding="utf-8")
    update(project)
    return project


def fill(project, language: str, translations: dict[str, str], states: dict[str, str]
         | None = None, flags: dict[str, list[str]] | None = None) -> dict[str, int]:
    """Write translations into a catalog; returns msgid -> line of its `msgid`."""
    path = project.po_path("caravan", language)
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = translations.get(entry.msgid, "")
        entry.flags += (flags or {}).get(entry.msgid, [])
        state = (states or {}).get(entry.msgid)
        if state == "machine":
            entry.tcomment = f"{MACHINE_MARK} argos en->{language}"
            entry.flags.append("fuzzy")
        elif state == "fuzzy":
            entry.flags.append("fuzzy")
            entry.previous_msgid = entry.msgid + " Today."
    write_po(path, catalog)
    lines = path.read_text(encoding="utf-8").split("\n")
    return {msgid: lines.index(f'msgid "{msgid}"') + 1 for msgid in translations}


def test_only_changed_catalogs_are_checked_again(catalogs, monkeypatch):
    fill(catalogs, "es", CLEAN["es"])
    fill(catalogs, "fa", CLEAN["fa"])
    first = run_checks(catalogs)
    checked = []
    real = runner.check_po
    monkeypatch.setattr(runner, "check_po", lambda path, *rest: checked.append(path.parent.name)
                        or real(path, *rest))
    assert run_checks(catalogs) == first and checked == []  # all from build/
    fill(catalogs, "fa", {**CLEAN["fa"], "Solidarity with the caravan": "کاروان ۷"})
    findings = run_checks(catalogs)
    assert checked == ["fa"] and [f.check for f in findings] == ["numbers"]
    # The glossary is an input of every catalog's findings.
    catalogs.glossary_path.write_text("en,es,ar,fa,dnt,note\n", encoding="utf-8")
    run_checks(catalogs)
    assert sorted(checked) == ["ar", "es", "fa", "fa"]


def test_catalog_messages_stay_on_one_line(catalogs):
    """The planted-error test finds msgid lines by text: every msgid fits on one line."""
    catalog = polib.pofile(str(catalogs.po_path("caravan", "fa")))
    assert {e.msgid for e in catalog} == set(CLEAN["fa"])
    assert set(CLEAN["es"]) == set(CLEAN["fa"])


def test_clean_catalogs_report_nothing(catalogs):
    fill(catalogs, "fa", CLEAN["fa"])
    fill(catalogs, "es", CLEAN["es"])
    assert run_checks(catalogs) == []


def test_planted_errors_reported_at_their_lines(catalogs):
    expected = set()
    for language, planted in PLANTED.items():
        states = {"More than 7000 people walk together.": "machine",
                  "Walls and borders (and their guards) divide us.": "fuzzy"}
        lines = fill(catalogs, language, {**CLEAN[language],
                                          **{m: t for m, (t, _) in planted.items()}}, states)
        expected |= {(f"locale/{language}/caravan.po", lines[msgid], name)
                     for msgid, (_, name) in planted.items()}
    findings = run_checks(catalogs)
    assert {(f.path, f.line, f.check) for f in findings} == expected
    # The checks of machine entries' marks are planted in tests/mt/test_review.py.
    machine_only = {"machine-copy", "confidence"}
    assert {c.name for c in CHECKS} - machine_only <= {name for _, _, name in expected}
    by_check = {(f.path[7:9], f.check): f for f in findings}
    assert by_check["fa", "numbers"].state == "machine"
    assert by_check["fa", "numbers"].severity == "error"
    assert by_check["fa", "brackets"].state == "fuzzy"
    assert by_check["fa", "glossary"].severity == "warning"
    assert by_check["es", "unchanged"].state == "reviewed"


def test_findings_point_at_the_msgid_line():
    text = ('msgid ""\nmsgstr ""\n"Language: fa\\n"\n\n#. title\n#: source/x.md\n#, fuzzy\n'
            '#| msgid "Old"\nmsgid ""\n"A long one "\n"wrapped"\nmsgstr "x"\n\n'
            'msgctxt "c"\nmsgid "B"\nmsgstr "y"\n')
    catalog = polib.pofile(text)
    lines = msgid_lines(text, catalog)
    assert [lines[entry.linenum] for entry in catalog] == [9, 15]


def test_untranslated_entries_are_not_checked(catalogs):
    fill(catalogs, "fa", {"More than 7000 people walk together.": ""})
    assert runner.check_catalog(catalogs, "caravan", "fa") == []
    assert runner.check_catalog(catalogs, "caravan", "ar") == []  # all untranslated


# --- The real catalogs ------------------------------------------------------------------


def test_real_catalogs_have_no_errors():
    """The reviewed translations in locale/ are careful human work: any error reported
    there is a false positive of a check."""
    findings = run_checks(load_project(REPO))
    assert [str(f) for f in findings if f.severity == "error"] == []


# --- CLI ----------------------------------------------------------------------------------


def test_cli_reports_errors_with_exit_code_1(catalogs):
    lines = fill(catalogs, "fa", {**CLEAN["fa"], "More than 7000 people walk together.":
                                  "بیش از ۷۰۰ نفر با هم راه می‌روند."})
    fill(catalogs, "es", CLEAN["es"])
    line = lines["More than 7000 people walk together."]
    code, out, _ = run("check")
    assert code == 1
    assert out.splitlines() == [
        f"locale/fa/caravan.po:{line}: [numbers] error: numbers differ, missing from the "
        "translation: '7000'; not in the source: '۷۰۰' (Western, Arabic-Indic and Persian "
        "digits all count; Persian text takes Persian digits)",
        "1 error(s), 0 warning(s) in 1 catalog(s)"]
    code, out, _ = run("check", "caravan", "--lang", "fa", "--json")
    assert code == 1
    assert json.loads(out) == [{
        "path": "locale/fa/caravan.po", "line": line, "check": "numbers",
        "severity": "error", "state": "reviewed",
        "message": "numbers differ, missing from the translation: '7000'; not in the "
                   "source: '۷۰۰' (Western, Arabic-Indic and Persian digits all count; "
                   "Persian text takes Persian digits)"}]
    code, out, _ = run("check", "--lang", "es")
    assert (code, out) == (0, "no problems found in the translated entries\n")


def test_cli_warnings_only_exit_0(catalogs):
    fill(catalogs, "fa", {**CLEAN["fa"], "Solidarity with the caravan": "همبستگی با قافله"})
    code, out, _ = run("check", "--lang", "fa")
    assert code == 0
    assert "[glossary] warning: glossary term not rendered as agreed: 'caravan' -> 'کاروان'" \
        in out
    assert out.splitlines()[-1] == "0 error(s), 1 warning(s) in 1 catalog(s)"


def test_cli_bad_arguments(catalogs):
    code, _, err = run("check", "--lang", "xx")
    assert code == 2 and "unknown language 'xx'" in err
    code, _, err = run("check", "nosuch")
    assert code == 2 and "no statement 'nosuch'" in err


def test_weblate_ignore_flags_silence_a_check_on_one_entry(catalogs):
    """`#, ignore-<check>`, with our name or Weblate's for the same check; `update` keeps
    the flag (msgmerge and msgcat would drop it)."""
    alliance = "Alliance of Middle Eastern Socialists"
    translations = {**CLEAN["es"], alliance: alliance,
                    "We express our solidarity with the caravan.":
                        "Expresamos nuestra solidaridad con la caravana",
                    "More than 7000 people walk together.": "Más de 700 personas caminan juntas.",
                    "No one is illegal": "Ningún ser humano es ilegal "}
    fill(catalogs, "es", translations)
    assert {f.check for f in run_checks(catalogs)} == {"unchanged", "end-punctuation",
                                                       "numbers", "whitespace"}
    fill(catalogs, "es", translations, flags={
        "Alliance of Middle Eastern Socialists": ["ignore-same"],  # Weblate's name
        "We express our solidarity with the caravan.": ["ignore-end-stop"],  # Weblate's
        "More than 7000 people walk together.": ["ignore-numbers"],  # ours
        "No one is illegal": ["ignore-length"]})  # another check: whitespace still reported
    assert [f.check for f in run_checks(catalogs)] == ["whitespace"]
    assert run("update")[0] == 0
    catalog = polib.pofile(str(catalogs.po_path("caravan", "es")))
    assert catalog.find("More than 7000 people walk together.").flags == ["ignore-numbers"]


def test_only_and_skip_choose_the_checks_of_a_run(catalogs):
    fill(catalogs, "es", {**CLEAN["es"], **{m: t for m, (t, _) in PLANTED["es"].items()}})
    everything = {f.check for f in run_checks(catalogs)}
    assert {"numbers", "tags", "tabs"} - everything == {"numbers"}
    code, out, _ = run("check", "--only", "tags", "tabs")
    assert code == 1 and {line.split("[")[1].split("]")[0] for line in out.splitlines()[:-1]
                          } == {"tags", "tabs"}
    code, out, _ = run("check", "--json", "--skip", "tags,tabs", "--skip", "unchanged")
    assert {f["check"] for f in json.loads(out)} == everything - {"tags", "tabs", "unchanged"}
    code, _, err = run("check", "--only", "nosuch")
    assert code == 2 and err.startswith("Error: unknown check 'nosuch' (checks: placeholders,")


def test_the_cache_key_covers_the_qa_and_language_code(tmp_path, monkeypatch):
    """Findings are kept under a hash of the code that makes them: a change to a language
    profile or to a check is a new key, a change to the typesetting is not."""
    from workflow import codehash
    from workflow.qa import cache

    copy = tmp_path / "workflow"
    shutil.copytree(Path(cache.__file__).parent.parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(codehash, "PACKAGE", copy)

    def fingerprint():
        cache.code_fingerprint.cache_clear()
        return cache.code_fingerprint()

    first = fingerprint()
    for changed in ("languages/es.py", "qa/checks/numbers.py", "segment.py", "glossary.py"):
        with (copy / changed).open("a", encoding="utf-8") as file:
            file.write("# changed\n")
        assert fingerprint() != first, changed
        first = fingerprint()
    (copy / "build.py").write_text("# not an input of any finding\n", encoding="utf-8")
    assert fingerprint() == first
    cache.code_fingerprint.cache_clear()
