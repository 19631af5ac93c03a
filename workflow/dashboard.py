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

if TYPE_CHECKING:
    from workflow.fileindex import FileIndex

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


def _candidates(slug: str, language: str, source_language: str) -> list[tuple[str, str]]:
    """(label, file name) of the PDFs shown in a statement's cell for `language`."""
    candidates = [(language, f"{slug}.{language}.pdf")]
    if language != source_language:
        pair = f"{source_language}+{language}"
        candidates.append((pair, f"{slug}.{pair}.pdf"))
    return candidates


def _links(project: Project, slug: str, candidates: list[tuple[str, str]],
           failed: dict[str, str]) -> tuple[list[tuple[str, str]], list[tuple[str, str, bool]]]:
    """Links to the PDFs that exist, and the failures of the last builds beside them (an
    existing PDF that failed to build again is from an earlier build)."""
    folder = project.build / slug
    links, failures = [], []
    for label, name in candidates:
        exists = (folder / name).exists()
        if exists:
            links.append((label, f"{slug}/{name}"))
        why = failed.get(project.relative(folder / name).as_posix())
        if why:
            failures.append((label, why, exists))
    return links, failures


def dashboard_rows(project: Project, failed: dict[str, str] | None = None) -> list[Row]:
    """One row per statement. `failed`: what the last builds could not make, by the path of
    the PDF or of the statement (relative to the root), with the reason."""
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
        cells = []
        for language in project.languages:
            cell = Cell(language, language == statement.language)
            if not cell.is_source:
                try:
                    status = catalog_status(project, slug, language)
                    cell.segments, cell.words = status.segments, status.words
                    severities = Counter(f.severity
                                         for f in check_catalog(project, slug, language))
                    cell.errors, cell.warnings = severities["error"], severities["warning"]
                except PamphletError as error:
                    cell.problem = str(error)
            cell.pdfs, cell.failed = _links(
                project, slug, _candidates(slug, language, statement.language), failed)
            cells.append(cell)
        shared, shared_failed = _links(
            project, slug, [("multilingual", f"{slug}.multilingual.pdf")], failed)
        rows.append(Row(slug, statement.title, statement.language, cells,
                        shared, shared_failed))
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
        folder = project.build / slug
        pdfs = sorted(p.name for p in folder.glob("*.pdf")) if folder.is_dir() else []
        digest.update(f"{slug}\0{' '.join(pdfs)}\0".encode())
    for path in paths:
        digest.update(f"{project.relative(path)}\0{index.digest(path)}\0".encode())
    for key, why in sorted(failed.items()):
        digest.update(f"{key}\0{why}\0".encode())
    return digest.hexdigest()


def write_dashboard(project: Project, build_date: str, failed: dict[str, str] | None = None
                    ) -> Path:
    """Write build/index.html (only if its content changed) and return its path."""
    from workflow.catalog import STATES
    from workflow.html import ENVIRONMENT
    from workflow.languages import direction, native_name

    template = ENVIRONMENT.get_template("dashboard.html.j2")
    rows = dashboard_rows(project, failed)
    html = template.render(rows=rows, languages=project.languages,
                           states=STATES, build_date=build_date, version=__version__,
                           native_name=native_name, direction=direction,
                           failures=sum(len(c.failed) for r in rows for c in r.cells)
                           + sum(len(r.failed) + bool(r.problem) for r in rows))
    path = project.build / "index.html"
    write_if_changed(path, html)
    return path
