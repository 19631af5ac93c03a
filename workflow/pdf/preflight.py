"""Preflight of print files: boxes, fonts, variant, colours, every page rendered by MuPDF."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pikepdf
from pikepdf import Array, Dictionary, Name

from workflow.errors import PamphletError
from workflow.pdf.prepress import page_box
from workflow.pdf.settings import MM, TOLERANCE_MM, VARIANT_NAMES, PrintSettings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


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
            trim, bleed, media = (page_box(page, box) for box in
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
