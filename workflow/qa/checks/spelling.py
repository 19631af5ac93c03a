"""Spelling checks: affixes a language writes with a zero-width non-joiner (Persian)."""

from __future__ import annotations

from workflow.qa.context import Context
from workflow.qa.registry import WARNING, CheckFailure, check
from workflow.qa.text import prose, without_terms


@check("zwnj", WARNING)
def zwnj(source: str, target: str, context: Context) -> None:
    """Persian affixes written with a zero-width non-joiner, not fused or spaced:
    می‌گویند, جامعه‌ها, بزرگ‌ترین, بیانیه‌ای, بین‌المللی."""
    rules = context.target.zwnj
    advice = rules.advice(without_terms(prose(target), context.keep)) if rules else []
    if advice:
        raise CheckFailure("zero-width non-joiner (U+200C, at each |) missing: "
                           + "; ".join(advice))
