"""Spelling checks: affixes a language writes with a zero-width non-joiner (Persian)."""

from __future__ import annotations

from workflow.languages.profile import Profile
from workflow.languages.zwnj import ZWNJ
from workflow.qa.context import Context
from workflow.qa.registry import WARNING, CheckFailure, check
from workflow.qa.text import prose, without_terms


def zwnj_advice(text: str, language: Profile) -> list[str]:
    """One line per word of `text` that lacks a ZWNJ: as written, and how to write it
    (both readings where the letters allow two: سوریهای)."""
    if language.zwnj is None:
        return []
    advice = []
    for written, fixes in language.zwnj.suggestions(text):
        # The ZWNJ is invisible in a terminal: say where it goes, with a bar.
        advice.append(f"'{written}': write " + " or ".join(
            f"'{fix}' ({'|'.join(fix.split(ZWNJ))})" for fix in fixes))
    return advice


@check("zwnj", WARNING)
def zwnj(source: str, target: str, context: Context) -> None:
    """Persian affixes written with a zero-width non-joiner, not fused or spaced:
    می‌گویند, جامعه‌ها, بزرگ‌ترین, بیانیه‌ای, بین‌المللی."""
    advice = zwnj_advice(without_terms(prose(target), context.keep), context.target)
    if advice:
        raise CheckFailure("zero-width non-joiner (U+200C, at each |) missing: "
                           + "; ".join(advice))
