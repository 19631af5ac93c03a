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
  of the cluster copy out as nothing; its marks from a glyph just before it that draws
  nothing, for MuPDF (_carry_marks);
- the characters that draw no glyph (ZWNJ, ZWJ) with the letter before them;
- a mirrored bracket as the bracket written, not the one drawn;
- an RLM before a separator (`.` `،` `:`) in right-to-left text, an RLE before a number
  or a Latin run there: an extractor takes the space before it for part of the
  left-to-right run and moves it ("( )IMA", "إيران ،وتضامنوا"); the RLM or RLE,
  invisible, keeps it in the right-to-left text (poppler takes both for right to left;
  MuPDF takes an RLE for left to right, as the run after it: see line_glyphs); an LRM
  before each further Arabic-Indic digit of a number (MuPDF); and an RLM before a
  right-to-left line box's first text that is not right to left itself (MuPDF:
  _open_right_to_left).

A glyph whose text is not its font's ToUnicode entry is drawn in a marked-content span
with /ActualText (PDF 1.5, 14.9.4), which poppler and MuPDF read in place of ToUnicode.
Done by rewriting the glyph strings WeasyPrint's draw_first_line() shows, so that
WeasyPrint's own drawing (positions, rises, emoji) stays as it is.
"""

from __future__ import annotations

import logging
import re
import struct
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

RLM = "\u200f"
RLE = "\u202b"  # RIGHT-TO-LEFT EMBEDDING: see line_glyphs
# A marked point after the last glyph of a left-to-right line box that ends in neutrals;
# the pass after writing replaces it (see _direct).
LINE_END = "PamphletLineEnd"
# A marked point at the baseline, before the first glyph of a word's span whose first glyph
# is drawn raised; the pass after writing puts a glyph there that draws nothing (_marks).
BASELINE = "PamphletBaseline"
# BASELINE where a Nastaliq word's span opens: the pass after writing puts the word's
# carrier there (_word_carrier).
WORD = "PamphletWord"
# A marked point (DP, its /Text the marks) on the baseline before a glyph whose text starts
# with combining marks; the pass after writing draws a carrier there (_carrier).
MARKS = "PamphletMarks"
# A marked point in the text object of a right-to-left line box (its paragraph's direction
# is right to left): the pass after writing draws its bidi runs in logical order.
RTL_LINE = "PamphletRightToLeft"
# A text box's attribute (set by _broken_urls as a page is drawn): the text it copies out
# as, drawn in one /ActualText span.
COPIES_AS = "pamphlet_copies_as"
# A text box's attribute (set by _joined_lines as a page is drawn): (rise, move) of a marked
# point JOIN drawn after it, half-way up to the line above; the pass after writing puts a
# glyph there that draws nothing (_marks).
JOINS = "pamphlet_joins"
JOIN = "PamphletJoin"
# poppler joins a line to the block of the line above when their baselines are at most this
# many times the font size apart (TextOutputDev.cc, maxLineSpacingDelta)
POPPLER_LINE_SPACING = 1.5
WBR = "\u200b"  # the text of a <wbr>'s box
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
        copies_as = _copies_as(textbox)
        if copies_as is not None:
            glyphs = one_span(glyphs, copies_as)
        spanning = SpanningStream(stream, glyphs, _rtl_context(textbox))
        emojis = original(spanning, textbox, text_overflow, block_ellipsis, matrix)
        spanning.finish()
        joins = getattr(textbox, JOINS, None)
        if joins is not None:
            _join(stream, textbox, *joins)
        return emojis

    text.draw_first_line = draw_first_line  # draw_text() calls it through the module
    _install_pages()
    _installed = True
    return True


def _install_pages() -> None:
    """Wrap the draw_page() WeasyPrint's pages call, so that the URLs broken over lines
    are found on each page before it is drawn (_broken_urls)."""
    from weasyprint import document

    original = document.draw_page

    def draw_page(page, stream):
        _broken_urls(page)
        _joined_lines(page)
        return original(page, stream)

    document.draw_page = draw_page  # Page.paint() calls it through the module


def _broken_urls(page) -> None:
    """Each URL (or e-mail address: html.break_addresses' <span class="url">) broken over
    lines copies out whole (COPIES_AS): the first of its pieces on its last line as all
    the URL up to it and itself, every piece on a line before as nothing. Extractors write
    a line break at every line end, and one in a URL leaves a space in it (or drops a "-"
    ending the line); a URL is set whole where it fits at fitting.URL_FLOOR of its size or
    more (fitting.url_faults), so this is one wider than that. On its last line, where the
    text after it is, its span opens no gap: an empty piece between two words of a line
    (the text after it, of its run, and a full stop that bidi puts on the other side of
    an Arabic line) made poppler cut the line in two, and a URL copied out on its first
    line was followed by a line break before its full stop. pdf.js reads no /ActualText:
    it copies the pieces, on their lines."""
    from weasyprint.formatting_structure import boxes

    lines: dict[int, list[list]] = {}  # URL element -> the text boxes on each of its lines
    elements: dict[int, Any] = {}
    todo: list[tuple[Any, bool]] = [(page, False)]
    while todo:
        box, in_line = todo.pop()
        in_line = in_line or isinstance(box, boxes.LineBox)
        element: Any = getattr(box, "element", None)
        if (in_line and isinstance(box, boxes.InlineBox) and hasattr(element, "get")
                and "url" in (element.get("class") or "").split()):
            lines.setdefault(id(element), []).append(_text_boxes(box))
            elements[id(element)] = element
            continue
        todo.extend((child, in_line) for child in reversed(getattr(box, "children", ())))
    for key, pieces in lines.items():
        url = "".join(elements[key].itertext())
        # (a <wbr> is a box of its own, of a ZERO WIDTH SPACE)
        pieces = [[box for box in line if box.text.strip(WBR)] for line in pieces]
        texts = ["".join(box.text for box in line) for line in pieces]
        if texts == [url] or "".join(texts) not in url or not all(pieces):
            continue  # whole on its line (or not a URL as break_addresses sets it)
        for line in pieces[:-1]:
            for box in line:
                setattr(box, COPIES_AS, "")
        if not url.endswith("".join(texts)):  # it ends on a page after this one
            for box in pieces[-1]:
                setattr(box, COPIES_AS, "")
        else:
            first = pieces[-1][0]
            setattr(first, COPIES_AS, url[:len(url) - len(texts[-1]) + len(first.text)])


def _joined_lines(page) -> None:
    """Each line of a right-to-left paragraph beside another column (a side-by-side row,
    div.parallel) that is further below the line above it than poppler joins to a block
    (POPPLER_LINE_SPACING; Urdu's Nastaliq is set at 2.3) gets a marked point JOIN half-way
    up to that line, inside both (JOINS on its last text box): a glyph there that draws
    nothing and copies out as an RLM, which poppler reads as a line between the two,
    close enough to both. Without it each such line was a block of its own, and poppler
    put the other column's paragraph between the first line of a paragraph and the rest
    (en+ur). pdf.js leaves such a glyph out; MuPDF reads an RLM on a line of its own."""
    from weasyprint.formatting_structure import boxes

    todo: list[tuple[Any, bool]] = [(page, False)]
    while todo:
        box, beside = todo.pop()
        element: Any = getattr(box, "element", None)
        beside = beside or (hasattr(element, "get") and element.tag == "div"
                            and "parallel" in (element.get("class") or "").split())
        children = list(getattr(box, "children", ()))
        lines = [child for child in children if isinstance(child, boxes.LineBox)]
        if beside and len(lines) > 1 and box.style["direction"] == "rtl":
            texts = [[b for b in _text_boxes(line) if b.text.strip()] for line in lines]
            for above, line in zip(texts, texts[1:], strict=False):
                if not above or not line:
                    continue
                last = line[-1]
                size = last.style["font_size"]
                pitch = (last.position_y + last.baseline) - (above[-1].position_y
                                                             + above[-1].baseline)
                # inside both lines, a tenth of an em from the nearer right end
                x = min(max(b.position_x + b.width for b in above),
                        max(b.position_x + b.width for b in line)) - 0.1 * size
                if (POPPLER_LINE_SPACING * size < pitch <= 2 * POPPLER_LINE_SPACING * size
                        and x > max(min(b.position_x for b in above),
                                    min(b.position_x for b in line))):
                    setattr(last, JOINS, (pitch / 2, x - (last.position_x + last.width)))
        todo.extend((child, beside) for child in reversed(children)
                    if not isinstance(child, boxes.LineBox))


def _text_boxes(box) -> list:
    """The text boxes in a box, in drawing (tree) order."""
    from weasyprint.formatting_structure import boxes

    found, todo = [], [box]
    while todo:
        box = todo.pop()
        if isinstance(box, boxes.TextBox):
            found.append(box)
            continue
        todo.extend(reversed(getattr(box, "children", ())))
    return found


def _join(stream, textbox, rise: float, move: float) -> None:
    """A marked point JOIN `rise` above the baseline, `move` right of where the text box
    ends (see _joined_lines), in its text object."""
    size = textbox.style["font_size"]
    stream.set_text_rise(rise)
    stream.stream.append(f"[{-move / size * 1000:.3f}] TJ")
    stream.stream.append(f"/{JOIN} MP")
    stream.set_text_rise(0)


# The last line of text drawn: (stream, baseline, right edge, whether it ends in a
# left-to-right run); a URL broken into boxes at each <wbr> is drawn box after box.
_last: list[tuple[object, float, float, bool]] = []


def _continues(stream, textbox) -> bool:
    """Whether this box continues, on its left, a left-to-right run drawn just before
    (then no RLM is wanted between them: it would split the run in two)."""
    if not _last:
        return False
    owner, baseline, right, ltr = _last[0]
    return (ltr and owner is stream
            and abs(baseline - (textbox.position_y + textbox.baseline)) < 0.5
            and abs(right - textbox.position_x) < 0.5)


def _remember(stream, textbox, ends_ltr: bool) -> None:
    # the stream itself, not its id: an id is reused once its stream is gone
    _last[:] = [(stream, textbox.position_y + textbox.baseline,
                 textbox.position_x + textbox.width, ends_ltr)]


def _copies_as(textbox) -> str | None:
    """The text a text box copies out as (COPIES_AS), if _broken_urls said."""
    return getattr(textbox, COPIES_AS, None)


def one_span(glyphs: list[Drawn], text: str) -> list[Drawn]:
    """A box's glyphs drawn in one /ActualText span of `text` (an RLM or RLE before it
    where its first glyph's text has one: a run starts there in right-to-left text).
    A span with text starts with a glyph that draws nothing (BASELINE): MuPDF gives each
    glyph of a span a character of its text, sends what is left after the last one, and
    drops what comes before the glyphs' own text at the span's end (the URL before
    "-headed"); the glyph takes its first character. (A URL broken over lines copies out
    whole so: see _broken_urls.)"""
    first, last = glyphs[0], glyphs[-1]
    if text and first.opens and first.opens.startswith((RLM, RLE)):
        text = first.opens[0] + text
    if len(glyphs) == 1:
        return [Drawn(first.id, text, True, first.ends, anchored=bool(text))]
    return [Drawn(first.id, text, anchored=bool(text)), *(Drawn(g.id) for g in glyphs[1:-1]),
            Drawn(last.id, None, True, last.ends)]


def _rtl_context(textbox) -> bool:
    lang = (textbox.style["lang"] or "").lower().replace("_", "-").split("-")[0]
    return lang in RTL_LANGUAGES


def _kept_in_order(char: str) -> bool:
    return unicodedata.bidirectional(char) in KEPT_IN_ORDER


def _with_direction_marks(text: str, starts_run: bool) -> str:
    """The text of a glyph in right-to-left text, with what an extractor needs before
    it: where it starts a left-to-right run (`starts_run`: a number, a Latin run, or a
    separator, which bidi may put in the right-to-left text), a character poppler takes
    for right to left, so that it does not take the space before the run into it
    ("( )IMA"): an RLM before a separator, an RLE before a number or a Latin letter;
    an LRM before an Arabic-Indic digit further in a number.
    MuPDF (pdf-op-run.c, guess_bidi_level) gives a glyph the direction of its text's
    first character, an RLE (an explicit embedding, which it does not follow) left to
    right, and reverses each stretch of a line's right-to-left characters: after an RLM,
    a Latin run's first letter was right to left ("( IMA)": it started a line of its own
    there), and an Arabic-Indic digit (bidi class AN) is right to left, so a number was
    reversed with the Arabic around it (٢٠١٩ -> ٩١٠٢)."""
    kind = unicodedata.bidirectional(text[0])
    if starts_run:
        return (RLE if kind in ("L", "EN", "AN") else RLM) + text
    return LRM + text if kind == "AN" else text


def line_glyphs(stream, textbox, text, continues: bool = False) -> list[Drawn] | None:
    """(glyph id, text to copy out or None for its font's ToUnicode entry) of each glyph
    the first line of `textbox` draws, in drawing order; every glyph id given a ToUnicode
    entry (the text of its first use). None where the line cannot be read."""
    ffi, pango = text.ffi, text.pango
    if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
        return None
    utf8 = textbox.pango_layout.text.encode()
    rtl_context = _rtl_context(textbox)
    first_line, _ = textbox.pango_layout.get_first_line()
    result: list[Drawn] = []
    last_text = ""  # what the line's last glyph with text copies out as
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
        drawn: list[Glyph] = []
        for index, (glyph, logical) in enumerate(zip(ids, texts, strict=True)):
            if glyph == pango.PANGO_GLYPH_EMPTY:
                continue
            if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                return None  # WeasyPrint draws .notdef under an id of its choosing
            stored = logical[::-1] if rtl else logical
            # a left-to-right run starts here, after right-to-left text: an RLM or RLE
            # before it; an LRM before a further Arabic-Indic digit (_with_direction_marks)
            if rtl_context and stored:
                stored = _with_direction_marks(
                    stored, _kept_in_order(stored[0]) and (rtl or not after_ltr))
            if stored:  # a neutral inside a left-to-right item (the & of AT&T) continues it
                after_ltr = not rtl and (_kept_in_order(stored[-1]) or after_ltr)
            if glyph not in font.to_unicode:
                font.to_unicode[glyph] = _own_text(font, glyph, logical, texts, index)
            if stored.strip():
                last_text = stored
            drawn.append(Glyph(glyph, stored, stored != font.to_unicode[glyph],
                               infos[index].geometry.y_offset != 0,
                               bool(logical) and not logical.strip()))
        opens = rtl_context and not result and not continues
        _carry_marks(drawn, font.to_unicode, opens)
        if opens:
            _open_right_to_left(drawn, font.to_unicode)
        result += _spans(drawn)
    if result:
        _remember(stream, textbox, after_ltr)
        if not rtl_context and _ends_in_neutrals(last_text):
            result[-1] = replace(result[-1], ends=True)
    return result


def _carry_marks(glyphs: list[Glyph], to_unicode: dict[int, str], opens: bool) -> None:
    """Move the combining marks a glyph's text starts with (a right-to-left cluster's,
    which its letter copies out as, reversed) to a carrier drawn just before it.
    MuPDF (stext-device.c, fz_add_stext_char_imp) adds a character of category Mn where
    its pen is, without advancing it and without looking where it is drawn: a glyph
    whose text starts with a mark never advances MuPDF's pen, the next glyph seems a
    space away ("ع زِّزوا", "جنب هٔ"), and a line's first glyph (the one drawn first, at
    its left end) is put on the line before ("جنگیٔه"). A carrier copying out as the
    marks, drawn before the letter, gives the same characters in the same order; the
    letter then starts its text. Not the first text of a right-to-left line box (`opens`),
    which starts with an RLM instead (_open_right_to_left): poppler orders the words of
    a line by their left edges, and a carrier there, at the line's left end like its
    letter, came out after the letter as often as before it ("أش ّد"). Not in a run of
    Nastaliq words, whose spans carry their text (see _spans)."""
    if any(g.raised and g.text for g in glyphs):
        return
    for glyph in glyphs:
        marks = next((at for at, char in enumerate(glyph.text)
                      if unicodedata.category(char) != "Mn"), 0)
        if marks and not opens:  # (and a text of marks alone has no letter to advance
            glyph.marks = glyph.text[:marks]  # MuPDF's pen: left as it is)
            glyph.text = glyph.text[marks:]
            glyph.actual = glyph.text != to_unicode.get(glyph.id)
        opens = opens and not glyph.text


# Bidi classes MuPDF takes for right to left (pdf-op-run.c, guess_bidi_level); it takes
# a neutral, a space or a mark for what the glyph before was, and at a text object's
# start (BT) for left to right.
MUPDF_RIGHT_TO_LEFT = {"R", "AL", "AN"}


def _open_right_to_left(glyphs: list[Glyph], to_unicode: dict[int, str]) -> None:
    """Start the first text of a right-to-left line box (the text of the glyph drawn
    first, at its left end: its logical end) with an RLM unless it starts with a
    right-to-left character: MuPDF reverses the right-to-left characters of a line and
    leaves the others where they are drawn, and gives a neutral (`!`, `»`, `)`) or a mark
    at the start of a text object the direction left to right: it copied a paragraph's
    last `!` or `»` out in front of its last line ("!النيوليبرالية") and a mark there
    on the line before. (Numbers and Latin letters start with an RLE already, for MuPDF
    left to right, as they are; a box that continues a left-to-right run, a URL's part,
    is left as it is.)"""
    glyph = next((g for g in glyphs if g.text), None)
    if glyph is None or glyph.text[0] in (RLM, RLE) or unicodedata.bidirectional(
            glyph.text[0]) in MUPDF_RIGHT_TO_LEFT:
        return
    glyph.text = RLM + glyph.text  # (its marks with it: see _carry_marks)
    glyph.actual = glyph.text != to_unicode.get(glyph.id)


def _ends_in_neutrals(text: str) -> bool:
    """Whether a left-to-right box's text ends in characters poppler, reading the page
    right to left, would put in front of its line (a hyphen, a bracket, `?`)."""
    text = text.rstrip()
    return bool(text) and _kind(text[-1]) == "N"


@dataclass
class Glyph:
    """A glyph as drawn: its id, its text in drawing order, whether that text is not its
    ToUnicode entry, whether it is drawn off the baseline, whether it is a space, and the
    marks a carrier before it copies out as."""

    id: int
    text: str
    actual: bool
    raised: bool
    space: bool
    marks: str = ""  # what a carrier drawn before it copies out as (_carry_marks)


@dataclass(frozen=True)
class Drawn:
    """A glyph to draw: its id, the /ActualText of a span opening before it (None: no
    span opens), whether a span closes after it, whether it ends a left-to-right
    line box in neutrals (a marked point LINE_END follows it: see _direct), whether
    the span opening before it starts and ends with a marked point BASELINE (a word's, a
    URL's), whether it is a Nastaliq word's (it starts with WORD instead: see
    _word_carrier); the text of a carrier drawn before it (a marked point MARKS), if any."""

    id: int
    opens: str | None = None
    closes: bool = False
    ends: bool = False
    anchored: bool = False
    carries: str = ""
    word: bool = False


def _spans(glyphs: list[Glyph]) -> list[Drawn]:
    """The spans of a run's glyphs: one per glyph whose text is not its ToUnicode entry,
    and one per word with letters drawn off the baseline (Nastaliq's, which step down to
    the word's last letter): an extractor places a span's text where its first glyph is,
    the word's leftmost letter, on the baseline, not each letter on a line of its own.
    So that the span lies where the word does, it starts and ends with a glyph that draws
    nothing on the baseline (BASELINE), where the word starts and where it ends: poppler
    put a word whose glyph drawn first is raised, or with per-glyph spans its first
    letter, on a line of its own ("ج\nنبش"), takes a span for text set from its first
    glyph to its last (on a slant if that one is raised), and Nastaliq draws a word's
    first and last glyphs with offsets their kerning takes back (gaps between words that
    poppler took for a column's edge: "کاهش\nگسترده"). In a run
    with such words, every word of several glyphs is a span: Nastaliq sets a word's
    unjoined pieces ("آ" and "نان" of "آنان") apart, and poppler took the gap for a space;
    so is a word of one raised glyph (a ligature: "گی").
    (Raised vowel marks copy out as nothing, with their letter: no Naskh run is one.)"""
    drawn: list[Drawn] = []
    word: list[Glyph] = []
    stepped = any(g.raised and g.text for g in glyphs)
    for glyph in [*glyphs, None]:
        if glyph is not None and not glyph.space:
            word.append(glyph)
            continue
        if stepped and word and (len(word) > 1 or word[0].raised):
            text = "".join(g.text for g in word)
            if len(word) == 1:
                drawn.append(Drawn(word[0].id, text, True, anchored=True, word=True))
            else:
                drawn.append(Drawn(word[0].id, text, False, anchored=True, word=True))
                drawn += [Drawn(g.id) for g in word[1:-1]]
                drawn.append(Drawn(word[-1].id, None, True))
        else:
            drawn += [_one(g) for g in word]
        if glyph is not None:
            drawn.append(_one(glyph))
        word = []
    return drawn


def _one(glyph: Glyph) -> Drawn:
    """A glyph drawn in a span of its own if its text is not its ToUnicode entry."""
    return Drawn(glyph.id, glyph.text if glyph.actual else None, glyph.actual,
                 carries=glyph.marks)


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
    """A WeasyPrint stream whose show_text() draws glyphs in the /ActualText spans of
    `glyphs`; everything else goes to the stream itself (inside a span, when one is
    open: a rise, a font change)."""

    def __init__(self, stream, glyphs: list[Drawn], right_to_left: bool = False):
        self._stream = stream
        self._glyphs = glyphs
        self._next = 0
        self._open = False
        self._rise: float = 0  # the text rise WeasyPrint set last
        self._word = False  # the span open is a word's
        self._closing = False  # a word's span closes before the next glyph
        self._unmarked = right_to_left  # a right-to-left line box, not marked RTL_LINE yet

    def set_text_rise(self, rise: float) -> None:
        self._rise = rise
        self._stream.set_text_rise(rise)

    def __getattr__(self, name):
        return getattr(self._stream, name)

    def show_text(self, string: str) -> None:
        import pydyf

        parts: list[str] = []  # the TJ being built
        if self._unmarked:  # inside the line box's text object (see _logical_runs)
            self._stream.stream.append(f"/{RTL_LINE} MP")
            self._unmarked = False

        def flush() -> None:
            if parts:
                self._stream.show_text(" ".join(parts))
                parts.clear()

        for match in GLYPHS.finditer(string):
            hexes, number = match.groups()
            if number is not None:
                parts.append(number)
                continue
            for at in range(0, len(hexes), 4):
                code = hexes[at:at + 4]
                if self._closing:
                    flush()
                    self._close_word()
                drawn = self._take(int(code, 16))
                if drawn is not None and drawn.carries and not self._open:
                    flush()  # the numbers before the glyph included: where it is drawn
                    self._carrier(drawn.carries)
                if drawn is not None and drawn.opens is not None and not self._open:
                    # a word's span starts where the word does, before the offset its
                    # first glyph is drawn at (the numbers after the glyph before it)
                    last = max((k for k, part in enumerate(parts) if part[0] == "<"),
                               default=-1) if drawn.anchored else len(parts) - 1
                    offset = parts[last + 1:]
                    del parts[last + 1:]
                    flush()
                    self._stream.begin_marked_content(
                        "Span", pydyf.Dictionary({"ActualText": pydyf.String(drawn.opens)}))
                    self._open = True
                    self._word = drawn.anchored
                    if drawn.anchored:
                        self._anchor(WORD if drawn.word else BASELINE)
                    parts += offset
                parts.append(f"<{code}>")
                if drawn is not None and drawn.closes and self._open and self._word:
                    # after the last glyph's kerning, which WeasyPrint draws after it
                    self._closing = True
                elif drawn is not None and drawn.closes and self._open:
                    flush()
                    self._stream.end_marked_content()
                    self._open = False
                if drawn is not None and drawn.ends:
                    flush()
                    self._stream.stream.append(f"/{LINE_END} MP")
        flush()

    def _anchor(self, point: str = BASELINE) -> None:
        """A marked point (BASELINE, WORD) at the baseline, where the text position is
        (before a raised glyph: its x offset is drawn before it; after one, its advance)."""
        if self._rise:
            self._stream.set_text_rise(0)
        self._stream.stream.append(f"/{point} MP")
        if self._rise:
            self._stream.set_text_rise(self._rise)

    def _carrier(self, text: str) -> None:
        """A marked point MARKS at the baseline, where the text position is, for a
        carrier that copies out as `text` (see _carry_marks)."""
        import pydyf

        if self._rise:
            self._stream.set_text_rise(0)
        self._stream.stream.append(f"/{MARKS}")
        self._stream.stream.append(pydyf.Dictionary({"Text": pydyf.String(text)}))
        self._stream.stream.append(b"DP")
        if self._rise:
            self._stream.set_text_rise(self._rise)

    def _close_word(self) -> None:
        """Close a word's span where the word ends, with a marked point BASELINE there:
        an extractor takes a span to end where its last glyph does, and the last glyph of
        a Nastaliq word is drawn with an offset that its kerning takes back."""
        self._anchor()
        self._stream.end_marked_content()
        self._open = self._closing = False

    def finish(self) -> None:
        """Close a span the line left open (a word's, at the line's end)."""
        if self._closing:
            self._close_word()
        if self._open:
            self._stream.end_marked_content()
            self._open = False

    def _take(self, glyph: int) -> Drawn | None:
        """What to do with the next glyph drawn (None: draw it as it is)."""
        if self._next >= len(self._glyphs):
            return None
        drawn = self._glyphs[self._next]
        if drawn.id != glyph:  # not the line measured: leave WeasyPrint's text layer
            self._next = len(self._glyphs)
            log.warning("text layer: glyph %d drawn where %d was expected", glyph, drawn.id)
            return None
        self._next += 1
        return drawn


# After writing: single-glyph spans become glyphs of their own ----------------------------

def _operator(name: str):
    import pikepdf

    return pikepdf.Operator(name)


_TF, _BDC, _TJ, _EMC = (_operator(name) for name in ("Tf", "BDC", "TJ", "EMC"))


def spans_to_cids(pdf, also: Callable[[Any, list], bool] | None = None) -> int:
    """Give each glyph drawn in a one-glyph /ActualText span a character id of its own,
    mapped to the same glyph (a CIDToGIDMap) and to the span's text (ToUnicode), and drop
    the span: pdf.js reads no /ActualText and MuPDF 1.24+ matches it against the glyphs'
    own text; every extractor reads ToUnicode. Spans over several glyphs (a Nastaliq
    word) stay. Returns how many glyphs got an id. `also(page, instructions)` may change
    a page's instructions in the same pass (parsing a page's stream costs more than any
    change made to it); it returns whether the page is to be written."""
    fonts: dict[tuple[int, int], _CidFont] = {}
    done = 0
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        done += _rewrite(pdf, page.obj, fonts, seen, also, page=True)
    for font in fonts.values():
        font.save(pdf)
    return done


def _rewrite(pdf, owner, fonts, seen, also=None, page=False) -> int:
    """Rewrite one content stream (a page's or a form's), then the forms it draws; a
    page's in the direction poppler is to read it (`_direct`)."""
    import pikepdf
    from pikepdf import Name

    resources = owner.get(Name.Resources) or pikepdf.Dictionary()
    font_resources = resources.get(Name.Font) or pikepdf.Dictionary()
    instructions = list(pikepdf.parse_content_stream(owner))
    out: list = []
    changed, font, index = 0, None, 0
    by_name: dict[str, _CidFont | None] = {}  # a page sets its few fonts thousands of times
    while index < len(instructions):
        operands, operator = instructions[index].operands, instructions[index].operator
        if operator == _TF and operands:
            resource = str(operands[0])
            if resource not in by_name:
                by_name[resource] = _font(fonts, font_resources.get(resource))
            font = by_name[resource]
        single = (operator == _BDC and len(operands) == 2
                  and isinstance(operands[1], pikepdf.Dictionary)
                  and Name.ActualText in operands[1] and index + 2 < len(instructions)
                  and instructions[index + 1].operator == _TJ
                  and instructions[index + 2].operator == _EMC)
        if single and font is not None:
            text = str(operands[1].ActualText)
            array = instructions[index + 1].operands[0]
            codes = [item for item in array if isinstance(item, pikepdf.String)]
            raw = bytes(codes[0]) if len(codes) == 1 else b""
            if len(raw) == 2:
                cid = font.cid(int.from_bytes(raw, "big"), text)
                shown = _shown(cid)
                # A glyph that copies out as nothing keeps its span: an empty ToUnicode
                # entry is nothing in poppler but U+FFFD in MuPDF and a guess in pdf.js.
                out += ([instructions[index], shown, instructions[index + 2]] if not text
                        else [shown])
                changed += 1
                index += 3
                continue
        out.append(instructions[index])
        index += 1
    marked = also is not None and also(owner, out)
    directed = False
    if page:  # after `also`, which may mark the running header as an artifact
        out, directed = _direct(out, by_name, _box(owner))
        out, ordered = _logical_runs(out, by_name)
        out, untied = _untied(out, by_name)
        directed = directed or ordered or untied
    if marked or changed or directed:
        data = pikepdf.unparse_content_stream(out)
        if isinstance(owner, pikepdf.Stream):
            owner.write(data)
        else:
            owner.Contents = pdf.make_stream(data)
    for xobject in (resources.get(Name.XObject) or {}).values():
        if xobject.get(Name.Subtype) == Name.Form and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            changed += _rewrite(pdf, xobject, fonts, seen)
    return changed


# After writing: the direction poppler reads a page in ------------------------------------
#
# poppler (TextPage::coalesce) reads a whole page in ONE direction: right to left when it
# holds more right-to-left letters (bidi R, AL) than left-to-right ones (L), else left to
# right. On a left-to-right page it writes each line's runs in their visual order, left to
# right, reversing only the right-to-left runs between two numbers or Latin letters
# (reorderText with primaryLR): the runs of an Arabic line with a number, a comma `،` or a
# full stop (which poppler counts as numbers) come out last first, whatever each glyph's
# text. A side-by-side page has more Latin letters than Arabic ones (its cover more than
# twice as many: the English title and byline). So on any page with such lines, an invisible
# line of RLMs (each an R for poppler) is drawn at the page's foot, as many as tip the count,
# and poppler reads the page right to left, every line as on a one-language Arabic page.
# On a page read right to left poppler puts a left-to-right line's trailing neutrals (a
# line-end hyphen, a bracket, a question mark) in front of it: an LRM after them keeps them.

LRM = "\u200e"
# RLMs per padding glyph: MuPDF 1.21 ignores, with a warning, a ToUnicode entry of more
# than 8 characters (PDF_MRANGE_CAP), poppler one of more than 63
PADDING_RUN = 8


@cache
def _kind(char: str) -> str:
    """L, R, # (what poppler keeps in order in right-to-left text) or N (poppler's
    UnicodeTypeTable takes an RLE or RLO for R, as it does an RLM)."""
    kind = unicodedata.bidirectional(char)
    if kind in ("R", "AL", "RLE", "RLO"):
        return "R"
    return "#" if kind in KEPT_IN_ORDER - {"L"} else ("L" if kind == "L" else "N")


@cache
def _kinds(text: str) -> tuple[int, int, int, int]:
    """The letters of a text poppler counts, L and R, what it keeps in order (#), and of
    the R the letters one sees (not an RLM or ALM: format characters)."""
    kinds = Counter(_kind(char) for char in text)
    seen = sum(1 for char in text if _kind(char) == "R" and unicodedata.category(char) != "Cf")
    return kinds["L"], kinds["R"], kinds["#"], seen


@dataclass
class _TextObject:
    """What one BT..ET (one line box of WeasyPrint's: draw_text) copies out as, counted in
    poppler's terms (`_kinds`)."""

    left: int = 0
    right: int = 0
    kept: int = 0
    letters: int = 0  # of `right`, right-to-left letters one sees
    artifact: bool = False
    right_to_left: bool = False  # a line box of a right-to-left paragraph (RTL_LINE)

    def add(self, kinds: tuple[int, int, int, int]) -> None:
        self.left += kinds[0]
        self.right += kinds[1]
        self.kept += kinds[2]
        self.letters += kinds[3]


def _text_objects(out: list, by_name: dict) -> list[_TextObject]:
    """What each text object of a content stream copies out as, counted (`_kinds`)."""
    import pikepdf
    from pikepdf import Name

    objects: list[_TextObject] = []
    current: _TextObject | None = None
    font = None
    marks: list[str] = []  # open marked content: "actual", "artifact" or ""
    for instruction in out:
        operator, operands = str(instruction.operator), instruction.operands
        if operator in ("TJ", "Tj"):
            if current is None or font is None or "actual" in marks:
                continue
            items = operands[0] if operator == "TJ" else [operands[0]]
            for item in items:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    for at in range(0, len(raw) - 1, 2):
                        current.add(font.kinds((raw[at] << 8) | raw[at + 1]))
        elif operator in ("BDC", "BMC"):
            properties = operands[1] if len(operands) > 1 else None
            if isinstance(properties, pikepdf.Dictionary) and Name.ActualText in properties:
                if current is not None and "actual" not in marks:
                    current.add(_kinds(str(properties.ActualText)))
                marks.append("actual")
            else:
                marks.append("artifact" if operands and operands[0] == Name.Artifact else "")
        elif operator == "EMC" and marks:
            marks.pop()
        elif operator == "BT":
            current = _TextObject(artifact="artifact" in marks)
            objects.append(current)
        elif operator == "MP" and current is not None and operands and (
                str(operands[0]) == f"/{RTL_LINE}"):
            current.right_to_left = True
        elif operator == "ET":
            current = None
        elif operator == "Tf" and operands:
            font = by_name.get(str(operands[0]))
    return objects


def _direct(out: list, by_name: dict, box: tuple[float, float]) -> tuple[list, bool]:
    """A page's instructions with what poppler needs to read it in the direction of its
    right-to-left lines (see above), and whether anything changed."""
    left = right = 0
    mixed = False
    # a page none of whose fonts copies out a right-to-left letter is read left to right
    # whatever its counts: not decoded (every page of an English or Spanish edition)
    reads_rtl = any(font is not None and font.copies_right_to_left()
                    for font in by_name.values())
    for text_object in _text_objects(out, by_name) if reads_rtl else ():
        left += text_object.left
        # the running header may be left out of a copy (a benchmark does): not counted here
        if not text_object.artifact:
            right += text_object.right
            # a line with right-to-left letters, or of a right-to-left paragraph, and
            # others; not an English line with an RLM in it (bidi controls in a
            # translation): poppler would then read the page, and it, right to left
            mixed = mixed or bool(
                (text_object.letters or text_object.right_to_left) and text_object.right
                and (text_object.left or text_object.kept))
    pad = left - right + 8 + left // 20 if mixed and 0 < right <= left else 0
    out, ended = _marks(out, by_name, right > left or bool(pad))
    if pad:
        out = _padded(out, by_name, box, pad)
    return out, ended or bool(pad)


def _marks(out: list, by_name: dict, right_to_left: bool) -> tuple[list, bool]:
    """The marked points the text layer left, each replaced by a glyph that draws
    nothing (the font's space) and advances by nothing, or taken out:
    - LINE_END: on a page poppler reads right to left, a glyph that copies out as an
      LRM: poppler would otherwise put the neutrals ending a left-to-right line in front
      of it; elsewhere nothing;
    - BASELINE: a glyph that copies out as an RLM (inside the word's /ActualText span,
      which poppler and MuPDF read instead), where poppler is to place the word; the
      one opening a word's span is as wide as the word (_word_carrier);
    - MARKS (a DP): a glyph that copies out as its /Text, the marks of the letter drawn
      next (_carry_marks);
    - JOIN: a glyph that copies out as an RLM, between two lines (_joined_lines).
    (An LRM or RLM is a glyph of its own: pdf.js leaves out a glyph whose text ends in
    an invisible format character.)"""

    kept: list = []
    font = None
    changed = right_to_left
    words = 0  # word spans whose glyphs are drawn in a DRAWN sequence, not closed yet
    closing = False  # a word's span closes next (EMC): an RLM follows it
    for index, instruction in enumerate(out):
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "Tf" and operands:
            font = by_name.get(str(operands[0]))
        if operator == "EMC" and closing:
            # MuPDF reverses a line it sees drawn in visual order, told from where a
            # character is drawn after the one before: a word's span is one glyph for it,
            # so a line of one word (a paragraph's last) would not be reversed
            code = font.carrier(RLM) if font is not None else None
            kept += [instruction, *([_shown(code)] if code is not None else [])]
            closing = False
            continue
        if operator == "DP" and operands and str(operands[0]) == f"/{MARKS}":
            changed = True
            kept += _carrier(font, operands[1])
            continue
        point = str(operands[0]) if operator == "MP" and operands else ""
        if point not in (f"/{LINE_END}", f"/{BASELINE}", f"/{WORD}", f"/{JOIN}"):
            kept.append(instruction)
            continue
        changed = True
        if point == f"/{WORD}" and font is not None:
            opening = _word_carrier(out, index, font)
            if opening:
                kept += opening
                words += 1
                continue
            point = f"/{BASELINE}"
        if point == f"/{BASELINE}" and font is not None:
            if words:  # the word's end: its glyphs' sequence closes after the last one
                code = font.carrier(RLM)
                kept += [*([_shown(code)] if code is not None else []), _op("EMC")]
                words -= 1
                closing = True
                continue
        code = None
        if font is not None and point in (f"/{BASELINE}", f"/{WORD}", f"/{JOIN}"):
            code = font.carrier(RLM)
        elif font is not None and right_to_left:
            code = font.carrier(LRM)
        if code is not None:
            kept.append(_shown(code))
    return kept, changed


# MuPDF (stext-device.c, do_extract_within_actualtext) gives each glyph of an /ActualText
# span one character of its text, where that glyph is drawn, and the characters left over
# at the span's end where its last glyph is: a Nastaliq word's letters, drawn on a slope
# and overlapping, came out a space or a line apart ("م ه اجرا ن"). So a word's span starts
# with a glyph as wide as the word, on the baseline, that draws nothing: MuPDF puts the
# word's first character there and the others with it; the glyphs one sees are drawn in a
# marked-content sequence DRAWN whose /ActualText is empty, which MuPDF copies out as
# nothing and poppler, which reads /ActualText on a Span only, as part of the word's span.
DRAWN = "PamphletDrawn"


def _word_carrier(out: list, index: int, font) -> list:
    """The instructions replacing the marked point BASELINE at `out[index]` that opens a
    word's span: a carrier as wide as the word (to the BASELINE that closes it), moved back
    by its width, and the opening of the DRAWN sequence of the word's glyphs; none if it
    opens no word's span, or the word is drawn otherwise than WeasyPrint draws."""
    import pikepdf

    opening = next((out[at] for at in (index - 1, index - 2) if at >= 0
                    and str(out[at].operator) == "BDC"), None)
    if opening is not None and opening is out[index - 2] and str(
            out[index - 1].operator) != "Ts":
        opening = None
    properties = opening.operands[1] if opening is not None and len(
        opening.operands) == 2 else None
    if font is None or not isinstance(properties, pikepdf.Dictionary) or (
            pikepdf.Name.ActualText not in properties):
        return []
    text = str(properties.ActualText)
    width = 0.0
    for instruction in out[index + 1:]:
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "MP" and operands and str(operands[0]) == f"/{BASELINE}":
            break
        if operator in ("Tf", "Tc", "Tw", "Tz", "Tm", "Td", "TD", "T*", "Tj", "'", '"',
                        "EMC", "BDC", "ET"):
            return []
        if operator == "TJ":
            for item in operands[0]:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    width += sum(font.width((raw[at] << 8) | raw[at + 1])
                                 for at in range(0, len(raw) - 1, 2))
                else:
                    width -= float(item)
    else:
        return []
    # MuPDF adds a combining mark where its pen is and does not advance it: the marks a
    # word's text starts with (its last letter's: the text is in drawing order) are
    # copied out by a carrier of their own, before the word's (see _carry_marks)
    marks = len(text) - len(text.lstrip("".join(
        char for char in set(text) if unicodedata.category(char) == "Mn")))
    # A ToUnicode entry of more than PADDING_RUN characters is one MuPDF 1.21 (the
    # preflight's renderer) warns of: the rest of a longer word is copied out by carriers
    # that advance by nothing, drawn where the word's carrier ends
    first, *rest = _pieces(text[marks:]) if text[marks:] else [""]
    code = font.wide_carrier(first, round(width)) if first else None
    if code is None:
        return []
    codes = [code, *(font.carrier(piece) for piece in rest)]
    carried = [] if not marks else [_shown(font.carrier(text[:marks]))]
    return [*carried,
            _op("TJ", pikepdf.Array([*(pikepdf.String(c.to_bytes(2, "big")) for c in codes),
                                     round(width)])),
            _op("BDC", pikepdf.Name(f"/{DRAWN}"),
                pikepdf.Dictionary(ActualText=pikepdf.String("")))]


def _pieces(text: str, most: int = PADDING_RUN) -> list[str]:
    """`text` in pieces of at most `most` characters, none starting with the character the
    one before ends with: MuPDF drops a character drawn where the same one was (a bold face
    drawn twice), and the carriers of a word's pieces after its first are drawn in one
    place."""
    pieces = []
    while len(text) > most:
        cut = next((at for at in range(most, 0, -1) if text[at - 1] != text[at]), most)
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text]


# After writing: a right-to-left line's runs in logical order ------------------------------
#
# MuPDF (stext-device.c, reverse_bidi_line) reverses each run of right-to-left characters
# of a line where it is and keeps the runs in the order they are drawn: a line drawn in
# visual order, left to right, with a number or Latin letters inside came out last run
# first ("۲ در منطقهٔ۰۱۹"). It ignores a jump where the direction changes, so the runs
# of a right-to-left line box are drawn in logical order, right to left, each placed with
# a Tm of its own and still drawn left to right inside (poppler and pdf.js order a line by
# position: their words and pages are the same). A number is a left-to-right run, of
# Persian digits (bidi class EN) or of Arabic-Indic ones (AN, which bidi reads left to
# right too), and each glyph is given its run's direction for MuPDF (_level_as_drawn).


def _logical_runs(out: list, by_name: dict) -> tuple[list, bool]:
    """A page's instructions with the runs of each right-to-left line box (a text object
    with a marked point RTL_LINE) drawn in logical order, and whether any changed."""
    def ordered(body: list) -> list | None:
        marked = [i for i in body if str(i.operator) == "MP"
                  and i.operands and str(i.operands[0]) == f"/{RTL_LINE}"]
        if not marked:
            return None
        body = [i for i in body if not any(i is m for m in marked)]
        return (_runs_reordered(body, by_name) or body) if _both_directions(
            body, by_name) else body

    return _each_text_object(out, ordered)


def _each_text_object(out: list, change: Callable[[list], list | None]) -> tuple[list, bool]:
    """A page's instructions with the instructions between each BT and ET replaced by
    what `change` makes of them (None: left as they are), and whether any were."""
    result: list = []
    changed = False
    body: list | None = None
    for instruction in out:
        operator = str(instruction.operator)
        if operator == "BT":
            body = []
            result.append(instruction)
        elif operator == "ET" and body is not None:
            new = change(body)
            changed = changed or new is not None
            result += body if new is None else new
            result.append(instruction)
            body = None
        elif body is not None:
            body.append(instruction)
        else:
            result.append(instruction)
    return result, changed


def _direction(text: str) -> str:
    """L, R or N (neutral) for a glyph's text: R if it starts with an RLM (a separator or
    a neutral that line_glyphs put in right-to-left text: a paragraph's last line
    "٢٠١٨." is a number and a full stop, drawn as two runs), else that of its first
    character after an RLE or LRM (a number's, a Latin run's: see line_glyphs); an
    Arabic-Indic digit (AN) is left to right, as a Persian one (EN) is."""
    if text.startswith(RLM):
        return "R"
    text = text.lstrip(RLE + LRM)
    kind = unicodedata.bidirectional(text[0]) if text else "ON"
    return "L" if kind in ("L", "EN", "AN") else "R" if kind in ("R", "AL") else "N"


def _shown_codes(body: list, by_name: dict):
    """(font, character id) of each glyph the TJs of a text object's instructions draw,
    in drawing order (none in a font that is not a _CidFont)."""
    import pikepdf

    font = None
    for instruction in body:
        operator = str(instruction.operator)
        if operator == "Tf" and instruction.operands:
            font = by_name.get(str(instruction.operands[0]))
        elif operator == "TJ" and font is not None:
            for item in instruction.operands[0]:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    for at in range(0, len(raw) - 1, 2):
                        yield font, (raw[at] << 8) | raw[at + 1]


def _both_directions(body: list, by_name: dict) -> bool:
    """Whether a text object draws glyphs of both directions (`_direction`): most lines
    of a right-to-left text have one run, told at a glyph's cost, not a run's."""
    seen: set[str] = set()
    for font, code in _shown_codes(body, by_name):
        seen.add(font.direction(code))
        if "L" in seen and "R" in seen:
            return True
    return False


def _runs_reordered(body: list, by_name: dict) -> list | None:
    """The instructions of one text object (between BT and ET) with its runs (glyphs of one
    direction; a neutral is left to right only between left-to-right glyphs) drawn right
    to left, or None if it has one run or is drawn otherwise than WeasyPrint draws."""
    import pikepdf

    matrix: list[float] | None = None
    name, font, size, rise, pen = "", None, 0.0, 0.0, 0.0
    # (what, payload, state): "op", "open", "close", "move" (a TJ's numbers after its
    # last glyph) or "glyph" (its code, with where the pen was before the numbers before it)
    items: list[tuple[str, Any, dict]] = []
    spans = 0
    for instruction in body:
        operator, operands = str(instruction.operator), instruction.operands
        if operator in ("Td", "TD", "T*", "Tc", "Tw", "Tz", "Tj", "'", '"'):
            return None
        if operator == "Tm":
            if matrix is not None:
                return None
            matrix, pen = [float(v) for v in operands], 0.0
            continue
        if operator == "Tf":
            name, font, size = str(operands[0]), by_name.get(str(operands[0])), float(
                operands[1])
        elif operator == "Ts":
            rise = float(operands[0])
        elif operator in ("BDC", "BMC"):
            spans += 1
            items.append(("open", instruction, {}))
            continue
        elif operator == "EMC":
            spans = max(spans - 1, 0)
            items.append(("close", instruction, {}))
            continue
        if operator != "TJ":
            items.append(("op", instruction, {}))
            continue
        if font is None:
            return None
        move = 0.0
        for item in operands[0]:
            if not isinstance(item, pikepdf.String):
                move += float(item)
                continue
            raw = bytes(item)
            for at in range(0, len(raw) - 1, 2):
                code = int.from_bytes(raw[at:at + 2], "big")
                items.append(("glyph", raw[at:at + 2], {
                    "pen": pen, "move": move, "text": font.text(code), "font": name,
                    "size": size, "rise": rise, "inside": spans > 0}))
                pen += (font.width(code) - move) / 1000 * size
                move = 0.0
        if move:
            items.append(("move", move, {"size": size}))
            pen -= move / 1000 * size
    glyphs = [index for index, item in enumerate(items) if item[0] == "glyph"]
    kinds = [_direction(items[index][2]["text"]) for index in glyphs]
    if matrix is None or "L" not in kinds or "R" not in kinds:
        return None
    resolved = []
    for at, kind in enumerate(kinds):
        if kind == "N":
            before = next((k for k in reversed(kinds[:at]) if k != "N"), "R")
            after = next((k for k in kinds[at + 1:] if k != "N"), "R")
            kind = "L" if before == after == "L" else "R"
        resolved.append(kind)
    # a run starts where the direction changes, never inside a marked-content span
    starts = [at for at in range(1, len(glyphs)) if resolved[at] != resolved[at - 1]
              and not items[glyphs[at]][2]["inside"]]
    if not starts:
        return None
    runs: list[tuple[int, int, int]] = []  # (first item, end, first glyph's item)
    for number, start in enumerate([0, *starts]):
        first = runs[-1][1] if runs else 0
        if number == len(starts):
            end = len(items)
        else:
            end = glyphs[starts[number] - 1] + 1
            while end < len(items) and items[end][0] in ("close", "move"):
                end += 1
        runs.append((first, end, glyphs[start]))
    _level_as_drawn(items, glyphs, resolved, runs, by_name)
    drawn: list = []
    for first, end, glyph in reversed(runs):
        state = items[glyph][2]
        x = state["pen"] + sum(payload / 1000 * payload_state["size"]
                               for what, payload, payload_state in items[first:glyph]
                               if what == "move")
        drawn += [_op("Tm", *matrix[:4], matrix[4] + x * matrix[0], matrix[5]),
                  _op("Tf", pikepdf.Name(state["font"]), state["size"]),
                  _op("Ts", state["rise"])]
        shown: list = []
        for what, payload, item_state in items[first:end]:
            if what == "glyph":
                if item_state["move"]:
                    shown.append(item_state["move"])
                shown.append(pikepdf.String(payload))
            elif what == "move":
                shown.append(payload)
            else:
                if shown:
                    drawn.append(_op("TJ", pikepdf.Array(shown)))
                    shown = []
                drawn.append(payload)
        if shown:
            drawn.append(_op("TJ", pikepdf.Array(shown)))
    return drawn


def _mupdf_level(text: str, level: int) -> int:
    """The direction MuPDF gives a glyph (pdf-op-run.c, guess_bidi_level): 1 (right to
    left) or 0, from the first character of its text; a neutral, a mark or a space takes
    the level of the glyph drawn before it (`level`), a bidi control other than LRM and
    RLM left to right."""
    kind = unicodedata.bidirectional(text[0]) if text else "ON"
    if kind in MUPDF_RIGHT_TO_LEFT:
        return 1
    if kind in ("CS", "NSM", "BN", "B", "S", "WS", "ON"):
        return level
    return 0


def _level_as_drawn(items: list, glyphs: list[int], resolved: list[str],
                    runs: list[tuple[int, int, int]], by_name: dict) -> None:
    """Give each glyph of a line drawn in logical runs (`runs`, last first) the direction
    of its run for MuPDF (_mupdf_level): one that MuPDF would give the other copies out
    with an RLM (or LRM) before its text. Such is a space or neutral starting (at its
    left end) a right-to-left run drawn after a number or at the text object's start:
    it takes left to right from the glyph before, and MuPDF, which reverses each stretch
    of a line's right-to-left characters where it is, put it on the wrong side of its
    run ("عام٢٠١٩"). (pdf.js, which writes a space glyph only between two others, lost
    it too at the start of a run drawn after a jump: "من٨"; with an RLM it is no space
    glyph for pdf.js, nor a space for poppler, which keeps it in its word.)"""
    where = {index: at for at, index in enumerate(glyphs)}
    level = 0  # at BT
    for first, end, _ in reversed(runs):
        for index in range(first, end):
            what, payload, state = items[index]
            if what != "glyph":
                continue
            text = state["text"]
            want = 1 if resolved[where[index]] == "R" else 0
            got = _mupdf_level(text, level)
            font = by_name.get(state["font"])
            if got != want and text and not state["inside"] and font is not None:
                code = font.retexted(int.from_bytes(payload, "big"),
                                     (RLM if want else LRM) + text)
                items[index] = (what, code.to_bytes(2, "big"),
                                {**state, "text": (RLM if want else LRM) + text})
                got = want
            level = got


def _carrier(font, properties) -> list:
    """The instruction drawing a carrier that copies out as the /Text of a marked point
    MARKS (none for a font without a space glyph: the marks are then not copied out)."""
    code = None if font is None else font.carrier(str(properties.Text))
    if code is None:
        log.warning("text layer: no glyph to carry combining marks in this font")
        return []
    return [_shown(code)]


def _op(name: str, *operands):
    """A content stream instruction: the operator `name` with its operands."""
    import pikepdf

    return pikepdf.ContentStreamInstruction(list(operands), pikepdf.Operator(name))


def _shown(code: int):
    """The instruction that draws the character id `code` of the current font."""
    import pikepdf

    return _op("TJ", pikepdf.Array([pikepdf.String(code.to_bytes(2, "big"))]))


def _padded(out: list, by_name: dict, box: tuple[float, float], count: int) -> list:
    """The page's instructions and, after them, `count` RLMs in invisible text (render
    mode 3) at the foot of the page, an artifact (nothing a screen reader reads)."""
    import pikepdf
    from pikepdf import Name

    name, font = next((n, f) for n, f in by_name.items() if f is not None)
    glyph = font.some_glyph()
    codes = b""
    while count > 0:
        run = min(count, PADDING_RUN)
        codes += font.cid(glyph, RLM * run).to_bytes(2, "big")
        count -= run
    depth = 0
    for instruction in out:
        operator = str(instruction.operator)
        depth += 1 if operator == "q" else -1 if operator == "Q" else 0

    # the page's own graphics state (a cm outside q/Q) is undone first
    return [_op("q"), *out, *[_op("Q") for _ in range(max(depth, 0) + 1)],
            _op("BMC", Name.Artifact), _op("BT"), _op("Tr", 3), _op("Tf", Name(name), 1),
            _op("Tm", 1, 0, 0, 1, box[0] + 1, box[1] + 1), _op("Tj", pikepdf.String(codes)),
            _op("ET"), _op("EMC")]


def _box(page) -> tuple[float, float]:
    """The lower left corner of what is seen of a page (its trim box, if printed)."""
    from pikepdf import Name

    for key in (Name.TrimBox, Name.CropBox, Name.MediaBox):
        if key in page:
            box = [float(v) for v in page[key]]
            return min(box[0], box[2]), min(box[1], box[3])
    return 0.0, 0.0


# After writing: a letter that advances by nothing, at a word's start ---------------------
#
# Noto Naskh draws lam-alef ("لا") as an alef that advances by nothing and then the lam,
# where the alef is. poppler (TextPage::addChar) takes a character drawn where the one before
# it starts for duplicated text (fake bold): the alef, first of its word, became a word of
# its own, zero wide, starting where the lam's word starts. Words that start at the same x
# are ordered by chance (TextPool::addWord), and where the lam's word, wider than half an em,
# came first, the alef's was taken for text overlapping it and started a line of its own
# (TextBlock::coalesce): "ا\nل" (the line "ونصفهم من النساء والأطفال، لا" of A4 ima-honduran
# en+ar). So such a letter's text goes with the glyph drawn where it is, and the letter
# itself is drawn before the rest of its line box (text object), in a span of no
# /ActualText (poppler and MuPDF copy it out as nothing: no word) with an RLM for its
# ToUnicode (pdf.js, which reads no /ActualText, leaves out a glyph whose text is an
# invisible format character). Drawn first, its span splits no text of the line for
# pdf.js, which ends a text item at every span and reverses each item on its own; and
# it is still drawn before the glyphs it touches (the lam, the letters right of it: the
# glyph before it is a space), so the page is the same to the pixel (drawn after the
# line, one pixel of 144 PDFs at 30 dpi came out a shade lighter).


def _untied(out: list, by_name: dict) -> tuple[list, bool]:
    """A page's instructions with each letter that advances by nothing at a word's start,
    where the glyph after it is drawn, moved to the start of its text object (see above),
    and whether any was."""
    # a letter that advances by nothing is a right-to-left script's (Noto Naskh's alef of
    # lam-alef): a page without one is not decoded (every page of an English edition)
    if not any(font is not None and font.copies_right_to_left() for font in by_name.values()):
        return out, False
    return _each_text_object(out, lambda body: _untied_object(body, by_name) if (
        _draws_zero_width_letter(body, by_name)) else None)


def _draws_zero_width_letter(body: list, by_name: dict) -> bool:
    """Whether a text object draws a letter that advances by nothing (a quick look before
    `_untied_object` reads where each glyph is)."""
    return any(font.zero_width_letter(code) for font, code in _shown_codes(body, by_name))


def _untied_object(body: list, by_name: dict) -> list | None:
    """One text object's instructions with its tied letters moved (`_untied`), or None if
    it has none or is drawn otherwise than WeasyPrint draws."""
    import pikepdf

    matrix: list[float] | None = None
    name, font, size, rise, pen, state = "", None, 0.0, 0.0, 0.0, 0
    actual: list[bool] = []  # open marked content: whether each is an /ActualText span
    # each glyph: (instruction, item, byte offset, code, x, state); state counts the
    # instructions that change where or how a glyph is drawn (Tm, Tf, Ts)
    glyphs: list[tuple[int, int, int, int, float, int]] = []
    fonts: dict[int, tuple] = {}  # state -> (matrix, name, font, size, rise)
    inside: set[int] = set()  # glyphs in an /ActualText span (copied out as its text)
    for index, instruction in enumerate(body):
        operator, operands = str(instruction.operator), instruction.operands
        if operator in ("Td", "TD", "T*", "Tc", "Tw", "Tz", "Tj", "'", '"'):
            return None
        if operator == "Tm":
            matrix, pen = [float(v) for v in operands], 0.0
        elif operator == "Tf":
            name, font, size = str(operands[0]), by_name.get(str(operands[0])), float(
                operands[1])
        elif operator == "Ts":
            rise = float(operands[0])
        elif operator in ("BDC", "BMC"):
            actual.append(len(operands) > 1 and isinstance(operands[1], pikepdf.Dictionary)
                          and pikepdf.Name.ActualText in operands[1])
        elif operator == "EMC" and actual:
            actual.pop()
        if operator in ("Tm", "Tf", "Ts"):
            state += 1
        if operator != "TJ":
            continue
        if font is None or matrix is None:
            return None
        fonts[state] = (matrix, name, font, size, rise)
        for item_at, item in enumerate(operands[0]):
            if not isinstance(item, pikepdf.String):
                pen -= float(item) / 1000 * size
                continue
            raw = bytes(item)
            for at in range(0, len(raw) - 1, 2):
                code = int.from_bytes(raw[at:at + 2], "big")
                if any(actual):
                    inside.add(len(glyphs))
                glyphs.append((index, item_at, at, code, pen, state))
                pen += font.width(code) / 1000 * size
    tied = [at for at in range(len(glyphs) - 1) if _tied(glyphs, at, fonts, inside)]
    if not tied or any(actual):
        return None
    removed: dict[tuple[int, int], set[int]] = {}  # (instruction, item) -> byte offsets
    recoded: dict[tuple[int, int, int], int] = {}  # the glyph after: its new code
    moved: list = []
    for at in tied:
        index, item_at, offset, code, x, state = glyphs[at]
        after = glyphs[at + 1]
        matrix, name, font, size, rise = fonts[state]
        removed.setdefault((index, item_at), set()).add(offset)
        text = font.text(code) + font.text(recoded.get(after[:3], after[3]))
        recoded[after[:3]] = font.cid(_glyph(font, after[3]), text)
        at_x = [*matrix[:4], matrix[4] + x * matrix[0], matrix[5] + x * matrix[1]]
        moved += [_op("Tm", *at_x), _op("Tf", pikepdf.Name(name), size),
                  _op("BDC", pikepdf.Name.Span,
                      pikepdf.Dictionary({"/ActualText": pikepdf.String("")})),
                  _shown(font.cid(_glyph(font, code), RLM)), _op("EMC")]
    result = list(body)
    for index in sorted({key[0] for key in [*removed, *recoded]}):
        array = []
        for item_at, item in enumerate(body[index].operands[0]):
            if not isinstance(item, pikepdf.String):
                array.append(item)
                continue
            raw = bytes(item)
            codes = b"".join(
                recoded.get((index, item_at, at), int.from_bytes(raw[at:at + 2], "big"))
                .to_bytes(2, "big") for at in range(0, len(raw) - 1, 2)
                if at not in removed.get((index, item_at), ()))
            array.append(pikepdf.String(codes))
        result[index] = _op("TJ", pikepdf.Array(array))
    # before the object's own Tm and Tf, which its text is drawn with
    return [*moved, *result]


def _tied(glyphs: list, at: int, fonts: dict, inside: set[int]) -> bool:
    """Whether glyph `at` is a letter that advances by nothing, starts a word for poppler
    (first of its text object, after a space, or apart from the glyph before) and has
    the glyph after it drawn where it is (see _untied)."""
    index, _, _, code, x, state = glyphs[at]
    font, size, rise = fonts[state][2:]
    text = font.text(code)
    after = glyphs[at + 1]
    if (at in inside or at + 1 in inside or after[5] != state or font.width(code) or rise
            or not text or not unicodedata.category(text[0]).startswith("L")
            or not font.text(after[3]).strip() or abs(after[4] - x) >= 0.1 * size):
        return False
    before = next((glyphs[b] for b in range(at - 1, -1, -1) if b not in inside), None)
    if before is None or before[5] != state:
        return True
    before_text = font.text(before[3])
    end = before[4] + font.width(before[3]) / 1000 * size
    # poppler ends a word at a space, and where the next glyph is over 0.1 em away
    return not before_text.strip() or abs(x - end) > 0.1 * size


def _glyph(font, code: int) -> int:
    """The glyph a character id draws (its own id, or a new id's glyph)."""
    return font.keys[code][0] if code in font.keys else code


def _font(fonts, dictionary):
    """The _CidFont of a Type0 font resource WeasyPrint wrote (None for any other)."""
    from pikepdf import Name

    if dictionary is None or dictionary.get(Name.Subtype) != Name.Type0:
        return None
    if dictionary.get(Name.Encoding) != Name("/Identity-H"):
        return None
    key = dictionary.objgen
    if key not in fonts:
        descendant = dictionary.DescendantFonts[0]
        if descendant.get(Name.CIDToGIDMap) != Name.Identity or Name.FontFile2 not in (
                descendant.FontDescriptor):
            return None
        fonts[key] = _CidFont(dictionary)
    return fonts[key]


class _CidFont:
    """New character ids of one font: each (glyph, text) pair once."""

    def __init__(self, dictionary):
        from io import BytesIO

        from fontTools.ttLib import TTFont

        self.dictionary = dictionary
        program = dictionary.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
        self._program = TTFont(BytesIO(program), lazy=True)  # parsed once, read lazily
        self.first = self._program["maxp"].numGlyphs
        self.ids: dict[tuple[int, str], int] = {}
        self.keys: dict[int, tuple[int, str]] = {}  # every new id's (glyph, text)
        self.zero: set[int] = set()  # ids that advance by nothing
        self.advances: dict[int, int] = {}  # ids that advance by a width of their own
        self._wide: dict[tuple[str, int], int] = {}  # see wide_carrier()
        self._to_unicode: dict[int, str] | None = None
        self._space: int | None = None  # its space glyph (-1: none)
        self._rtl: bool | None = None  # whether its ToUnicode has right-to-left letters
        self._all_widths: dict[int, int] | None = None  # /W, read once (width)
        self._default_width = 1000
        self._kinds: dict[int, tuple[int, int, int, int]] = {}  # see kinds()
        self._directions: dict[int, str] = {}  # see direction()
        self._zero_letters: dict[int, bool] = {}  # see zero_width_letter()

    def cid(self, glyph: int, text: str) -> int:
        key = (glyph, text)
        if key not in self.ids:
            self.ids[key] = self._new_id(key)
        return self.ids[key]

    def _new_id(self, key: tuple[int, str]) -> int:
        cid = self.first + len(self.keys)
        if cid > 0xFFFF:
            raise ValueError("more than 65536 character ids in one font")
        self.keys[cid] = key
        return cid

    def wide_carrier(self, text: str, width: int) -> int | None:
        """A character id that draws the font's space glyph (nothing), advances by `width`
        (thousandths of the font size) and copies out as `text`; None for a font without
        a space."""
        if self.carrier(text) is None:
            return None
        key = (text, width)
        if key not in self._wide:
            self._wide[key] = cid = self._new_id((self._space or 0, text))
            self.advances[cid] = width
        return self._wide[key]

    def carrier(self, text: str) -> int | None:
        """A character id that draws the font's space glyph (nothing), advances by nothing
        and copies out as `text`; None for a font without a space."""
        if self._space is None:
            # the glyph WeasyPrint drew a space with (its ToUnicode " "; a character id is
            # its glyph id, CIDToGIDMap Identity), else the font's cmap's (slower to read)
            self.text(0)
            drawn = sorted(code for code, text in (self._to_unicode or {}).items()
                           if text == " ")
            if drawn:
                self._space = drawn[0]
            else:
                name = (self._program.getBestCmap() or {}).get(0x20)
                self._space = -1 if name is None else self._program.getGlyphID(name)
        if self._space < 0:
            return None
        cid = self.cid(self._space, text)
        self.zero.add(cid)
        return cid

    def retexted(self, code: int, text: str) -> int:
        """A character id drawing the glyph of `code`, as wide, copying out as `text`."""
        glyph = self.keys[code][0] if code in self.keys else code
        cid = self.cid(glyph, text)
        if code in self.zero:
            self.zero.add(cid)
        return cid

    def direction(self, code: int) -> str:
        """`_direction` of what a character id copies out as, found once."""
        found = self._directions.get(code)
        if found is None:
            found = self._directions[code] = _direction(self.text(code))
        return found

    def width(self, code: int) -> float:
        """A character id's width (its /W entry, a new id's its glyph's or 0)."""
        if self._all_widths is None:
            descendant = self.dictionary.DescendantFonts[0]
            self._all_widths = _widths(descendant.get("/W"))
            self._default_width = int(descendant.get("/DW", 1000))
        if code in self.keys:
            if code in self.advances:
                return self.advances[code]
            return 0 if code in self.zero else self.width(self.keys[code][0])
        return self._all_widths.get(code, self._default_width)

    def text(self, code: int) -> str:
        """What a character id copies out as (its ToUnicode entry)."""
        if code in self.keys:
            return self.keys[code][1]
        if self._to_unicode is None:
            cmap = self.dictionary.ToUnicode.read_bytes() if "/ToUnicode" in (
                self.dictionary) else b""
            self._to_unicode = {
                int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
                for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S)
                for code, text in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>", block)}
        return self._to_unicode.get(code, "")

    def kinds(self, code: int) -> tuple[int, int, int, int]:
        """`_kinds` of what a character id copies out as, found once (a page draws
        thousands of glyphs of a few hundred ids)."""
        found = self._kinds.get(code)
        if found is None:
            found = self._kinds[code] = _kinds(self.text(code))
        return found

    def zero_width_letter(self, code: int) -> bool:
        """Whether a character id copies out as a letter and advances by nothing (see
        _untied), found once."""
        found = self._zero_letters.get(code)
        if found is None:
            text = self.text(code)
            found = self._zero_letters[code] = bool(text) and unicodedata.category(
                text[0]).startswith("L") and not self.width(code)
        return found

    def copies_right_to_left(self) -> bool:
        """Whether any character id of the font copies out a right-to-left letter."""
        self.text(0)  # its ToUnicode, read once
        if self._rtl is None:
            self._rtl = any(_kind(char) == "R" for text in (self._to_unicode or {}).values()
                            for char in text)
        return self._rtl or any(_kind(char) == "R" for _, text in self.keys.values()
                                for char in text)

    def some_glyph(self) -> int:
        """A glyph of the font that has text (the first in its ToUnicode)."""
        self.text(0)
        return min(self._to_unicode or {0: ""})

    def save(self, pdf) -> None:
        """CIDToGIDMap, widths and ToUnicode entries of the new ids."""
        import pikepdf

        if not self.keys:
            return
        descendant = self.dictionary.DescendantFonts[0]
        gids = list(range(self.first)) + [glyph for glyph, _ in self.keys.values()]
        descendant.CIDToGIDMap = pdf.make_stream(struct.pack(f">{len(gids)}H", *gids))
        widths = _widths(descendant.get("/W"))
        default = int(descendant.get("/DW", 1000))
        new_widths = []
        for cid, (glyph, _) in self.keys.items():
            width = self.advances.get(cid, 0 if cid in self.zero else widths.get(glyph, default))
            new_widths += [cid, pikepdf.Array([width])]
        descendant.W = pikepdf.Array(list(descendant.get("/W", pikepdf.Array())) + new_widths)
        entries = [f"<{cid:04x}> <{text.encode('utf-16-be').hex()}>"
                   for cid, (_, text) in self.keys.items()]
        blocks = "".join(
            f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
            for chunk in (entries[i:i + 100] for i in range(0, len(entries), 100)))
        cmap = self.dictionary.ToUnicode.read_bytes()
        at = cmap.rindex(b"endcmap")
        self.dictionary.ToUnicode.write(cmap[:at] + blocks.encode() + cmap[at:])


def _widths(array) -> dict[int, int]:
    """A CIDFont's /W array as character id -> width."""
    import pikepdf

    widths: dict[int, int] = {}
    items = list(array or [])
    index = 0
    while index < len(items):
        first = int(items[index])
        if isinstance(items[index + 1], pikepdf.Array):
            for offset, width in enumerate(items[index + 1]):
                widths[first + offset] = int(width)
            index += 2
        else:
            for cid in range(first, int(items[index + 1]) + 1):
                widths[cid] = int(items[index + 2])
            index += 3
    return widths
