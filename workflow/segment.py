"""Statement body -> blocks -> sentence segments, and back again exactly.

A body is a sequence of blocks, one per non-blank line: headings (`## `), list items
(`1. `, `- `), quotes (`> `) and paragraphs. A newline inside a paragraph is a deliberate
line break (signatures, slogans); a blank line separates paragraphs. Each block's text is
cut into sentences with pysbd, corrected by the per-language rules below. Every piece of
whitespace is kept (`Segment.tail`, `Block.end`), so joining the segments gives the body
back byte for byte, which is what lets the typesetter rebuild translated paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

import pysbd

from workflow import languages
from workflow.errors import PamphletError
from workflow.limits import MAX_SEGMENT_CHARS
from workflow.patterns import AUTOLINK, CODE, EMAIL, LINK_OR_IMAGE, URL
from workflow.source import Statement

BLOCK_MARKUP = re.compile(
    r"^(?P<markup>[ \t]*(?:(?P<heading>#{1,6})[ \t]+|(?P<number>\d{1,3})[.)][ \t]+"
    r"|(?P<bullet>[-*+])[ \t]+|(?P<quote>>)[ \t]?)?)"
)

# Spans a sentence boundary must never fall into: Markdown links and autolinks, inline
# code, emphasis, bare URLs and e-mail addresses.
PROTECTED = re.compile("|".join([
    LINK_OR_IMAGE.pattern, AUTOLINK.pattern, CODE.pattern,
    r"\*\*[^*\n]+\*\*|\*[^*\n]+\*|(?<!\w)_[^_\n]+_(?!\w)",  # emphasis
    URL.pattern, EMAIL.pattern]))

# pysbd's rules are a good base; the profiles close the gaps measured on our languages
# (abbreviations; a lowercase start continues a sentence in a cased script). A segment
# ending in a clause mark never ends a sentence (pysbd's Arabic rules split at the Arabic
# comma and colon).
NO_BREAK_AFTER = (",", ";", ":", "،", "؛")
LOWERCASE_START = re.compile(r"^[\"'“‘«(\[]*[a-zà-ÿ]")
# Longer lines go to pysbd in overlapping windows (see _pysbd_pieces).
PYSBD_WINDOW = 2000
PYSBD_CONTEXT = 200
# A sentence closed inside quotation marks, then a space: «Basta ya.» Luego. pysbd never
# cuts there. In a cased script the next sentence starts with a capital; in Arabic script
# only a full stop ends a quoted sentence («چرا؟» پرسید: "why?" he asked).
QUOTED_END = re.compile(r"[.!?…]+[»”\"’']+(?=\s+[\"'“‘«(\[]*[^\W\d_])")
QUOTED_FULL_STOP = re.compile(r"\.[»”\"’']+(?=\s+[\"'“‘«(\[]*[^\W\d_])")
# Initials: a letter with a full stop (دکتر م. رضایی), or letters with full stops run
# together (ج.ا.ا.): a sentence never ends inside an initialism, nor in Arabic script after
# a lone letter (Persian sentences end with their verb).
INITIAL = re.compile(r"(?<!\w)\w\.$")
# "U.S.", "EE. UU.", "ج.ا.": letters with full stops, which may also end a sentence.
INITIALISM = re.compile(r"(?<!\w)(?:\w{1,3}\.\s?){2,}$")


@dataclass(frozen=True)
class Segment:
    """One translatable unit: a sentence (or heading, list item) and the space after it."""

    text: str
    tail: str = ""

    @property
    def translatable(self) -> bool:
        """False for a bare URL or e-mail address: nothing there to translate."""
        return bool(re.search(r"[^\W\d_]", PROTECTED.sub("", self.text)))


@dataclass(frozen=True)
class Block:
    """One line of the body: its Markdown prefix, its segments, and what separates it."""

    kind: str  # "heading", "item", "quote" or "paragraph"
    markup: str  # the literal prefix, e.g. "## " or "1. "
    segments: tuple[Segment, ...]
    end: str  # the newlines (and blank lines) after the block; "\n" = line break
    line: int  # line number in the statement file

    @property
    def level(self) -> int:
        """Heading level (1-6) or list item number; 0 otherwise."""
        stripped = self.markup.strip()
        if self.kind == "heading":
            return len(stripped)
        if self.kind == "item" and stripped[:-1].isdigit():
            return int(stripped[:-1])
        return 0

    @property
    def text(self) -> str:
        return join_segments(self.segments)

    @property
    def breaks_paragraph(self) -> bool:
        """True if a blank line (or the end) follows: the next block starts a new paragraph."""
        return self.end.count("\n") != 1


@dataclass(frozen=True)
class Document:
    """A segmented statement: title and author as one segment each, then the body's blocks."""

    title: Segment
    lead: str  # whitespace before the first block
    blocks: tuple[Block, ...]
    author: Segment | None = None  # organisations' names are translated too

    def segments(self) -> Iterator[tuple[Segment, str, int]]:
        """Every segment with its kind and line, title and author first, in reading order."""
        yield self.title, "title", 0
        if self.author is not None:
            yield self.author, "author", 0
        for block in self.blocks:
            for segment in block.segments:
                yield segment, block.kind, block.line


