"""A runt page is counted in its fuller column: two columns of a few lines each are a
runt too (one list item and a URL across the two columns of a letter page; side by side,
each cell its own column wherever the cells meet). A runt at the end of a multilingual
edition's section is fitted in that section alone."""

from __future__ import annotations

from pathlib import Path

from tests.typesetting.glyphs import read_pages
from workflow.render.stylesheet import language_css
from workflow.render.typeset import (
    LEADINGS,
    RUNT_LINES,
    layout_faults,
    render_document,
    runt_pages,
    typeset,
)

PAGE = '<p style="break-before: page">{}</p>'


def faults(html_body: str):
    html = ('<html lang="en"><head><style>@page { size: A4 } article { columns: 2 }'
            " p { margin: 0 }</style></head><body><article>" + html_body
            + "</article></body></html>")
    document, _ = render_document(html, Path("."))
    return layout_faults(document, for_print=False), len(document.pages)


def test_two_short_columns_make_a_runt():
    full = " ".join(["word"] * 2000)
    # The last page: five short lines, balanced over its two columns (3 + 2).
    (_, runts), pages = faults(f"<p>cover</p>{PAGE.format(full)}"
                               + PAGE.format("<br>".join(["short line"] * 5)))
    assert pages >= 3 and runts == 1


def test_a_full_column_is_no_runt():
    full = " ".join(["word"] * 2000)
    (_, runts), _ = faults(f"<p>cover</p>{PAGE.format(full)}"
                           + PAGE.format("<br>".join(["short line"] * 30)))
    assert runts == 0


# Three lines on A5, no word long enough to hyphenate (a hyphen the fitting pass takes
# back would move the lines).
PARAGRAPH = ("<p>We stand with all who walk to the line, and with all who take them in, each day"
             " and each night, in the rain and in the sun, as one, and we will not stop, not"
             " now and not ever.</p>")


def _edition(first_page: str = "") -> str:
    """A multilingual edition of two sections (10 and 11 paragraphs) after its cover."""
    def section(code: str, paragraphs: int) -> str:
        return (f'<article class="text section lang-{code}" lang="{code}">'
                + PARAGRAPH * paragraphs + "</article>")

    return (f'<html lang="en"><head><style>@page {{ size: A5 }} {first_page}</style></head>'
            '<body><section class="cover" lang="en"><h1 class="title">Caravan</h1></section>'
            + section("en", 10) + section("es", 11) + "</body></html>")


def test_a_runt_at_a_section_s_end_is_fitted_in_that_section(tmp_path):
    # Two sections of a multilingual edition, each opening on a new page: the first ends
    # on a page of its own at every looser line height and fits whole at tighter ones, at
    # which the second one's last lines go over alone. No line height for the whole
    # edition is without a runt; one for the first section alone is.
    html = _edition()
    for leading in LEADINGS:
        document, _ = render_document(html, Path("."), None, language_css({}, False, leading))
        assert runt_pages(document), f"no runt at x {leading}: the test would prove nothing"
    (tmp_path / "sections.pdf").write_bytes(typeset(html, Path("."), None, {}, draft=False))
    pages = read_pages(tmp_path / "sections.pdf", "one")
    lines = [sum(1 for line in page.lines if line.size > 8.01) for page in pages]
    assert not [count for count in lines[1:] if 0 < count <= RUNT_LINES], lines


def test_a_section_s_runt_is_fitted_with_the_section_alone(tmp_path, monkeypatch):
    # The edition above: its runt found, the first section is laid out alone at the other
    # line heights (a few pages each), and the whole edition once more, with the one that
    # fits: not the whole edition at every line height, then each section.
    from workflow.render import typeset as module

    html = _edition()
    layouts: list[str] = []
    real = module.render_document

    def counted(text, *args, **kwargs):
        layouts.append("whole" if "lang-es" in text else "alone")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(module, "render_document", counted)
    document, _ = module.fit(html, Path("."), None, {}, draft=False)
    assert not runt_pages(document)
    assert layouts.count("whole") == 2 and "alone" in layouts, layouts


