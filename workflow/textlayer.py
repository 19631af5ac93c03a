"""The PDF text layer of Arabic-script text: what each glyph copies out as, so that text copied
from a pamphlet is the text written (WeasyPrint 70 maps a glyph to its text once per font,
from its first use, and gives the other glyphs of a cluster none: issue #2841).

WeasyPrint draws a line's glyphs in visual order, left to right, as every browser does.
Extractors rebuild the logical order themselves: poppler (pdftotext, evince, okular) and
MuPDF since 1.24 reverse each right-to-left run of a line, keeping left-to-right runs and
numbers in their order. So each glyph is given, in the order such an extractor reverses:

- the characters of its whole cluster (HarfBuzz's, through Pango): a vowel mark, a shadda
  or a Nastaliq dot drawn by a glyph of its own copies out with its letter, never before
  it nor on a line of its own (a raised mark has a baseline of its own); the other glyphs
  of the cluster copy out as nothing;
- the characters that draw no glyph (ZWNJ, ZWJ) with the letter before them;
- a mirrored bracket as the bracket written, not the one drawn;
- an RLM before a number, a Latin run or a separator (`.` `،` `:`) in right-to-left text:
  an extractor takes the space before it for part of the left-to-right run and moves it
  ("( )IMA", "إيران ،وتضامنوا"); the RLM, invisible, keeps it in the right-to-left text.

A glyph whose text is not its font's ToUnicode entry is drawn in a marked-content span
with /ActualText (PDF 1.5, 14.9.4), which poppler and MuPDF read in place of ToUnicode.
Done by rewriting the glyph strings WeasyPrint's draw_first_line() shows, so that
WeasyPrint's own drawing (positions, rises, emoji) stays as it is.
"""

from __future__ import annotations

import logging
import re
import unicodedata

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

RLM = "\u200f"
# Bidi classes an extractor keeps in their own order inside right-to-left text (poppler's
# "L" and "#": letters of left-to-right scripts, digits, and number separators).
KEPT_IN_ORDER = {"L", "EN", "AN", "ES", "ET", "CS"}
RTL_LANGUAGES = {"ar", "fa", "ur", "he", "yi", "ps", "sd", "ckb", "ug", "dv"}
GLYPHS = re.compile(r"<([0-9a-fA-F]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")

_installed = False


def install() -> bool:
    """Wrap WeasyPrint's draw_first_line() once per process; False if this WeasyPrint
    draws text otherwise (its PDFs then keep WeasyPrint's own text layer)."""
    global _installed
    if _installed:
        return True
    try:
        from weasyprint.draw import text
    except ImportError:
        return False
    original = getattr(text, "draw_first_line", None)
    if original is None:
        log.warning("WeasyPrint draws text differently: copied Arabic text may be wrong")
        return False

    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        if text_overflow == "ellipsis" or block_ellipsis != "none":
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        glyphs = line_glyphs(stream, textbox, text, _continues(stream, textbox))
        if glyphs is None:
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        return original(SpanningStream(stream, glyphs), textbox, text_overflow,
                        block_ellipsis, matrix)

    text.draw_first_line = draw_first_line  # draw_text() calls it through the module
    _installed = True
    return True


# The last line of text drawn: (stream, baseline, right edge, whether it ends in a
# left-to-right run); a URL broken into boxes at each <wbr> is drawn box after box.
_last: list[tuple[int, float, float, bool]] = []


def _continues(stream, textbox) -> bool:
    """Whether this box continues, on its left, a left-to-right run drawn just before
    (then no RLM is wanted between them: it would split the run in two)."""
    if not _last:
        return False
    owner, baseline, right, ltr = _last[0]
    return (ltr and owner == id(stream)
            and abs(baseline - (textbox.position_y + textbox.baseline)) < 0.5
            and abs(right - textbox.position_x) < 0.5)


def _remember(stream, textbox, ends_ltr: bool) -> None:
    _last[:] = [(id(stream), textbox.position_y + textbox.baseline,
                 textbox.position_x + textbox.width, ends_ltr)]


def _rtl_context(textbox) -> bool:
    lang = (textbox.style["lang"] or "").lower().replace("_", "-").split("-")[0]
    return lang in RTL_LANGUAGES


def _kept_in_order(char: str) -> bool:
    return unicodedata.bidirectional(char) in KEPT_IN_ORDER


def line_glyphs(stream, textbox, text, continues: bool = False
                ) -> list[tuple[int, str | None]] | None:
    """(glyph id, text to copy out or None for its font's ToUnicode entry) of each glyph
    the first line of `textbox` draws, in drawing order; every glyph id given a ToUnicode
    entry (the text of its first use). None where the line cannot be read."""
    ffi, pango = text.ffi, text.pango
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return None
    utf8 = textbox.pango_layout.text.encode()
    rtl_context = _rtl_context(textbox)
    first_line, _ = textbox.pango_layout.get_first_line()
    result: list[tuple[int, str | None]] = []
    after_ltr = continues  # the glyph before ends a left-to-right run
    run = first_line.runs[0]
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        font, _ = stream.add_font(glyph_item.item.analysis.font)
        if font.bitmap:
            return None
        item = glyph_item.item
        glyph_string = glyph_item.glyphs
        count = glyph_string.num_glyphs
        infos = glyph_string.glyphs
        clusters = [glyph_string.log_clusters[i] for i in range(count)]
        ids = [infos[i].glyph for i in range(count)]
        widths = [infos[i].geometry.width for i in range(count)]
        rtl = bool(item.analysis.level % 2)
        texts = _glyph_texts(utf8[item.offset:item.offset + item.length], clusters, ids,
                             widths, rtl, pango.PANGO_GLYPH_EMPTY)
        for index, (glyph, logical) in enumerate(zip(ids, texts, strict=True)):
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                return None  # WeasyPrint draws .notdef under an id of its choosing
            stored = logical[::-1] if rtl else logical
            # a left-to-right run starts here, after right-to-left text: an RLM before it
            if rtl_context and stored and _kept_in_order(stored[0]) and (
                    rtl or not after_ltr):
                stored = RLM + stored
            if stored:
                after_ltr = not rtl and _kept_in_order(stored[-1])
            if glyph not in font.to_unicode:
                font.to_unicode[glyph] = _own_text(font, glyph, logical, texts, index)
            default = font.to_unicode[glyph]
            result.append((glyph, None if stored == default else stored))
    if result:
        _remember(stream, textbox, after_ltr)
    return result


