"""Page sizes and print variants, each declared once: the settings' choices, the command
line's, the typesetter, print finishing, imposition and the bundle's README read them here."""

from __future__ import annotations

from dataclasses import dataclass

Sheet = tuple[str, tuple[float, float]]  # a press sheet's name and size, landscape


@dataclass(frozen=True)
class PageSize:
    """A trimmed page size, and the press sheets its saddle-stitch booklet may be printed
    on, smallest first: two trimmed pages plus the bleed do not fit on A4 (296 x 210 mm
    plus 3 mm all round is 302 x 216 mm), so the sides go on an oversize sheet of the
    paper series (ISO for A sizes, US press sheets for letter) and are cut to the trim;
    with crop marks a side is larger still (A5: 318 x 232 mm, over SRA4's 225), and the
    print files name the first sheet that holds it (workflow/pdf/settings.py)."""

    trim_mm: tuple[float, float]
    sheets: tuple[Sheet, ...]


PAGE_SIZES = {
    "A5": PageSize((148.0, 210.0), (("SRA4", (320.0, 225.0)), ("A3", (420.0, 297.0)),
                                    ("SRA3", (450.0, 320.0)))),
    "A4": PageSize((210.0, 297.0), (("SRA3", (450.0, 320.0)), ("13 x 19 in", (482.6, 330.2)),
                                    ("SRA2", (640.0, 450.0)))),
    "letter": PageSize((215.9, 279.4), (("12 x 18 in", (457.2, 304.8)),
                                        ("13 x 19 in", (482.6, 330.2)))),
}
# print_variant: the PDF standard print files follow, by setting and by its own name.
PRINT_VARIANTS = {"pdf/x-4": "PDF/X-4", "pdf/a-2b": "PDF/A-2b", "pdf/ua-1": "PDF/UA-1"}
