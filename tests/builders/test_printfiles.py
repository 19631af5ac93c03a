"""Print files (`build --print`): boxes, padding, variants, booklets, preflight, the bundle.

Every claim is read back with pypdf, not with the pikepdf that wrote the files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from tests.helpers import STATEMENT_EN, keeping_numbers, translate_catalog, write_project
from workflow import languages
from workflow.build import build
from workflow.cli import main
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.pdf import prepress
from workflow.pdf.impose import booklet_order
from workflow.pdf.preflight import Expected, check, preflight, render_problems
from workflow.pdf.prepress import finish
from workflow.pdf.settings import MM, PrintSettings
from workflow.update import update

A5 = (148 * MM, 210 * MM)
BLEED = 3 * MM
SENTENCE = ("Workers who cross borders build the cities, harvest the fields and care for the"
            " children of others, yet they are denied the most basic rights.")
# Long enough for four pages of text: six pages with cover and colophon, padded to eight
# with blank pages before the colophon (one page over four would share the colophon).
LONG_STATEMENT = STATEMENT_EN + "\n" + "\n\n".join(
    f"Section {k}. {SENTENCE}" for k in range(1, 28)) + "\n"
FA_SENTENCE = "کارگرانی که از مرزها عبور می‌کنند شهرها را می‌سازند و از حقوق پایه محروم‌اند."


def close(a: float, b: float, tolerance: float = 0.05) -> bool:
    return abs(a - b) < tolerance


def box(rectangle) -> tuple[float, ...]:
    return tuple(float(v) for v in (rectangle.left, rectangle.bottom, rectangle.right,
                                    rectangle.top))


def configure(project, settings: str):
    (project.root / "pyproject.toml").write_text(
        f"[project]\nname = 'x'\n\n[tool.pamphlet]\n{settings}\n", encoding="utf-8")
    return load_project(project.root)


@pytest.fixture
def long_reviewed(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project", {"caravan": LONG_STATEMENT})
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    translate_catalog(project, "fa", keeping_numbers(FA_SENTENCE))
    return project


@pytest.fixture
def en_reviewed(project):
    update(project)
    return project


def placed_contents(booklet: PdfReader) -> list[tuple[bytes, bytes]]:
    """The content each side shows on its left and right half: the form each `Do` draws."""
    width = float(booklet.pages[0].trimbox.width)
    sides = []
    for side in booklet.pages:
        halves, x = {}, 0.0
        xobjects = side["/Resources"]["/XObject"]
        for operands, operator in ContentStream(side.get_contents(), booklet).operations:
            if operator == b"cm":
                x = float(operands[4])
            elif operator == b"Do":
                form = xobjects[operands[0]].get_object()
                halves["left" if x < width / 2 else "right"] = form.get_data()
        sides.append((halves["left"], halves["right"]))
    return sides


def fonts_of(reader: PdfReader) -> dict:
    """Every font of every page, in the forms a booklet draws its pages with too."""
    seen = {}
    todo = [page["/Resources"] for page in reader.pages]
    while todo:
        resources = todo.pop().get_object()
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            seen[font["/BaseFont"]] = font
        todo += [x.get_object()["/Resources"] for x in resources.get("/XObject", {}).values()
                 if x.get_object().get("/Subtype") == "/Form"]
    return seen


def embedded(font) -> bool:
    if font["/Subtype"] == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font["/FontDescriptor"].get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def xmp(reader: PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")


def test_booklet_order_is_saddle_stitch_and_mirrored_for_right_binding():
    assert booklet_order(4) == [(3, 0), (1, 2)]
    assert booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    assert booklet_order(8, "right") == [(0, 7), (6, 1), (2, 5), (4, 3)]
    with pytest.raises(ValueError, match="multiple of 4"):
        booklet_order(6)


def page_text(path: Path, number: int) -> str:
    text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return "".join(c for c in text if c not in "\u200e\u200f\u202a\u202b\u202c").strip()


def test_print_build_ltr_and_rtl(long_reviewed):
    report = build(long_reviewed, languages=["en", "fa"], layouts=["single"], final=True,
                   for_print=True)
    folder = long_reviewed.build / "print" / "caravan"
    assert sorted(p.name for p in report.booklets) == ["caravan.en.booklet.pdf",
                                                      "caravan.fa.booklet.pdf"]
    expected_sides = {"en": [(7, 0), (1, 6), (5, 2), (3, 4)],  # binds on the left
                      "fa": [(0, 7), (6, 1), (2, 5), (4, 3)]}  # binds on the right: mirrored
    for lang in ("en", "fa"):
        pages = PdfReader(folder / f"caravan.{lang}.pdf")
        assert len(pages.pages) == 8, "cover, text, colophon and blank pages: two sheets"
        for page in pages.pages:
            trim, bleed, media = box(page.trimbox), box(page.bleedbox), box(page.mediabox)
            assert close(trim[2] - trim[0], A5[0]) and close(trim[3] - trim[1], A5[1])
            assert all(close(b, t + d) for b, t, d in
                       zip(bleed, trim, (-BLEED, -BLEED, BLEED, BLEED), strict=True))
            assert all(close(m, b) for m, b in zip(media, bleed, strict=True))
        # poppler's text, as a reader copies it: the text layer gives each glyph its text
        # for extractors that reverse right-to-left lines character by character (poppler,
        # MuPDF); pypdf reverses glyph by glyph, and puts a Persian mark before its letter.
        texts = [page_text(folder / f"caravan.{lang}.pdf", n + 1)
                 for n in range(len(pages.pages))]
        # The blank pages go before the colophon, which is the last page.
        first_blank = texts.index("")
        assert first_blank >= 4 and all(texts[:first_blank]) and not any(texts[first_blank:7])
        assert texts[7].startswith(languages.get(lang).furniture["colophon"])
        assert all(embedded(font) for font in fonts_of(pages).values())
        assert any("Naskh" in name for name in fonts_of(pages)) == (lang == "fa")
        # PDF/X-4 with the FOGRA39 CMYK output intent, declared in the XMP metadata.
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp(pages)
        intent = pages.trailer["/Root"]["/OutputIntents"][0].get_object()
        assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "FOGRA39"
        assert intent["/DestOutputProfile"].get_object()["/N"] == 4
        preferences = pages.trailer["/Root"].get("/ViewerPreferences", {})
        assert preferences.get("/Direction") == ("/R2L" if lang == "fa" else None)

        booklet = PdfReader(folder / f"caravan.{lang}.booklet.pdf")
        assert len(booklet.pages) == 4  # two sheets, printed on both sides
        for side in booklet.pages:
            trim, bleed = box(side.trimbox), box(side.bleedbox)
            assert close(trim[2] - trim[0], 2 * A5[0]) and close(trim[3] - trim[1], A5[1])
            assert close(trim[0] - bleed[0], BLEED) and close(bleed[2] - trim[2], BLEED)
        contents = [page.get_contents().get_data() for page in pages.pages]
        assert placed_contents(booklet) == [(contents[left], contents[right])
                                            for left, right in expected_sides[lang]]
        assert "PDF/X-4" in xmp(booklet)
        assert fonts_of(booklet).keys() == fonts_of(pages).keys()
        assert all(embedded(font) for font in fonts_of(booklet).values())
    # The pages are the ones numbered so: page 2 of the Persian pamphlet prints "۲", and sits
    # on the right half of the second side of its booklet.
    fa_pages = PdfReader(folder / "caravan.fa.pdf")
    assert "۲" in fa_pages.pages[1].extract_text()
    assert "2" in PdfReader(folder / "caravan.en.pdf").pages[1].extract_text()


def test_bundle_manifest_and_readme(long_reviewed):
    build(long_reviewed, languages=["fa"], layouts=["single"], final=True, for_print=True)
    bundle = long_reviewed.build / "print" / "caravan"
    assert sorted(p.name for p in bundle.iterdir()) == [
        "README.txt", "caravan.fa.booklet.pdf", "caravan.fa.pdf", "manifest.json"]
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["variant"] == "PDF/X-4" and manifest["bleed_mm"] == 3
    assert manifest["trim_mm"] == [148, 210] and manifest["final"] is True
    pages, booklet = manifest["files"]
    assert pages == {**pages, "file": "caravan.fa.pdf", "kind": "pages", "pages": 8,
                     "languages": ["fa"], "binding": "right", "trim_mm": [148, 210],
                     "bleed_mm": 3, "variant": "PDF/X-4"}
    # The sheet is named for what it is: two A5 pages and their bleed do not fit on A4.
    assert booklet == {**booklet, "file": "caravan.fa.booklet.pdf", "sides": 4, "sheet": "SRA4",
                       "sheet_mm": [320, 225], "trim_mm": [296, 210], "media_mm": [302, 216]}
    for entry in manifest["files"]:
        data = (bundle / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        # Print files live in the bundle only: the screen PDFs are not touched.
        assert not (long_reviewed.build / "caravan" / entry["file"]).exists()
    readme = (bundle / "README.txt").read_text(encoding="utf-8")
    assert "Bleed:       3 mm on every side" in readme
    assert "caravan.fa.pdf" in readme and "binds on the right" in readme
    assert "print on SRA4 (320 x 225 mm landscape), cut to the trim" in readme
    # Unchanged inputs: nothing rebuilt; a file an earlier bundle listed is removed, a file
    # pamphlet did not write (the shop's notes) is left alone.
    listed = {**manifest, "files": manifest["files"] + [{"file": "old.pdf"}]}
    (bundle / "manifest.json").write_text(json.dumps(listed), encoding="utf-8")
    (bundle / "old.pdf").write_bytes(b"%PDF")
    (bundle / "notes.txt").write_text("from the shop", encoding="utf-8")
    again = build(long_reviewed, languages=["fa"], layouts=["single"], final=True,
                  for_print=True)
    assert not again.written and not (bundle / "old.pdf").exists()
    assert (bundle / "notes.txt").read_text(encoding="utf-8") == "from the shop"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler")
def test_cover_colour_runs_into_the_bleed(en_reviewed, tmp_path):
    build(en_reviewed, languages=["en"], layouts=["single"], for_print=True)
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-f", "1", "-l", "1", "-singlefile",
                    str(en_reviewed.build / "print" / "caravan" / "caravan.en.pdf"),
                    str(tmp_path / "cover")], check=True)
    from PIL import Image

    image = Image.open(tmp_path / "cover.png").convert("RGB")
    red, green, blue = image.getpixel((0, 0))  # the corner of the bleed
    assert red > 150 and green < 60 and blue < 80, image.getpixel((0, 0))


@pytest.mark.parametrize("variant", ["pdf/a-2b", "pdf/ua-1"])
def test_other_variants_are_declared(en_reviewed, variant):
    project = configure(en_reviewed, f'print_variant = "{variant}"')
    stdout = io.StringIO()
    assert main(["build", "--print", "--final", "--lang", "en", "--layout", "single"],
                stdout=stdout) == 0
    assert "print bundle(s): build/print/caravan/" in stdout.getvalue()
    pages = PdfReader(project.build / "print" / "caravan" / "caravan.en.pdf")
    booklet = PdfReader(project.build / "print" / "caravan" / "caravan.en.booklet.pdf")
    assert len(pages.pages) % 4 == 0
    root = pages.trailer["/Root"]
    if variant == "pdf/a-2b":
        assert 'pdfaid:part="2"' in xmp(pages) and 'pdfaid:conformance="B"' in xmp(pages)
        assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
        assert 'pdfaid:part="2"' in xmp(booklet)
    else:
        assert 'pdfuaid:part="1"' in xmp(pages)
        assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
        # Imposed sheets have no reading order: the booklet does not claim PDF/UA.
        assert "/Metadata" not in booklet.trailer["/Root"]
        # ... and the shop's README.txt says so.
        readme = (project.build / "print" / "caravan" / "README.txt").read_text()
        assert "PDF/UA-1 (the page files; booklets are untagged print sheets)" in readme
    assert all(embedded(font) for font in fonts_of(pages).values())


def test_a_failing_preflight_fails_the_build_with_the_reason(en_reviewed, monkeypatch):
    from weasyprint import CSS

    # The CMYK stylesheet forgotten: WeasyPrint's default black text is RGB.
    monkeypatch.setattr(prepress, "_print_css", lambda settings: [CSS(string="@page {}")])
    report = build(en_reviewed, languages=["en"], layouts=["single"], for_print=True)
    [failure] = report.failures
    assert failure.reason.startswith("build/print/caravan/caravan.en.pdf: preflight failed: ")
    assert "page 1: RGB colour (rg) where CMYK is required" in failure.reason
    assert "page 1: the BleedBox is larger than the MediaBox" in failure.reason  # no bleed
    assert not report.written and not report.bundles
    assert not (en_reviewed.build / "caravan").exists()
    assert not (en_reviewed.build / "print").exists()


def test_same_inputs_same_print_files(en_reviewed, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(en_reviewed, languages=["en"], layouts=["single"], for_print=True)
    folder = en_reviewed.build / "print" / "caravan"
    first = {p.name: p.read_bytes() for p in folder.glob("*.pdf")}
    build(en_reviewed, languages=["en"], layouts=["single"], for_print=True, force=True)
    assert {p.name: p.read_bytes() for p in folder.glob("*.pdf")} == first


def synthetic_pdf(pages: int, size=(A5[0], A5[1]), bleed=BLEED) -> bytes:
    """Pages like WeasyPrint's, numbered in Helvetica, a font that is not embedded."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font,
                                                Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for number in range(1, pages + 1):
        page = pdf.add_blank_page(page_size=size)
        page.obj.TrimBox = [0, 0, *size]
        page.obj.MediaBox = page.obj.BleedBox = [-bleed, -bleed, size[0] + bleed, size[1] + bleed]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 24 Tf 100 100 Td ({number}) Tj ET".encode())
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_preflight_names_each_problem():
    a4 = (210 * MM, 297 * MM)
    problems = preflight(synthetic_pdf(5, size=a4, bleed=0), Expected(
        trim_mm=(148, 210), bleed_mm=3, variant="pdf/x-4", cmyk=True))
    assert "5 pages, not a multiple of 4" in problems
    assert "page 1: trim 210.0 x 297.0 mm, expected 148 x 210 mm" in problems
    assert "page 1: bleed 0.0/0.0/0.0/0.0 mm, expected 3 mm on every side" in problems
    assert "page 1: font Helvetica is not embedded" in problems
    assert "declares no variant, expected PDF/X-4" in problems
    assert "no PDF/X output intent with an ICC profile" in problems


