"""Spelling checks: affixes a language writes with a zero-width non-joiner (Persian)."""

from __future__ import annotations

from collections.abc import Iterable

from workflow.languages.zwnj import ZwnjRules
from workflow.qa.context import Context
from workflow.qa.registry import WARNING, CheckFailure, check
from workflow.qa.text import prose, without_terms


def zwnj_problem(text: str, rules: ZwnjRules | None, keep: Iterable[str] = ()) -> str:
    """What the `zwnj` check says of `text` ("" if nothing): each word lacking a ZWNJ
    with its fix; URLs, code and the do-not-translate terms in `keep` are left alone.
    Shared by the check on translations and the one on a statement's own text."""
    advice = rules.advice(without_terms(prose(text), keep)) if rules else []
    return ("zero-width non-joiner (U+200C, at each |) missing: " + "; ".join(advice)
            if advice else "")


@check("zwnj", WARNING)
def zwnj(source: str, target: str, context: Context) -> None:
    """Persian affixes written with a zero-width non-joiner, not fused or spaced:
    می‌گویند, جامعه‌ها, بزرگ‌ترین, بیانیه‌ای, بین‌المللی (in translations, and in a
    Persian statement's own text, source/SLUG.md)."""
    problem = zwnj_problem(target, context.target.zwnj, context.keep)
    if problem:
        raise CheckFailure(problem)