def _own_text(font, glyph: int, logical: str, texts: list[str], index: int) -> str:
    """The ToUnicode entry of a glyph (what extractors that ignore /ActualText, pdf.js
    among them, copy out): the character the font maps to it, if its cluster has it; else
    its text here without the marks drawn apart; for a glyph that copies out as nothing
    here, the marks of its cluster (never an empty entry: WeasyPrint #2841)."""
    cluster = logical or next((t for t in texts[index:] + texts[:index][::-1] if t), " ")
    own = _cmap(font).get(glyph)
    if own and own in cluster:
        return own
    marks = "".join(c for c in cluster if unicodedata.category(c)[0] == "M")
    if logical:
        return "".join(c for c in logical if c not in marks) or logical
    return marks or cluster


_cmaps: dict[str, dict[int, str]] = {}


def _cmap(font) -> dict[int, str]:
    """Glyph id -> the character the font maps to it (fontTools, once per font)."""
    if font.hash not in _cmaps:
        from io import BytesIO

        from fontTools.ttLib import TTFont

        try:
            ttfont = TTFont(BytesIO(font.file_content), fontNumber=font.index or 0,
                            lazy=True)
            order = {name: gid for gid, name in enumerate(ttfont.getGlyphOrder())}
            _cmaps[font.hash] = {order[name]: chr(code) for code, name in
                                 sorted(ttfont.getBestCmap().items(), reverse=True)}
        except Exception:  # noqa: BLE001 (a font fontTools cannot read: no names)
            _cmaps[font.hash] = {}
    return _cmaps[font.hash]


def _glyph_texts(item_text: bytes, clusters: list[int], ids: list[int], widths: list[int],
                 rtl: bool, empty: int) -> list[str]:
    """The logical text each glyph of a run copies out as: a cluster's text on its widest
    glyph (its base), nothing on the others; the text of a cluster that draws nothing
    joined to the cluster before it."""
    starts = sorted(set(clusters))
    bounds = dict(zip(starts, [*starts[1:], len(item_text)], strict=True))
    texts = [""] * len(ids)
    carried = ""
    base_of_previous: int | None = None
    for start in starts:
        cluster_text = item_text[start:bounds[start]].decode("utf-8", "replace")
        drawn = [i for i, c in enumerate(clusters) if c == start and ids[i] != empty]
        # Pango gives a mark a cluster of its own: it copies out with its letter.
        marks = all(unicodedata.category(char)[0] == "M" for char in cluster_text)
        if not drawn or (marks and base_of_previous is not None):
            if base_of_previous is not None:
                texts[base_of_previous] += cluster_text
            else:
                carried += cluster_text
            continue
        # widest glyph; of equals, the first in logical order
        base = max(drawn, key=lambda i: (widths[i], i if rtl else -i))
        texts[base] = carried + cluster_text
        carried = ""
        base_of_previous = base
    return texts


class SpanningStream:
    """A WeasyPrint stream whose show_text() draws each glyph with its own text in an
    /ActualText span; everything else goes to the stream itself."""

    def __init__(self, stream, glyphs: list[tuple[int, str | None]]):
        self._stream = stream
        self._glyphs = glyphs
        self._next = 0

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def show_text(self, string: str) -> None:
        import pydyf

        parts: list[str] = []  # the TJ being built, without spans
        for match in GLYPHS.finditer(string):
            hexes, number = match.groups()
            if number is not None:
                parts.append(number)
                continue
            pending: list[str] = []
            for at in range(0, len(hexes), 4):
                code = hexes[at:at + 4]
                actual = self._take(int(code, 16))
                if actual is None:
                    pending.append(code)
                    continue
                if pending:
                    parts.append("<" + "".join(pending) + ">")
                    pending = []
                if parts:
                    self._stream.show_text(" ".join(parts))
                    parts = []
                self._stream.begin_marked_content(
                    "Span", pydyf.Dictionary({"ActualText": pydyf.String(actual)}))
                self._stream.show_text(f"<{code}>")
                self._stream.end_marked_content()
            if pending:
                parts.append("<" + "".join(pending) + ">")
        if parts:
            self._stream.show_text(" ".join(parts))

    def _take(self, glyph: int) -> str | None:
        """The text of the next glyph drawn, if it is not its ToUnicode entry."""
        if self._next >= len(self._glyphs):
            return None
        expected, actual = self._glyphs[self._next]
        if expected != glyph:  # not the line measured: leave WeasyPrint's text layer
            self._next = len(self._glyphs)
            log.warning("text layer: glyph %d drawn where %d was expected", glyph, expected)
            return None
        self._next += 1
        return actual
