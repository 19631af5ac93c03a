"""Saddle-stitch booklets: a finished print PDF's pages two up, in folding order."""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

from workflow.pdf.prepress import add_marks, grow_box, page_box, reproducible_ids, save_pdf
from workflow.pdf.settings import MM, PrintSettings


def booklet_order(pages: int, bind: str = "left") -> list[tuple[int, int]]:
    """The (left, right) page indexes, from 0, of each printed side for saddle-stitching:
    the front and back of the outer sheet first. Left binding, 8 pages: 8|1, 2|7, 6|3, 4|5;
    right binding (Arabic, Persian) mirrors each side: 1|8, 7|2, 3|6, 5|4."""
    if pages % 4:
        raise ValueError(f"a booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for sheet in range(pages // 4):
        front = (pages - 1 - 2 * sheet, 2 * sheet)
        back = (2 * sheet + 1, pages - 2 - 2 * sheet)
        sides += [front, back]
    if bind == "right":
        sides = [(right, left) for left, right in sides]
    return sides


def impose(pdf: bytes, settings: PrintSettings, bind: str = "left") -> bytes:
    """A finished PDF as a booklet: two pages side by side on each side of a sheet twice
    their width (A5 on A4), in saddle-stitch order. Each page keeps its bleed on the outer
    edges and is cut at the fold. The booklet declares the page PDF's variant (output
    intent, XMP) except PDF/UA: imposed sheets are not a reading order."""
    with pikepdf.open(io.BytesIO(pdf)) as source, pikepdf.new() as sheet_pdf:
        bleed = settings.bleed_mm * MM
        x0, y0, x1, y1 = page_box(source.pages[0], "/TrimBox")
        width, height = x1 - x0, y1 - y0
        trim = (0.0, 0.0, 2 * width, height)
        for left, right in booklet_order(len(source.pages), bind):
            content = []
            side = pikepdf.Page(Dictionary(
                Type=Name.Page, MediaBox=Array(grow_box(trim, bleed)), TrimBox=Array(trim),
                BleedBox=Array(grow_box(trim, bleed)), Resources=Dictionary(XObject=Dictionary())))
            for slot, index in enumerate((left, right)):
                name = Name(f"/P{index + 1}")  # each page is placed once: named by its number
                form = sheet_pdf.copy_foreign(source.pages[index].as_form_xobject())
                form.BBox = Array(page_box(source.pages[index], "/BleedBox"))  # qpdf: TrimBox
                side.obj.Resources.XObject[name] = form
                # What shows of the page: its trim, plus the bleed on every edge but the fold.
                clip = [x0 - (bleed if slot == 0 else 0), y0 - bleed,
                        x1 + (bleed if slot == 1 else 0), y1 + bleed]
                dx = slot * width - x0
                content.append(f"q {clip[0] + dx:.4f} {clip[1] - y0:.4f} "
                               f"{clip[2] - clip[0]:.4f} {clip[3] - clip[1]:.4f} re W n "
                               f"1 0 0 1 {dx:.4f} {-y0:.4f} cm {name} Do Q")
            side.obj.Contents = sheet_pdf.make_stream("\n".join(content).encode())
            sheet_pdf.pages.append(side)
            if settings.crop_marks:
                add_marks(sheet_pdf, sheet_pdf.pages[-1], settings, folds=(width,))
        if Name.Info in source.trailer:
            sheet_pdf.trailer.Info = sheet_pdf.copy_foreign(
                source.make_indirect(source.trailer.Info))
        keep = [Name.OutputIntents] + ([] if settings.variant == "pdf/ua-1" else [Name.Metadata])
        for key in keep:
            if key in source.Root:
                sheet_pdf.Root[key] = sheet_pdf.copy_foreign(source.make_indirect(source.Root[key]))
        if Name.Lang in source.Root:
            sheet_pdf.Root.Lang = source.Root.Lang
        reproducible_ids(sheet_pdf, b"booklet" + pdf)
        return save_pdf(sheet_pdf, source.pdf_version)
