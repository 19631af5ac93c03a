"""Text copied out of Arabic and Persian PDFs is the catalog's text: vowel marks with their
letters, ZWNJ kept, brackets and punctuation where they were written (poppler's pdftotext)."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

from tests.helpers import keeping_numbers, translate_catalog
from workflow.build import build
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


def test_a_cluster_copies_out_from_its_widest_glyph():
    # beh + fatha drawn as two glyphs (the mark first, right to left): the letter carries
    # both; a ZWNJ, which draws nothing, goes with the letter before it.
    text = "\u0628\u064e\u200c\u0645".encode()  # bytes: beh 0, fatha 2, ZWNJ 4, meem 7
    # glyphs in drawing order, left to right: meem, ZWNJ (draws nothing), fatha, beh
    clusters, ids, widths = [7, 4, 2, 0], [40, 0xFFFFFFF, 13, 12], [480, 0, 0, 500]
    texts = _glyph_texts(text, clusters, ids, widths, rtl=True, empty=0xFFFFFFF)
    assert texts == ["\u0645", "", "", "\u0628\u064e\u200c"]
