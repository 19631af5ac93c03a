"""Stage typeset PDFs -> print files: bleed and boxes, pages padded to a multiple of 4,
a declared PDF variant, saddle-stitch booklets, preflight, and a bundle for the print shop.

`pamphlet build --print` renders each PDF with `render_options()` (bleed, the variant, a CMYK
output intent for PDF/X), then `finish()` fixes it up for print, `impose()` makes its booklet,
and `preflight()` checks both before they are written, opening and rendering every page
with MuPDF too. `write_bundle()` writes manifest.json and README.txt beside a statement's
print files in build/print/<slug>/.

Prepress takes bytes and settings, never build objects: nothing here imports the build.
Lengths are in PDF points unless named `_mm`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pikepdf
from pikepdf import Array, Dictionary, Name

from workflow import __version__
from workflow.errors import PamphletError
from workflow.fsutil import check_writable, read_input, write_if_changed
from workflow.languages import english_name
from workflow.pages import PAGE_SIZES, PRINT_VARIANTS
from workflow.pdf.fonttags import retag_subsets
from workflow.pdf.post import reading_fixups

if TYPE_CHECKING:
    from workflow.config import Project

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

MM = 72 / 25.4
TRIM_MM = {name: size.trim_mm for name, size in PAGE_SIZES.items()}
SHEETS = {name: size.sheets for name, size in PAGE_SIZES.items()}
VARIANT_NAMES = PRINT_VARIANTS
# With crop marks, this much paper around them: what a press needs to hold the sheet.
SHEET_MARGIN_MM = 5.0
TOLERANCE_MM = 0.1


def sheet_for(page_size: str, media_mm: tuple[float, float], crop_marks: bool
              ) -> tuple[str, tuple[float, float]]:
    """The press sheet a booklet side of `media_mm` is printed on: the first of the page
    size's sheets that holds it (workflow/pages.py), with SHEET_MARGIN_MM around crop
    marks; refused in one line where none does."""
    margin = 2 * SHEET_MARGIN_MM if crop_marks else 0.0
    for name, (width, height) in SHEETS[page_size]:
        if media_mm[0] + margin <= width + TOLERANCE_MM and \
                media_mm[1] + margin <= height + TOLERANCE_MM:
            return name, (width, height)
    largest, (width, height) = SHEETS[page_size][-1]
    raise PamphletError(
        f"a {page_size} booklet side of {media_mm[0]:g} x {media_mm[1]:g} mm"
        + (f" with crop marks needs {SHEET_MARGIN_MM:g} mm of sheet around it" if crop_marks
           else "") + f": it does not fit even {largest} ({width:g} x {height:g} mm);"
        " set crop_marks = false or a smaller bleed_mm in [tool.pamphlet]")


MARK_LENGTH_MM = 5.0
MARK_GAP_MM = 1.0  # crop marks start this far past the bleed, and at least 3 mm from the trim
MIN_MARK_OFFSET_MM = 3.0

BUNDLED_PROFILE = "FOGRA39L-pamphlet.icc"
# The output condition of the bundled profile, as registered with the ICC: RIPs know it by name.
FOGRA39 = {
    "identifier": "FOGRA39",
    "condition": "Offset printing, coated paper (ISO 12647-2:2004/Amd 1, FOGRA39L)",
    "registry": "http://www.color.org",
}


@dataclass(frozen=True)
class PrintSettings:
    """What `--print` makes: from [tool.pamphlet] print_variant, bleed_mm, icc_profile,
    crop_marks, and the page size of the build."""

    variant: str = "pdf/x-4"
    bleed_mm: float = 3.0
    page_size: str = "A5"
    crop_marks: bool = False
    icc_profile: Path | None = None  # None: the bundled FOGRA39L profile

    @property
    def cmyk(self) -> bool:
        """PDF/X: colours in CMYK with a CMYK output intent."""
        return self.variant.startswith("pdf/x")

    @property
    def trim_mm(self) -> tuple[float, float]:
        return TRIM_MM[self.page_size]

    @property
    def booklet_media_mm(self) -> tuple[float, float]:
        """A booklet side's MediaBox: two trimmed pages, the bleed, and the crop marks."""
        width, height = self.trim_mm
        extent = (max(self.bleed_mm + MARK_GAP_MM, MIN_MARK_OFFSET_MM) + MARK_LENGTH_MM + 2
                  if self.crop_marks else self.bleed_mm)
        return round(2 * width + 2 * extent, 1), round(height + 2 * extent, 1)

    @property
    def sheet(self) -> tuple[str, tuple[float, float]]:
        """The press sheet a booklet side is printed on (refused if none holds it)."""
        return sheet_for(self.page_size, self.booklet_media_mm, self.crop_marks)

    @property
    def profile_name(self) -> str:
        return self.icc_profile.name if self.icc_profile else BUNDLED_PROFILE

    def profile_bytes(self) -> bytes:
        if self.icc_profile is None:
            return files("workflow").joinpath("profiles", BUNDLED_PROFILE).read_bytes()
        try:
            return read_input(self.icc_profile)
        except OSError as error:
            raise PamphletError(f"cannot read the ICC profile: {error.strerror}"
                                " (set icc_profile in [tool.pamphlet] to the shop's CMYK"
                                " profile, or remove it to use the bundled FOGRA39)",
                                self.icc_profile) from None

    def fingerprint(self) -> str:
        """Every setting a print PDF depends on, the output profile's bytes included."""
        profile = hashlib.sha256(self.profile_bytes()).hexdigest() if self.cmyk else "-"
        return "\0".join(["print", self.variant, f"{self.bleed_mm:g}", self.page_size,
                          str(self.crop_marks), profile])


