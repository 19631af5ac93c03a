"""Script checks: no words left untranslated (Latin in Arabic script, English function
words in Spanish), letters of the right script."""

from __future__ import annotations

import unicodedata

from workflow import languages
from workflow.languages.profile import LATIN, Profile
from workflow.qa.context import Context
from workflow.qa.registry import ERROR, WARNING, CheckFailure, check
from workflow.qa.text import (
    LATIN_WORD,
    WORD,
    inside_latin_parenthesis,
    prose,
    quote_list,
    without_terms,
)


@check("latin-words", ERROR)
def latin_words(source: str, target: str, context: Context) -> None:
    """No Latin-script words left in an Arabic-script translation (do-not-translate
    glossary terms and glosses in parentheses excepted)."""
    if context.target.script is LATIN:
        return
    text = without_terms(prose(target), context.keep)
    left = [m.group(0) for m in LATIN_WORD.finditer(text)
            if not inside_latin_parenthesis(text, m.start())]
    if left:
        raise CheckFailure(f"Latin-script word(s) left untranslated: "
                           f"{quote_list(dict.fromkeys(left))} (translate or transliterate "
                           "them; a name that must stay as it is goes in the glossary with "
                           "dnt=yes, or in parentheses after the translation)")


# Phrases every language borrows as they are: their words are no leftovers.
LOAN_PHRASES = ("de facto", "de jure", "en masse", "en route", "per se", "vis-à-vis",
                "coup d'état", "coup d’état", "raison d'être", "raison d’être", "status quo",
                "laissez-faire", "par excellence", "fait accompli", "force majeure",
                "tour de force", "à la carte", "sine qua non", "ad hoc", "pro bono")


def _left_words(text: str, target: Profile, source: Profile) -> dict[str, Profile]:
    """Function words of the source language, or of English (machine translation's
    pivot), in a Latin-script text of another language: word -> whose. A function word
    in a name ("Alliance of Middle Eastern Socialists", "La Via Campesina") is the
    name's."""
    others = [profile for profile in (source, languages.get(languages.LINGUA_FRANCA))
              if profile.code != target.code and profile.script is LATIN]
    words = list(LATIN_WORD.finditer(text))
    found: dict[str, Profile] = {}
    for index, match in enumerate(words):
        word = match.group(0).lower()
        if word in target.common_words:
            continue
        language = next((p for p in others if word in p.common_words), None)
        if language is None:
            continue
        before = words[index - 1].group(0) if index else ""
        after = words[index + 1].group(0) if index + 1 < len(words) else ""
        if after[:1].isupper() and (before[:1].isupper() or match.group(0)[:1].isupper()):
            continue  # in a name: Bank of America, La Via Campesina, The Guardian
        found.setdefault(match.group(0), language)
    return found


@check("untranslated-words", WARNING)
def untranslated_words(source: str, target: str, context: Context) -> None:
    """No words of the source language or of English left in a Latin-script translation:
    their function words ("the", "of", "de la") are never cognates or names."""
    if context.target.script is not LATIN or not context.target.common_words:
        return
    text = without_terms(prose(target), (*context.keep, *LOAN_PHRASES))
    found = _left_words(text, context.target, context.source)
    if found:
        names = dict.fromkeys(language.english_name for language in found.values())
        raise CheckFailure(f"{' or '.join(names)} word(s) left in "
                           f"{context.target.english_name} text: {quote_list(found)} "
                           "(translate the words around them too; a name that must stay as it "
                           "is goes in the glossary with dnt=yes)")


@check("foreign-script", WARNING)
def foreign_script(source: str, target: str, context: Context) -> None:
    """No words of another script (Arabic script in English, say) left in a Latin-script
    translation: a name machine translation did not transliterate (do-not-translate
    glossary terms excepted)."""
    if context.target.script is not LATIN:
        return  # Latin words in Arabic script: see latin-words
    text = without_terms(prose(target), context.keep)
    left = context.target.foreign_words(text)
    if left:
        raise CheckFailure(f"word(s) of another script left in {context.target.english_name}"
                           f" text: {quote_list(dict.fromkeys(left))} (transliterate or "
                           "translate them; a name that must stay as it is goes in the "
                           "glossary with dnt=yes)")


def _letters_failure(found: dict[str, str], text: str, what: str) -> CheckFailure:
    parts = []
    for letter, replacement in found.items():
        word = next((w for w in WORD.findall(text) if letter in w), letter)
        name = unicodedata.name(letter, "").title()
        parts.append(f"{letter} (U+{ord(letter):04X} {name}) in '{word}': use {replacement}")
    return CheckFailure(f"{what}: " + "; ".join(parts))


@check("letters", ERROR)
def letters(source: str, target: str, context: Context) -> None:
    """Letters and digits of the right script: Persian ی ک, not Arabic ي ك, and the
    other way round."""
    language = context.target
    found = {c: language.wrong_letters[c] for c in dict.fromkeys(target)
             if c in language.wrong_letters}
    if found:
        raise _letters_failure(found, target, f"{language.wrong_letters_of} letter or digit "
                                              f"in {language.code} text")


@check("unusual-letters", WARNING)
def unusual_letters(source: str, target: str, context: Context) -> None:
    """Letters that are rare in the language, such as ة in Persian."""
    language = context.target
    found = {c: language.unusual_letters[c] for c in dict.fromkeys(target)
             if c in language.unusual_letters}
    if found:
        raise _letters_failure(found, target, "unusual letter (fine in a fixed Arabic "
                                              "phrase, otherwise a copy-paste)")
