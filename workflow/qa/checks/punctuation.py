"""Punctuation checks: brackets and quotes closed, marks of the language, end marks."""

from __future__ import annotations

import re
from collections import Counter

from workflow import languages
from workflow.languages.profile import LATIN_MARKS, Profile
from workflow.qa.context import Context
from workflow.qa.registry import ERROR, WARNING, CheckFailure, check
from workflow.qa.text import (
    ABBREVIATION_END,
    BRACKET_CLASS,
    BRACKETS,
    END_MARK_KINDS,
    KNOWN_ABBREVIATIONS,
    TRAILING_CLOSERS,
    inside_latin_parenthesis,
    plural,
    prose,
)


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
            problems.append(f"{plural(opened, 'opening mark')} of {kind} never closed")
        if closed:
            problems.append(f"{plural(closed, 'closing mark')} of {kind} never opened")
    if problems:
        raise CheckFailure("unbalanced: " + "; ".join(problems))


def _other_marks(kind: str, mark: str) -> tuple[str, ...]:
    """The marks other languages' profiles write for a kind of mark ("question mark": ?
    and ؟), less `mark` itself."""
    others = {profile.marks.get(kind, "") for profile in languages.all_profiles()}
    return tuple(sorted(others - {mark, ""}))


@check("punctuation", ERROR)
def punctuation(source: str, target: str, context: Context) -> None:
    """Punctuation in the target language's own form: ؟ ، ؛ in Arabic script, ? , ; in
    Latin script, ¿...? in Spanish."""
    language = context.target
    wrong: list[tuple[int, str]] = []  # (where, problem): reported in the text's order
    text = prose(target)
    for kind, mark in language.marks.items():
        for other in _other_marks(kind, mark):
            for match in re.finditer(re.escape(other), text):
                index = match.start()
                before = text[index - 1] if index else " "
                after = text[index + 1] if index + 1 < len(text) else " "
                if other in LATIN_MARKS.values() and (
                        (before.isdigit() and after.isdigit())
                        or inside_latin_parenthesis(text, index)):
                    continue  # 7,000 or a Latin gloss: not the sentence's punctuation
                if other not in LATIN_MARKS.values() and _after_foreign_word(
                        text, index, language):
                    continue  # a quoted Arabic slogan keeps its own ؟
                words = text[:index].split()
                where = f" after '{words[-1][-15:]}'" if words else ""
                wrong.append((index, f"'{other}'{where} should be '{mark}'"))
    problems = [problem for _, problem in sorted(wrong)]
    for closing, opening in language.opening_marks.items():
        if text.count(closing) > text.count(opening):
            kind = END_MARK_KINDS[closing]
            problems.append(f"'{closing}' without the opening '{opening}': "
                            f"begin the {kind.split()[0]} with '{opening}'")
    if problems:
        raise CheckFailure("; ".join(problems))


def _after_foreign_word(text: str, index: int, language: Profile) -> bool:
    """True if the mark at `index` follows a word of another script than the language's
    (its own punctuation, inside a quotation in that script)."""
    words = text[:index].split()
    return bool(words) and bool(language.foreign_words(words[-1]))


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


@check("end-punctuation", WARNING,
       weblate=("end-stop", "end-question", "end-exclamation", "end-colon",
                                     "end-ellipsis", "end-semicolon"))
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