def print_settings(project: Project, page_size: str) -> PrintSettings:
    settings = PrintSettings(variant=project.print_variant, bleed_mm=project.bleed_mm,
                             page_size=page_size, crop_marks=project.crop_marks,
                             icc_profile=project.icc_profile)
    settings.sheet  # noqa: B018  (refused before anything is rendered)
    if settings.cmyk:
        try:
            check_cmyk_profile(settings.profile_bytes(), settings.icc_profile or BUNDLED_PROFILE)
        except PamphletError as error:
            if settings.icc_profile is None:
                raise
            # the setting is what to fix: name its line, and the file it names
            raise PamphletError(
                f"icc_profile names {project.relative(settings.icc_profile)}: {error.message}",
                project.root / "pyproject.toml", project.setting_lines.get("icc_profile")
            ) from None
    return settings


def check_cmyk_profile(data: bytes, where: Path | str) -> None:
    """A PDF/X output intent needs an ICC output ('prtr') profile for CMYK."""
    if len(data) < 128 or data[36:40] != b"acsp":
        raise PamphletError("not an ICC profile", where)
    if data[12:16] != b"prtr" or data[16:20] != b"CMYK":
        raise PamphletError(f"not a CMYK output profile (class {data[12:16].decode('latin1')!r},"
                            f" colour space {data[16:20].decode('latin1').strip()!r}):"
                            " PDF/X needs the print condition's CMYK profile", where)
    problem = _unusable_profile(data)
    if problem:
        raise PamphletError(f"a damaged ICC profile: {problem} (littleCMS); get the shop's"
                            " profile again, or remove icc_profile to use the bundled FOGRA39",
                            where)


@cache
def _unusable_profile(data: bytes) -> str | None:
    """Why littleCMS (through Pillow's ImageCms) cannot convert colours to and from the
    profile, if it cannot: a valid header says nothing about the tables behind it."""
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
        srgb = ImageCms.createProfile("sRGB")
        ImageCms.buildTransform(srgb, profile, "RGB", "CMYK")
        ImageCms.buildTransform(profile, srgb, "CMYK", "RGB")
    except (OSError, ImageCms.PyCMSError) as error:
        return str(error) or type(error).__name__
    return None


# Rendering ------------------------------------------------------------------------------

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


# Fixing up and imposing -----------------------------------------------------------------

def _box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.obj[name])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _grow(box, by: float) -> list[float]:
    x0, y0, x1, y1 = box
    return [x0 - by, y0 - by, x1 + by, y1 + by]


def _save(pdf: pikepdf.Pdf, version: str | None = None) -> bytes:
    """The PDF's bytes with an /ID computed from its content: same input, same bytes."""
    if Name.ID in pdf.trailer:  # qpdf would keep its first half, WeasyPrint's
        del pdf.trailer.ID
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, min_version=version or pdf.pdf_version)
    return buffer.getvalue()


DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]+")
FILE_ID = re.compile(rb"/ID\s*\[[^\]]*\]")  # WeasyPrint's /ID hashes the random document ID


def _reproducible_ids(pdf: pikepdf.Pdf, seed: bytes) -> None:
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
    last page (the colophon, which so lands on the inside back cover), BleedBox exactly
    `bleed_mm` around the TrimBox, output intent named, no link annotations in PDF/X,
    right-to-left page progression for RTL, page labels, crop marks if asked for."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        bleed = settings.bleed_mm * MM
        for page in doc.pages:  # WeasyPrint caps the BleedBox at 10 pt from the trim
            page.obj.BleedBox = Array(_grow(_box(page, "/TrimBox"), bleed))
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
        _reproducible_ids(doc, pdf)
        return _save(doc)


def output_condition(settings: PrintSettings) -> tuple[str, str]:
    """(OutputConditionIdentifier, description) of the CMYK output intent: the bundled
    profile's registered name, or 'Custom' and the shop profile's own description."""
    if settings.icc_profile is None:
        return FOGRA39["identifier"], FOGRA39["condition"]
    from PIL import ImageCms  # Pillow comes with WeasyPrint

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(settings.profile_bytes())).profile
        description = (profile.profile_description or "").strip() or settings.profile_name
    except (OSError, ImageCms.PyCMSError):
        description = settings.profile_name
    return "Custom", description


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
    x0, y0, x1, y1 = _box(page, "/TrimBox")
    offset = max(settings.bleed_mm + MARK_GAP_MM, MIN_MARK_OFFSET_MM) * MM
    length = MARK_LENGTH_MM * MM
    bleed_box = _box(page, "/BleedBox")
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
    page.obj.MediaBox = Array(_grow((x0, y0, x1, y1), offset + length + 2 * MM))


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
        x0, y0, x1, y1 = _box(source.pages[0], "/TrimBox")
        width, height = x1 - x0, y1 - y0
        trim = (0.0, 0.0, 2 * width, height)
        for left, right in booklet_order(len(source.pages), bind):
            content = []
            side = pikepdf.Page(Dictionary(
                Type=Name.Page, MediaBox=Array(_grow(trim, bleed)), TrimBox=Array(trim),
                BleedBox=Array(_grow(trim, bleed)), Resources=Dictionary(XObject=Dictionary())))
            for slot, index in enumerate((left, right)):
                name = Name(f"/P{index + 1}")  # each page is placed once: named by its number
                form = sheet_pdf.copy_foreign(source.pages[index].as_form_xobject())
                form.BBox = Array(_box(source.pages[index], "/BleedBox"))  # qpdf: TrimBox
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
        _reproducible_ids(sheet_pdf, b"booklet" + pdf)
        return _save(sheet_pdf, source.pdf_version)


# Preflight ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    """What a print file must be: trim size, bleed, declared variant (None: none), colours."""

    trim_mm: tuple[float, float]
    bleed_mm: float
    variant: str | None
    cmyk: bool
    page_multiple: int = 4


def expected_pages(settings: PrintSettings) -> Expected:
    return Expected(settings.trim_mm, settings.bleed_mm, settings.variant, settings.cmyk)


def expected_booklet(settings: PrintSettings) -> Expected:
    width, height = settings.trim_mm
    variant = None if settings.variant == "pdf/ua-1" else settings.variant
    return Expected((2 * width, height), settings.bleed_mm, variant, settings.cmyk, 2)


def declared_variant(pdf: pikepdf.Pdf) -> str | None:
    """The variant the XMP metadata claims: 'pdf/x-4', 'pdf/a-2b', 'pdf/ua-1' or None."""
    if Name.Metadata not in pdf.Root:
        return None
    xmp = pdf.Root.Metadata.read_bytes()

    def has(key: str, value: str) -> bool:
        return re.search(rf'{key}(?:="|>){re.escape(value)}["<]'.encode(), xmp) is not None

    if has("GTS_PDFXVersion", "PDF/X-4"):
        return "pdf/x-4"
    if has("pdfaid:part", "2") and has("pdfaid:conformance", "B"):
        return "pdf/a-2b"
    if has("pdfuaid:part", "1"):
        return "pdf/ua-1"
    return None


