"""Checks of newlines and white space, the ones `msgfmt -c` and pofilter make."""

from __future__ import annotations

import re

from workflow.patterns import hidden_control_names
from workflow.qa.registry import ERROR, WARNING, CheckFailure, check

_LEADING = re.compile(r"^[ \t\u00a0\u3000]+")
_TRAILING = re.compile(r"[ \t\u00a0\u3000]+$")
_DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")


@check("newlines", ERROR, weblate=("begin-newline", "end-newline"))
def newlines(source: str, target: str, context) -> None:
    """A translation begins and ends with a newline exactly when its source does (what
    `msgfmt -c` refuses; the newline prints as a line break)."""
    problems = []
    for where, test in (("begins", str.startswith), ("ends", str.endswith)):
        if test(source, "\n") != test(target, "\n"):
            has, lacks = ("source", "translation") if test(source, "\n") else (
                "translation", "source")
            problems.append(f"the {has} {where} with a newline, the {lacks} does not")
    if problems:
        raise CheckFailure("; ".join(problems) + " (msgfmt -c refuses this)")


def _edge(pattern: re.Pattern, text: str) -> str:
    match = pattern.search(text.strip("\n"))
    return match.group(0) if match else ""


def _spaces(text: str) -> str:
    return "nothing" if not text else " and ".join(
        dict.fromkeys({" ": "spaces", "\t": "tabs", "\u00a0": "no-break spaces",
                       "\u3000": "ideographic spaces"}[c] for c in text))


@check("whitespace", WARNING, weblate=("begin-space", "end-space"))
def whitespace(source: str, target: str, context) -> None:
    """Spaces at the start and the end as in the source (they print)."""
    problems = []
    for where, pattern in (("start", _LEADING), ("end", _TRAILING)):
        want, have = _edge(pattern, source), _edge(pattern, target)
        if want != have:
            problems.append(f"at the {where}: {_spaces(have)} where the source has "
                            f"{_spaces(want)}")
    if problems:
        raise CheckFailure("white space differs " + "; ".join(problems))


@check("double-space", WARNING, weblate=("double-space",))
def double_space(source: str, target: str, context) -> None:
    """No two spaces in a row between words, unless the source has them."""
    if _DOUBLE_SPACE.search(source):
        return
    found = [m for m in _DOUBLE_SPACE.finditer(target)]
    if found:
        words = target[:found[0].start()].split()
        where = f" after '{words[-1][-15:]}'" if words else ""
        raise CheckFailure(f"two spaces in a row{where} (one is enough)")


@check("tabs", WARNING)
def tabs(source: str, target: str, context) -> None:
    """As many tab characters as in the source (a tab prints as a space, or not at all)."""
    want, have = source.count("\t"), target.count("\t")
    if want != have:
        raise CheckFailure(f"{have} tab character(s) where the source has {want} "
                           "(use a space)")


@check("control-characters", ERROR)
def control_characters(source: str, target: str, context) -> None:
    """No control, bidi-override, private-use or other hidden character the source has not:
    they print as boxes or nothing, and an override reverses the words after it (an editor
    can paste them, a server can send them)."""
    extra = [name for name in hidden_control_names(target)
             if name not in hidden_control_names(source)]
    if extra:
        raise CheckFailure(f"hidden or control character(s) {', '.join(extra)}: delete them"
                           " (they print as boxes or nothing, or reverse the text)")
