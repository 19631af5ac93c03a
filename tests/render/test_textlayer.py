"""Text copied out of Arabic and Persian PDFs is the catalog's text: vowel marks with their
letters, ZWNJ kept, brackets and punctuation where they were written (poppler's pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pikepdf
import pytest

from tests.helpers import keeping_numbers, translate_catalog, write_project
from workflow.build import build
from workflow.config import load_project
from workflow.render.textlayer import _glyph_texts
from workflow.update import update

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ARABIC = "عزِّزوا الحركة القاعدية للمهاجرين (IMA)، وتصدَّوا للعولمة."
PERSIAN = "ما همبستگی خود را با خیزش‌های منطقه اعلام می‌کنیم: «نه به جنگ»."


def copied(path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFC", BIDI_CONTROLS.sub("", text))
    return " ".join(text.split())


@needs_poppler
def test_arabic_and_persian_copy_out_as_written(project):
    update(project)
    translate_catalog(project, "ar", keeping_numbers(ARABIC))
    translate_catalog(project, "fa", keeping_numbers(PERSIAN))
    build(project, final=True, languages=["ar", "fa"], layouts=["single"])
    folder = project.build / "caravan"
    arabic = copied(folder / "caravan.ar.pdf")
    persian = copied(folder / "caravan.fa.pdf")
    assert unicodedata.normalize("NFC", ARABIC) in arabic
    assert unicodedata.normalize("NFC", PERSIAN) in persian
    assert persian.count("\u200c") >= 2 * persian.count(PERSIAN)  # every ZWNJ


@needs_poppler
def test_side_by_side_pages_copy_out_as_written(project):
    # An English column beside an Arabic one: more Latin letters than Arabic ones, so
    # poppler reads the page left to right and puts the runs of an Arabic line with a
    # comma, a full stop or Latin letters last first, unless the page tips it to the right
    # (an invisible line of RLMs); the English lines then keep their trailing "?".
    short = "ادعموا (IMA)، الآن."  # shorter than the English, as Arabic translations are
    update(project)
    translate_catalog(project, "ar", keeping_numbers(short))
    build(project, final=True, languages=["ar"], layouts=["parallel"])
    text = copied(project.build / "caravan" / "caravan.en+ar.pdf")
    assert short in text
    assert "How can we challenge this?" in text
    assert "What will happen next?" in text


@needs_poppler
def test_an_english_edition_copies_out_without_marks(project):
    # the marked points after left-to-right line ends are taken out again, and on a page
    # read left to right no LRM is added
    update(project)
    build(project, final=True, languages=["en"], layouts=["single"])
    path = project.build / "caravan" / "caravan.en.pdf"
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "How can we challenge this?" in raw and "\u200e" not in raw
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            assert not [i for i in pikepdf.parse_content_stream(page)
                        if str(i.operator) in ("MP", "DP")]


def test_a_cluster_copies_out_from_its_widest_glyph():
    # beh + fatha drawn as two glyphs (the mark first, right to left): the letter carries
    # both; a ZWNJ, which draws nothing, goes with the letter before it.
    text = "\u0628\u064e\u200c\u0645".encode()  # bytes: beh 0, fatha 2, ZWNJ 4, meem 7
    # glyphs in drawing order, left to right: meem, ZWNJ (draws nothing), fatha, beh
    clusters, ids, widths = [7, 4, 2, 0], [40, 0xFFFFFFF, 13, 12], [480, 0, 0, 500]
    texts = _glyph_texts(text, clusters, ids, widths, rtl=True, empty=0xFFFFFFF)
    assert texts == ["\u0645", "", "", "\u0628\u064e\u200c"]


@needs_poppler
def test_two_columns_of_arabic_copy_out_column_by_column(tmp_path, monkeypatch):
    # A4 sets the text in two balanced columns. poppler joins a line to the block above
    # only when its baseline is at most 1.5x the font size lower; at the single column's
    # 1.7 every Arabic line was a block of its own and the copy took one line from each
    # column in turn, so no paragraph of more than a line came out whole.
    root = write_project(tmp_path / "project", config='[tool.pamphlet]\npage_size = "A4"\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    # A Latin run (the fallback font's taller line, unless the paragraph's line height
    # alone counts: span.leading) in a line between others: "(IMA)", "(TPP)".
    paragraph = " ".join(["إننا نعارض جميع الإمبرياليين والمستبدين، العالميين منهم "
                          "والإقليميين، وفي جميع هذه الحالات نرى اللاجئين يجردون من إنسانيتهم.",
                          ARABIC, "التضامن مع الانتفاضات الشعبية (TPP) في منطقة الشرق الأوسط "
                          "وشمال أفريقيا وفي كل مكان آخر."])  # four lines or more in a column
    update(project)
    translate_catalog(project, "ar", keeping_numbers(paragraph))
    build(project, final=True, languages=["ar"], layouts=["single"])
    text = copied(project.build / "caravan" / "caravan.ar.pdf")
    whole = unicodedata.normalize("NFC", paragraph[:-1])
    # 9 entries, all whole here (one across the column break); 5 with the Latin runs'
    # lines taller, 3 at the single column's 1.7
    assert text.count(whole) >= 8
