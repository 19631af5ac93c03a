"""A runt page is counted in its fuller column: two columns of a few lines each are a
runt too (one list item and a URL across the two columns of a letter page)."""

from __future__ import annotations

from pathlib import Path

from workflow.render.typeset import layout_faults, render_document

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
