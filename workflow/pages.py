"""Page sizes and print variants, each declared once: the settings' choices, the command
line's, the typesetter, print finishing, imposition and the bundle's README read them here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSize:
    """A trimmed page size, and the sheet its saddle-stitch booklet is printed on: two
    trimmed pages plus the bleed do not fit on A4 (296 x 210 mm plus 3 mm all round is
    302 x 216 mm), so the sides go on the oversize (SRA) sheet of the paper series and are
    cut to the trim. Sheet sizes landscape, as the sides are laid out."""

    trim_mm: tuple[float, float]
    sheet: str
    sheet_mm: tuple[float, float]


PAGE_SIZES = {
    "A5": PageSize((148.0, 210.0), "SRA4", (320.0, 225.0)),
    "A4": PageSize((210.0, 297.0), "SRA3", (450.0, 320.0)),
    "letter": PageSize((215.9, 279.4), "12 x 18 in", (457.2, 304.8)),
}
# print_variant: the PDF standard print files follow, by setting and by its own name.
PRINT_VARIANTS = {"pdf/x-4": "PDF/X-4", "pdf/a-2b": "PDF/A-2b", "pdf/ua-1": "PDF/UA-1"}
