"""Stage source/ -> locale/: write templates and merge them into every language's catalog."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import polib

from workflow.catalog import build_template, merge, plural_forms_problem
from workflow.config import Project
from workflow.errors import PamphletError, PamphletErrors
from workflow.fsutil import atomic_write_bytes
from workflow.pofile import format_po, header_field_line, read_po, same_content
from workflow.segment import Document, segment_statement
from workflow.source import SLUG_PATTERN, Statement, read_project_statement

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def select_slugs(project: Project, slugs: list[str] | None) -> list[str]:
    """The requested statements (all if none), each checked to exist."""
    available = project.slugs()
    for slug in available:  # a file name is a slug: it names catalogs and build folders
        if not SLUG_PATTERN.match(slug):
            raise PamphletError(f"invalid statement file name {slug!r}: use lowercase letters,"
                                " digits and hyphens", project.relative(project.source_path(slug)))
    if not slugs:
        if not available:
            raise PamphletError("no statements found", project.relative(project.sources))
        return available
    for slug in slugs:
        if slug not in available:
            raise PamphletError(
                f"no statement {slug!r} in {project.relative(project.sources)}/"
                f" (known: {', '.join(available) or 'none'})"
            )
    return list(dict.fromkeys(slugs))


def load_statement(project: Project, slug: str) -> tuple[Statement, Document]:
    statement = read_project_statement(project, slug)
    return statement, segment_statement(statement)


def planned_catalogs(project: Project, slug: str, languages: list[str] | None = None
                     ) -> dict[Path, polib.POFile]:
    """Every catalog file of one statement as `update` would write it (nothing written):
    its template and the catalogs of `languages` (all if None)."""
    statement, document = load_statement(project, slug)
    reference = project.relative(statement.path).as_posix()
    template = build_template(document, slug, statement.language, reference)
    plan = {project.pot_path(slug): template}
    for language in project.target_languages(statement.language):
        if languages and language not in languages:
            continue
        po_path = project.po_path(slug, language)
        existing = read_po(po_path) if po_path.exists() else None
        problem = plural_forms_problem(existing.metadata, language) if existing else None
        if problem:
            raise PamphletError(problem, project.relative(po_path),
                                header_field_line(po_path, "Plural-Forms"))
        plan[po_path] = merge(existing, template, language)
    return plan


def update(project: Project, slugs: list[str] | None = None, check: bool = False,
           languages: list[str] | None = None) -> UpdateReport:
    """Bring templates and catalogs up to date with source/.

    Everything is read and merged before anything is written, so bad input anywhere
    leaves every file untouched. With `check`, nothing is written and the report lists
    the files that are out of date. With `languages`, only their catalogs (and the
    templates) are brought up to date.
    """
    project.check_languages(languages)
    texts: dict[Path, str] = {}
    problems: list[PamphletError] = []
    for slug in select_slugs(project, slugs):
        try:
            plan = planned_catalogs(project, slug, languages)
        except PamphletErrors as errors:
            problems += errors.errors
            continue
        except PamphletError as error:  # reported with every other one, after the loop
            problems.append(error)
            continue
        for path, catalog in plan.items():
            texts[path] = format_po(catalog)
    if problems:
        raise problems[0] if len(problems) == 1 else PamphletErrors(problems)
    report = UpdateReport()
    for path, text in texts.items():
        # content, not layout: a file an editor or msgcat laid out otherwise is left alone
        if path.exists() and same_content(path, text):
            report.unchanged.append(path)
            continue
        report.written.append(path)
        if not check:
            atomic_write_bytes(path, text.encode("utf-8"))
            log.info("wrote %s", project.relative(path))
    return report
