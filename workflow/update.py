"""Stage source/ -> locale/: write templates and merge them into every language's catalog."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from workflow.catalog.model import (
    Catalog,
    PlaceConflict,
    build_template,
    merge,
    plural_forms_problem,
)
from workflow.catalog.pofile import (
    format_po,
    header_field_line,
    layout_like,
    parse_po_bytes,
    same_data,
)
from workflow.config import Project
from workflow.errors import PamphletError, PamphletErrors
from workflow.fsutil import read_input, remove_stale_temporaries, save_merged
from workflow.segment import Document, segment_statement
from workflow.source import Statement, read_project_statement, select_slugs

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@dataclass(frozen=True)
class MergeOptions:
    """msgmerge's choices: --no-fuzzy-matching and --no-obsolete (both off by default)."""

    fuzzy_matching: bool = True
    obsolete: bool = True


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)


def load_statement(project: Project, slug: str) -> tuple[Statement, Document]:
    statement = read_project_statement(project, slug)
    return statement, segment_statement(statement)


@dataclass
class Planned:
    """One file as `update` would write it, and what it was merged from."""

    text: str
    based_on: bytes | None  # the file as read (None: it did not exist)
    template: Catalog
    language: str | None  # None: the template itself


def planned_catalogs(project: Project, slug: str, languages: list[str] | None = None,
                     options: MergeOptions = MergeOptions()) -> dict[Path, Planned]:
    """Every catalog file of one statement as `update` would write it (nothing written):
    its template and the catalogs of `languages` (all if None)."""
    statement, document = load_statement(project, slug)
    reference = project.relative(statement.path).as_posix()
    template = build_template(document, slug, statement.language, reference)
    pot_path = project.pot_path(slug)
    plan = {pot_path: Planned(format_po(template), _read_existing(pot_path), template, None)}
    for language in project.target_languages(statement.language):
        if languages and language not in languages:
            continue
        po_path = project.po_path(slug, language)
        based_on = _read_existing(po_path)
        plan[po_path] = Planned(_merged(project, po_path, based_on, template, language,
                                        options), based_on, template, language)
    return plan


def _read_existing(path: Path) -> bytes | None:
    return read_input(path) if path.exists() or path.is_symlink() else None


def _merged(project: Project, path: Path, data: bytes | None, template: Catalog,
            language: str, options: MergeOptions = MergeOptions()) -> str:
    """The catalog's text after merging the template into `data` (the file's bytes)."""
    existing = parse_po_bytes(data, path)[1] if data is not None else None
    problem = plural_forms_problem(existing.metadata, language) if existing else None
    if problem:
        raise PamphletError(problem, project.relative(path),
                            header_field_line(path, "Plural-Forms"))
    try:
        return format_po(merge(existing, template, language, options.fuzzy_matching,
                               options.obsolete))
    except PlaceConflict as conflict:
        raise PamphletError(str(conflict), project.relative(path),
                            conflict.entry.linenum) from None


def update(project: Project, slugs: list[str] | None = None, check: bool = False,
           languages: list[str] | None = None, options: MergeOptions = MergeOptions()
           ) -> UpdateReport:
    """Bring templates and catalogs up to date with source/.

    Everything is read and merged before anything is written, so bad input anywhere
    leaves every file untouched. A catalog a translator saves while this runs is merged
    again as saved (fsutil.save_merged): their save is never overwritten. With `check`,
    nothing is written and the report lists the files that are out of date. With
    `languages`, only their catalogs (and the templates) are brought up to date;
    `options` are msgmerge's --no-fuzzy-matching and --no-obsolete.
    """
    project.check_languages(languages)
    plans: dict[Path, Planned] = {}
    problems: list[PamphletError] = []
    for slug in select_slugs(project, slugs):
        try:
            plans.update(planned_catalogs(project, slug, languages, options))
        except PamphletErrors as errors:
            problems += errors.errors
        except PamphletError as error:  # reported with every other one, after the loop
            problems.append(error)
    if problems:
        raise problems[0] if len(problems) == 1 else PamphletErrors(problems)
    report = UpdateReport()
    for path, plan in plans.items():
        # content, not layout: a file an editor or msgcat laid out otherwise is left alone
        if plan.based_on is not None and same_data(plan.based_on, plan.text, path):
            if not check:
                remove_stale_temporaries(path)  # what a killed run left beside it
            report.unchanged.append(path)
            continue
        if check:
            report.written.append(path)
            continue

        def remerge(current: bytes | None, plan: Planned = plan, path: Path = path) -> bytes:
            if plan.language is None:
                return plan.text.encode("utf-8")
            text = plan.text if current == plan.based_on else _merged(
                project, path, current, plan.template, plan.language, options)
            # the header fields a translator's tool wrote stay on its lines (no churn)
            return layout_like(text, current).encode("utf-8")

        if save_merged(path, plan.based_on, remerge):
            report.written.append(path)
            log.info("wrote %s", project.relative(path))
        else:
            report.unchanged.append(path)
    return report
