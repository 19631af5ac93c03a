"""Script checks: no Latin words left in Arabic script, letters of the right script."""

from __future__ import annotations

import unicodedata

from workflow.languages.profile import LATIN
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
