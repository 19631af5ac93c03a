"""A run's data: each statement file and each catalog read once, each statement segmented
once, shared by planning, the review gate, the checks, the editions and the dashboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fileindex import FileIndex, read_stamped
from workflow.fsutil import decode_text, read_input
from workflow.source import Statement, check_project_language, parse_statement, select_slugs
from workflow.store import STORE_FILE, Store

if TYPE_CHECKING:
    from workflow.catalog.model import Located
    from workflow.edition import Edition
    from workflow.glossary import Glossary
    from workflow.segment import Document


class Corpus:
    """The statements and catalogs of one project as one run sees them.

    Every file is read at most once (its bytes are kept for the run), and what is made of
    it (a parsed statement, its segments, a parsed catalog, an edition) is made once. With
    `index`, a file unchanged since the last run is known by its digest without being read.
    An error is kept too: asked again, the same file raises the same error.
    """

    def __init__(self, project: Project, index: FileIndex | None = None):
        self.project = project
        self._index = index
        self._store: Store | None = None
        self._data: dict[Path, tuple[bytes, list[int] | None]] = {}
        self._made: dict[tuple, object] = {}
        self.reads: dict[Path, int] = {}  # how often each file was read (tests count them)
        self.shared: dict[object, object] = {}  # what builders make once per run

    @property
    def store(self) -> Store:
        """build/'s store (file index, build state, check findings), read when first
        needed: once per run."""
        if self._store is None:
            self._store = (self._index.store if self._index is not None
                           else Store(self.project.build / STORE_FILE))
        return self._store

    @property
    def index(self) -> FileIndex:
        """build/'s file index, in the store: the digests every cached result is keyed by."""
        if self._index is None:
            self._index = FileIndex(self.store)
        return self._index

    def save(self) -> None:
        """Keep what this run learnt (digests, outputs, findings) for the next one."""
        if self._store is not None:
            self._store.save()

    # Files --------------------------------------------------------------------------

    def data(self, path: Path) -> bytes:
        """The file's bytes, read once per run (links out of the project and FIFOs
        refused, as everywhere)."""
        return self._stamped(path)[0]

    def _stamped(self, path: Path) -> tuple[bytes, list[int] | None]:
        """The bytes and the stat taken with them (for the index: the file may have
        changed since this run read it)."""
        if path not in self._data:
            self.reads[path] = self.reads.get(path, 0) + 1
            self._data[path] = read_stamped(path, self._read)
        return self._data[path]

    @staticmethod
    def _read(path: Path) -> bytes:
        return read_input(path)

    def digest(self, path: Path) -> str:
        """The file's sha256 (FileIndex.MISSING if there is none): from the index while
        its stat is unchanged, else from the bytes this run reads anyway."""
        return self.index.digest(path, self._stamped)

    def _once(self, key: tuple, make):
        if key not in self._made:
            try:
                self._made[key] = make()
            except PamphletError as error:
                self._made[key] = error
        made = self._made[key]
        if isinstance(made, PamphletError):
            raise made
        return made

    # Statements ---------------------------------------------------------------------

    def slugs(self, wanted: list[str] | None = None) -> list[str]:
        """The requested statements (every one if none), each checked to exist."""
        key = ("slugs", tuple(wanted or ()))
        return self._once(key, lambda: select_slugs(self.project, wanted))

    def statement(self, slug: str) -> Statement:
        """source/SLUG.md, parsed once, refused if its language is not the project's."""

        def read() -> Statement:
            path = self.project.source_path(slug)
            if not path.is_file():
                raise PamphletError("no such statement", path)
            statement = parse_statement(decode_text(self.data(path), path), path)
            check_project_language(self.project, statement)
            return statement

        return self._once(("statement", slug), read)

    def language(self, slug: str) -> str:
        """The statement's language, remembered in the index beside its digest: an
        unchanged statement is not read to plan its outputs."""
        path = self.project.source_path(slug)
        if ("statement", slug) in self._made or not path.is_file():
            return self.statement(slug).language
        language = self.index.fact(path, "language", lambda: self.statement(slug).language,
                                   self._stamped)
        if language not in self.project.languages:  # refused, naming the line (or a
            return self.statement(slug).language  # damaged index: the statement's own)
        return language

    def document(self, slug: str) -> Document:
        """The statement segmented, once."""
        from workflow.segment import segment_statement

        return self._once(("document", slug), lambda: segment_statement(self.statement(slug)))

    def targets(self, slugs: list[str] | None = None, languages: list[str] | None = None
                ) -> Iterator[tuple[str, str, str]]:
        """(slug, source language, target language) of the selected statements, each in
        every project language but its own (or in `languages` only): the one
        "statements x target languages" loop."""
        self.project.check_languages(languages)
        for slug in self.slugs(slugs):
            source = self.language(slug)
            for language in self.project.target_languages(source):
                if not languages or language in languages:
                    yield slug, source, language

    # Catalogs -----------------------------------------------------------------------

    def catalog(self, slug: str, language: str) -> Located | None:
        """locale/LANG/SLUG.po parsed once, with the msgid line of each entry; None if
        there is no such file."""
        from workflow.catalog.pofile import msgid_lines, parse_po_bytes

        path = self.project.po_path(slug, language)

        def read():
            if not path.exists():
                return None
            text, catalog = parse_po_bytes(self.data(path), path)
            return catalog, msgid_lines(text, catalog)

        return self._once(("catalog", slug, language), read)

    def glossary(self) -> Glossary:
        """locale/glossary.csv (an empty glossary if there is none), read once."""
        from workflow.glossary import Glossary, load_glossary

        path = self.project.glossary_path

        def read() -> Glossary:
            if not path.exists():
                return Glossary()
            return load_glossary(path, self.project.languages,
                                 decode_text(self.data(path), path))

        return self._once(("glossary",), read)

    # Editions -----------------------------------------------------------------------

    def edition(self, slug: str, language: str, draft: bool = True) -> Edition:
        """The statement in one language (drafts: unreviewed text too), made once."""
        from workflow.edition import build_edition

        def make() -> Edition:
            statement = self.statement(slug)
            catalog = None if language == statement.language else self.catalog(slug, language)
            return build_edition(self.project, statement, self.document(slug), language,
                                 draft, catalog)

        return self._once(("edition", slug, language, draft), make)

    def editions(self, slug: str, languages: list[str] | tuple[str, ...], draft: bool = True
                 ) -> list[Edition]:
        return [self.edition(slug, language, draft) for language in languages]
