"""Glyph boxes of typeset PDFs, read back with MuPDF: lines by column and baseline (for
the typesetting tests and benchmarks/measure_typesetting.py).

`mutool trace` gives each glyph as drawn: its font, size, origin, advance and glyph id
(WeasyPrint's subsets keep the font's glyph ids, so the installed font's outline of that
id is the glyph's ink, shaped forms and Nastaliq's stacked letters included). A visual
line is every glyph of one column on one baseline. Columns are found from the page
itself: a gutter is a vertical band near the middle that no glyph crosses.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache

from pypdf import PdfReader

HYPHEN = "\u2010"  # WeasyPrint's line-end hyphen
BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(eq=False)
class Glyph:
    c: str
    x0: float
    x1: float
    baseline: float
    font: str
    size: float
    gid: int = 0
    color: str = ""  # as mutool trace writes the fill's colour: "0 0 0" in RGB is black


@dataclass
class Line:
    page: int
    column: int
    glyphs: list[Glyph] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(g.c for g in sorted(self.glyphs, key=lambda g: g.x0)
                       ) if self.rtl else "".join(g.c for g in self.glyphs)

    @property
    def baseline(self) -> float:
        return self.glyphs[0].baseline

    @property
    def x0(self) -> float:
        return min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return max(g.x1 for g in self.glyphs)

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)

    @property
    def font(self) -> str:
        """The font most of the line's letters are set in."""
        counts: dict[str, int] = {}
        for g in self.glyphs:
            if not g.c.isspace():
                counts[g.font] = counts.get(g.font, 0) + 1
        return max(counts, key=counts.get) if counts else ""

    @property
    def rtl(self) -> bool:
        return any("\u0600" <= g.c <= "\u06ff" or "\ufb50" <= g.c <= "\ufeff"
                   for g in self.glyphs)

    @property
    def logical(self) -> str:
        """The line's text in stream order (MuPDF writes glyphs as the PDF draws them)."""
        return BIDI.sub("", "".join(g.c for g in self.glyphs)).strip()

    def ink(self) -> tuple[float, float]:
        """Top and bottom of the line's ink, from its fonts' glyph outlines."""
        tops, bottoms = [], []
        for g in self.glyphs:
            if g.c.isspace():
                continue
            high, low = ink_extent(g.font.split("+")[-1], g.gid)
            tops.append(g.baseline - high * g.size)
            bottoms.append(g.baseline - low * g.size)
        return (min(tops), max(bottoms)) if tops else (self.baseline, self.baseline)


@dataclass
class Page:
    index: int
    width: float
    height: float
    lines: list[Line]
    gutters: list[tuple[float, float]]
    trim: tuple[float, float] = (0.0, 0.0)  # top and bottom of the TrimBox, as y here


def read_pages(pdf, columns: str = "find") -> list[Page]:
    """The pages' glyphs in lines. `columns`: "find" the gutter on each page, "one"
    column, or two with the gutter at the page's "centre" (the layout says so)."""
    out = subprocess.run(["mutool", "trace", str(pdf)], capture_output=True, check=True).stdout
    root = ET.fromstring(out)
    boxes = [(float(page.mediabox.top), page.trimbox) for page in PdfReader(pdf).pages]
    pages = []
    for index, page in enumerate(root.iter("page")):
        glyphs = []
        for fill in page:
            if fill.tag not in ("fill_text", "stroke_text", "clip_text"):
                continue
            a, b, c, d, e, f = (float(v) for v in fill.get("transform", "1 0 0 1 0 0").split())
            for span in fill.iter("span"):
                name = span.get("font", "")
                size = abs(float(span.get("trm").split()[0]) * a)
                for g in span.iter("g"):
                    x = float(g.get("x")) * a + e
                    y = float(g.get("y")) * d + f
                    glyphs.append(Glyph(g.get("unicode", ""), x,
                                        x + float(g.get("adv", "0")) * size, y, name, size,
                                        int(g.get("glyph", "0")), fill.get("color", "")))
        glyphs = [g for g in glyphs if g.size >= 1]  # the hidden running title is 0 pt
        x0, y0, x1, y1 = (float(v) for v in page.get("mediabox").split())
        width, height = x1 - x0, y1 - y0
        if columns == "one":
            gutters: list[tuple[float, float]] = []
        elif columns == "centre":
            gutters = [(width / 2 - 8, width / 2 + 8)]
        else:
            gutters = find_gutters(glyphs, width, height)
        top, trim = boxes[index]  # y runs down from the MediaBox's top
        pages.append(Page(index, width, height, group_lines(index, glyphs, gutters), gutters,
                          (top - float(trim.top), top - float(trim.bottom))))
    return pages