def _walk_resources(resources, seen: set) -> list:
    """A resource dictionary and those of the forms and patterns it uses, each once."""
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return []
    seen.add(resources.objgen)
    found = [resources]
    for kind in (Name.XObject, Name.Pattern):
        for item in (resources.get(kind) or Dictionary()).values():
            if Name.Resources in item:
                found += _walk_resources(item.Resources, seen)
    return found


def _content_streams(page: pikepdf.Page) -> list[tuple[Any, Any]]:
    """(content, resources) of a page and of every form XObject it draws, nested."""
    streams: list[tuple[Any, Any]] = []
    todo: list[tuple[Any, Any]] = [(page, page.obj.get(Name.Resources))]
    seen = set()
    while todo:
        content, resources = todo.pop()
        streams.append((content, resources))
        for xobject in ((resources or Dictionary()).get(Name.XObject) or Dictionary()).values():
            if xobject.get(Name.Subtype) == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                todo.append((xobject, xobject.get(Name.Resources, resources)))
    return streams


def _is_rgb(space) -> bool:
    """True for DeviceRGB, CalRGB, 3-component ICC and anything based on them."""
    if space is None:
        return False
    if isinstance(space, Name):
        return space in (Name.DeviceRGB, Name.RGB)
    if isinstance(space, Array) and len(space):
        family = space[0]
        if family == Name.ICCBased:
            return int(space[1].get(Name.N, 0)) == 3
        if family == Name.CalRGB:
            return True
        if family == Name.Indexed:
            return _is_rgb(space[1])
        if family in (Name.Separation, Name.DeviceN):
            return _is_rgb(space[2])
    return False


def _rgb_uses(page: pikepdf.Page) -> list[str]:
    uses = []
    for content, resources in _content_streams(page):
        spaces = (resources or Dictionary()).get(Name.ColorSpace) or Dictionary()
        # pikepdf's stubs do not say that an instruction unpacks as (operands, operator)
        for operands, operator in cast("list[Any]", pikepdf.parse_content_stream(content)):
            op = str(operator)
            if op in ("rg", "RG"):
                uses.append(f"RGB colour ({op})")
            elif op in ("cs", "CS") and operands:
                name = operands[0]
                if name == Name.DeviceRGB or _is_rgb(spaces.get(name)):
                    uses.append(f"RGB colour space {name}")
        for kind in (Name.XObject, Name.Shading, Name.Pattern):
            for name, item in ((resources or Dictionary()).get(kind) or Dictionary()).items():
                shading = item.get(Name.Shading, item) if kind == Name.Pattern else item
                if _is_rgb(shading.get(Name.ColorSpace)):
                    uses.append(f"RGB {str(kind)[1:].lower()} {name}")
    return sorted(set(uses))


def _unembedded_fonts(page: pikepdf.Page, seen: set) -> list[str]:
    missing = []
    for resources in _walk_resources(page.obj.get(Name.Resources), seen):
        for font in (resources.get(Name.Font) or Dictionary()).values():
            if font.get(Name.Subtype) == Name.Type3:
                continue  # its glyphs are drawn by the PDF itself
            described = font.DescendantFonts[0] if font.get(Name.Subtype) == Name.Type0 else font
            descriptor = described.get(Name.FontDescriptor) or Dictionary()
            if not any(key in descriptor for key in
                       (Name.FontFile, Name.FontFile2, Name.FontFile3)):
                missing.append(str(font.get(Name.BaseFont, "(unnamed)"))[1:])
    return missing


