"""Stage catalogs + build/ -> build/index.html: what is left to review, the PDFs, and what
the last builds could not make."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workflow import __version__
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fsutil import write_if_changed
from workflow.outputs import FORMATS, PRINT, Output, folder, plan_outputs

if TYPE_CHECKING:
    from workflow.fileindex import FileIndex
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


def _links(project: Project, outputs: list[Output]) -> list[tuple[str, str]]:
    """(label, href) of each file of `outputs` that exists: a screen PDF is labelled by its
    languages ('en+fa'), a print file 'print en+fa' and its booklet 'booklet en+fa'."""
    links = []
    for output in outputs:
        files = [(output.name, output.path)]
        if output.format == PRINT:
            files = [(f"print {output.name}", output.path),
                     (f"booklet {output.name}", output.booklet)]
        links += [(label, path.relative_to(project.build).as_posix())
                  for label, path in files if path.exists()]
    return links


def _failures(project: Project, outputs: list[Output], failed: dict[str, str]
              ) -> list[tuple[str, str, bool]]:
    """(label, reason, whether an earlier build of it exists) of the outputs that the last
    builds could not make."""
    found = []
    for output in outputs:
        why = failed.get(project.relative(output.path).as_posix())
        if why:
            label = output.name if output.format != PRINT else f"print {output.name}"
            found.append((label, why, output.path.exists()))
    return found


# Machine entries the dashboard lists (the lowest confidence first); `pamphlet review-queue`
# lists them all.
QUEUE_SHOWN = 25


def dashboard_rows(project: Project, failed: dict[str, str] | None = None,
                   queue: list[MachineEntry] | None = None) -> list[Row]:
    """One row per statement. `failed`: what the last builds could not make, by the path of
    the PDF or of the statement (relative to the root), with the reason; `queue` gets the
    machine entries of every catalog."""
    from workflow.qa import check_catalog
    from workflow.source import read_project_statement
    from workflow.status import catalog_status

    failed = failed or {}
    rows = []
    for slug in project.slugs():
        source = project.source_path(slug)
        try:
            statement = read_project_statement(project, slug)
        except PamphletError as error:
            why = failed.get(project.relative(source).as_posix()) or str(error)
            rows.append(Row(slug, slug, "?", [], [], problem=why))
            continue
        plan = [o for fmt in FORMATS for o in plan_outputs(project, slug, format=fmt,
                                                           source_language=statement.language)]
        cells = []
        for language in project.languages:
            cell = Cell(language, language == statement.language)
            if not cell.is_source:
                try:
                    status = catalog_status(project, slug, language)
                    cell.segments, cell.words = status.segments, status.words
                    if status.missing:
                        cell.problem = f"{status.path}: no catalog: run `pamphlet update`"
                    if queue is not None:
                        queue += status.machine_entries
                    severities = Counter(f.severity
                                         for f in check_catalog(project, slug, language))
                    cell.errors, cell.warnings = severities["error"], severities["warning"]
                except PamphletError as error:
                    cell.problem = str(error)
            # its own PDF, and the side-by-side one with the source for a translation
            mine = [o for o in plan if o.layout != "multilingual" and o.languages[-1] == language]
            cell.pdfs = _links(project, mine)
            cell.failed = _failures(project, mine, failed)
            cells.append(cell)
        multilingual = [o for o in plan if o.layout == "multilingual"]
        shared = _links(project, multilingual)
        readme = folder(project, slug, PRINT) / "README.txt"
        if readme.exists():
            shared.append(("print bundle", readme.relative_to(project.build).as_posix()))
        rows.append(Row(slug, statement.title, statement.language, cells, shared,
                        _failures(project, multilingual, failed)))
    return rows


def dashboard_fingerprint(project: Project, failed: dict[str, str], build_date: str,
                          index: FileIndex, code: str) -> str:
    """A hash of everything the page shows: statements, catalogs, the glossary (checks),
    which PDFs exist, the failures, the date and the code (`code`, templates included)."""
    digest = hashlib.sha256("\0".join([__version__, code, build_date,
                                       *project.languages]).encode())
    paths = [project.glossary_path]
    for slug in project.slugs():
        paths.append(project.source_path(slug))
        paths += [project.po_path(slug, language) for language in project.languages]
        pdfs = sorted(p.relative_to(project.build).as_posix() for fmt in FORMATS
                      for p in _existing(folder(project, slug, fmt)))
        digest.update(f"{slug}\0{' '.join(pdfs)}\0".encode())
    for path in paths:
        digest.update(f"{project.relative(path)}\0{index.digest(path)}\0".encode())
    for key, why in sorted(failed.items()):
        digest.update(f"{key}\0{why}\0".encode())
    return digest.hexdigest()


def _existing(where: Path) -> list[Path]:
    """The PDFs and the bundle README of a statement's folder (what the page links to)."""
    if not where.is_dir():
        return []
    return [p for p in where.iterdir() if p.suffix == ".pdf" or p.name == "README.txt"]


def write_dashboard(project: Project, build_date: str, failed: dict[str, str] | None = None
                    ) -> Path:
    """Write build/index.html (only if its content changed) and return its path."""
    from workflow.catalog import STATES
    from workflow.html import ENVIRONMENT
    from workflow.languages import direction, native_name

    template = ENVIRONMENT.get_template("dashboard.html.j2")
    queue: list = []
    rows = dashboard_rows(project, failed, queue)
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
