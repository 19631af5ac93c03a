"""Social cards: share images (PNG) per statement and language, set by WeasyPrint, MuPDF-drawn."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from workflow import languages
from workflow.edition import Edition, Piece
from workflow.errors import PamphletError

# Open Graph's large card (og:image 1200x630) and the portrait post Instagram shows whole.
SIZES = {"card": (1200, 630), "portrait": (1080, 1350)}
MUTOOL = "mutool"  # Debian's mupdf-tools, already the preflight's renderer
TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Card:
    """One share image of an edition: its kind, its file in the site, its size."""

    slug: str
    language: str
    kind: str  # "card" or "portrait"

    @property
    def path(self) -> str:
        """Relative to the site folder."""
        return f"{self.language}/{self.slug}.{self.kind}.png"

    @property
    def alt_path(self) -> str:
        return f"{self.language}/{self.slug}.{self.kind}.txt"

    @property
    def size(self) -> tuple[int, int]:
        return SIZES[self.kind]


def cards_of(slug: str, language: str) -> list[Card]:
    return [Card(slug, language, kind) for kind in SIZES]


def plain_text(piece: Piece) -> str:
    """A piece as a reader sees it: typography applied, Markdown markup gone."""
    from workflow.render.html import render_inline, typography

    return unescape(TAGS.sub("", render_inline(typography(piece.text, piece.language))))


def pull_quote(source: Edition, edition: Edition) -> Piece:
    """The sentence the cards quote, in `edition`'s language: the one the statement's
    `quote:` names (a sentence, or a part of one found in exactly one), else the first
    sentence of the body. `source` is the edition in the statement's own language."""
    pieces = [p for unit in source.units for row in unit.rows for p in row]
    theirs = [p for unit in edition.units for row in unit.rows for p in row]
    statement = source.statement
    if statement.quote:
        found = [i for i, p in enumerate(pieces) if statement.quote in p.text]
        if len(found) != 1:
            problem = ("is in no sentence of the statement" if not found else
                       f"is in {len(found)} sentences: quote more of the one meant")
            raise PamphletError(f"quote: {statement.quote!r} {problem}", statement.path,
                                statement.quote_line)
        index = found[0]
    else:
        paragraphs = [i for i, p in enumerate(pieces) if p.text.strip()]
        index = next((i for i in paragraphs if _in_paragraph(source, pieces[i])),
                     paragraphs[0] if paragraphs else 0)
    return theirs[index] if index < len(theirs) else edition.title


def _in_paragraph(source: Edition, piece: Piece) -> bool:
    return any(piece in row for unit in source.units if unit.kind == "paragraph"
               for row in unit.rows)


def alt_text(edition: Edition, quote: Piece, date: str) -> str:
    """What the card shows, in its language, for `og:image:alt` and screen readers."""
    words = languages.get(edition.language).furniture["card_alt"]
    return words.format(title=plain_text(edition.title), author=plain_text(edition.author),
                        date=date, quote=plain_text(quote))


def card_html(edition: Edition, quote: Piece, date: str, kind: str) -> str:
    from workflow.render.html import ENVIRONMENT

    profile = languages.get(quote.language)
    return ENVIRONMENT.get_template("site/card.html.j2").render(
        edition=edition, quote=quote, date=date, kind=kind, opening=profile.quotes[0],
        closing=profile.quotes[1])


# The layout of each kind, in pixels: margins, the band, the block at the foot (title and
# byline) and what is left above it for the quote.
LAYOUT = {
    "card": {"top": 56, "side": 64, "band": 24, "foot": 168, "bottom": 44, "title": 34},
    "portrait": {"top": 96, "side": 80, "band": 28, "foot": 250, "bottom": 80, "title": 44},
}
QUOTE_SIZES = (60, 54, 48, 43, 38, 34, 30, 27, 24)
# Average advance of a character, in ems, by script (measured on Noto Serif, Naskh and
# Nastaliq text of the corpus), and room for the ragged ends of lines.
CHAR_EM = {"Latn": 0.5, "Arab": 0.42}
RAGGED = 1.18


