"""The press sheet a print bundle names holds its booklets: with crop marks, with a margin
the press can hold the sheet by."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from tests.conftest import STATEMENT_EN, write_project
from workflow.build import build
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.pdf.settings import MM, SHEET_MARGIN_MM, PrintSettings, sheet_for


@pytest.mark.parametrize("size", ["A5", "A4", "letter"])
@pytest.mark.parametrize("marks", [False, True])
def test_every_size_names_a_sheet_its_booklet_fits(size, marks):
    settings = PrintSettings(page_size=size, crop_marks=marks)
    width, height = settings.booklet_media_mm
    name, (sheet_w, sheet_h) = settings.sheet
    margin = SHEET_MARGIN_MM if marks else 0
    assert width + 2 * margin <= sheet_w + 0.1 and height + 2 * margin <= sheet_h + 0.1, name


def test_a5_with_crop_marks_is_not_named_sra4():
    # 318 x 232 mm of booklet side: over SRA4's 225 mm, and 5 mm of margin besides.
    assert PrintSettings(page_size="A5", crop_marks=False).sheet[0] == "SRA4"
    assert PrintSettings(page_size="A5", crop_marks=True).sheet[0] != "SRA4"


def test_a_side_no_sheet_holds_is_refused_in_one_line():
    with pytest.raises(PamphletError, match="does not fit even .*crop_marks = false"):
        sheet_for("letter", (600.0, 400.0), crop_marks=True)


def test_bundle_names_the_sheet_the_booklet_fits(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN},
                         config='[tool.pamphlet]\nlanguages = ["en"]\ncrop_marks = true\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    build(project, languages=["en"], layouts=["single"], for_print=True)
    bundle = project.build / "print" / "caravan"
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    (booklet,) = [e for e in manifest["files"] if e["kind"] == "booklet"]
    media = PdfReader(bundle / booklet["file"]).pages[0].mediabox
    sheet_w, sheet_h = booklet["sheet_mm"]
    assert float(media.width) / MM + 2 * SHEET_MARGIN_MM <= sheet_w + 0.1
    assert float(media.height) / MM + 2 * SHEET_MARGIN_MM <= sheet_h + 0.1
    assert f"print on {booklet['sheet']}" in (bundle / "README.txt").read_text()