def furniture(glyph: Glyph) -> bool:
    """Running header, folio, colophon: sans type of 8 pt or less."""
    return glyph.size <= 8.01 and "Sans" in glyph.font and "Arabic" not in glyph.font


# The furniture of a page: the folio (8 pt), the running header and the draft notice
# (7 pt), in the top and bottom margins (18 to 24 mm by page size), set within this much
# of the trimmed edge. Text is set larger (8.5 pt at least) and inside the margins.
FURNITURE_PT = 8.01
FURNITURE_BAND = 15 * 72 / 25.4


def is_blank(page: Page) -> bool:
    """A page that shows nothing but furniture: every line small type in the top or bottom
    margin (a page with only a folio, or a running header, is blank)."""
    top, bottom = page.trim
    return all(ln.size <= FURNITURE_PT and (ln.baseline < top + FURNITURE_BAND
                                            or ln.baseline > bottom - FURNITURE_BAND)
               for ln in page.lines)


def find_gutters(glyphs: list[Glyph], width: float, height: float, least: float = 8.0):
    """Vertical bands in the middle half of the page that (almost) no glyph of the body
    crosses: the running header and the folio (small sans type in the margins) are left
    out, and a title that spans both columns is allowed to cross."""
    body = [g for g in glyphs if not g.c.isspace() and not furniture(g)]
    if not body:
        return []
    cover = [0] * (int(width) + 2)
    for g in body:
        for x in range(max(int(g.x0), 0), min(int(g.x1) + 1, len(cover))):
            cover[x] += 1
    quiet = 2  # a title spanning both columns, or two
    gaps, start = [], None
    for x in range(int(width * 0.25), int(width * 0.75) + 1):
        if cover[x] <= quiet:
            start = x if start is None else start
        else:
            if start is not None and x - start >= least:
                gaps.append((float(start), float(x)))
            start = None
    return [max(gaps, key=lambda gap: gap[1] - gap[0])] if gaps else []  # the widest


def group_lines(page: int, glyphs: list[Glyph], gutters) -> list[Line]:
    """Glyphs by column and baseline; a mark (shadda, fatha) that MuPDF places on a
    baseline of its own joins the line nearest to it."""
    columns: dict[int, list[Glyph]] = {}
    for g in glyphs:
        middle = (g.x0 + g.x1) / 2
        columns.setdefault(sum(middle > (gap[0] + gap[1]) / 2 for gap in gutters), []).append(g)
    ordered = []
    for column, members in sorted(columns.items()):
        bases = [g for g in members if unicodedata.category(g.c[:1] or " ") != "Mn"]
        lines: list[Line] = []
        for g in sorted(bases, key=lambda g: g.baseline):
            if lines and g.baseline - lines[-1].glyphs[-1].baseline <= 0.3 * g.size:
                lines[-1].glyphs.append(g)
            else:
                lines.append(Line(page, column, [g]))
        based = {id(g) for g in bases}
        for g in members:
            if id(g) not in based and lines:
                min(lines, key=lambda ln: abs(ln.baseline - g.baseline)).glyphs.append(g)
        ordered += lines
    for line in ordered:
        line.glyphs.sort(key=lambda g: g.x0)
    return ordered


