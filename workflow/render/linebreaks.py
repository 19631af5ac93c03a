"""Line breaks kept across layouts: the fitting pass lays a PDF out again at another line
height, and a statement's PDFs (single, side by side, multilingual) set the same text in the
same measure, and WeasyPrint asks Pango for the same line breaks (and line heights) each time."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# Every property WeasyPrint 70's split_first_line() reads from a text's style, itself or
# through its Pango layout (font description, features, language, decoration metrics) and
# its hyphenation (recorded over a build of the corpus, tab_size read from its source).
# line-height is not one of them: a line breaks the same at every line height.
STYLE_KEYS = (
    "white_space", "overflow_wrap", "word_break", "hyphens", "hyphenate_character",
    "hyphenate_limit_chars", "hyphenate_limit_zone", "lang", "direction",
    "font_language_override", "font_family", "font_style", "font_stretch", "font_weight",
    "font_size", "font_variant_caps", "font_variation_settings", "font_kerning",
    "font_variant_ligatures", "font_variant_position", "font_variant_numeric",
    "font_variant_alternates", "font_variant_east_asian", "font_feature_settings",
    "text_decoration_line", "letter_spacing", "word_spacing", "tab_size",
)
# The WeasyPrint whose split_first_line the list above was read from; with another, the
# lines are broken anew at each layout (correct, only slower) until the list is checked.
CHECKED = ("70.",)
PARAMETERS = ("text", "style", "context", "max_width", "justification_spacing",
              "is_line_start", "minimum")

_active = False


class Answers(OrderedDict):
    """split_first_line's answers by key, the least recently used dropped once the texts
    they were asked for (a paragraph's rest, at each of its lines) pass `limit` characters."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit, self.size = limit, 0

    def find(self, key: tuple) -> tuple | None:
        answer = self.get(key)
        if answer is not None:
            self.move_to_end(key)
        return answer

    def keep(self, key: tuple, answer: tuple) -> None:
        self[key] = answer
        self.size += len(key[0]) + ENTRY_CHARS
        while self.size > self.limit and len(self) > 1:
            old, _ = self.popitem(last=False)
            self.size -= len(old[0]) + ENTRY_CHARS


# What a process keeps: 16M characters of text asked for, counting ENTRY_CHARS for an
# answer (its key, Layout and style tuple), about 20 MB. A build of the embedded corpus's
# 48 screen PDFs keeps 13,259 answers, 6.2M in all, and peaks 8 MB higher than without;
# a larger corpus keeps its latest statements' answers.
LIMIT = 16_000_000
ENTRY_CHARS = 400
# The answers the PDFs this process makes share (see `share`); None: each kept() its own.
_shared: Answers | None = None


def share(limit: int = LIMIT) -> None:
    """From now on the PDFs this process makes share one store of answers, emptied now: a
    statement's single, side-by-side and multilingual PDFs break the same text at the
    same widths. Opened by each build in its rendering processes (render/typeset.setup)."""
    global _shared
    _shared = Answers(limit)


def per_style(memo: dict[int, tuple], style, make: Callable[[Any], Any]):
    """`make(style)`, made once per style object (a text box's style serves each of its
    lines); the style is kept with it, so that its id is not another's."""
    known = memo.get(id(style))
    if known is None or known[0] is not style:
        known = memo[id(style)] = (style, make(style))
    return known[1]


def _split_first_line():
    """WeasyPrint's split_first_line, or None if it is not the one STYLE_KEYS describes."""
    import inspect

    import weasyprint
    from weasyprint.text import line_break

    function = getattr(line_break, "split_first_line", None)
    can_break = getattr(line_break, "can_break_text", None)
    if (function is None or can_break is None
            or not weasyprint.__version__.startswith(CHECKED)
            or tuple(inspect.signature(function).parameters) != PARAMETERS
            or tuple(inspect.signature(can_break).parameters) != ("text", "lang")):
        return None
    return function


@contextmanager
def kept(stats: dict[str, int] | None = None) -> Iterator[None]:
    """While open, a line of text broken once is not broken again: split_first_line's
    answers kept by its text, width and the style it reads (in the process's store, if
    `share` opened one; else until it closes). Its Layout (deactivated: the
    text and metrics, no Pango object) is copied for each box, as each box's is its own
    (drawing reactivates it). `stats` counts hits and misses."""
    global _active
    original = _split_first_line()
    if original is None or _active:
        yield
        return
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred

    answers = _shared if _shared is not None else Answers(LIMIT)
    styles: dict[int, tuple] = {}  # each style's part of the key (per_style)
    counts = stats if stats is not None else {}

    def split_first_line(text, style, context, max_width, justification_spacing,
                         is_line_start=True, minimum=False):
        part = per_style(styles, style, lambda style: (style.font_config, *[
            _hashable(style[name]) for name in STYLE_KEYS]))
        try:
            key = (text, max_width, justification_spacing, is_line_start, minimum, part)
            answer = answers.find(key)
        except TypeError:  # a style value we cannot key on: broken anew
            return original(text, style, context, max_width, justification_spacing,
                            is_line_start, minimum)
        if answer is None:
            counts["misses"] = counts.get("misses", 0) + 1
            answer = original(text, style, context, max_width, justification_spacing,
                              is_line_start, minimum)
            answers.keep(key, (_copied(answer[0]), *answer[1:]))
            return answer
        counts["hits"] = counts.get("hits", 0) + 1
        return (_copied(answer[0]), *answer[1:])

    struts: dict[int, tuple] = {}
    original_strut = inline.strut

    def strut(style):
        """A style's line height and baseline, asked for each line and box of its text:
        WeasyPrint keys its own cache with a string of 16 properties made at each call."""
        return per_style(struts, style, original_strut)

    original_can_break = inline.can_break_text

    def can_break_text(text, lang):
        """Whether Pango finds a line break in a text (mostly the two letters astride two
        boxes of a line), asked again at each line of each layout: its answer depends on
        the text and language alone."""
        if not text:
            return original_can_break(text, lang)
        key = (text, lang)
        answer = answers.find(key)
        if answer is None:
            answer = original_can_break(text, lang)
            answers.keep(key, answer)
        return answer

    # Both import them by name; layout/preferred.py also reads inline's at call time.
    before = (inline.split_first_line, preferred.split_first_line, inline.strut,
              inline.can_break_text, preferred.can_break_text)
    inline.split_first_line = preferred.split_first_line = split_first_line
    inline.strut = strut
    inline.can_break_text = preferred.can_break_text = can_break_text
    _active = True
    try:
        yield
    finally:
        (inline.split_first_line, preferred.split_first_line, inline.strut,
         inline.can_break_text, preferred.can_break_text) = before
        _active = False


def _copied(layout):
    """A deactivated Layout's copy: its attributes (text, widths, metrics), no Pango."""
    new = object.__new__(type(layout))
    new.__dict__.update(layout.__dict__)
    return new


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value