def quote_size(text: str, script: str, width: int, height: int, line_height: float
               ) -> tuple[int, int]:
    """(font size, lines) of the largest quote type whose lines fit the box: a long quote
    is set smaller, not cut; one too long even at the smallest size ends in an ellipsis."""
    for size in QUOTE_SIZES:
        per_line = max(1, int(width / (CHAR_EM.get(script, 0.5) * size)))
        lines = -(-len(text) * RAGGED // per_line)
        if lines * size * line_height <= height:
            break
    return size, max(1, int(height // (size * line_height)))


def card_css(edition: Edition, kind: str, quote: Piece) -> str:
    """The card's layout: sizes in pixels, the quote's type fitted to its length."""
    from workflow.render.stylesheet import families

    width, height = SIZES[kind]
    box = LAYOUT[kind]
    profile = languages.get(edition.language)
    quoted = languages.get(quote.language)
    scale = quoted.line_height / 1.45  # Nastaliq and Naskh need their taller lines
    quote_lh = round(1.3 * scale, 2)
    inner = width - box["band"] - 2 * box["side"]
    room = height - box["top"] - box["foot"] - box["bottom"]
    size, lines = quote_size(quote.text, quoted.script.code, inner, room, quote_lh)
    start, end = ("right", "left") if profile.rtl else ("left", "right")
    title_lh = round(1.25 * profile.line_height / 1.45, 2)
    return f"""
@page {{ size: {width}px {height}px; margin: 0; }}
html {{ background: #fbf8f2; color: #1b1b1b; }}
body {{ margin: 0; width: {width}px; height: {height}px; position: relative; overflow: hidden;
  font-family: {families(profile.font_stack("text"))}; }}
.band {{ position: absolute; {start}: 0; top: 0; bottom: 0; width: {box["band"]}px;
  background: #b3202a; }}
.quote {{ position: absolute; top: {box["top"]}px; {start}: {box["band"] + box["side"]}px;
  width: {inner}px; height: {room}px; margin: 0; font-size: {size}px;
  line-height: {quote_lh}; font-family: {families(quoted.font_stack("text"))};
  max-lines: {lines}; block-ellipsis: auto; continue: discard; }}
.foot {{ position: absolute; bottom: {box["bottom"]}px; {start}: {box["band"] + box["side"]}px;
  width: {inner}px; border-top: 3px solid #b3202a; padding-top: 16px; }}
.title {{ margin: 0 0 10px; font-size: {box["title"]}px; line-height: {title_lh};
  font-family: {families(profile.font_stack("heading"))}; font-weight: bold; color: #b3202a;
  max-lines: 2; block-ellipsis: auto; continue: discard; }}
.meta {{ margin: 0; font-size: {box["title"] * 0.7:.0f}px; line-height: {title_lh};
  font-family: {families(profile.font_stack("furniture"))}; color: #444; }}
.nobr {{ white-space: nowrap; }}
"""


def rasterise(pdf: bytes, size: tuple[int, int]) -> bytes:
    """The PDF's first page as PNG at 96 dpi: CSS pixels are the image's pixels."""
    with tempfile.TemporaryDirectory(prefix="pamphlet-card-") as folder:
        source, target = Path(folder) / "card.pdf", Path(folder) / "card.png"
        source.write_bytes(pdf)
        try:
            done = subprocess.run([MUTOOL, "draw", "-q", "-r", "96", "-w", str(size[0]),
                                   "-h", str(size[1]), "-c", "rgb", "-o", str(target),
                                   str(source), "1"], capture_output=True, text=True,
                                  check=False)
        except FileNotFoundError:
            raise PamphletError("mutool is not installed: apt-get install mupdf-tools") from None
        if done.returncode != 0 or not target.is_file():
            raise PamphletError(f"mutool draw failed: {done.stderr.strip()[:200]}")
        return target.read_bytes()


def render_card(edition: Edition, quote: Piece, date: str, kind: str) -> bytes:
    """One card's PNG."""
    from workflow.render.typeset import _fetcher, _weasyprint, import_weasyprint

    import_weasyprint()
    from weasyprint import CSS, HTML

    font_config, _ = _weasyprint()
    html = card_html(edition, quote, date, kind)
    css = CSS(string=card_css(edition, kind, quote), font_config=font_config,
              url_fetcher=_fetcher())
    pdf = HTML(string=html, url_fetcher=_fetcher()).write_pdf(
        stylesheets=[css], font_config=font_config)
    return rasterise(pdf, SIZES[kind])


def render_cards(edition: Edition, quote: Piece, date: str) -> dict[str, bytes]:
    """Both cards of an edition and their alt-text files, by path in the site."""
    files: dict[str, bytes] = {}
    alt = alt_text(edition, quote, date)
    for card in cards_of(edition.statement.slug, edition.language):
        files[card.path] = render_card(edition, quote, date, card.kind)
        files[card.alt_path] = (alt + "\n").encode()
    return files
