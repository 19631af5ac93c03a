"""The fitting pass's relayouts, and a build's other PDFs, take each line's breaks from the
layouts before (the same text, width and font break the same at any line height, in any
PDF), and come out as if laid out anew."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import assert_patches_undone_on_error
from workflow.render import linebreaks, typeset
from workflow.render.fitting import HYPHEN, _lines
from workflow.render.typeset import render_document, write_document

TEXT = ("Solidarity organisations publish statements and need them in several languages;"
        " internationalisation of a pamphlet means characteristically long words. ") * 30


@pytest.fixture(autouse=True)
def unshared(monkeypatch):
    """No store left open by a build run earlier in this process."""
    monkeypatch.setattr(linebreaks, "_shared", None)


def layout(css: str, before: str = ""):
    html = (f'<html lang="en"><head><style>p {{ hyphens: auto; {css} }}</style></head>'
            f"<body>{before}<p>{TEXT}</p><p>{TEXT.upper()}</p></body></html>")
    document, options = render_document(html, Path("."))
    return [text for _, _, text in _lines(document)], document, options


def test_a_relayout_at_another_line_height_breaks_no_line_again(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fresh_lines, fresh, options = layout("line-height: 1.6")
    stats: dict[str, int] = {}
    with linebreaks.kept(stats):
        layout("line-height: 1.4")
        first = dict(stats)
        lines, document, _ = layout("line-height: 1.6")
    # the text broken anew: none of it (a page number of a page more, at most)
    assert first["misses"] > 20 and stats["misses"] - first["misses"] <= len(fresh.pages)
    assert stats["hits"] - first.get("hits", 0) >= len(lines) > 20
    assert any(line.endswith(HYPHEN) for line in lines)  # hyphenated lines too
    assert lines == fresh_lines
    assert write_document(document, options) == write_document(fresh, options)


def test_what_changes_a_line_breaks_it_again():
    stats: dict[str, int] = {}
    with linebreaks.kept(stats):
        layout("font-size: 10pt")
        before = stats["misses"]
        larger, _, _ = layout("font-size: 11pt")
        assert stats["misses"] > before
        before = stats["misses"]
        unhyphenated, _, _ = layout("font-size: 11pt; hyphens: manual")
        assert stats["misses"] > before
    assert larger == layout("font-size: 11pt")[0]
    assert unhyphenated == layout("font-size: 11pt; hyphens: manual")[0]
    assert larger != unhyphenated


def test_weasyprint_is_left_as_it_was():
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred

    assert_patches_undone_on_error(linebreaks.kept, lambda: (
        inline.split_first_line, preferred.split_first_line, inline.strut))



def test_a_second_pdf_of_a_build_breaks_no_line_the_first_broke(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    heading = "<h1>Another edition</h1>"
    fresh_lines, fresh, options = layout("line-height: 1.6", heading)
    stats: dict[str, int] = {}
    with linebreaks.kept(stats):  # without a shared store: its answers go with it
        layout("line-height: 1.4")
    alone = stats["misses"]
    with linebreaks.kept(stats):
        layout("line-height: 1.6", heading)
    assert stats["misses"] - alone >= alone  # broken all over again
    typeset.setup()  # as a build does in each process that renders
    with linebreaks.kept(stats):
        layout("line-height: 1.4")
    first = dict(stats)
    with linebreaks.kept(stats):  # another PDF: the same text under a heading
        lines, document, _ = layout("line-height: 1.6", heading)
    # the heading and a page number per page broken anew, no line of the paragraphs
    assert stats["misses"] - first["misses"] <= 1 + len(fresh.pages)
    assert lines == fresh_lines
    assert write_document(document, options) == write_document(fresh, options)


def test_each_build_starts_with_an_empty_store():
    typeset.setup()
    store = linebreaks._shared
    with linebreaks.kept():
        layout("")
    assert store is not None and len(store) > 20
    typeset.setup()
    assert linebreaks._shared is not store and not linebreaks._shared


def test_the_store_drops_the_least_recently_used_past_its_limit():
    answers = linebreaks.Answers(3 * (10 + linebreaks.ENTRY_CHARS))
    for number in range(3):
        answers.keep((f"text {number:5d}", 100.0), (number,))
    assert answers.find(("text     0", 100.0)) == (0,)  # used: kept longer than 1
    answers.keep(("text     3", 100.0), (3,))
    assert answers.find(("text     1", 100.0)) is None
    assert [key[0][-1] for key in answers] == ["2", "0", "3"]
    assert answers.size == 3 * (10 + linebreaks.ENTRY_CHARS)


def test_a_relayout_asks_pango_for_no_break_point_again(monkeypatch):
    """Where two boxes of a line meet, WeasyPrint asks whether a line can break between
    them, at each layout: answered once, the answers the same."""
    from weasyprint.text import line_break

    asked: list[str] = []
    real = line_break.get_next_break_point_from_text

    def counting(text, lang):
        asked.append(text)
        return real(text, lang)

    monkeypatch.setattr(line_break, "get_next_break_point_from_text", counting)
    words = " ".join(f"<em>{word}</em>{word}" for word in TEXT.split()[:200])
    html = f'<html lang="en"><body><p>{words}</p><p><b>{TEXT}</b></p></body></html>'
    fresh = [text for _, _, text in _lines(render_document(html, Path("."))[0])]
    with linebreaks.kept():
        render_document(html, Path("."))
        first = len(asked)
        lines = [text for _, _, text in _lines(render_document(html, Path("."))[0])]
    assert first > 100 and len(asked) - first <= 2
    assert lines == fresh
