"""Screen PDFs are tagged: a structure tree, the title shown, /Lang per section, and an
outline of headings that never skips a level."""

from __future__ import annotations

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from workflow.edition import Unit
from workflow.render.html import outline_levels

HEADINGS = {f"/H{n}": n for n in range(1, 7)}


def elements(node, lang=None):
    """(structure type, its language, inherited) of the tag tree, in reading order."""
    if isinstance(node, Array):
        for kid in node:
            yield from elements(kid, lang)
        return
    if not isinstance(node, Dictionary):
        return  # a marked-content id
    if Name.S in node:
        lang = str(node.Lang) if Name.Lang in node else lang
        yield str(node.S), lang
    if Name.K in node:
        yield from elements(node.K, lang)


def tags(path):
    with pikepdf.open(path) as pdf:
        assert Name.StructTreeRoot in pdf.Root, f"{path.name}: not tagged"
        assert pdf.Root.MarkInfo.Marked
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        return list(elements(pdf.Root.StructTreeRoot.K, str(pdf.Root.get(Name.Lang, ""))))


def test_every_screen_pdf_is_tagged_with_an_ordered_outline(built_reviewed):
    _, report = built_reviewed
    assert len(report.written) == 8
    for path in report.written:
        levels = [HEADINGS[kind] for kind, _ in tags(path) if kind in HEADINGS]
        assert levels[0] == 1, f"{path.name} starts with H{levels[0]}"
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, f"{path.name}: H{before} then H{after}"


def test_each_section_of_the_multilingual_edition_has_its_language(built_reviewed):
    reviewed, _ = built_reviewed
    found = tags(reviewed.build / "caravan" / "caravan.multilingual.pdf")
    titles = [lang for kind, lang in found if kind == "/H1"]
    assert titles == ["en", "es", "ar", "fa"]  # each section's title, in its language
    paragraphs = {lang for kind, lang in found if kind == "/P"}
    assert {"ar", "fa"} <= paragraphs


def heading(level: int) -> Unit:
    return Unit("heading", level, False, (), 1)


PARAGRAPH = Unit("paragraph", 0, False, (), 1)


@pytest.mark.parametrize(("markdown", "html"), [
    ([2, 3, 2], (2, 3, 2)),
    ([3, 2], (2, 2)),  # ### first: never H1 -> H3
    ([2, 4, 4, 2], (2, 3, 3, 2)),  # #### under ## is the next level down
    ([1, 3], (2, 3)),
])
def test_statement_headings_rank_under_the_title(markdown, html):
    units = tuple(u for level in markdown for u in (heading(level), PARAGRAPH))
    assert outline_levels(units)[0::2] == html
    assert set(outline_levels(units)[1::2]) == {0}
