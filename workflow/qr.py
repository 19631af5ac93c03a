"""QR codes for paper: a URL as a vector SVG (segno encodes it, ISO/IEC 18004), for colophons."""

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

    def svg(self) -> Markup:
        """The code as inline SVG: one path of dark modules, filled with `currentColor`
        so that the stylesheet decides the ink (black; K only in CMYK print files). The
        quiet zone is part of the drawing: nothing can be set into it."""
        total = self.count + 2 * QUIET_ZONE
        runs = []
        for y, row in enumerate(self.modules):
            x = 0
            while x < len(row):
                if not row[x]:
                    x += 1
                    continue
                start = x
                while x < len(row) and row[x]:
                    x += 1
                runs.append(f"M{start + QUIET_ZONE} {y + QUIET_ZONE}h{x - start}v1h{start - x}z")
        size = f"{self.size_mm:.2f}mm"
        return Markup(
            f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total} {total}"'
            f' width="{size}" height="{size}" role="img" aria-label="QR: {escape(self.url)}"'
            f' shape-rendering="crispEdges"><path fill="currentColor" d="{"".join(runs)}"/>'
            "</svg>")


def qr_code(url: str, symbol_mm: float = MIN_SYMBOL_MM) -> QRCode:
    """The QR code of `url` (error correction M, the smallest version that holds it)."""
    import segno  # only builds with `site_url` set draw QR codes

    if symbol_mm < MIN_SYMBOL_MM:
        raise ValueError(f"a QR code on paper is at least {MIN_SYMBOL_MM:g} mm wide")
    code = segno.make_qr(url, error="m", boost_error=False)
    modules = tuple(tuple(bool(m) for m in row) for row in code.matrix)
    return QRCode(url, modules, symbol_mm)