def word_spaces(line: Line) -> list[float]:
    """Each word space of the line as a multiple of its font's normal space (the advance
    of the space glyph MuPDF reports at the space's own size)."""
    spaces = [g.x1 - g.x0 for g in line.glyphs if g.c == " " and g.x1 > g.x0]
    if not spaces:
        return []
    normal = sorted(spaces)[len(spaces) // 2]
    ink = sorted((g for g in line.glyphs if not g.c.isspace()), key=lambda g: g.x0)
    runs: list[list[float]] = []
    for g in ink:
        if runs and g.x0 <= runs[-1][1] + 0.3 * normal:
            runs[-1][1] = max(runs[-1][1], g.x1)
        else:
            runs.append([g.x0, g.x1])
    gaps = [(b[0] - a[1]) / normal for a, b in zip(runs, runs[1:], strict=False)]
    return [gap for gap in gaps if gap > 0.5]


@cache
def _font(name: str):
    """The installed font a PDF font name ("Noto-Nastaliq-Urdu-Bold") is a subset of."""
    from fontTools.ttLib import TTFont

    family = name.replace("-", " ")
    for style in ("Bold Italic", "Bold", "Italic"):
        if family.endswith(" " + style):
            family = f"{family[:-len(style) - 1]}:style={style}"
            break
    path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True,
                          text=True, check=True).stdout
    return TTFont(path, lazy=True)


@cache
def ink_extent(font: str, gid: int) -> tuple[float, float]:
    """(top, bottom) of a glyph's outline in em above the baseline (bottom negative)."""
    ttf = _font(font)
    upem = ttf["head"].unitsPerEm
    if "glyf" in ttf:
        glyf = ttf["glyf"]
        name = ttf.getGlyphName(gid)
        g = glyf[name]
        if getattr(g, "numberOfContours", 0):
            g.recalcBounds(glyf)
            return g.yMax / upem, g.yMin / upem
        return 0.0, 0.0  # no outline: a space, a zero-width joiner
    os2 = ttf["OS/2"]
    return os2.sTypoAscender / upem, os2.sTypoDescender / upem

def overlaps(page: Page, least: float = 0.5) -> list[str]:
    """Pairs of lines of one column whose ink boxes intersect. Nastaliq sets each word on a
    cascading baseline of its own, so MuPDF's glyphs of one Nastaliq line fall on several
    baselines: two pieces of Nastaliq are not compared with each other."""
    inks = [(line, *line.ink()) for line in page.lines]
    found = []
    for index, (a, a_top, a_bottom) in enumerate(inks):
        for b, b_top, b_bottom in inks[index + 1:]:
            if a.column != b.column or ("Nastaliq" in a.font and "Nastaliq" in b.font):
                continue
            across = min(a.x1, b.x1) - max(a.x0, b.x0)
            down = min(a_bottom, b_bottom) - max(a_top, b_top)
            if across > least and down > least:
                found.append(f"p.{page.index + 1}: {a.logical[:20]!r} overlaps"
                             f" {b.logical[:20]!r} by {down:.1f} pt")
    return found


def leader_gaps(page: Page) -> list[float]:
    """On a contents page, the space between each line's leader dots and its page number
    (the digits at the line's outer end: a title may hold a year), as a share of the
    line's size."""
    gaps = []
    for line in page.lines:
        # Sorted left to right; marks the text layer gives a glyph (RLM) are no ink.
        glyphs = [g for g in line.glyphs
                  if not g.c.isspace() and unicodedata.category(g.c[:1] or " ") != "Cf"]
        outer = glyphs if line.rtl else glyphs[::-1]
        number = []
        for g in outer:
            if unicodedata.category(g.c[:1] or " ") != "Nd":
                break
            number.append(g)
        dots = [g for g in line.glyphs if g.c == "."]
        if len(dots) >= 3 and number:
            gaps.append(min(min(abs(d.x0 - p.x1), abs(p.x0 - d.x1))
                            for d in number for p in dots) / line.size)
    return gaps
