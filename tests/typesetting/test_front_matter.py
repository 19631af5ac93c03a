"""A multilingual cover and contents page fit their pages with seven languages and long
titles (three lines of Nastaliq), without overlapping lines: read back from glyph boxes.
And issue 23's measure reads that edition's running text only (its contents are no text)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import STATEMENT_EN, write_project
from tests.helpers import set_titles
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


def benchmark(name: str):
    """A module of benchmarks/ (a script, not a package: a `benchmarks` package some
    dependency installs would shadow it)."""
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


@pytest.fixture(scope="module")
def seven_pdf(tmp_path_factory):
    """The seven-language multilingual edition (built once for this module's tests)."""
    title = "Solidarity with the caravan of migrants crossing Mexico towards the northern" \
            " border of the United States"
    statement = STATEMENT_EN.replace('title: "Solidarity with the caravan"', f'title: "{title}"')
    root = write_project(tmp_path_factory.mktemp("seven") / "project", {"caravan": statement},
                         config=f"[tool.pamphlet]\nlanguages = {LANGUAGES!r}\n".replace("'", '"'))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        project = load_project(root)
        update(project)
        set_titles(project, TITLES)
        build(project, layouts=["multilingual"])
    return project.build / "caravan" / "caravan.multilingual.pdf"


def test_seven_languages_fit_the_cover_and_the_contents(seven_pdf):
    pdf = seven_pdf
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


def test_the_word_space_measure_reads_running_text_not_the_contents(seven_pdf):
    """Text is ragged (no line stretched), so every measure of justified lines reads
    "ragged"; the contents' lines, whose leader dots and the gap before the page number
    read as word spaces of 1.1-3.2x, are no justified lines (they made the ragged A5
    seven-language Arabic script measure fail: 9.1 % above 1.6x, worst 2.09x)."""
    measure = benchmark("measure_typesetting")
    tally = measure.Tally()
    run = measure.Run("seven", "A5", "screen", [seven_pdf], languages=LANGUAGES)
    measure.measure_pdf(seven_pdf, run, tally)
    assert {"A5 multilingual Latin", "A5 multilingual Arabic script"} <= set(tally.spacing)
    stretched = {name: [v for v in values if v[0] > 1.03]
                 for name, values in tally.spacing.items()}
    assert not any(stretched.values()), stretched
