"""Number checks: the same quantities in any digits, in the language's own digits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from workflow.languages import DIGIT_SYSTEMS, WESTERN_DIGITS, to_ascii_digits
from workflow.languages.profile import Profile, write_separators
from workflow.qa.context import Context
from workflow.qa.registry import ERROR, CheckFailure, check
from workflow.qa.text import (
    DECIMAL_ONLY,
    DIGIT,
    GROUP_ONLY,
    NUMBER,
    WORD,
    WORD_INSIDE,
    lost_and_added,
    normalise,
    prose,
)


def number_value(token: str) -> str:
    """A number as written in any script and convention -> one canonical ASCII form:
    "7,000", "7.000", "٧٠٠٠", "۷٬۰۰۰" and "7 000" all give "7000"; "2,5" gives "2.5"."""
    parts = re.split(r"([^0-9])", to_ascii_digits(token))
    out = [parts[0]]
    for index in range(1, len(parts), 2):
        separator, following = parts[index], parts[index + 1]
        if separator in GROUP_ONLY or (separator not in DECIMAL_ONLY and len(following) == 3):
            out.append(following)  # 7,000 / 7.000 / ۷٬۰۰۰: digit grouping either way round
        else:
            out.append("." + following)
    whole, dot, fraction = "".join(out).partition(".")
    return (whole.lstrip("0") or "0") + dot + fraction


@dataclass(frozen=True)
class Number:
    written: str  # as in the text, with any number words: "3 billion"
    value: str  # the digits alone, canonical: "3"
    scaled: str  # times its number words: "3000000000"
    power: int = 0  # the power of ten of its number words: 9


NEXT_WORD = re.compile(rf"\s+([{WORD_INSIDE}]+)")


def numbers_in(text: str, language: Profile) -> list[Number]:
    """Every number in the prose (not inside URLs or placeholders)."""
    text = prose(text)
    found = []
    for match in NUMBER.finditer(text):
        value = number_value(match.group(0))
        power, end = 0, match.end()
        while (word := NEXT_WORD.match(text, end)) and (
                normalise(word.group(1)) in language.number_words):  # 3 mil millones
            power += language.number_words[normalise(word.group(1))]
            end = word.end()
        written = text[match.start():end]
        try:
            scaled = format(Decimal(value).scaleb(power).normalize(), "f")
        except InvalidOperation:  # 1.2.3: not a quantity, compare as written
            scaled = value
        found.append(Number(written, value, scaled, power))
    return found


ROMAN = re.compile(r"(?<![\w])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
                   r"(?![\w])")


ROMAN_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}


def roman_value(numeral: str) -> int:
    values = [ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v
               for i, v in enumerate(values))


def named_numbers(text: str, language: Profile) -> set[str]:
    """Numbers written in words or Roman numerals in `text`, as canonical digit strings."""
    words = WORD.findall(normalise(text))
    found = {str(language.number_names[w]) for w in words if w in language.number_names}
    if language.clitics:  # و and ب attach to the word: وثلاثة
        found |= {str(language.number_names[w[1:]]) for w in words
                  if w[:1] in language.clitics and w[1:] in language.number_names}
    if language.roman_numerals:
        found |= {str(roman_value(m.group(0))) for m in ROMAN.finditer(text)
                  if m.group(0) and m.group(0) != "I"}  # "I" is a word, not a one
    return found


@check("numbers", ERROR)
def numbers(source: str, target: str, context: Context) -> None:
    """Every number of the source must be in the translation, in any digits."""
    want = numbers_in(source, context.source)
    have = numbers_in(target, context.target)
    missing = list(want)
    added = []
    for number in have:
        match = next((n for n in missing if n.scaled == number.scaled), None)
        # "12 million" = "12 ميليون": a number word the language table lacks is no error;
        # two known words that differ ("3 billion" ≠ "3 billones") are.
        match = match or next((n for n in missing if n.value == number.value
                               and not (n.power and number.power)), None)
        if match is None:
            added.append(number)
        else:
            missing.remove(match)
    # A number the other side writes as a word ("six" = ۶, "21st" = "XXI") is no error.
    missing = [n for n in missing if n.scaled not in named_numbers(target, context.target)]
    added = [n for n in added if n.scaled not in named_numbers(source, context.source)]
    problems = lost_and_added((n.written for n in missing), (n.written for n in added),
                               lost="missing from the translation:")
    if problems:
        raise CheckFailure("numbers differ, " + "; ".join(problems)
                           + " (Western, Arabic-Indic and Persian digits all count; "
                           f"{context.target.english_name} text takes "
                           f"{DIGIT_SYSTEMS[context.target.digits]} digits)")


DIGIT_RUN = re.compile(rf"{DIGIT}+")


@check("digits", ERROR)
def digits(source: str, target: str, context: Context) -> None:
    """Numbers in the digits of the translation's language (٣٨ in Arabic, ۳۸ in Persian,
    38 in English), not in those of another."""
    language = context.target
    allowed = {language.digits, *language.other_digits}
    wrong = []
    for match in DIGIT_RUN.finditer(prose(target)):
        systems = {system for system in DIGIT_SYSTEMS for char in match.group(0)
                   if char in system}
        names = ", ".join(DIGIT_SYSTEMS[system] for system in sorted(systems - allowed))
        if names:
            wrong.append(f"'{match.group(0)}' ({names})")
    if wrong:
        first = DIGIT_RUN.search(prose(target))
        example = first.group(0) if first else ""
        raise CheckFailure(f"number(s) in digits {language.english_name} does not use: "
                           f"{', '.join(dict.fromkeys(wrong))}; write "
                           f"{language.write_digits(example)}"
                           f" ({DIGIT_SYSTEMS[language.digits]} digits)")


LATIN_SEPARATOR = re.compile(r"(?<=[٠-٩۰-۹])[.,](?=[٠-٩۰-۹])")
ARABIC_SEPARATOR = re.compile(r"(?<=[0-9])[٫٬](?=[0-9])")


@check("separators", ERROR)
def separators(source: str, target: str, context: Context) -> None:
    """The separators inside a number match its digits: ۱٬۵۰۰ and ۲٫۵ (٬ ٫) with
    Arabic-Indic or Persian digits, 1,500 and 2.5 with Western ones. A Latin comma among
    Persian digits (۱,۵۰۰) reads as a decimal mark: 1.5."""
    wrong = []
    for match in NUMBER.finditer(prose(target)):
        number = match.group(0)
        if LATIN_SEPARATOR.search(number):
            digits = next(system for system in DIGIT_SYSTEMS if system != WESTERN_DIGITS
                          and any(char in system for char in number))
        elif ARABIC_SEPARATOR.search(number):
            digits = WESTERN_DIGITS
        else:
            continue
        wrong.append(f"'{number}' (write {write_separators(number, digits)})")
    if wrong:
        raise CheckFailure(f"Latin and Arabic-script number separators mixed: "
                           f"{', '.join(dict.fromkeys(wrong))}; with Arabic-Indic or Persian"
                           " digits ٬ groups thousands and ٫ marks decimals")
