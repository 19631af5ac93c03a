"""The builder protocol: what one output kind (screen PDFs, print files, Markdown, web pages)
tells the shared build about its files; the build does the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflow.config import Project
    from workflow.corpus import Corpus


@dataclass(frozen=True)
class Selection:
    """What `pamphlet build` was asked for, as every builder sees it."""

    slugs: list[str] | None = None  # None: every statement
    languages: list[str] | None = None  # --lang; None: every language
    layouts: list[str] | None = None  # --layout (PDF builders); None: every layout
    final: bool = False  # --final: only reviewed text, behind the review gate
    keep: int | None = None  # --keep PERCENT (with final)
    page_size: str = "A5"
    date: str = ""  # the build date (SOURCE_DATE_EPOCH), printed in colophons


@dataclass(frozen=True)
class Job:
    """One output file to make (and the files made with it), as a builder plans it.

    `languages` are the editions whose text it shows: the review gate checks them under
    --final, and its fingerprint covers their catalogs (and the statement). `data` is the
    builder's own: anything picklable; `Builder.load` fills in what rendering needs.
    """

    builder: str  # the registered name of the builder that makes it
    slug: str
    languages: tuple[str, ...]
    path: Path  # the main file: the build state's key, the dashboard's link
    label: str  # as the dashboard and messages name it: 'en', 'en+fa', 'md es', ...
    cell: str | None = None  # the dashboard column (a language) it is listed in; None: the row
    also: tuple[Path, ...] = ()  # other files it writes (a booklet): all must exist to skip it
    data: Any = None
    cost: int = 0  # an estimate of its rendering time: the longest are started first


@dataclass
class Rendered:
    """A job's result, from a worker: the files to write (path -> bytes), or its error as
    the user reads it (`where:line: what`)."""

    files: dict[Path, bytes] = field(default_factory=dict)
    error: str | None = None


class Builder:
    """One output kind. Subclass it, set `name`, implement plan() and render(), and list
    its module in workflow.builders.BUILTIN (or call register() with an instance)."""

    name: str = ""  # `--to NAME`, and the key of the registry
    description: str = ""  # one line, for `pamphlet build --help`
    preload: tuple[str, ...] = ()  # modules a worker process imports before forking

    def plan(self, corpus: Corpus, selection: Selection, slug: str) -> list[Job]:
        """Every output of one selected statement, in a stable order (called for each
        statement in turn; a PamphletError is that statement's failure, the others are
        planned all the same). Read as little as you can: corpus.language(slug) is known
        without reading an unchanged statement."""
        raise NotImplementedError

    def fingerprint(self, corpus: Corpus, selection: Selection, job: Job) -> str:
        """The job's inputs beyond what the build hashes for every job (its statement and
        the catalogs of job.languages, the package's code, templates and styles, the
        date, --final and --keep): settings, fonts, ... '' if none."""
        return ""

    def load(self, corpus: Corpus, selection: Selection, job: Job) -> Job:
        """The job with what render() needs in it (job.data), taken from the corpus.
        Called only for jobs that are rendered (not for those up to date); runs in the
        main process, so the corpus is read once for every builder."""
        return job

    def setup_worker(self) -> None:
        """What a rendering process makes once before its first job of this builder."""

    def render(self, project: Project, job: Job) -> dict[Path, bytes]:
        """The files of one job (path -> bytes), made from the job alone (in a worker
        process): no reading of statements or catalogs, nothing written. A PamphletError
        (or an OSError) is the job's failure; the other jobs go on."""
        raise NotImplementedError

    def finish(self, corpus: Corpus, selection: Selection, jobs: list[Job],
               report: Any) -> dict[Path, bytes]:
        """Files made from the whole run, written after every job (an index page, a feed,
        a bundle's manifest): path -> bytes, written only when their content changed.
        `jobs` are this builder's planned jobs; `report` is the BuildReport so far
        (report.failed_paths() says which jobs failed)."""
        return {}

    def links(self, job: Job) -> list[tuple[str, Path]]:
        """(label, file) of the job's files as the dashboard links them (those that exist)."""
        return [(job.label, job.path)] + [(f"{job.label} {path.name}", path) for path in job.also]

    def row_links(self, corpus: Corpus, slug: str) -> list[tuple[str, Path]]:
        """(label, file) of what the dashboard links on the statement's row beyond its jobs'
        files (a bundle's README, an index page), if they exist."""
        return []

    def narrow(self, corpus: Corpus, job: Job, languages: tuple[str, ...]) -> Job | None:
        """A job like `job` showing only `languages` (the editions ready for print, when
        others of the job are held back), or None: the job is held back whole. A
        multilingual edition of the ready languages is one such (builders/pdf.py)."""
        return None

    def stale(self, corpus: Corpus, selection: Selection, slug: str, languages: set[str],
              rebuilt: bool = False) -> list[Path]:
        """Files of an earlier build to delete when editions of `slug` in `languages` are
        held back (--final --keep), asked of each chosen builder (`rebuilt`: this builder
        writes other outputs of the statement in this run): by default the files it plans
        for this run's `selection` (its layouts, languages) that show any of them, never
        an edition the run did not select. Only regular files are deleted."""
        return [path for job in self.plan(corpus, selection, slug)
                if languages & set(job.languages) for path in (job.path, *job.also)]