def join_segments(segments: tuple[Segment, ...], translate: Callable[[str], str] | None = None
                  ) -> str:
    if translate is None:
        return "".join(s.text + s.tail for s in segments)
    return "".join(translate(s.text) + s.tail for s in segments)


def render_body(document: Document, translate: Callable[[str], str] | None = None) -> str:
    """Reassemble the body; with no `translate` this is exactly the original body."""
    parts = [document.lead]
    for block in document.blocks:
        parts.append(block.markup + join_segments(block.segments, translate) + block.end)
    return "".join(parts)


@cache
def _segmenter(language: str) -> pysbd.Segmenter:
    """pysbd with the rules the profile names (English rules for a language pysbd lacks)."""
    return pysbd.Segmenter(language=languages.get(language).sentence_rules, clean=False)


def split_sentences(text: str, language: str) -> tuple[Segment, ...]:
    """Cut one line of text into sentences; the pieces join back to `text` exactly."""
    if not text.strip():
        return (Segment("", text),) if text else ()
    pieces = _quoted_ends(text, _pysbd_pieces(text, language), language)
    protected = [m.span() for m in PROTECTED.finditer(text)]
    merged: list[list[int]] = []  # [start, end] offsets into text
    for start, end in pieces:
        if merged and _must_join(text, merged[-1], (start, end), protected, language):
            merged[-1][1] = end
        else:
            merged.append([start, end])
    segments = []
    for start, end in merged:
        piece = text[start:end]
        stripped = piece.rstrip()
        segments.append(Segment(stripped, piece[len(stripped):]))
    # Leading whitespace of the line belongs to no sentence: keep it as an empty segment.
    first = segments[0]
    lead = len(first.text) - len(first.text.lstrip())
    if lead:
        segments[0] = Segment(first.text[lead:], first.tail)
        segments.insert(0, Segment("", first.text[:lead]))
    return tuple(segments)


def _pysbd_pieces(text: str, language: str) -> list[tuple[int, int]]:
    """pysbd's sentences as offsets, for a line of any length, in time linear in it.

    pysbd's time grows with the square of its input (it rescans the whole text for each
    abbreviation it finds): a 200,000-character line took 36 s, a 5 MB one would take
    hours. A line up to PYSBD_WINDOW characters (every real paragraph) goes to pysbd whole;
    a longer one goes in overlapping windows, keeping from each only the boundaries with
    PYSBD_CONTEXT characters of the window on both sides, which are pysbd's own.
    """
    if len(text) <= PYSBD_WINDOW:
        return _pysbd_chunk(text, language)
    starts: list[int] = []  # where each sentence after the first begins
    start, at_boundary = 0, True
    while True:
        end = min(len(text), start + PYSBD_WINDOW)
        found = [start + a for a, _ in _pysbd_chunk(text[start:end], language)[1:]]
        low = start if at_boundary else start + PYSBD_CONTEXT
        high = len(text) if end == len(text) else end - PYSBD_CONTEXT
        inner = [offset for offset in found if low < offset <= high]
        starts += inner
        if end == len(text):
            break
        if inner:  # the next window begins with a sentence, as pysbd would see it
            start, at_boundary = inner[-1], True
        else:  # one long sentence so far: slide on, the windows overlapping
            start, at_boundary = end - 2 * PYSBD_CONTEXT, False
    bounds = [0, *starts, len(text)]
    return list(zip(bounds, bounds[1:], strict=False))