def _variant_problems(pdf: pikepdf.Pdf, expected: Expected) -> list[str]:
    problems = []
    declared = declared_variant(pdf)
    if declared != expected.variant:
        problems.append(f"declares {VARIANT_NAMES.get(declared or '', 'no variant')},"
                        f" expected {VARIANT_NAMES.get(expected.variant or '', 'none')}")
    intents = {str(i.get(Name.S)): i for i in pdf.Root.get(Name.OutputIntents, Array())}
    if expected.variant == "pdf/x-4":
        intent = intents.get("/GTS_PDFX")
        if intent is None or Name.DestOutputProfile not in intent:
            problems.append("no PDF/X output intent with an ICC profile")
        elif expected.cmyk and int(intent.DestOutputProfile.get(Name.N, 0)) != 4:
            problems.append("the output intent's profile is not CMYK")
        info = pdf.trailer.get(Name.Info) or Dictionary()
        if not str(info.get(Name.Title, "")):
            problems.append("no document title (PDF/X requires one)")
        if info.get(Name.Trapped) not in (Name("/True"), Name("/False")):
            problems.append("Trapped is not set (PDF/X requires True or False)")
    elif expected.variant == "pdf/a-2b":
        intent = intents.get("/GTS_PDFA1")
        if intent is None or Name.DestOutputProfile not in intent:
            problems.append("no PDF/A output intent with an ICC profile")
    elif expected.variant == "pdf/ua-1":
        if Name.StructTreeRoot not in pdf.Root:
            problems.append("not tagged (no structure tree)")
        if not bool((pdf.Root.get(Name.MarkInfo) or Dictionary()).get(Name.Marked, False)):
            problems.append("MarkInfo /Marked is not true")
        if not str(pdf.Root.get(Name.Lang, "")):
            problems.append("no document language")
    return problems


# MuPDF, not Ghostscript or PDFium: its `mutool draw` renders every page (fonts, images,
# shadings, forms) and reports each damaged stream, xref or font on stderr as "warning:" or
# "error:" instead of repairing silently; it is one small Debian package (mupdf-tools)
# and renders a 12-page pamphlet in about 30 ms. `-N`: Debian's build has no colour
# management and would warn so on every file; colours are checked above, not rendered.
RENDERER = ("mutool", "draw", "-q", "-N", "-r", "72", "-F", "pam", "-o", os.devnull)


def render_problems(pdf: bytes) -> list[str]:
    """What MuPDF says while opening and rendering every page: each warning and error,
    one line each, in the order it said them; an empty list for a clean file."""
    if shutil.which(RENDERER[0]) is None:
        raise PamphletError("preflight renders every page with MuPDF's mutool, which is not"
                            " installed (Debian: apt-get install mupdf-tools, or `make system`)")
    with tempfile.TemporaryDirectory(prefix="pamphlet-preflight-") as folder:
        path = Path(folder) / "check.pdf"
        path.write_bytes(pdf)
        result = subprocess.run([*RENDERER, str(path)], capture_output=True, text=True,
                                errors="replace", check=False)
    said = [line.strip() for line in (result.stderr + result.stdout).splitlines()
            if line.strip()]
    problems = [f"MuPDF: {line}" for line in dict.fromkeys(said)]
    if result.returncode and not problems:
        problems.append(f"MuPDF could not render it (exit {result.returncode})")
    return problems


def preflight(pdf: bytes, expected: Expected) -> list[str]:
    """Everything a print shop checks before printing; an empty list if all is well:
    page count rule, trim size and bleed on every page, every font embedded, the declared
    variant and its output intent, no RGB or annotations where CMYK is required, and every
    page opened and rendered by MuPDF without a warning or an error."""
    problems = []
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        count = len(doc.pages)
        if count % expected.page_multiple:
            problems.append(f"{count} pages, not a multiple of {expected.page_multiple}")
        fonts_seen: set = set()
        for number, page in enumerate(doc.pages, 1):
            where = f"page {number}"
            if Name.TrimBox not in page.obj or Name.BleedBox not in page.obj:
                problems.append(f"{where}: no TrimBox or BleedBox")
                continue
            if Name.Rotate in page.obj and int(page.obj.Rotate) % 360:
                problems.append(f"{where}: rotated")
            trim, bleed, media = (_box(page, box) for box in
                                  ("/TrimBox", "/BleedBox", "/MediaBox"))
            size = ((trim[2] - trim[0]) / MM, (trim[3] - trim[1]) / MM)
            if any(abs(a - b) > TOLERANCE_MM for a, b in zip(size, expected.trim_mm, strict=True)):
                problems.append(f"{where}: trim {size[0]:.1f} x {size[1]:.1f} mm, expected"
                                f" {expected.trim_mm[0]:g} x {expected.trim_mm[1]:g} mm")
            margins = [(trim[0] - bleed[0]), (trim[1] - bleed[1]),
                       (bleed[2] - trim[2]), (bleed[3] - trim[3])]
            if any(abs(m / MM - expected.bleed_mm) > TOLERANCE_MM for m in margins):
                problems.append(f"{where}: bleed {'/'.join(f'{m / MM:.1f}' for m in margins)}"
                                f" mm, expected {expected.bleed_mm:g} mm on every side")
            if (bleed[0] < media[0] - 0.01 or bleed[1] < media[1] - 0.01
                    or bleed[2] > media[2] + 0.01 or bleed[3] > media[3] + 0.01):
                problems.append(f"{where}: the BleedBox is larger than the MediaBox")
            for font in _unembedded_fonts(page, fonts_seen):
                problems.append(f"{where}: font {font} is not embedded")
            if expected.cmyk:
                problems += [f"{where}: {use} where CMYK is required" for use in _rgb_uses(page)]
                for annotation in page.obj.get(Name.Annots, Array()):
                    if annotation.get(Name.Subtype) not in (Name.PrinterMark, Name.TrapNet):
                        problems.append(f"{where}: {annotation.get(Name.Subtype)} annotation"
                                        " (PDF/X allows none on the page)")
        problems += _variant_problems(doc, expected)
    return problems + render_problems(pdf)


