"""Numbers machine translation gives back: the target's digits and its own separators."""

from __future__ import annotations

import pytest

from workflow.languages.profile import (
    ARABIC_INDIC_DIGITS,
    PERSIAN_DIGITS,
    WESTERN_DIGITS,
    separator_roles,
)
from workflow.mt.masking import Masker
from workflow.qa.checks.numbers import separators
from workflow.qa.context import make_context
from workflow.qa.registry import CheckFailure


@pytest.mark.parametrize(("digits", "source", "output", "expected"), [
    (PERSIAN_DIGITS, "More than 1,500 people and 3.5 million dollars.",
     "بیش از {1} نفر و {2} میلیون دلار.", "بیش از ۱٬۵۰۰ نفر و ۳٫۵ میلیون دلار."),
    (ARABIC_INDIC_DIGITS, "More than 1,500,000.75 dollars.", "أكثر من {1} دولار.",
     "أكثر من ١٬٥٠٠٬٠٠٠٫٧٥ دولار."),
    (PERSIAN_DIGITS, "Más de 1.500 personas y 2,5 millones.",  # Spanish conventions
     "بیش از {1} نفر و {2} میلیون.", "بیش از ۱٬۵۰۰ نفر و ۲٫۵ میلیون."),
    (WESTERN_DIGITS, "بیش از ۱٬۵۰۰ نفر و ۲٫۵ میلیون.", "More than {1} and {2} million.",
     "More than 1,500 and 2.5 million."),
])
def test_numbers_come_back_with_the_targets_separators(digits, source, output, expected):
    masker = Masker(digits=digits)
    masked = masker.mask(source)
    assert masker.restore(output, masked)[0] == expected


def test_numbers_the_model_writes_itself_get_them_too():
    masker = Masker(digits=PERSIAN_DIGITS)
    masked = masker.mask("A crowd.")
    assert masker.restore("جمعیتی ۱,۵۰۰ نفره در 3.11.2018", masked)[0] == (
        "جمعیتی ۱٬۵۰۰ نفره در ۳.۱۱.۲۰۱۸")  # a date's dots are no number's
    # A Latin-script translation keeps its language's own convention.
    masker = Masker(digits=WESTERN_DIGITS)
    assert masker.restore("Más de 1.500 personas", masker.mask("x"))[0] == (
        "Más de 1.500 personas")


def test_separator_roles():
    assert separator_roles("1,500.25") == ["group", "decimal"]
    assert separator_roles("2,5") == ["decimal"]
    assert separator_roles("۷٬۰۰۰") == ["group"]
    assert separator_roles("3.11.2018") is None


def test_the_check_finds_mixed_separators():
    context = make_context("fa")
    with pytest.raises(CheckFailure, match="'۱,۵۰۰' \\(write ۱٬۵۰۰\\)"):
        separators("1,500 people", "۱,۵۰۰ نفر", context)
    with pytest.raises(CheckFailure, match="'٢.٥' \\(write ٢٫٥\\)"):
        separators("2.5 million", "٢.٥ مليون", make_context("ar"))
    separators("1,500 people", "۱٬۵۰۰ نفر و 1,500 dollars", context)
    separators("items 1, 2", "موارد ۱، ۲", context)  # the Arabic comma of a list
