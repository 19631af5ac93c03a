"""Print settings from the project: variant, bleed, page size, press sheet, ICC profile."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.errors import PamphletError
from workflow.fsutil import read_input
from workflow.pages import PAGE_SIZES, PRINT_VARIANTS

if TYPE_CHECKING:
    from workflow.config import Project

# Lengths are in PDF points unless named `_mm`.
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