def check(pdf: bytes, expected: Expected, path: Path) -> bytes:
    """Preflight `pdf`, to be written at `path`: raise with every reason if it fails."""
    problems = preflight(pdf, expected)
    if problems:
        shown = "; ".join(problems[:8]) + (f"; and {len(problems) - 8} more"
                                           if len(problems) > 8 else "")
        raise PamphletError(f"preflight failed: {shown}", path)
    log.info("preflight passed: %s", path.name)
    return pdf


# The print bundle -----------------------------------------------------------------------

@dataclass(frozen=True)
class BundleFile:
    """One print file of a bundle: its name, what it is, its bytes."""

    name: str
    kind: str  # "pages" or "booklet"
    data: bytes
    layout: str
    languages: tuple[str, ...]
    binding: str


def describe(file: BundleFile) -> dict:
    """One manifest entry, read back from the file itself."""
    with pikepdf.open(io.BytesIO(file.data)) as doc:
        trim = _box(doc.pages[0], "/TrimBox")
        bleed = _box(doc.pages[0], "/BleedBox")
        media = _box(doc.pages[0], "/MediaBox")
        entry = {
            "file": file.name,
            "kind": file.kind,
            "pages": len(doc.pages),
            "trim_mm": [round((trim[2] - trim[0]) / MM, 1), round((trim[3] - trim[1]) / MM, 1)],
            "bleed_mm": round((trim[0] - bleed[0]) / MM, 2),
            "media_mm": [round((media[2] - media[0]) / MM, 1),
                         round((media[3] - media[1]) / MM, 1)],
            "variant": VARIANT_NAMES.get(declared_variant(doc) or "", "none"),
            "sha256": hashlib.sha256(file.data).hexdigest(),
        }
    entry.update(layout=file.layout, languages=list(file.languages), binding=file.binding)
    return entry


def manifest(files: list[BundleFile], settings: PrintSettings, info: dict) -> dict:
    """The bundle's manifest.json: `info` (statement, title, author, final, built) and an
    entry per file."""
    entries = []
    for file in files:
        entry = describe(file)
        if file.kind == "booklet":
            sheet, sheet_mm = sheet_for(settings.page_size, tuple(entry["media_mm"]),
                                        settings.crop_marks)
            entry.update(sheet=sheet, sheet_mm=list(sheet_mm), sides=entry.pop("pages"))
        entries.append(entry)
    return {
        **info,
        "pamphlet": __version__,
        "page_size": settings.page_size,
        "trim_mm": list(settings.trim_mm),
        "bleed_mm": settings.bleed_mm,
        "variant": VARIANT_NAMES[settings.variant],
        "output_intent": ("{} ({})".format(*output_condition(settings)) if settings.cmyk
                          else None),
        "crop_marks": settings.crop_marks,
        "files": entries,
    }


