"""Typeset PDFs made ready for press: print CSS, bleed, blank pages, output intent, marks."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import uuid
from functools import cache
from importlib.resources import files

import pikepdf
from pikepdf import Array, Dictionary, Name

from workflow.pdf.fonttags import retag_subsets
from workflow.pdf.post import reading_fixups
from workflow.pdf.settings import (
    FOGRA39,
    MARK_GAP_MM,
    MARK_LENGTH_MM,
    MIN_MARK_OFFSET_MM,
    MM,
    PrintSettings,
    output_condition,
)

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def _stylesheet(name: str) -> str:
    return files("workflow").joinpath("styles", name).read_text("utf-8")


@cache
def _print_css(settings: PrintSettings):
    from weasyprint import CSS

    sheets = [f"@page {{ bleed: {settings.bleed_mm:g}mm; }}", _stylesheet("print.css")]
    if settings.cmyk:
        sheets.append(_stylesheet("cmyk.css"))
    return [CSS(string=sheet) for sheet in sheets]


def render_options(settings: PrintSettings) -> tuple[list, dict]:
    """The extra stylesheets and write_pdf() options of a print PDF."""
    options: dict = {"pdf_variant": settings.variant}
    if settings.cmyk:
        # CMYK by default. The output intent is added by finish(): WeasyPrint would embed the
        # profile as re-serialised by lcms, larger than the file, compressing it at level 9
        # (a second per PDF).
        options["output_intent"] = "device-cmyk"
    return _print_css(settings), options


def page_box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float]:
    """A page's box `name` (/TrimBox, /BleedBox, ...) as (x0, y0, x1, y1), corners in order."""
    x0, y0, x1, y1 = (float(v) for v in page.obj[name])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def grow_box(box, by: float) -> list[float]:
    """`box` grown by `by` on every side."""
    x0, y0, x1, y1 = box
    return [x0 - by, y0 - by, x1 + by, y1 + by]


def save_pdf(pdf: pikepdf.Pdf, version: str | None = None) -> bytes:
    """The PDF's bytes with an /ID computed from its content: same input, same bytes."""
    if Name.ID in pdf.trailer:  # qpdf would keep its first half, WeasyPrint's
        del pdf.trailer.ID
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, min_version=version or pdf.pdf_version)
    return buffer.getvalue()


DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]+")
FILE_ID = re.compile(rb"/ID\s*\[[^\]]*\]")  # WeasyPrint's /ID hashes the random document ID


def reproducible_ids(pdf: pikepdf.Pdf, seed: bytes) -> None:
    """WeasyPrint's PDF/X metadata has a random document ID: derive it from the content,
    `seed`, with the random IDs left out. (The file's /ID is then qpdf's deterministic one.)"""
    if Name.Metadata not in pdf.Root:
        return
    xmp = pdf.Root.Metadata.read_bytes()
    digest = hashlib.sha256(FILE_ID.sub(b"", DOCUMENT_ID.sub(b"", seed))).digest()
    fixed = DOCUMENT_ID.sub(f"xmp.did:{uuid.UUID(bytes=digest[:16])}".encode(), xmp)
    if fixed != xmp:
        pdf.Root.Metadata.write(fixed)


# A blank page's content: `q Q` does nothing, and unlike an empty stream it survives qpdf,
# which would write an empty stream as FlateDecode with no data (invalid: renderers warn).
BLANK_CONTENT = b"q Q\n"


def blank_pages(count: int) -> int:
    """How many blank pages a document of `count` pages needs to reach a multiple of 4."""
    return -count % 4


