"""Stage source + catalogs -> editions: each paragraph rebuilt from its segments in one language.

An edition is what a reader sees in one language: the statement's blocks, grouped into
paragraphs, lists and headings, each segment in its reviewed translation, or (in drafts)
its unreviewed translation or the source text, with the state of every piece recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workflow.catalog.model import STATES, Entry, Located, active_entries, entry_state
from workflow.catalog.pofile import read_po_located
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.segment import Block, Document, Segment
from workflow.source import Statement


@dataclass(frozen=True)
class Piece:
    """One segment as printed: its text, the language it is in, and its review state."""

    text: str
    tail: str
    language: str
    state: str  # "source", "verbatim", or a catalog state (reviewed, machine, ...)
    line: int = 0  # for text from a catalog, the line of its msgid there


@dataclass(frozen=True)
class Unit:
    """A printed block: a heading, a paragraph (of lines), a list (of items) or a quote."""

    kind: str  # "heading", "paragraph", "list", "quote"
    level: int  # heading level; for an ordered list its first number; 0 otherwise
    ordered: bool
    rows: tuple[tuple[Piece, ...], ...]  # lines of a paragraph, items of a list
    line: int

    @property
    def language(self) -> str | None:
        """The one language every segment of the block is printed in, if there is one."""
        languages = {piece.language for row in self.rows for piece in row}
        return languages.pop() if len(languages) == 1 else None


@dataclass
class Edition:
    """A statement in one language, ready for the HTML stage."""

    statement: Statement
    language: str
    title: Piece
    author: Piece
    units: list[Unit]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    catalog_path: str | None = None
    unreviewed_lines: list[int] = field(default_factory=list)  # msgid lines in the catalog
    draft: bool = True  # False: unreviewed segments are printed in the source language

    def reaches(self, keep: int | None) -> bool:
        """Whether the reviewed share is at least `keep` percent (None: everything)."""
        total, reviewed = sum(self.counts.values()), self.counts["reviewed"]
        if self.is_source or not self.unreviewed:
            return True
        # Nothing reviewed is no edition at all, whatever the threshold.
        return keep is not None and reviewed > 0 and 100 * reviewed >= keep * total

    @property
    def is_source(self) -> bool:
        return self.language == self.statement.language

    @property
    def unreviewed(self) -> int:
        return sum(n for state, n in self.counts.items() if state != "reviewed")

    @property
    def is_draft(self) -> bool:
        return self.draft and not self.is_source and self.unreviewed > 0

    @property
    def reviewed_percent(self) -> int:
        """Rounded down: 100 only when everything is reviewed, like reaches()."""
        total = sum(self.counts.values())
        return 100 if self.is_source or not total else 100 * self.counts["reviewed"] // total


def group_blocks(blocks: tuple[Block, ...]) -> list[list[Block]]:
    """Consecutive lines of one paragraph, or consecutive items of one list, go together."""
    groups: list[list[Block]] = []
    for block in blocks:
        previous = groups[-1][-1] if groups else None
        # A single newline keeps lines in one paragraph and items in one list.
        together = (previous is not None and not previous.breaks_paragraph
                    and previous.kind == block.kind
                    and block.kind in ("paragraph", "quote", "item"))
        if together:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def build_edition(project: Project, statement: Statement, document: Document, language: str,
                  draft: bool = True, located: Located | None = None
                  ) -> Edition:
    """The edition of `statement` in `language`; without `draft` only reviewed text is used.
    `located`: its catalog as read already (read_po_located), if it is."""
    entries: dict[str, Entry] = {}
    lines: dict[int, int] = {}
    catalog_path = None
    if language != statement.language:
        path = project.po_path(statement.slug, language)
        catalog_path = project.relative(path).as_posix()
        if draft and located is None and not path.exists() and not path.is_symlink():
            # a "Spanish" draft all in English, without a word, passes for a translation
            raise PamphletError("no such catalog, and its language is configured: run "
                                "`pamphlet update` (a draft would print the source text)",
                                path)
        if located is None and path.exists():
            located = read_po_located(path)
        if located is not None:
            catalog, lines = located
            entries = {e.msgid: e for e in active_entries(catalog)
                       if e.msgctxt is None and not e.msgid_plural}  # never a sentence's
    empty = Piece("", "", language, "source")
    edition = Edition(statement, language, empty, empty, [], catalog_path=catalog_path,
                      draft=draft)

    def piece(segment: Segment) -> Piece:
        if language == statement.language:
            return Piece(segment.text, segment.tail, language, "source")
        if not segment.translatable:
            return Piece(segment.text, segment.tail, language, "verbatim")
        entry = entries.get(segment.text)
        state = entry_state(entry) if entry is not None else "untranslated"
        edition.counts[state] += 1
        if entry is not None and state != "reviewed":
            edition.unreviewed_lines.append(lines[entry.linenum or 0])
        if state != "reviewed" and not draft:  # a final edition: source text, unmarked
            return Piece(segment.text, segment.tail, statement.language, "source")
        if entry is None or state == "untranslated":
            return Piece(segment.text, segment.tail, statement.language, state)
        return Piece(entry.msgstr, segment.tail, language, state, lines[entry.linenum or 0])

    edition.title = piece(document.title)
    edition.author = piece(document.author or Segment(statement.author))
    for group in group_blocks(document.blocks):
        first = group[0]
        kind = {"item": "list"}.get(first.kind, first.kind)
        ordered = first.kind == "item" and first.markup.strip()[:-1].isdigit()
        rows = tuple(tuple(piece(s) for s in block.segments if s.text or s.tail.strip())
                     for block in group)
        edition.units.append(Unit(kind, first.level, ordered, rows, first.line))
    return edition


def load_editions(project: Project, slug: str, languages: list[str], draft: bool = True
                  ) -> list[Edition]:
    """The statement's editions in `languages`, its files read once."""
    from workflow.corpus import Corpus

    return Corpus(project).editions(slug, languages, draft)