def readme(data: dict) -> str:
    """The bundle's README.txt: what a print shop needs to know, in plain words."""
    width, height = data["trim_mm"]
    lines = [
        f"{data['title']}",
        f"{data['author']}",
        "",
        f"Print files made by pamphlet {data['pamphlet']} on {data['built']}"
        + ("." if data["final"] else ": DRAFT, contains unreviewed machine translation."),
        "",
        f"Trim size:   {data['page_size']} portrait, {width:g} x {height:g} mm"
        " (TrimBox on every page)",
        f"Bleed:       {data['bleed_mm']:g} mm on every side (BleedBox on every page)",
        f"Standard:    {data['variant']}"
        + (f", CMYK, output intent {data['output_intent']}" if data["output_intent"] else "")
        # Tagged reading order is for the page files: an imposed sheet has none to give.
        + (" (the page files; booklets are untagged print sheets)"
           if data["variant"] == VARIANT_NAMES["pdf/ua-1"] else ""),
        "Crop marks:  " + ("drawn outside the bleed" if data["crop_marks"]
                           else "none: please use the TrimBox"),
        "Binding:     saddle stitch; every page count is a multiple of 4 (blank pages go"
        " before the colophon, the last page)",
        "",
        "Files (checksums in manifest.json):",
    ]
    for entry in data["files"]:
        languages = " + ".join(english_name(code) for code in entry["languages"])
        if entry["kind"] == "pages":
            what = (f"{languages}, {entry['pages']} pages in reading order,"
                    f" binds on the {entry['binding']}")
        else:
            sheet_w, sheet_h = entry["sheet_mm"]
            media_w, media_h = entry["media_mm"]
            what = (f"booklet: {entry['sides']} sides of {media_w:g} x {media_h:g} mm (2 pages,"
                    f" trim {entry['trim_mm'][0]:g} x {entry['trim_mm'][1]:g} mm, plus bleed):"
                    f" print on {entry['sheet']} ({sheet_w:g} x {sheet_h:g} mm landscape), cut"
                    " to the trim")
        lines += [f"  {entry['file']}", f"      {what}"]  # names are long: one line each
    lines += [
        "",
        "Booklets are already in saddle-stitch order: print them centred on the sheet named",
        "above, double-sided, flipping on the short edge, at 100 % (no scaling; the trimmed",
        "spread is exactly twice the page, the bleed runs past it on the outer edges), cut",
        "to the TrimBox, keep the sheets in order, fold them in half together and staple on",
        "the fold. Arabic and Persian pamphlets open the other way:",
        "they bind on the right, and their booklets are imposed right to left already.",
        "",
    ]
    return "\n".join(lines)


def bundled_files(folder: Path) -> set[str]:
    """The files an earlier build put in the bundle, as its manifest lists them: the only
    ones a build may delete there (a shop's own files, or anything else, stay)."""
    names = {"manifest.json", "README.txt"}
    try:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        listed = [entry["file"] for entry in data["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return names
    return names | {name for name in listed
                    if isinstance(name, str) and name == Path(name).name
                    and name not in (".", "..")}


def remove_bundled(folder: Path, names: set[str]) -> list[Path]:
    """Delete the named regular files of the bundle (never a link or a folder)."""
    removed = []
    for name in sorted(names):
        path = folder / name
        if path.is_file() and not path.is_symlink():
            check_writable(path)  # not through a linked build/ or build/print/
            path.unlink()
            removed.append(path)
    return removed


def write_bundle(folder: Path, files: list[BundleFile], settings: PrintSettings,
                 info: dict, earlier: set[str] | None = None) -> Path:
    """manifest.json and README.txt beside the print files in `folder` (build/print/<slug>/,
    where the build wrote them). Files are written only when changed; files the previous
    manifest listed (`earlier`, read before the build wrote into the folder; by default
    now) that are not in this one are removed, so the folder holds what its manifest
    lists (and whatever someone else put there)."""
    earlier = bundled_files(folder) if earlier is None else earlier
    data = manifest(files, settings, info)
    write_if_changed(folder / "manifest.json",
                     json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    write_if_changed(folder / "README.txt", readme(data))
    keep = {"manifest.json", "README.txt", *(file.name for file in files)}
    remove_bundled(folder, earlier - keep)
    return folder
