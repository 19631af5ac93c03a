"""Straight single quotes as typography curls them: apostrophes at a word's end and
before digits, single quotation marks paired."""

from __future__ import annotations

import pytest

from workflow.render.html import typography


@pytest.mark.parametrize(("language", "typed", "printed"), [
    ("en", "We defend workers' rights.", "We defend workers’ rights."),
    ("en", "the migrants' caravan, the workers'.", "the migrants’ caravan, the workers’."),
    ("en", "Since the '90s and the 1990's.", "Since the ’90s and the 1990’s."),
    ("en", "They said 'not now' and left.", "They said ‘not now’ and left."),
    ("en", "rock 'n' roll, O'Brien's don't", "rock ’n’ roll, O’Brien’s don’t"),
    ("es", "Los 'sin papeles' marchan.", "Los ‘sin papeles’ marchan."),
    ("en", "It is 5'10, and a ' mark.", "It is 5'10, and a ' mark."),  # a prime; alone
    ("en", "See `it's` and https://x.org/a'b", "See `it's` and https://x.org/a'b"),
])
def test_straight_single_quotes_are_curled(language, typed, printed):
    assert typography(typed, language) == printed