def finish(pdf: bytes, settings: PrintSettings, bind: str = "left",
           blanks_before_last: bool = True) -> bytes:
    """WeasyPrint's PDF made ready for print: blank pages up to a multiple of 4 before the
    last page (the back cover: the colophon's page, or a back cover of its own after it,
    render/typeset.py), BleedBox exactly
    `bleed_mm` around the TrimBox, output intent named, no link annotations in PDF/X,
    right-to-left page progression for RTL, page labels, crop marks if asked for."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        bleed = settings.bleed_mm * MM
        for page in doc.pages:  # WeasyPrint caps the BleedBox at 10 pt from the trim
            page.obj.BleedBox = Array(grow_box(page_box(page, "/TrimBox"), bleed))
        last = doc.pages[-1].obj
        blanks = blank_pages(len(doc.pages))
        at = len(doc.pages) - 1 if blanks_before_last and len(doc.pages) > 1 else len(doc.pages)
        for _ in range(blanks):
            blank = pikepdf.Page(Dictionary(
                Type=Name.Page, MediaBox=last.MediaBox, TrimBox=last.TrimBox,
                BleedBox=last.BleedBox, Resources=Dictionary(),
                Contents=doc.make_stream(BLANK_CONTENT)))
            doc.pages.insert(at, blank)
        if blanks:
            log.info("added %d blank page(s): %d pages", blanks, len(doc.pages))
        if settings.cmyk:
            for page in doc.pages:  # PDF/X allows no annotations on the printed area
                if Name.Annots in page.obj:
                    del page.obj.Annots
            add_output_intent(doc, settings)
        reading_fixups(doc, bind)
        retag_subsets(doc)  # one tag, one font program, in every file a shop gangs
        if settings.crop_marks:
            for page in doc.pages:
                add_marks(doc, page, settings)
        reproducible_ids(doc, pdf)
        return save_pdf(doc)


def add_output_intent(doc: pikepdf.Pdf, settings: PrintSettings) -> None:
    """The PDF/X output intent: the CMYK profile embedded byte for byte."""
    identifier, description = output_condition(settings)
    intent = Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(identifier),
        OutputCondition=pikepdf.String(description), Info=pikepdf.String(description),
        DestOutputProfile=doc.make_stream(settings.profile_bytes(), N=4))
    if settings.icc_profile is None:
        intent.RegistryName = pikepdf.String(FOGRA39["registry"])
    doc.Root.OutputIntents = Array([intent])


def add_marks(doc: pikepdf.Pdf, page: pikepdf.Page, settings: PrintSettings,
              folds: tuple[float, ...] = ()) -> None:
    """Crop marks (and fold marks at `folds`) outside the bleed, on a MediaBox grown to hold
    them; the page's own content is clipped to the BleedBox. Marks are in registration
    colour (all plates) for CMYK, black otherwise, and tagged as artifacts."""
    x0, y0, x1, y1 = page_box(page, "/TrimBox")
    offset = max(settings.bleed_mm + MARK_GAP_MM, MIN_MARK_OFFSET_MM) * MM
    length = MARK_LENGTH_MM * MM
    bleed_box = page_box(page, "/BleedBox")
    lines = []
    for x in (x0, x1):  # vertical marks above and below each trim corner
        lines += [(x, y1 + offset, x, y1 + offset + length),
                  (x, y0 - offset, x, y0 - offset - length)]
    for y in (y0, y1):  # horizontal marks left and right
        lines += [(x0 - offset - length, y, x0 - offset, y),
                  (x1 + offset, y, x1 + offset + length, y)]
    if settings.cmyk:
        registration = Array([Name.Separation, Name.All, Name.DeviceCMYK, Dictionary(
            FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)])
        resources = page.obj.Resources  # may be shared by all pages: so are the marks
        if Name.ColorSpace not in resources:
            resources.ColorSpace = Dictionary()
        resources.ColorSpace.PamphletRegistration = registration
        color = "/PamphletRegistration CS 1 SCN"
    else:
        color = "0 G"
    ops = [f"/Artifact BMC q {color} 0.25 w"]
    ops += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines]
    if folds:
        ops.append("[3 2] 0 d")
        ops += [f"{x:.3f} {y1 + offset:.3f} m {x:.3f} {y1 + offset + length:.3f} l S "
                f"{x:.3f} {y0 - offset:.3f} m {x:.3f} {y0 - offset - length:.3f} l S"
                for x in folds]
    ops.append("Q EMC")
    bx0, by0, bx1, by1 = bleed_box
    page.contents_add(doc.make_stream(
        f"q {bx0:.3f} {by0:.3f} {bx1 - bx0:.3f} {by1 - by0:.3f} re W n\n".encode()),
        prepend=True)
    page.contents_add(doc.make_stream(("\nQ\n" + "\n".join(ops) + "\n").encode()))
    page.obj.MediaBox = Array(grow_box((x0, y0, x1, y1), offset + length + 2 * MM))
