"""Stage catalogs + build/ -> build/index.html: what is left to review, and the PDFs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workflow import __version__
from workflow.catalog import STATES
from workflow.checks import check_catalog
from workflow.config import Project
from workflow.fsutil import write_if_changed
from workflow.html import ENVIRONMENT
from workflow.languages import direction, native_name
from workflow.source import read_statement
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


def _pdf_links(project: Project, slug: str, language: str, source_language: str
               ) -> list[tuple[str, str]]:
    folder = project.build / slug
    candidates = [(language, f"{slug}.{language}.pdf")]
    if language != source_language:
        pair = f"{source_language}+{language}"
        candidates.append((pair, f"{slug}.{pair}.pdf"))
    return [(label, f"{slug}/{name}") for label, name in candidates if (folder / name).exists()]


# Machine entries the dashboard lists (the lowest confidence first); `pamphlet review-queue`
# lists them all.
QUEUE_SHOWN = 25


def dashboard_rows(project: Project, queue: list[MachineEntry] | None = None) -> list[Row]:
    rows = []
    for slug in project.slugs():
        statement = read_statement(project.source_path(slug))
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
            cell.pdfs = _pdf_links(project, slug, language, statement.language)
            cells.append(cell)
        shared = [("multilingual", f"{slug}/{slug}.multilingual.pdf")]
        shared = [(label, href) for label, href in shared if (project.build / href).exists()]
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
