"""What `check` missed in Latin-script translations: Arabic-script punctuation, and
English (or source-language) words left in the sentence."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from workflow.qa.checks.punctuation import punctuation
from workflow.qa.checks.script import untranslated_words
from workflow.qa.context import make_context
from workflow.qa.registry import CheckFailure

ROOT = Path(__file__).resolve().parents[2]


def fails(check, target: str, language: str, source_language: str = "en",
          source: str = "x") -> str | None:
    try:
        check(source, target, make_context(language, source_language))
    except CheckFailure as failure:
        return str(failure)
    return None


@pytest.mark.parametrize(("language", "source_language", "target", "message"), [
    ("es", "ar", "¿Hasta cuándo callará el mundo؟", "'؟' after 'mundo' should be '?'"),
    ("es", "fa", "Los trabajadores، las mujeres y los estudiantes.",
     "'،' after 'trabajadores' should be ','"),
    ("en", "ar", "Workers، students and women؛ all of them.",
     "'،' after 'Workers' should be ','; '؛' after 'women' should be ';'"),
    ("en", "fa", "How long will the world stay silent؟", "'؟' after 'silent' should be '?'"),
])
def test_arabic_script_marks_in_a_latin_script_translation(language, source_language, target,
                                                           message):
    assert fails(punctuation, target, language, source_language) == message


def test_marks_of_a_quoted_arabic_slogan_are_its_own():
    assert fails(punctuation, "They chanted «إلى متى؟» at the border.", "en", "ar") is None


@pytest.mark.parametrize(("language", "source_language", "target", "left"), [
    ("es", "en", "Exigimos el fin de the detention of migrants en la frontera.",
     "English word(s) left in Spanish text: 'the', 'of'"),
    ("es", "ar", "The caravana llegó a la frontera.",  # MT's English pivot shows through
     "English word(s) left in Spanish text: 'The'"),
    ("en", "es", "The caravan reached la frontera del norte.",
     "Spanish word(s) left in English text: 'la', 'del'"),
])
def test_words_left_untranslated_in_a_latin_script_translation(language, source_language,
                                                                target, left):
    assert fails(untranslated_words, target, language, source_language).startswith(left)


@pytest.mark.parametrize("target", [
    "El control social y general del Estado es total.",  # cognates
    "La Alliance of Middle Eastern Socialists apoya la caravana.",  # names
    "Lo publicó The Guardian y lo firmó La Via Campesina.",
    "Él no ha dicho nada a la prensa; son muchos.",  # Spanish words that are English too
])
def test_cognates_names_and_shared_words_are_no_leftovers(target):
    assert fails(untranslated_words, target, "es") is None


def test_a_name_starting_with_a_function_word_is_a_name():
    assert fails(untranslated_words, "It was signed by La Via Campesina.", "en", "es") is None


def test_borrowed_phrases_and_words_both_languages_have_are_no_leftovers():
    assert fails(untranslated_words, "A de facto ban, en masse and per se.", "en", "es") is None
    assert fails(untranslated_words, "On dit que le but est clair.", "fr", "en") is None


def test_no_leftovers_reported_in_the_reviewed_spanish_catalogs():
    found = []
    for path in sorted((ROOT / "locale" / "es").glob("*.po")):
        for entry in polib.pofile(str(path)):
            if entry.msgstr and (message := fails(untranslated_words, entry.msgstr, "es",
                                                  source=entry.msgid)):
                found.append((entry.msgstr, message))
    assert found == []
