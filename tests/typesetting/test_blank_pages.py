"""Print files pad to a multiple of 4 pages with blank ones: a pamphlet one page over (cover,
three pages of text, colophon) sets its colophon under the text's end instead of adding a
sheet and three blank pages."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from workflow.pdf.settings import PrintSettings
from workflow.render.stylesheet import language_css
from workflow.render.typeset import _text_lines, render_document, typeset

PARAGRAPH = ("<p>We express our solidarity with the caravan of migrants and refugees who"
             " walk together towards the border, and with everyone who receives them.</p>")


def pamphlet(paragraphs: int) -> str:
    return ('<html lang="en" dir="ltr"><head><style>@page { size: A5 }</style></head>'
            '<body lang="en"><section class="cover" lang="en"><h1 class="title">Caravan</h1>'
            '</section><article class="text" lang="en">' + PARAGRAPH * paragraphs
            + '</article><section class="colophon" lang="en"><div class="colophon-block">'
            '<h2>About this edition</h2><div class="entry">Published by the alliance.</div>'
            '<div class="entry">Written in English.</div></div></section></body></html>')


def test_one_page_over_shares_the_last_page_with_the_colophon():
    settings = PrintSettings()
    css = language_css({}, False)
    # A pamphlet whose text ends a third of the way down its fourth page: five pages, and
    # no line height brings it back to four.
    for count in range(16, 30):
        document, _ = render_document(pamphlet(count), Path("."), settings, css)
        if len(document.pages) == 5 and 9 <= (_text_lines(document.pages[3]) or 0) <= 18:
            break
    else:
        raise AssertionError("no pamphlet of five pages: the test would prove nothing")
    pdf = typeset(pamphlet(count), Path("."), settings, {}, draft=False)
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 4
    assert "About this edition" in pages[-1].extract_text()
