"""Stage catalogs + build/ -> build/index.html: what is left to review, and the PDFs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workflow import __version__
from workflow.catalog import STATES
from workflow.config import Project
from workflow.fsutil import write_if_changed
from workflow.html import ENVIRONMENT
from workflow.languages import direction, native_name
from workflow.outputs import FORMATS, PRINT, Output, folder, plan_outputs
from workflow.qa import check_catalog
from workflow.source import read_project_statement
from workflow.status import MachineEntry, catalog_status


@dataclass
class Cell:
    """One statement in one language: state counts, check counts, its PDFs."""

    language: str
    is_source: bool
    segments: dict[str, int] = field(default_factory=dict)
    words: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    warnings: int = 0
    pdfs: list[tuple[str, str]] = field(default_factory=list)  # (label, href)

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


# Machine entries the dashboard lists (the lowest confidence first); `pamphlet review-queue`
# lists them all.
QUEUE_SHOWN = 25


def dashboard_rows(project: Project, queue: list[MachineEntry] | None = None) -> list[Row]:
    rows = []
    for slug in project.slugs():
        statement = read_project_statement(project, slug)
        plan = [o for fmt in FORMATS for o in plan_outputs(project, slug, format=fmt)]
        cells = []
        for language in project.languages:
            cell = Cell(language, language == statement.language)
            if not cell.is_source:
                status = catalog_status(project, slug, language)
                cell.segments, cell.words = status.segments, status.words
                if queue is not None:
                    queue += status.machine_entries
                severities = Counter(f.severity for f in check_catalog(project, slug, language))
                cell.errors, cell.warnings = severities["error"], severities["warning"]
            # its own PDF, and the side-by-side one with the source for a translation
            mine = [o for o in plan if o.layout != "multilingual" and o.languages[-1] == language]
            cell.pdfs = _links(project, mine)
            cells.append(cell)
        shared = _links(project, [o for o in plan if o.layout == "multilingual"])
        readme = folder(project, slug, PRINT) / "README.txt"
        if readme.exists():
            shared.append(("print bundle", readme.relative_to(project.build).as_posix()))
        rows.append(Row(slug, statement.title, statement.language, cells, shared))
    return rows


def write_dashboard(project: Project, build_date: str) -> Path:
    """Write build/index.html (only if its content changed) and return its path."""
    template = ENVIRONMENT.get_template("dashboard.html.j2")
    queue: list[MachineEntry] = []
    rows = dashboard_rows(project, queue)
    queue.sort(key=lambda e: e.sort_key)
    html = template.render(rows=rows, queue=queue[:QUEUE_SHOWN], queued=len(queue),
                           languages=project.languages,
                           states=STATES, build_date=build_date, version=__version__,
                           native_name=native_name, direction=direction)
    path = project.build / "index.html"
    write_if_changed(path, html)
    return path
