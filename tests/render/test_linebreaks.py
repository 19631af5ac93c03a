"""The fitting pass's relayouts take each line's breaks from the layouts before (the same
text, width and font break the same at any line height), and come out as if laid out anew."""

from __future__ import annotations

from pathlib import Path

from workflow.render import linebreaks
from workflow.render.fitting import HYPHEN, _lines
from workflow.render.typeset import render_document, write_document

TEXT = ("Solidarity organisations publish statements and need them in several languages;"
        " internationalisation of a pamphlet means characteristically long words. ") * 30


def layout(css: str):
    html = (f'<html lang="en"><head><style>p {{ hyphens: auto; {css} }}</style></head>'
            f"<body><p>{TEXT}</p><p>{TEXT.upper()}</p></body></html>")
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

    before = inline.split_first_line, preferred.split_first_line, inline.strut
    try:
        with linebreaks.kept():
            assert inline.split_first_line is not before[0]
            raise RuntimeError
    except RuntimeError:
        pass
    assert (inline.split_first_line, preferred.split_first_line, inline.strut) == before

