"""The checks for what msgfmt -c and pofilter catch: one failing, one passing example each."""

from __future__ import annotations

import pytest

from workflow.qa.checks.markup import tags
from workflow.qa.checks.whitespace import double_space, newlines, tabs, whitespace
from workflow.qa.registry import CheckFailure


def fails(check, source: str, target: str) -> str | None:
    """The failure message, or None if `target` passes as a translation of `source`."""
    try:
        check(source, target, None)
    except CheckFailure as failure:
        return str(failure)
    return None


@pytest.mark.parametrize(("check", "source", "bad", "good"), [
    (newlines, "We walk together.", "Caminamos juntos.\n", "Caminamos juntos."),
    (newlines, "We walk together.", "\nCaminamos juntos.", "Caminamos juntos."),
    (newlines, "\nWe walk.\n", "Caminamos.", "\nCaminamos.\n"),
    (whitespace, "We walk together.", " Caminamos juntos.", "Caminamos juntos."),
    (whitespace, "We walk together.", "Caminamos juntos. ", "Caminamos juntos."),
    (whitespace, "Note: ", "ملاحظة:", "ملاحظة: "),
    (double_space, "We walk together.", "Caminamos  juntos.", "Caminamos juntos."),
    (tabs, "We walk together.", "Caminamos\tjuntos.", "Caminamos juntos."),
    (tags, "We walk **together**.", "Caminamos <b>juntos</b>.", "Caminamos **juntos**."),
    (tags, "Read this.", "Lea <a href=\"https://x.org\">esto</a>.", "Lea [esto](https://x.org)."),
    (tags, "Read this.", "<!-- nota --> Lea esto.", "Lea esto."),
])
def test_each_new_check_has_a_failing_and_a_passing_example(check, source, bad, good):
    assert fails(check, source, bad)
    assert fails(check, source, good) is None


def test_what_the_source_has_too_is_fine():
    assert fails(double_space, "Two  spaces.", "Dos  espacios.") is None
    assert fails(tags, "Press <kbd>Enter</kbd>.", "Pulse <kbd>Enter</kbd>.") is None
    assert fails(tags, "Mail <a@b.org> or see <https://x.org>.",
                 "Escriba a <a@b.org> o vea <https://x.org>.") is None  # autolinks
    assert fails(tags, "Type `<b>`.", "Escriba `<b>`.") is None  # inside code
    assert fails(tabs, "a\tb", "a\tb") is None


def test_messages_say_what_to_do():
    assert fails(newlines, "a", "b\n") == ("the translation ends with a newline, the source "
                                           "does not (msgfmt -c refuses this)")
    assert fails(newlines, "\na", "b") == ("the source begins with a newline, the "
                                           "translation does not (msgfmt -c refuses this)")
    assert fails(whitespace, "a", " b") == ("white space differs at the start: spaces where "
                                           "the source has nothing")
    assert fails(double_space, "a b c", "x y  z") == "two spaces in a row after 'y' (one is enough)"
    assert fails(tags, "a", "<b>x</b>") == ("tag(s) not in the source: '<b>', '</b>' (they "
                                            "would print as text; use Markdown for emphasis "
                                            "and links)")