def _pysbd_chunk(text: str, language: str) -> list[tuple[int, int]]:
    """pysbd's sentences as offsets; its pieces are located in order so nothing is lost."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    # The sentences of Segmenter.segment() without its char-span pass, which compiles a
    # regular expression per sentence (a third of its time); we locate them ourselves.
    for sentence in _segmenter(language).processor(text).process() if text.strip() else ():
        core = sentence.strip()
        if not core:
            continue
        found = text.find(core, cursor)
        if found < 0:  # pysbd altered the text: fall back to no split at all
            return [(0, len(text))]
        if spans:
            spans[-1] = (spans[-1][0], found)
        spans.append((cursor if not spans else found, found + len(core)))
        cursor = found + len(core)
    if not spans:
        return [(0, len(text))]
    spans[-1] = (spans[-1][0], len(text))
    return spans


def _quoted_ends(text: str, pieces: list[tuple[int, int]], language: str
                 ) -> list[tuple[int, int]]:
    """pysbd's pieces, also cut after a sentence that ends inside closing quotation marks
    (see QUOTED_END); the merge rules still join a cut that falls after an abbreviation."""
    profile = languages.get(language)
    pattern = QUOTED_END if profile.script.cased else QUOTED_FULL_STOP
    cuts = set()
    for match in pattern.finditer(text):
        end = match.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if profile.script.cased and LOWERCASE_START.match(text[end:]):
            continue  # «¿Por qué?» preguntó: the sentence goes on
        cuts.add(end)
    if not cuts:
        return pieces
    bounds = sorted({start for start, _ in pieces} | cuts)
    return list(zip(bounds, [*bounds[1:], len(text)], strict=True))


def _must_join(text: str, previous: list[int], current: tuple[int, int],
               protected: list[tuple[int, int]], language: str) -> bool:
    boundary = current[0]
    if any(start < boundary < end for start, end in protected):
        return True
    piece = text[previous[0]:boundary]
    before = piece.rstrip()
    if before == piece or before.endswith(NO_BREAK_AFTER):
        return True  # no space at the cut (ج.ا.|ا.), or after a clause mark
    profile = languages.get(language)
    last_word = before.rsplit(None, 1)[-1] if before.split() else ""
    if last_word in profile.abbreviations or (
            last_word[:1].lower() + last_word[1:]) in profile.abbreviations:
        return True  # "Dr.", and "approx." as a sentence starts it: "Approx."
    following = text[boundary:current[1]].split(None, 1)
    if (following and INITIALISM.search(before)
            and following[0].lower() in profile.continuation_words):
        return True  # "EE. UU. Y México": an initialism may end a sentence, not before "y"
    if not profile.script.cased and INITIAL.search(before):
        return True
    return profile.script.cased and bool(LOWERCASE_START.match(text[boundary:current[1]]))


def _split_block(line: str) -> tuple[str, str, str]:
    """(kind, markup, text) of one body line."""
    match = BLOCK_MARKUP.match(line)
    assert match is not None  # every group of the pattern is optional
    markup = match.group("markup")
    if match.group("heading"):
        kind = "heading"
    elif match.group("number") or match.group("bullet"):
        kind = "item"
    elif match.group("quote"):
        kind = "quote"
    else:
        kind = "paragraph"
    return kind, markup, line[len(markup):]


def segment_body(body: str, language: str, first_line: int = 1) -> tuple[str, tuple[Block, ...]]:
    """Split a body into blocks of segments; returns the leading whitespace and the blocks."""
    lines = body.split("\n")
    index = 0
    lead_lines = []
    while index < len(lines) and not lines[index].strip():
        lead_lines.append(lines[index])
        index += 1
    lead = "\n".join(lead_lines) + ("\n" if index < len(lines) and lead_lines else "")
    if index == len(lines):  # nothing but whitespace
        return body, ()
    blocks = []
    while index < len(lines):
        line_number = first_line + index
        kind, markup, content = _split_block(lines[index])
        index += 1
        blank = []
        while index < len(lines) and not lines[index].strip():
            blank.append(lines[index])
            index += 1
        if index < len(lines):
            end = "\n" + "".join(b + "\n" for b in blank)
        else:  # trailing lines of the body: keep them exactly, including no final newline
            end = "\n" + "\n".join(blank) if blank else ""
        blocks.append(Block(kind, markup, split_sentences(content, language), end, line_number))
    return lead, tuple(blocks)


def segment_statement(statement: Statement) -> Document:
    lead, blocks = segment_body(statement.body, statement.language, statement.body_line)
    document = Document(title=Segment(statement.title), lead=lead, blocks=blocks,
                        author=Segment(statement.author))
    for segment, kind, line in document.segments():
        if len(segment.text) > MAX_SEGMENT_CHARS:
            raise PamphletError(f"a {kind} of {len(segment.text):,} characters with no sentence"
                                f" end: a segment has at most {MAX_SEGMENT_CHARS:,} (end its"
                                " sentences with punctuation)", statement.path, line or None)
    return document