@pytest.mark.parametrize("variant", ["pdf/a-2b", "pdf/x-4"])
def test_finish_pads_to_four_and_draws_crop_marks_outside_the_bleed(variant):
    settings = PrintSettings(variant=variant, crop_marks=True)
    reader = PdfReader(io.BytesIO(finish(synthetic_pdf(5), settings)))
    assert len(reader.pages) == 8
    for page in reader.pages:
        trim, bleed, media = box(page.trimbox), box(page.bleedbox), box(page.mediabox)
        assert close(trim[0] - bleed[0], BLEED)
        assert media[0] < bleed[0] - 5 * MM and media[3] > bleed[3] + 5 * MM  # room for marks
        lines = []
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator in (b"m", b"l"):
                lines.append(tuple(float(v) for v in operands))
        # Each mark starts and ends outside the bleed, on the line of a trim edge.
        assert len(lines) == 16
        for x, y in lines:
            assert not (bleed[0] < x < bleed[2] and bleed[1] < y < bleed[3])
            assert any(close(x, t) for t in (trim[0], trim[2])) or any(
                close(y, t) for t in (trim[1], trim[3]))
    if variant == "pdf/x-4":  # registration colour: on every plate
        space = reader.pages[0]["/Resources"]["/ColorSpace"]["/PamphletRegistration"]
        assert space[:3] == ["/Separation", "/All", "/DeviceCMYK"]


