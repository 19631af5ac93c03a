"""Quality checks on translated entries: small named checks, each with a severity.

Every check is a function `(source, target, context)` registered with `@check(name,
severity)`; it returns quietly when the translation is fine and raises `CheckFailure` with
a message the translator can act on when it is not. What differs between languages (end
marks, letters of the other script, number words, typical length) lives in `LANGUAGES`,
so the checks themselves never ask which language they are looking at.

`check_catalog` and `run_checks` apply every check to the translated entries (reviewed,
machine, fuzzy) of PO catalogs and return `Finding`s pointing at the entry's msgid line.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import polib
from rapidfuzz import fuzz

from workflow import languages
from workflow.catalog import active_entries, entry_state, machine_confidence
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fsutil import write_if_changed
from workflow.glossary import Glossary, load_glossary
from workflow.languages import DIGIT_SYSTEMS, to_ascii_digits
from workflow.languages.profile import LATIN, LATIN_MARKS, SCRIPTS, Profile
from workflow.pofile import read_po_located
from workflow.source import read_statement
from workflow.update import select_slugs

ERROR, WARNING = "error", "warning"
SEVERITIES = (ERROR, WARNING)


class CheckFailure(Exception):
    """What a check found wrong with one translation, in words the translator can act on."""


# --- Per-language rules come from the language profiles ------------------------------

# The kind of a sentence's end mark, whatever the script it is written in.
END_MARK_KINDS = {
    "?": "question mark", "؟": "question mark", "!": "exclamation mark", ".": "full stop",
    "۔": "full stop", "…": "ellipsis", ":": "colon", ";": "semicolon", "؛": "semicolon",
    ",": "comma", "،": "comma",
}


def language_rules(code: str) -> Profile:
    """The rules of a language: its profile."""
    return languages.get(code)


@dataclass(frozen=True)
class Term:
    """One glossary row for a language pair: how the source may write the term and the
    renderings the translation may use (alternatives split at ' / ', notes in brackets
    and '(s)' endings removed)."""

    agreed: str  # the target cell, as in the glossary, for messages
    source: tuple[str, ...]
    target: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    """Everything a check may consult besides the two strings."""

    source: Profile
    target: Profile
    terms: tuple[Term, ...] = ()
    keep: tuple[str, ...] = ()  # do-not-translate terms, and Latin words of agreed terms


# "(s)" is an optional ending, "(PYD)" part of the name; any other bracket is a note.
GLOSSARY_NOTE = re.compile(r"\s*\((?!e?s\)|[A-Z][A-Z0-9&.-]+\))[^()]*\)")


def cell_variants(cell: str) -> tuple[str, ...]:
    """The ways a glossary cell may appear in text: 'migrant(s) / asylum seeker (noun)' ->
    ('migrant', 'asylum seeker (noun)', 'asylum seeker')."""
    variants: list[str] = []
    for alternative in re.split(r"\s+/\s+", cell):
        for form in (alternative, GLOSSARY_NOTE.sub("", alternative)):
            form = re.sub(r"\(e?s\)", "", form).strip()
            if form and form not in variants:
                variants.append(form)
    return tuple(variants)


def make_context(target: str, source: str = "en", glossary: Glossary | None = None
                 ) -> Context:
    glossary = glossary or Glossary()
    # A note on the source side ("U.S. (adjective)", "you (addressing readers)") says when
    # a row applies, which a check cannot see: such rows guide the translator only.
    terms = tuple(Term(row[target], cell_variants(row[source]), cell_variants(row[target]))
                  for row in glossary.rows if row.get(source) and row.get(target)
                  and not GLOSSARY_NOTE.search(row[source]))
    latin_in_terms = [word for term in terms for variant in term.target
                      for word in LATIN_WORD.findall(variant)]
    keep = tuple(dict.fromkeys([*glossary.keep, *latin_in_terms]))
    return Context(language_rules(source), language_rules(target), terms, keep)


# --- Registry -------------------------------------------------------------------------

CheckFunction = Callable[[str, str, Context], None]


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    function: CheckFunction


CHECKS: list[Check] = []


def check(name: str, severity: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under `name`; the function stays callable as it is."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append(Check(name, severity, function))
        return function

    return register


# --- Shared text helpers ---------------------------------------------------------------

# URLs in ASCII, so that a word of Arabic script written against one is not taken in; a
# final full stop or comma is the sentence's.
_URL_CHAR = r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%']"
_URL_END = r"[A-Za-z0-9\-_~/#@$&*+=%]"
URL = re.compile(rf"\b(?:(?:https?|ftp)://|www\.|mailto:){_URL_CHAR}*{_URL_END}")
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                   r"\.[A-Za-z]{2,}\b")
CODE = re.compile(r"`[^`\n]+`")
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\([^)\n]*\)")
IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]*:[^>\s]+|[^>\s@]+@[^>\s]+)>")
PLACEHOLDER = re.compile(
    r"\{\{\s*[\w.]+\s*\}\}"  # {{ name }}
    r"|\{[\w.:!]*\}"  # {name}, {0}, {}
    r"|(?<![\w%])%(?:\([\w.]+\))?[-+#0]?\d*(?:\.\d+)?[sdifr](?![A-Za-z])"  # %s %(name)s %d
    r"|(?<![\w$])\$\{?[A-Za-z_]\w*\}?(?!\w)"  # $name ${name}
)
# A word: letters and digits, with the combining marks of Arabic script and the zero-width
# (non-)joiners of Persian inside it.
_WORD_INSIDE = r"\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u200c\u200d"
WORD = re.compile(rf"[^\W_][{_WORD_INSIDE}]*")
NOT_IN_WORD = re.compile(rf"[^{_WORD_INSIDE}\s]+")  # punctuation, symbols
LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+")
NON_LATIN_LETTER = re.compile("|".join(script.letter_pattern.pattern for script in SCRIPTS
                                       if script is not LATIN))
ARABIC_VOWEL_MARKS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
# Numbers: digits of any script, with grouping and decimal separators inside; groups of
# three split by spaces ("7 000") count as one number.
_DIGIT = "[0-9٠-٩۰-۹]"
NUMBER = re.compile(rf"(?<!{_DIGIT})(?:{_DIGIT}{{1,3}}(?:[ \u00a0\u202f\u2009]{_DIGIT}{{3}})+"
                    rf"(?!{_DIGIT})|{_DIGIT}+(?:[.,٫٬]{_DIGIT}+)*)")
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


def _lost_and_added(missing: Iterable[str], added: Iterable[str], lost: str = "missing",
                    prefix: str = "") -> list[str]:
    """The two halves of a mismatch report: what the translation lost, what it added."""
    missing, added = list(missing), list(added)
    return ([f"{prefix}{lost} {quote_list(missing)}"] if missing else []) + (
        [f"{prefix}not in the source: {quote_list(added)}"] if added else [])


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _differences(source: Iterable[str], target: Iterable[str]) -> tuple[Counter, Counter]:
    """(missing from the target, not in the source), as multisets."""
    want, have = Counter(source), Counter(target)
    return want - have, have - want


# --- The checks ------------------------------------------------------------------------


@check("placeholders", ERROR)
def placeholders(source: str, target: str, context: Context) -> None:
    """Placeholders such as {name}, {0} or %s must be copied exactly, none added."""
    missing, added = _differences(PLACEHOLDER.findall(source), PLACEHOLDER.findall(target))
    problems = _lost_and_added(sorted(missing.elements()), sorted(added.elements()))
    if problems:
        raise CheckFailure("placeholder " + "; ".join(problems)
                           + " (copy placeholders exactly as in the source)")


def _markup_counts(text: str) -> Counter:
    text = PLACEHOLDER.sub(" ", CODE.sub(" ", text))
    counts = Counter({"link": len(LINK.findall(text)), "image": len(IMAGE.findall(text)),
                      "autolink <...>": len(AUTOLINK.findall(text))})
    text = URL.sub(" ", EMAIL.sub(" ", AUTOLINK.sub(" ", text)))
    counts["strong emphasis **"] = len(re.findall(r"\*\*", text))
    counts["emphasis *"] = len(re.findall(r"(?<!\*)\*(?!\*)", text))
    counts["strong emphasis __"] = len(re.findall(r"(?<![\w_])__|__(?![\w_])", text))
    counts["emphasis _"] = len(re.findall(r"(?<![\w_])_(?!_)|(?<!_)_(?![\w_])", text))
    counts["strikethrough ~~"] = len(re.findall(r"~~", text))
    return counts


@check("markup", ERROR)
def markup(source: str, target: str, context: Context) -> None:
    """Markdown links, emphasis and inline code must be kept, as many as in the source."""
    problems = []
    want, have = _markup_counts(source), _markup_counts(target)
    for kind in want:
        if want[kind] != have[kind]:
            problems.append(f"{kind}: {want[kind]} in the source, {have[kind]} in the "
                            "translation")
    problems += _lost_and_added(*_differences(CODE.findall(source), CODE.findall(target)),
                                lost="missing or altered:", prefix="inline code ")
    if problems:
        raise CheckFailure("Markdown markup differs, " + "; ".join(problems)
                           + " (keep the markers around the translated words; never "
                           "translate inside `code`)")


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


NEXT_WORD = re.compile(rf"\s+([{_WORD_INSIDE}]+)")


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
    problems = _lost_and_added((n.written for n in missing), (n.written for n in added),
                               lost="missing from the translation:")
    if problems:
        raise CheckFailure("numbers differ, " + "; ".join(problems)
                           + " (Western, Arabic-Indic and Persian digits all count; "
                           f"{context.target.english_name} text takes "
                           f"{DIGIT_SYSTEMS[context.target.digits]} digits)")


DIGIT_RUN = re.compile(rf"{_DIGIT}+")


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
        raise CheckFailure(f"number(s) in digits {language.english_name} does not use: "
                           f"{', '.join(dict.fromkeys(wrong))}; write "
                           f"{language.write_digits(DIGIT_RUN.search(prose(target)).group(0))}"
                           f" ({DIGIT_SYSTEMS[language.digits]} digits)")


def addresses(text: str) -> list[str]:
    found = [m.group(0) for m in URL.finditer(text)]
    found += [m.group(0) for m in EMAIL.finditer(URL.sub(" ", text))]
    return found


@check("urls", ERROR)
def urls(source: str, target: str, context: Context) -> None:
    """URLs and e-mail addresses must be copied unchanged."""
    missing, added = _differences(addresses(source), addresses(target))
    problems = _lost_and_added(sorted(missing), sorted(added), lost="missing or altered:")
    if problems:
        raise CheckFailure("web or e-mail address " + "; ".join(problems)
                           + " (copy addresses exactly, character for character)")


def _is_opening(text: str, index: int) -> bool:
    """For a mark that can open or close (" and, in some languages, “ ”): opening if it
    stands after a space or an opening bracket and before a non-space."""
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return (before.isspace() or before in "([{«“‘—–-/") and not after.isspace()


def bracket_balance(text: str, language: Profile) -> dict[str, tuple[int, int]]:
    """Per class of bracket or quote: (opened but not closed, closed but never opened)."""
    text = prose(text)
    stack: list[tuple[str, str]] = []  # (opening mark, the marks that close it)
    left_open: Counter = Counter()
    unopened: Counter = Counter()
    for index, char in enumerate(text):
        if char not in BRACKET_CLASS:
            continue
        if char == "’":
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if not any(opener == "‘" for opener, _ in stack) or (
                    before.isalnum() and after.isalnum()):
                continue  # an apostrophe: don’t, the migrants’ rights, ’90s
        symmetric = char == '"' or (language.symmetric_curly_quotes and char in "“”")
        if symmetric and _is_opening(text, index):
            stack.append((char, '"' if char == '"' else "“”"))
            continue
        if not symmetric and char in BRACKETS:
            stack.append((char, BRACKETS[char]))
            continue
        depth = next((d for d in range(len(stack) - 1, -1, -1) if char in stack[d][1]), None)
        if depth is None:
            unopened[BRACKET_CLASS[char]] += 1
            continue
        for opener, _ in stack[depth + 1:]:  # opened inside, never closed
            left_open[BRACKET_CLASS[opener]] += 1
        del stack[depth:]
    for opener, _ in stack:
        left_open[BRACKET_CLASS[opener]] += 1
    return {kind: (left_open[kind], unopened[kind]) for kind in sorted(left_open | unopened)}


@check("brackets", ERROR)
def brackets(source: str, target: str, context: Context) -> None:
    """Brackets and quotation marks must be closed as in the source."""
    want = bracket_balance(source, context.source)
    have = bracket_balance(target, context.target)
    problems = []
    for kind, (opened, closed) in have.items():
        if (opened, closed) == want.get(kind):
            continue  # a quotation that spans several sentences is open in both
        if opened:
            problems.append(f"{_plural(opened, 'opening mark')} of {kind} never closed")
        if closed:
            problems.append(f"{_plural(closed, 'closing mark')} of {kind} never opened")
    if problems:
        raise CheckFailure("unbalanced: " + "; ".join(problems))


def _inside_latin_parenthesis(text: str, index: int) -> bool:
    """True inside a parenthesis of Latin text, such as a gloss '(Global Compact, GCM)'."""
    start = text.rfind("(", 0, index)
    end = text.find(")", index)
    if start < 0 or end < 0 or ")" in text[start:index]:
        return False
    inner = text[start + 1:end]
    return not NON_LATIN_LETTER.search(inner) and bool(LATIN_WORD.search(inner))


@check("punctuation", ERROR)
def punctuation(source: str, target: str, context: Context) -> None:
    """Punctuation in the target language's own form: ؟ ، ؛ in Arabic script, ¿...? in
    Spanish."""
    language = context.target
    problems = []
    text = prose(target)
    for kind, mark in language.marks.items():
        latin = LATIN_MARKS[kind]
        if mark == latin:
            continue
        for match in re.finditer(re.escape(latin), text):
            index = match.start()
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if (before.isdigit() and after.isdigit()) or _inside_latin_parenthesis(text, index):
                continue  # 7,000 or a Latin gloss: not the sentence's punctuation
            words = text[:index].split()
            where = f" after '{words[-1][-15:]}'" if words else ""
            problems.append(f"'{latin}'{where} should be '{mark}'")
    for closing, opening in language.opening_marks.items():
        if text.count(closing) > text.count(opening):
            kind = END_MARK_KINDS[closing]
            problems.append(f"'{closing}' without the opening '{opening}': "
                            f"begin the {kind.split()[0]} with '{opening}'")
    if problems:
        raise CheckFailure("; ".join(problems))


def end_mark(text: str) -> str:
    """The kind of mark a text ends with ('' for none), looking past closing quotes;
    'abbreviation' when its final full stop belongs to one ("the U.S.")."""
    stripped = text.rstrip()
    while stripped and stripped[-1] in TRAILING_CLOSERS:
        stripped = stripped[:-1].rstrip()
    if stripped.endswith(("...", "…")):
        return "ellipsis"
    if ABBREVIATION_END.search(stripped) or (stripped.split() or [""])[-1] in \
            KNOWN_ABBREVIATIONS:
        return "abbreviation"
    return END_MARK_KINDS.get(stripped[-1:], "")


@check("end-punctuation", WARNING)
def end_punctuation(source: str, target: str, context: Context) -> None:
    """The translation ends as the source does: a question with a question mark, etc."""
    want, have = end_mark(source), end_mark(target)
    # The full stop of "the U.S." may or may not end the sentence as well: either is fine.
    if want == "abbreviation":
        want = have if have in ("full stop", "") else "full stop"
    if have == "abbreviation":
        have = want if want in ("full stop", "") else "full stop"
    if want == have:
        return
    if not want:
        raise CheckFailure(f"the translation ends with a {have}, the source with none")
    mark = context.target.marks.get(want, "")
    raise CheckFailure(f"the source ends with a {want}, the translation with "
                       f"{'a ' + have if have else 'none'}: end with '{mark}'")


def _without_terms(text: str, terms: Iterable[str]) -> str:
    for term in sorted(terms, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return text


@check("latin-words", ERROR)
def latin_words(source: str, target: str, context: Context) -> None:
    """No Latin-script words left in an Arabic-script translation (do-not-translate
    glossary terms and glosses in parentheses excepted)."""
    if context.target.script is LATIN:
        return
    text = _without_terms(prose(target), context.keep)
    left = [m.group(0) for m in LATIN_WORD.finditer(text)
            if not _inside_latin_parenthesis(text, m.start())]
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
    text = _without_terms(prose(target), context.keep)
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


def _repeats(text: str) -> list[tuple[str, int, int]]:
    """(phrase, words in it, times in a row) for every immediate repetition of words;
    punctuation in between ("migrants, migrants") is no repetition."""
    found = []
    for clause in NOT_IN_WORD.split(prose(text)):
        words = [normalise(w) for w in WORD.findall(clause)]
        index = 0
        while index < len(words):
            best = None
            for size in range(1, 7):
                phrase = words[index:index + size]
                if len(phrase) < size:
                    break
                times = 1
                while words[index + times * size:index + (times + 1) * size] == phrase:
                    times += 1
                if times > 1 and (best is None or size * times > best[1] * best[2]):
                    best = (" ".join(phrase), size, times)
            if best is None:
                index += 1
                continue
            if not best[0].replace(" ", "").isdigit():
                found.append(best)
            index += best[1] * best[2]
    return found


CLAUSE_END = re.compile(r"[.!?;:,\u060C\u061B\u061F\u2026]+")  # with ، ؛ ؟ …


def _repeated_clauses(text: str) -> list[tuple[str, int]]:
    """(clause, times in a row) for every clause of two or more words that comes again
    straight after itself across punctuation: 'the caravan arrived. The caravan arrived.'"""
    clauses = [" ".join(normalise(w) for w in WORD.findall(part))
               for part in CLAUSE_END.split(prose(text))]
    clauses = [clause for clause in clauses if clause]
    found, index = [], 0
    while index < len(clauses):
        times = 1
        while index + times < len(clauses) and clauses[index + times] == clauses[index]:
            times += 1
        if times > 1 and " " in clauses[index]:
            found.append((clauses[index], times))
        index += times
    return found


@check("repeated-words", WARNING)
def repeated_words(source: str, target: str, context: Context) -> None:
    """A word twice in a row ('the the'), unless the source repeats words too."""
    if _repeats(source):
        return
    doubled = [phrase for phrase, size, times in _repeats(target) if size == 1 and times == 2]
    if doubled:
        raise CheckFailure(f"word twice in a row: {quote_list(doubled)} (remove one, unless "
                           "the repetition is meant)")


@check("repeated-phrase", ERROR)
def repeated_phrase(source: str, target: str, context: Context) -> None:
    """A phrase repeated in a row, or a word three times: machine translation looping."""
    if _repeats(source) or _repeated_clauses(source):
        return
    looping = [f"'{phrase}' {times} times" for phrase, size, times in _repeats(target)
               if size > 1 or times > 2]
    looping += [f"'{clause}' {times} times" for clause, times in _repeated_clauses(target)]
    if looping:
        raise CheckFailure(f"repeated in a row: {', '.join(looping)} (machine translation "
                           "loops like this; keep one)")


# Below this many characters of source, lengths vary too much to say anything (a title
# "IMA on GCM" rightly grows threefold when the acronyms are spelled out).
LENGTH_MIN_SOURCE = 40
LENGTH_TOLERANCE = 2.0  # factor either way from the expected length


@check("length", WARNING)
def length(source: str, target: str, context: Context) -> None:
    """The translation is not far shorter or longer than the source usually gives."""
    source_length = len(prose(source).strip())
    if source_length < LENGTH_MIN_SOURCE:
        return
    expected = source_length * context.target.length_factor / context.source.length_factor
    actual = len(prose(target).strip())
    if actual * LENGTH_TOLERANCE < expected:
        raise CheckFailure(f"translation is {actual} characters where about {expected:.0f} "
                           "are usual: is part of the sentence missing?")
    if actual > expected * LENGTH_TOLERANCE:
        raise CheckFailure(f"translation is {actual} characters where about {expected:.0f} "
                           "are usual: is something added or repeated?")


@check("unchanged", WARNING)
def unchanged(source: str, target: str, context: Context) -> None:
    """The translation is the source copied, though it has words to translate."""
    if source.strip() != target.strip():
        return
    if not re.search(r"[^\W\d_]", _without_terms(prose(source), context.keep)):
        return  # only numbers, addresses or do-not-translate terms
    raise CheckFailure("translation is identical to the source (fine for a name that "
                       "stays as it is; otherwise translate it)")


def fold(text: str, language: Profile) -> str:
    """For finding words: `normalise`, and the letters whose spelling varies in the
    script (in Arabic script hamza seats, ة, Persian and Arabic yeh and kaf, joiners)
    made one."""
    return normalise(text).translate(language.script.fold)


def stem(word: str, language: Profile) -> str:
    """A folded word cut to what its inflected forms share: 'autoritario' -> 'autoritari',
    'المهاجرون' -> 'مهاجر', 'امپریالیستی' -> 'امپریالیست'. Leaves three letters at least."""
    for prefix in language.prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix):]
            break
    for ending in sorted(language.endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[:-len(ending)]
    return word


def renders(text: str, rendering: str, language: Profile) -> bool:
    """True if `text` contains `rendering` in some inflected form: its words with their
    endings and the article free, prefixes such as و ب ل allowed. In a rendering of
    three words or more one may be missing (a verb conjugated, a preposition changed)."""
    text = fold(text, language)
    words = [w for w in WORD.findall(fold(rendering, language)) if len(w) > 2]
    missing = 0
    for word in words:  # short words (de, el, في) are no evidence either way
        cut = re.escape(stem(word, language))
        attached = language.script.affixes_attach or len(cut) >= 5  # antiimperialista
        if not re.search(cut if attached else rf"(?<!\w){cut}", text):
            missing += 1
    return missing <= (1 if len(words) >= 3 else 0)


@cache
def _source_pattern(variant: str) -> re.Pattern:
    """A glossary term in the source: whole words, plural endings allowed; case matters
    only for acronyms and names with several capitals ('US' is not 'us')."""
    flags = 0 if sum(c.isupper() for c in variant) >= 2 else re.IGNORECASE
    body = r"\s+".join(re.escape(part) for part in variant.split())
    ending = r"(?:s|es)?" if variant[-1:].isalnum() else ""
    return re.compile(rf"(?<!\w){body}{ending}(?!\w)", flags)


@check("glossary", WARNING)
def glossary_terms(source: str, target: str, context: Context) -> None:
    """Glossary terms in the source are rendered with the agreed translation."""
    source, target = prose(source), prose(target)  # not inside code or addresses
    by_span: dict[tuple[int, int], list[Term]] = {}
    for term in context.terms:
        for variant in term.source:
            for match in _source_pattern(variant).finditer(source):
                by_span.setdefault(match.span(), []).append(term)
    taken: list[tuple[int, int]] = []
    problems: dict[str, str] = {}
    for (start, end), terms in sorted(by_span.items(), key=lambda i: (i[0][0] - i[0][1],
                                                                      i[0][0])):
        if any(s < end and start < e for s, e in taken):
            continue  # part of a longer term found already
        taken.append((start, end))
        if not any(renders(target, rendering, context.target)
                   for term in terms for rendering in term.target):
            problems.setdefault(source[start:end], " or ".join(
                dict.fromkeys(f"'{term.agreed}'" for term in terms)))
    if problems:
        raise CheckFailure("glossary term not rendered as agreed: " + "; ".join(
            f"'{found}' -> {agreed}" for found, agreed in problems.items()))


# --- Running the checks on catalogs ---------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One problem in one entry, located at the line of its msgid."""

    path: str  # relative to the project root, e.g. locale/ar/slug.po
    line: int
    check: str
    severity: str
    message: str
    state: str = ""  # the entry's review state: reviewed, machine or fuzzy

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.check}] {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def check_entry(source: str, target: str, context: Context) -> list[tuple[Check, str]]:
    """(check, message) for every check the translation fails, in registry order."""
    failures = []
    for item in CHECKS:
        try:
            item.function(source, target, context)
        except CheckFailure as failure:
            failures.append((item, str(failure)))
    return failures


# A machine output this similar to its source (rapidfuzz ratio, 0-100) is the source copied
# with a word or two changed: Argos' en->ar does that for about a quarter of sentences.
COPY_SIMILARITY = 90.0


def check_machine_entry(entry: polib.POEntry, context: Context,
                        min_confidence: float | None = None) -> list[tuple[str, str]]:
    """(check, message) for an unreviewed machine entry: its source copied, or a model
    confidence under the project's `min_confidence`."""
    failures = []
    source, target = entry.msgid, entry.msgstr
    words = re.search(r"[^\W\d_]", _without_terms(prose(source), context.keep))
    if words and fuzz.ratio(normalise(source), normalise(target)) >= COPY_SIMILARITY:
        failures.append(("machine-copy", "the machine translation copies its source: "
                         "translate it, or route this language pair to another engine "
                         "in [tool.pamphlet.machine_translation]"))
    confidence = machine_confidence(entry)
    if min_confidence is not None and confidence is not None and confidence < min_confidence:
        failures.append(("confidence", f"model confidence {confidence:.2f} is below "
                         f"min_confidence {min_confidence:g}: review this one first"))
    return failures


def check_po(path: Path, display_path: str, context: Context,
             min_confidence: float | None = None) -> list[Finding]:
    """Every finding in one PO file; untranslated and obsolete entries are skipped."""
    catalog, lines = read_po_located(path)
    findings = []
    for entry in active_entries(catalog):
        state = entry_state(entry)
        if state == "untranslated":
            continue
        for item, message in check_entry(entry.msgid, entry.msgstr, context):
            findings.append(Finding(display_path, lines[entry.linenum], item.name,
                                    item.severity, message, state))
        if state == "machine":
            for name, message in check_machine_entry(entry, context, min_confidence):
                findings.append(Finding(display_path, lines[entry.linenum], name, WARNING,
                                        message, state))
    return findings


def read_glossary(project: Project) -> Glossary:
    """locale/glossary.csv, or an empty glossary if there is none."""
    return load_glossary(project.glossary_path, project.languages)


# build/ keeps the findings of each catalog with the hash of everything they depend on
# (the catalog, the glossary, the language pair, this module): `check`, the dashboard and
# the print gate re-check only catalogs that changed.
FINDINGS_CACHE = ".pamphlet-checks.json"


@cache
def _checks_fingerprint() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _findings_key(project: Project, path: Path, source_language: str, language: str) -> str:
    minimum = project.machine_translation.min_confidence
    digest = hashlib.sha256(f"{_checks_fingerprint()} {source_language} {language} "
                            f"{minimum}".encode())
    digest.update(path.read_bytes())
    if project.glossary_path.is_file():
        digest.update(project.glossary_path.read_bytes())
    return digest.hexdigest()


_findings_cache_read: dict[Path, tuple[tuple[int, int], dict]] = {}


def _load_findings_cache(project: Project) -> dict:
    """The cache file's content, parsed once per process while the file is unchanged."""
    path = project.build / FINDINGS_CACHE
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if path in _findings_cache_read and _findings_cache_read[path][0] == stamp:
            return _findings_cache_read[path][1]
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: everything is simply checked again
    cached = cached if isinstance(cached, dict) else {}
    _findings_cache_read[path] = (stamp, cached)
    return cached


def check_catalog(project: Project, slug: str, language: str,
                  glossary: Glossary | None = None) -> list[Finding]:
    """Findings in one statement's catalog for one language (none if it does not exist)."""
    path = project.po_path(slug, language)
    if not path.exists():
        return []
    source_language = read_statement(project.source_path(slug)).language
    display = project.relative(path).as_posix()
    key = _findings_key(project, path, source_language, language)
    cached = _load_findings_cache(project)
    entry = cached.get(display)
    if isinstance(entry, dict) and entry.get("key") == key:
        try:
            return [Finding(**finding) for finding in entry["findings"]]
        except (KeyError, TypeError):
            pass  # written by another version: check again
    if glossary is None:
        glossary = read_glossary(project)
    context = make_context(language, source_language, glossary)
    findings = check_po(path, display, context, project.machine_translation.min_confidence)
    cached[display] = {"key": key, "findings": [asdict(f) for f in findings]}
    try:
        write_if_changed(project.build / FINDINGS_CACHE,
                         json.dumps(cached, ensure_ascii=False, indent=1, sort_keys=True))
    except PamphletError:
        pass  # a read-only build/ only costs the next run the same work again
    return findings


def run_checks(project: Project, slugs: list[str] | None = None,
               languages: list[str] | None = None) -> list[Finding]:
    """Findings in every catalog of the selected statements and languages, in file order."""
    project.check_languages(languages)
    glossary = read_glossary(project)
    findings = []
    for slug in select_slugs(project, slugs):
        source_language = read_statement(project.source_path(slug)).language
        for language in project.target_languages(source_language):
            if languages and language not in languages:
                continue
            findings += check_catalog(project, slug, language, glossary)
    return findings


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {"errors": counts[ERROR], "warnings": counts[WARNING],
            "catalogs": len({f.path for f in findings})}
