"""Stage catalogs + build/ -> build/index.html: what is left to review, the PDFs, and what
the last builds could not make."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workflow import __version__
from workflow.builders.base import Job, Selection
from workflow.config import Project
from workflow.corpus import Corpus
from workflow.errors import PamphletError
from workflow.fsutil import write_if_changed

if TYPE_CHECKING:
    from workflow.status import MachineEntry

# The checks, the status counts and the templates are imported when the page is made:
# a build that finds the page up to date (dashboard_fingerprint) does not pay for them.


@dataclass
class Cell:
    """One statement in one language: state counts, check counts, its PDFs, its failures."""

    language: str
    is_source: bool
    segments: dict[str, int] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    pdfs: list[tuple[str, str]] = field(default_factory=list)  # (label, href)
    failed: list[tuple[str, str, bool]] = field(default_factory=list)  # (label, why, exists)
    problem: str = ""  # the catalog itself could not be read

    @property
    def total(self) -> int:
        return sum(self.segments.values())

    def percent(self, state: str) -> float:
        return 100.0 * self.segments.get(state, 0) / self.total if self.total else 0.0


@dataclass
class Row:
    slug: str
    title: str
    language: str
    cells: list[Cell]
    shared_pdfs: list[tuple[str, str]]
    failed: list[tuple[str, str, bool]] = field(default_factory=list)
    problem: str = ""  # the statement itself could not be read


def _links(project: Project, jobs: list[Job]) -> list[tuple[str, str]]:
    """(label, href) of each file of `jobs` that exists, as its builder labels it: a screen
    PDF by its languages ('en+fa'), a print file 'print en+fa' and its booklet
    'booklet en+fa', ..."""
    from workflow import builders

    return [(label, path.relative_to(project.build).as_posix())
            for job in jobs for label, path in builders.get(job.builder).links(job)
            if path.exists()]


def _failures(project: Project, jobs: list[Job], failed: dict[str, str]
              ) -> list[tuple[str, str, bool]]:
    """(label, reason, whether an earlier build of it exists) of the outputs that the last
    builds could not make."""
    found = []
    for job in jobs:
        why = failed.get(project.relative(job.path).as_posix())
        if why:
            found.append((job.label, why, job.path.exists()))
    return found


def every_output(corpus: Corpus, slug: str) -> list[Job]:
    """Every output of the statement, of every builder (built in this run or not)."""
    from workflow import builders

    selection = Selection()
    return [job for name in builders.names()
            for job in builders.get(name).plan(corpus, selection, slug)]


def _row_links(corpus: Corpus, slug: str) -> list[tuple[str, Path]]:
    from workflow import builders

    return [link for name in builders.names()
            for link in builders.get(name).row_links(corpus, slug)]


# Machine entries the dashboard lists (the lowest confidence first); `pamphlet review-queue`
# lists them all.
QUEUE_SHOWN = 25


def dashboard_rows(project: Project, failed: dict[str, str] | None = None,
                   queue: list[MachineEntry] | None = None, corpus: Corpus | None = None
                   ) -> list[Row]:
    """One row per statement. `failed`: what the last builds could not make, by the path of
    the output or of the statement (relative to the root), with the reason; `queue` gets
    the machine entries of every catalog."""
    from workflow.qa import check_catalog
    from workflow.status import catalog_status

    corpus = corpus or Corpus(project)
    failed = failed or {}
    rows = []
    for slug in project.slugs():
        source = project.source_path(slug)
        try:
            statement = corpus.statement(slug)
            plan = every_output(corpus, slug)
        except PamphletError as error:
            why = failed.get(project.relative(source).as_posix()) or str(error)
            rows.append(Row(slug, slug, "?", [], [], problem=why))
            continue
        cells = []
        for language in project.languages:
            cell = Cell(language, language == statement.language)
            if not cell.is_source:
                try:
                    status = catalog_status(project, slug, language, corpus)
                    cell.segments, cell.words = status.segments, status.words
                    if status.missing:
                        cell.problem = f"{status.path}: no catalog: run `pamphlet update`"
                    if queue is not None:
                        queue += status.machine_entries
                    severities = Counter(f.severity for f in check_catalog(
                        project, slug, language, corpus=corpus))
                    cell.errors, cell.warnings = severities["error"], severities["warning"]
                except PamphletError as error:
                    cell.problem = str(error)
            # its own outputs, and the side-by-side one with the source for a translation
            mine = [job for job in plan if job.cell == language]
            cell.pdfs = _links(project, mine)
            cell.failed = _failures(project, mine, failed)
            cells.append(cell)
        shared_jobs = [job for job in plan if job.cell is None]
        shared = _links(project, shared_jobs)
        shared += [(label, path.relative_to(project.build).as_posix())
                   for label, path in _row_links(corpus, slug) if path.exists()]
        rows.append(Row(slug, statement.title, statement.language, cells, shared,
                        _failures(project, shared_jobs, failed)))
    return rows


def dashboard_fingerprint(corpus: Corpus, failed: dict[str, str], build_date: str,
                          code: str) -> str:
    """A hash of everything the page shows: statements, catalogs, the glossary (checks),
    which outputs exist, the failures, the date and the code (`code`, templates included)."""
    from workflow import builders

    project = corpus.project
    digest = hashlib.sha256("\0".join([__version__, code, build_date, *builders.names(),
                                       *project.languages]).encode())
    paths = [project.glossary_path]
    for slug in project.slugs():
        paths.append(project.source_path(slug))
        paths += [project.po_path(slug, language) for language in project.languages]
        try:
            files = [path for job in every_output(corpus, slug)
                     for _, path in builders.get(job.builder).links(job)]
            files += [path for _, path in _row_links(corpus, slug)]
        except PamphletError as error:  # the page shows the statement's problem
            digest.update(f"{slug}\0{error}\0".encode())
            continue
        shown = sorted(p.relative_to(project.build).as_posix() for p in files if p.exists())
        digest.update(f"{slug}\0{' '.join(shown)}\0".encode())
    for path in paths:
        digest.update(f"{project.relative(path)}\0{corpus.digest(path)}\0".encode())
    for key, why in sorted(failed.items()):
        digest.update(f"{key}\0{why}\0".encode())
    return digest.hexdigest()


def write_dashboard(project: Project, build_date: str, failed: dict[str, str] | None = None,
                    corpus: Corpus | None = None) -> Path:
    """Write build/index.html (only if its content changed) and return its path."""
    from workflow.catalog.model import STATES
    from workflow.languages import direction, native_name
    from workflow.render.html import ENVIRONMENT

    template = ENVIRONMENT.get_template("dashboard.html.j2")
    queue: list = []
    rows = dashboard_rows(project, failed, queue, corpus)
    queue.sort(key=lambda e: e.sort_key)
    failures = (sum(len(c.failed) for r in rows for c in r.cells)
                + sum(len(r.failed) + bool(r.problem) for r in rows))
    html = template.render(rows=rows, queue=queue[:QUEUE_SHOWN], queued=len(queue),
                           languages=project.languages, states=STATES,
                           build_date=build_date, version=__version__,
                           native_name=native_name, direction=direction, failures=failures)
    path = project.build / "index.html"
    write_if_changed(path, html)
    return path