def test_print_settings_are_checked(en_reviewed, tmp_path):
    with pytest.raises(PamphletError, match="print_variant must be one of"):
        configure(en_reviewed, 'print_variant = "pdf/x-1a"')
    root = en_reviewed.root
    rgb = bytearray(128)
    rgb[12:20], rgb[36:40] = b"mntrRGB ", b"acsp"
    (root / "rgb.icc").write_bytes(bytes(rgb))
    project = configure(en_reviewed, 'icc_profile = "rgb.icc"\nbleed_mm = 5')
    assert project.bleed_mm == 5 and project.icc_profile == root / "rgb.icc"
    with pytest.raises(PamphletError, match="rgb.icc: not a CMYK output profile"):
        build(project, languages=["en"], layouts=["single"], for_print=True)
    with pytest.raises(PamphletError, match="bleed_mm must be a number"):
        configure(en_reviewed, "bleed_mm = 30")


def test_preflight_refuses_a_page_a_renderer_complains_about():
    """An empty content stream that claims FlateDecode (what qpdf wrote for blank pages):
    pikepdf reads it, MuPDF warns, so preflight refuses it."""
    settings = PrintSettings(variant="pdf/a-2b")
    good = finish(synthetic_pdf(4), settings)
    assert render_problems(good) == []
    with pikepdf.open(io.BytesIO(good)) as doc:
        doc.pages[2].obj.Contents = doc.make_stream(b"")  # qpdf saves it so
        buffer = io.BytesIO()
        doc.save(buffer)
    assert b"<< /Length 0 /Filter /FlateDecode >>" in buffer.getvalue()
    problems = render_problems(buffer.getvalue())
    assert problems and all(p.startswith("MuPDF: ") for p in problems), problems
    assert any("flate" in p or "stream" in p for p in problems), problems
    with pytest.raises(PamphletError, match=r"x\.pdf: preflight failed: .*MuPDF: "):
        check(buffer.getvalue(), Expected((148, 210), 3, None, False), Path("x.pdf"))


