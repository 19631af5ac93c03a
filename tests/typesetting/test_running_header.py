"""A long title's running header is one line in the top margin, clear of the draft
notice beside it, in Latin, Arabic and Nastaliq (and across the measure in the source
edition, which has no notice): read back from glyph boxes."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import STATEMENT_EN, write_project
from tests.helpers import set_titles
from tests.typesetting.glyphs import Glyph, group_lines, read_pages
from workflow.build import build
from workflow.config import load_project
from workflow.update import update

pytestmark = pytest.mark.skipif(shutil.which("mutool") is None, reason="needs MuPDF")

ENGLISH = ("Solidarity with the caravan of migrants crossing Mexico towards the northern"
           " border of the United States, and with all who walk for a life of dignity")
TITLES = {
    "es": "Solidaridad internacional con la caravana de migrantes que cruza México hacia"
          " la frontera norte de los Estados Unidos",
    "ar": "التضامن الأممي مع قافلة المهاجرين التي تعبر المكسيك نحو الحدود الشمالية للولايات"
          " المتحدة الأمريكية",
    "ur": "مہاجرین کے عالمی دن کے موقع پر بین الاقوامی اتحادِ مہاجرین کا بیان: ہماری"
          " جدوجہد سرحدوں کے بغیر ایک منصفانہ دنیا کے لیے جاری رہے گی",
}
HEADER = ".333333 .333333 .333333"  # #555 (pamphlet.css)
NOTICE = ".690196 0 .12549"  # #b00020, the draft notice
TOP_MARGIN = 18 * 72 / 25.4  # A5's (pamphlet.css)
PARAGRAPH = ("We express our solidarity with the caravan of migrants that crosses Mexico,"
             " and with every family that walks with it towards the border. ") * 6


@pytest.fixture
def long_titles(tmp_path, monkeypatch):
    statement = STATEMENT_EN.replace('"Solidarity with the caravan"', f'"{ENGLISH}"')
    statement = statement.replace("More than 7000 people walk together.\n",
                                     "More than 7000 people walk together.\n\n"
                                     + "\n\n".join([PARAGRAPH] * 12) + "\n")
    root = write_project(tmp_path / "project", {"caravan": statement},
                         config='[tool.pamphlet]\nlanguages = ["en", "es", "ar", "ur"]\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    set_titles(project, TITLES)
    return project


def _extent(glyphs: list[Glyph]) -> tuple[float, float]:
    return min(g.x0 for g in glyphs), max(g.x1 for g in glyphs)


@pytest.mark.parametrize("language", ["es", "ar", "ur", "en"])
def test_a_long_title_runs_one_line_clear_of_the_notice(long_titles, language):
    build(long_titles, languages=[language], layouts=["single"])
    pdf = long_titles.build / "caravan" / f"caravan.{language}.pdf"
    headed = 0
    for page in read_pages(pdf, columns="one"):
        top = page.trim[0]
        glyphs = [g for line in page.lines for g in line.glyphs
                  if g.baseline < top + TOP_MARGIN and not g.c.isspace()]
        header = [g for g in glyphs if g.color == HEADER]
        notice = [g for g in glyphs if g.color == NOTICE]
        if not header:
            continue  # the cover, a section's first page
        assert bool(notice) == (language != "en"), f"page {page.index + 1}: the notice"
        headed += 1
        lines = group_lines(page.index, header, [])
        assert len(lines) == 1, (page.index + 1, [line.logical for line in lines])
        high, low = lines[0].ink()
        assert top < high and low < top + TOP_MARGIN, (page.index + 1, high, low)
        assert "\u2026" in lines[0].logical  # cut, with an ellipsis
        if notice:
            (x0, x1), (n0, n1) = _extent(header), _extent(notice)
            assert x1 < n0 or n1 < x0, (page.index + 1, (x0, x1), (n0, n1))
    assert headed


def _header(title: str) -> dict[str, str]:
    from weasyprint import HTML

    from workflow.render.fitting import header_faults

    css = ("@page lang-en { size: A5; margin: 18mm 14mm;"
           " @top-center { content: string(doctitle); width: 30%; font-size: 7pt; } }"
           " body { page: lang-en; } h1 { string-set: doctitle content(text); }"
           " p { break-before: page; }")
    html = f"<style>{css}</style><h1>{title}</h1><p>text</p>"
    return header_faults(HTML(string=html).render())


def test_header_faults_cut_after_a_whole_word():
    title = "Statement of the alliance, on the day of migrants: our struggle goes on"
    cut = _header(title)["en"]
    assert cut.endswith("\u2026") and title.startswith(cut[:-1]), cut
    assert cut[-2].isalpha()  # no comma or colon before the ellipsis
    assert not _header(cut[:-1])  # what it kept fits
    assert _header("Short title") == {}
    # one word wider than the line: that word (clipped by the box), no shorter
    word = "Antidisestablishmentarianism" * 3
    assert _header(word + " and more") == {"en": word + "\u2026"}
