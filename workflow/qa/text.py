"""Text helpers the checks share: words, numbers, brackets, prose without URLs and code."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from workflow import languages
from workflow.languages.profile import LATIN, SCRIPTS
from workflow.patterns import AUTOLINK, CODE, EMAIL, PLACEHOLDER, URL

# The kind of a sentence's end mark, whatever the script it is written in.
END_MARK_KINDS = {
    "?": "question mark", "؟": "question mark", "!": "exclamation mark", ".": "full stop",
    "۔": "full stop", "…": "ellipsis", ":": "colon", ";": "semicolon", "؛": "semicolon",
    ",": "comma", "،": "comma",
}


# A word: letters and digits, with the combining marks of Arabic script and the zero-width
# (non-)joiners of Persian inside it.
WORD_INSIDE = r"\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u200c\u200d"


WORD = re.compile(rf"[^\W_][{WORD_INSIDE}]*")


NOT_IN_WORD = re.compile(rf"[^{WORD_INSIDE}\s]+")  # punctuation, symbols


LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+")


NON_LATIN_LETTER = re.compile("|".join(script.letter_pattern.pattern for script in SCRIPTS
                                       if script is not LATIN))


ARABIC_VOWEL_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")


# Numbers: digits of any script, with grouping and decimal separators inside; groups of
# three split by spaces ("7 000") count as one number.
DIGIT = "[0-9٠-٩۰-۹]"


NUMBER = re.compile(rf"(?<!{DIGIT})(?:{DIGIT}{{1,3}}(?:[ \u00a0\u202f\u2009]{DIGIT}{{3}})+"
                    rf"(?!{DIGIT})|{DIGIT}+(?:[.,٫٬]{DIGIT}+)*)")


GROUP_ONLY = "٬ \u00a0\u202f\u2009"


DECIMAL_ONLY = "٫"


# Brackets and quotes, in classes: a translation may use other quote marks than its
# source, but must open and close them as the source does.
BRACKETS = {"(": ")", "[": "]", "{": "}", "«": "»", "‹": "›", "“": "”", "‘": "’"}


BRACKET_CLASS = {"(": "parentheses", ")": "parentheses", "[": "square brackets",
                 "]": "square brackets", "{": "braces", "}": "braces",
                 "«": "quotation marks", "»": "quotation marks", "“": "quotation marks",
                 "”": "quotation marks", '"': "quotation marks",
                 "‹": "single quotation marks", "›": "single quotation marks",
                 "‘": "single quotation marks", "’": "single quotation marks"}


TRAILING_CLOSERS = ")]}»›”’\"'"


# "U.S.", "EE. UU.", "P.S.", "پ.ن.": a final full stop that belongs to an abbreviation.
ABBREVIATION_END = re.compile(r"(?:(?<!\w)\w{1,3}\.\s?){2,}$")


KNOWN_ABBREVIATIONS = frozenset(a for profile in languages.all_profiles()
                                for a in profile.abbreviations)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Where URLs, e-mail addresses, inline code and link targets are: not prose."""
    spans = []
    for pattern in (CODE, URL, EMAIL, AUTOLINK, PLACEHOLDER):
        spans += [m.span() for m in pattern.finditer(text)]
    spans += [(m.start(1), m.end(1)) for m in re.finditer(r"\]\(([^)\n]*)\)", text)]
    return sorted(spans)


def prose(text: str) -> str:
    """`text` with URLs, e-mails, code, placeholders and link targets blanked out (same
    length, so positions still match)."""
    chars = list(text)
    for start, end in protected_spans(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def normalise(text: str) -> str:
    """For comparing words: NFC, case-folded, without Arabic vowel marks and tatweel."""
    return ARABIC_VOWEL_MARKS.sub("", unicodedata.normalize("NFC", text)).casefold()


def quote_list(items: Iterable[str]) -> str:
    return ", ".join(f"'{item}'" for item in items)


def lost_and_added(missing: Iterable[str], added: Iterable[str], lost: str = "missing",
                    prefix: str = "") -> list[str]:
    """The two halves of a mismatch report: what the translation lost, what it added."""
    missing, added = list(missing), list(added)
    return ([f"{prefix}{lost} {quote_list(missing)}"] if missing else []) + (
        [f"{prefix}not in the source: {quote_list(added)}"] if added else [])


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def differences(source: Iterable[str], target: Iterable[str]) -> tuple[Counter, Counter]:
    """(missing from the target, not in the source), as multisets."""
    want, have = Counter(source), Counter(target)
    return want - have, have - want


def without_terms(text: str, terms: Iterable[str]) -> str:
    for term in sorted(terms, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return text


def inside_latin_parenthesis(text: str, index: int) -> bool:
    """True inside a parenthesis of Latin text, such as a gloss '(Global Compact, GCM)'."""
    start = text.rfind("(", 0, index)
    end = text.find(")", index)
    if start < 0 or end < 0 or ")" in text[start:index]:
        return False
    inner = text[start + 1:end]
    return not NON_LATIN_LETTER.search(inner) and bool(LATIN_WORD.search(inner))