def test_blank_pages_are_valid_pdf():
    padded = finish(synthetic_pdf(5), PrintSettings(variant="pdf/a-2b"))
    reader = PdfReader(io.BytesIO(padded))
    assert len(reader.pages) == 8
    for page in reader.pages[4:7]:  # before the last page, which stays last
        assert page.get_contents().get_data().strip() == b"q Q"
    assert "5" in reader.pages[7].extract_text()
    assert render_problems(padded) == []


@pytest.mark.parametrize("crop_marks", [False, True])
@pytest.mark.parametrize("variant", ["pdf/x-4", "pdf/a-2b", "pdf/ua-1"])
def test_every_page_of_every_print_file_renders_cleanly(en_reviewed, variant, crop_marks):
    project = configure(en_reviewed, f'print_variant = "{variant}"\n'
                        f"crop_marks = {str(crop_marks).lower()}")
    report = build(project, languages=["en", "fa"], layouts=["single", "parallel"],
                   for_print=True)
    files = sorted((project.build / "print" / "caravan").glob("*.pdf"))
    assert len(files) == 6 and len(report.written) == 3
    for path in files:  # preflight ran MuPDF already; this reads the files written
        assert render_problems(path.read_bytes()) == [], path.name


def test_print_files_have_the_umask_s_mode(en_reviewed):
    previous = os.umask(0o022)
    try:
        build(en_reviewed, languages=["en", "fa"], layouts=["single"], for_print=True)
    finally:
        os.umask(previous)
    written = [p for p in en_reviewed.build.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert {"caravan.en.pdf", "caravan.fa.booklet.pdf", "manifest.json", "README.txt",
            "index.html"} <= names
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {
        p.name: "0o644" for p in written}
    catalog = en_reviewed.po_path("caravan", "fa")
    assert stat.S_IMODE(catalog.stat().st_mode) == 0o644


def test_tagged_pdfs_carry_languages_artifacts_and_no_table(en_reviewed):
    update(en_reviewed)
    translate_catalog(en_reviewed, "fa", keeping_numbers(FA_SENTENCE))
    project = configure(en_reviewed, 'print_variant = "pdf/ua-1"')
    build(project, languages=["en", "fa"], layouts=["parallel"], for_print=True)
    doc = pikepdf.open(project.build / "print" / "caravan" / "caravan.en+fa.pdf")
    languages_seen, tags, todo, seen = set(), set(), [doc.Root.StructTreeRoot.K], set()
    while todo:
        node = todo.pop()
        if isinstance(node, pikepdf.Array):
            todo.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and node.objgen not in seen:
            seen.add(node.objgen)
            if pikepdf.Name.S in node:
                tags.add(str(node.S))
                if pikepdf.Name.Lang in node:
                    languages_seen.add(str(node.Lang))
            if pikepdf.Name.K in node:
                todo.append(node.K)
    assert {"en", "fa"} <= languages_seen
    assert "/Table" not in tags and "/TD" not in tags
    # Page numbers and running headers are artifacts; every other marked sequence belongs
    # to an element of the tree.
    nums = doc.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    artifacts = 0
    for page in doc.pages:
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) != "BDC":
                continue
            if operands[0] == pikepdf.Name.Artifact:
                artifacts += 1
            elif pikepdf.Name.MCID in operands[1]:
                element = parents[int(page.obj.StructParents)][int(operands[1].MCID)]
                assert element.objgen in seen, "a tagged sequence outside the tree"
    assert artifacts >= 1