def test_a_section_alone_keeps_its_page_breaks():
    # The section laid out alone breaks its pages where the whole edition does: its first
    # page is not the document's first (html.section_alone).
    from workflow.render.html import section_alone

    html = _edition("@page :first { margin: 60mm }")
    whole, _ = render_document(html, Path("."))
    alone_html = section_alone(html, "es")
    assert alone_html is not None and "lang-en" not in alone_html
    alone, _ = render_document(alone_html, Path("."))

    def lines(pages) -> list[int]:
        return [sum(1 for _ in _line_boxes(page)) for page in pages]

    es_pages = [page for page in whole.pages if _holds(page, "es")]
    assert lines(alone.pages[1:]) == lines(es_pages) and len(alone.pages) == len(es_pages) + 1
    assert section_alone(html, "fa") is None


def _line_boxes(page):
    from weasyprint.formatting_structure import boxes

    todo = [page._page_box]
    while todo:
        box = todo.pop()
        if isinstance(box, boxes.LineBox):
            yield box
        elif not isinstance(box, boxes.MarginBox):
            todo.extend(getattr(box, "children", ()))


def _holds(page, code: str) -> bool:
    from workflow.render.typeset import _section_language

    return _section_language(page) == code


def test_short_right_to_left_lines_are_one_column():
    # A page of one column ending a right-to-left text: full lines, then 3 short ones,
    # each set at its start, the right, so they begin right of the page's middle. Not a
    # runt, as an English page of the same lines is not (counted apart before).
    long = "لا ينبغي لأي جدران أو حدود أن توقف تضامننا مع المهاجرين في كل مكان. " * 3
    short = "<p>لا أحد غير شرعي.</p><p>مرحبًا بجميع المهاجرين.</p><p>أوقفوا الهجرة القسرية.</p>"
    html = ('<html lang="ar" dir="rtl"><head><style>@page { size: A5 } p { margin: 0 }'
            '</style></head><body><p>cover</p><article class="text" style="break-before: page">'
            f'<p>{long}</p>{short}</article></body></html>')
    document, _ = render_document(html, Path("."))
    lines = list(_line_boxes(document.pages[1]))
    assert 5 <= len(lines) <= 8 and sum(1 for line in lines
                                   if line.position_x >= document.pages[1]._page_box
                                   .margin_width() / 2) >= 3  # what fooled the count
    assert not runt_pages(document)


def test_side_by_side_columns_are_counted_apart_where_they_meet():
    # Side by side, the columns' widths follow the texts: a wide right-to-left column
    # starts left of the page's middle. A last page of 2 lines in one column and 3 in the
    # other is a runt (a URL across both, letter en+ur), not one column of 5 lines.
    def pair(left: str, right: str) -> str:
        return ('<div class="parallel"><div class="pair">'
                f'<div class="column" style="width: 35%" lang="en"><p>{left}</p></div>'
                f'<div class="column" style="width: 65%" lang="ar" dir="rtl"><p>{right}</p>'
                "</div></div></div>")

    html = ('<html lang="en"><head><style>@page { size: A4 } p { margin: 0 }</style></head>'
            '<body><p>cover</p><article class="text" style="break-before: page">'
            + pair("one<br>two", "واحد<br>اثنان<br>ثلاثة") + "</article></body></html>")
    document, _ = render_document(html, Path("."))
    from weasyprint.formatting_structure import boxes

    page = document.pages[1]
    cells, todo = [], [page._page_box]
    while todo:
        box = todo.pop()
        if isinstance(box, boxes.TableCellBox):
            cells.append(box.position_x)
        todo.extend(getattr(box, "children", ()))
    assert len(list(_line_boxes(page))) == 5 and len(cells) == 2
    assert max(cells) < page._page_box.margin_width() / 2  # what fooled the count
    assert runt_pages(document) == [1]
