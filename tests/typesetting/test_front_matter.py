"""A multilingual cover and contents page fit their pages with seven languages and long
titles (three lines of Nastaliq), without overlapping lines: read back from glyph boxes."""

from __future__ import annotations

import shutil

import polib
import pytest
from pypdf import PdfReader

from tests.conftest import STATEMENT_EN, write_project
from tests.typesetting.glyphs import leader_gaps, overlaps, read_pages
from workflow.build import build
from workflow.config import load_project
from workflow.update import update

pytestmark = pytest.mark.skipif(shutil.which("mutool") is None, reason="needs MuPDF")

LANGUAGES = ["en", "es", "ar", "fa", "ur", "tl", "fr"]
TITLES = {
    "es": "Solidaridad internacional con la caravana de migrantes que cruza México hacia"
          " la frontera",
    "ar": "التضامن الأممي مع قافلة المهاجرين التي تعبر المكسيك نحو الحدود الشمالية",
    "fa": "همبستگی بین‌المللی با کاروان مهاجرانی که از مکزیک به سوی مرز شمالی می‌روند",
    "ur": "مہاجرین کے عالمی دن کے موقع پر بین الاقوامی اتحادِ مہاجرین کا بیان: ہماری"
          " جدوجہد سرحدوں کے بغیر ایک منصفانہ دنیا کے لیے جاری رہے گی",
    "tl": "Pakikiisa sa karaban ng mga migranteng tumatawid sa Mexico patungo sa hangganan",
    "fr": "Solidarité internationale avec la caravane de migrants qui traverse le Mexique"
          " vers la frontière",
}


@pytest.fixture
def seven(tmp_path, monkeypatch):
    title = "Solidarity with the caravan of migrants crossing Mexico towards the northern" \
            " border of the United States"
    statement = STATEMENT_EN.replace('title: "Solidarity with the caravan"', f'title: "{title}"')
    root = write_project(tmp_path / "project", {"caravan": statement},
                         config=f"[tool.pamphlet]\nlanguages = {LANGUAGES!r}\n".replace("'", '"'))
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    for language, text in TITLES.items():
        catalog = polib.pofile(str(project.po_path("caravan", language)))
        for entry in catalog:
            if entry.comment.strip() == "title":
                entry.msgstr = text
        catalog.save()
    return project


def test_seven_languages_fit_the_cover_and_the_contents(seven):
    build(seven, layouts=["multilingual"])
    pdf = seven.build / "caravan" / "caravan.multilingual.pdf"
    targets = [{str(a.get_object().get("/Dest") or a.get_object().get("/A"))
                for a in page.get("/Annots") or []
                if a.get_object().get("/Subtype") == "/Link"} for page in PdfReader(pdf).pages[:3]]
    assert [len(t) for t in targets] == [0, len(LANGUAGES), 0]  # the contents on page 2
    pages = read_pages(pdf)
    cover_sizes = {round(g.size, 1) for line in pages[0].lines for g in line.glyphs}
    later = {round(g.size, 1) for page in pages[1:] for line in page.lines for g in line.glyphs}
    assert cover_sizes - later  # the cover's own sizes: none of them on page 2
    assert not [line.logical for line in pages[1].lines
                if {round(g.size, 1) for g in line.glyphs} & (cover_sizes - later)]
    for page in pages[:2]:
        assert not overlaps(page)
    # Every language's leader dots stop short of its page number (Arabic's touched it).
    gaps = leader_gaps(pages[1])
    assert len(gaps) == len(LANGUAGES) and min(gaps) >= 0.5, gaps
