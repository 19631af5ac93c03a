"""QR codes for paper: a URL (segno encodes it, ISO/IEC 18004) as vector boxes, for colophons."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

# ISO/IEC 18004 asks for a light margin of 4 modules around the symbol; 20 mm is the
# least a phone camera reads from an A5 leaflet at arm's length (the anchor:
# 20-25 mm on an A5 leaflet).
QUIET_ZONE = 4
MIN_SYMBOL_MM = 20.0


@dataclass(frozen=True)
class QRCode:
    """One QR code: its modules (True: dark), without the quiet zone, and its size."""

    url: str
    modules: tuple[tuple[bool, ...], ...]
    symbol_mm: float

    @property
    def count(self) -> int:
        return len(self.modules)

    @property
    def module_mm(self) -> float:
        return self.symbol_mm / self.count

    @property
    def size_mm(self) -> float:
        """The whole drawing, quiet zone included."""
        return self.module_mm * (self.count + 2 * QUIET_ZONE)

    def rectangles(self) -> list[tuple[int, int, int, int]]:
        """The dark modules as rectangles (x, y, width, height in modules, quiet zone not
        counted): runs of a row, each grown down over the rows that repeat it."""
        used: set[tuple[int, int, int]] = set()
        found = []
        for y, row in enumerate(self.modules):
            for start, end in _runs(row):
                if (y, start, end) in used:
                    continue
                height = 1
                while (y + height < self.count
                       and (start, end) in _runs(self.modules[y + height])):
                    used.add((y + height, start, end))
                    height += 1
                found.append((start, y, end - start, height))
        return found

    def html(self) -> Markup:
        """The code as boxes of the page (vector rectangles in the PDF), so that the
        stylesheet gives their ink: black on screen, K only in CMYK print files (an SVG's
        fill would come out as RGB). The quiet zone is the box's padding: nothing can be
        set into it."""
        unit = self.module_mm
        quiet = QUIET_ZONE * unit
        boxes = "".join(
            f'<span class="module" style="left:{quiet + x * unit:.3f}mm;'
            f'top:{quiet + y * unit:.3f}mm;width:{w * unit:.3f}mm;height:{h * unit:.3f}mm"></span>'
            for x, y, w, h in self.rectangles())
        return Markup(f'<span class="qr" role="img" aria-label="QR: {escape(self.url)}"'
                      f' style="width:{self.size_mm:.3f}mm;height:{self.size_mm:.3f}mm">'
                      f"{boxes}</span>")


def _runs(row: tuple[bool, ...]) -> list[tuple[int, int]]:
    runs, x = [], 0
    while x < len(row):
        if row[x]:
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append((start, x))
        else:
            x += 1
    return runs


def qr_code(url: str, symbol_mm: float = MIN_SYMBOL_MM) -> QRCode:
    """The QR code of `url` (error correction M, the smallest version that holds it)."""
    import segno  # only builds with `site_url` set draw QR codes

    if symbol_mm < MIN_SYMBOL_MM:
        raise ValueError(f"a QR code on paper is at least {MIN_SYMBOL_MM:g} mm wide")
    code = segno.make_qr(url, error="m", boost_error=False)
    modules = tuple(tuple(bool(m) for m in row) for row in code.matrix)
    return QRCode(url, modules, symbol_mm)
