"""Print files pad to a multiple of 4 pages with blank ones. A pamphlet one page over (cover,
three pages of text, colophon) sets its colophon under the text's end instead of adding a
sheet and three blank pages; one that padding would leave with blank pages gives its back
cover a page of its own after the colophon's. A page that shows only furniture (a folio)
is blank to the measure."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from tests.typesetting.glyphs import is_blank, read_pages
from workflow.pdf.settings import PrintSettings
from workflow.render.stylesheet import language_css
from workflow.render.typeset import SHARED_COLOPHON, _text_lines, render_document, typeset

PARAGRAPH = ("<p>We express our solidarity with the caravan of migrants and refugees who"
             " walk together towards the border, and with everyone who receives them.</p>")
BACK_COVER = ('<section class="back-cover" lang="en" dir="ltr"><div class="back-block"'
              ' lang="en" dir="ltr"><p class="back-title" lang="en" dir="ltr">Caravan</p>'
              '<p class="back-author" lang="en" dir="ltr">The Alliance</p></div>'
              '<div class="imprint" lang="en" dir="ltr">pamphlet 1.0</div></section>')


def pamphlet(paragraphs: int, end: str = "", entries: int = 1) -> str:
    return ('<html lang="en" dir="ltr"><head><style>@page { size: A5 }</style></head>'
            '<body lang="en"><section class="cover" lang="en"><h1 class="title">Caravan</h1>'
            '</section><article class="text" lang="en">' + PARAGRAPH * paragraphs
            + '</article><section class="colophon" lang="en"><div class="colophon-block">'
            '<h2>About this edition</h2><div class="entry">Published by the alliance.</div>'
            + '<div class="entry">Written in English.</div>' * entries
            + '<div class="imprint" lang="en">pamphlet 1.0</div></div></section>' + end
            + "</body></html>")


def paragraphs_for(pages: int, fill: range, end: str = "") -> int:
    """A number of paragraphs whose layout (colophon on its own page) has `pages` pages,
    the last page of text holding a number of lines in `fill`."""
    css = language_css({}, False)
    for count in range(4, 60):
        document, _ = render_document(pamphlet(count, end), Path("."), PrintSettings(), css)
        if (len(document.pages) == pages
                and (_text_lines(document.pages[pages - 2]) or 0) in fill):
            return count
    raise AssertionError(f"no pamphlet of {pages} pages: the test would prove nothing")


def test_one_page_over_shares_the_last_page_with_the_colophon():
    # A pamphlet whose text ends a third of the way down its fourth page: five pages, and
    # no line height brings it back to four.
    count = paragraphs_for(5, range(9, 19))
    pdf = typeset(pamphlet(count, BACK_COVER), Path("."), PrintSettings(), {}, draft=False)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 4
    assert "About this edition" in pages[-1].extract_text()


def test_the_back_cover_takes_the_page_padding_would_leave_blank():
    # Cover, a page of text and the colophon: three pages, a blank one short of a sheet.
    count = paragraphs_for(3, range(14, 40), BACK_COVER)
    pdf = typeset(pamphlet(count, BACK_COVER), Path("."), PrintSettings(), {}, draft=False)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) == 4, texts
    # The colophon's page is the inside back cover; the back cover, last, shows the title
    # and the organisation, and the imprint that left the colophon for it.
    assert "About this edition" in texts[2] and "pamphlet 1.0" not in texts[2]
    assert "Caravan" in texts[3] and "The Alliance" in texts[3] and "pamphlet 1.0" in texts[3]


def test_a_full_sheet_keeps_the_colophon_as_its_back_cover():
    # Cover, two pages of text and the colophon: four pages, no padding to fill.
    count = paragraphs_for(4, range(14, 40), BACK_COVER)
    pdf = typeset(pamphlet(count, BACK_COVER), Path("."), PrintSettings(), {}, draft=False)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert "The Alliance" not in "".join(texts)


def test_a_page_with_only_its_folio_is_blank(tmp_path):
    html = ('<html lang="en"><head><style>@page { size: A5; @bottom-center { content:'
            ' counter(page); font-family: "Noto Sans"; font-size: 8pt } }</style></head>'
            '<body><p>Text.</p><div style="break-before: page; height: 1cm"></div>'
            '<p style="break-before: page; font-family: Noto Sans; font-size: 8.5pt">'
            "Small text.</p><p style=\"break-before: page; margin-top: 60mm; font-family:"
            ' Noto Sans; font-size: 7pt">A title on a cover of seven, set small.</p>'
            "</body></html>")
    document, options = render_document(html, Path("."))
    document.write_pdf(tmp_path / "folio.pdf", **options)
    pages = read_pages(tmp_path / "folio.pdf")
    assert [bool(page.lines) for page in pages] == [True] * 4  # the folio is read
    # Small type is furniture only in the margins: a cover of many titles is not blank.
    assert [is_blank(page) for page in pages] == [False, True, False, False]


def test_a_tighter_line_height_makes_room_for_the_colophon_under_the_text():
    # Five pages with a long colophon on its own: under the text's end it does not fit at
    # the line height the layout was chosen at, a few percent tighter it does.
    html = pamphlet(25, BACK_COVER, entries=10)
    css = language_css({}, False)
    alone, _ = render_document(html, Path("."), PrintSettings(), css)
    shared, _ = render_document(html, Path("."), PrintSettings(), css + SHARED_COLOPHON)
    assert (len(alone.pages), len(shared.pages)) == (5, 5), "the test would prove nothing"
    pdf = typeset(html, Path("."), PrintSettings(), {}, draft=False)
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) == 4 and "About this edition" in texts[-1]
