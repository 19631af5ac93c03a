"""Stage editions -> build/: which PDFs to make, the print gate, rendering them (in worker
processes), and every failure reported without stopping the other PDFs."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from workflow import __version__, codehash
from workflow.builders.base import Builder, Job, Rendered, Selection
from workflow.config import Project
from workflow.corpus import Corpus
from workflow.errors import PamphletError, PamphletErrors, SystemRefusal
from workflow.fileindex import FileIndex
from workflow.fsutil import (
    atomic_write_bytes,
    check_writable,
    refuse_links,
    write_bytes_if_changed,
)
from workflow.gate import FinalRefused, final_gate
from workflow.pages import PAGE_SIZES
from workflow.store import Store, strings
from workflow.workers import WorkerPool, run_jobs

if TYPE_CHECKING:
    from collections.abc import Callable


# Rendering needs WeasyPrint, pikepdf, fontTools, jinja2 and the edition stage: they are
# imported where they are used, so a build with nothing to render starts in a fraction
# of the time (`pamphlet build` on an unchanged project).

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())



@dataclass(frozen=True)
class Failure:
    """A PDF that could not be made (or, with `path` None, a statement that could not be
    read), with the error as the user reads it: `where:line: what`."""

    slug: str
    path: Path | None
    reason: str


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)  # in plan order
    booklets: list[Path] = field(default_factory=list)  # --print: imposed for saddle stitch
    held_back: dict[Path, str] = field(default_factory=dict)  # --keep: PDF -> why not built
    removed: list[Path] = field(default_factory=list)  # earlier files of held-back PDFs
    bundles: list[Path] = field(default_factory=list)  # --print: build/print/<slug>/
    # --final: (slug, language) -> why that edition is not printed (held back or skipped)
    held_editions: dict[tuple[str, str], str] = field(default_factory=dict)
    nothing_because: str = ""  # why a build had nothing to make, when it had nothing
    dashboard_refused: str = ""  # why build/index.html was not written (a link out), if not


def build_date() -> str:
    """The date printed in colophons: SOURCE_DATE_EPOCH if set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.date().isoformat()


def describe_error(project: Project, error: PamphletError) -> str:
    """An error as one line located relative to the project root (not to wherever the
    command runs: the dashboard and the build state keep it); several problems of one
    file (PamphletErrors) are joined."""
    if isinstance(error, PamphletErrors):
        return "; ".join(describe_error(project, each) for each in error.errors)
    if error.path is None:
        return error.message
    location = project.relative(error.path).as_posix()
    if error.line is not None:
        location += f":{error.line}"
    return f"{location}: {error.message}"


@cache
def _package_fingerprint() -> str:
    """Templates, stylesheet, language profiles and version: a change to any rebuilds
    everything."""
    digest = hashlib.sha256(__version__.encode())
    for part in ("templates", "styles", "languages"):
        for item in sorted(files("workflow").joinpath(part).iterdir(), key=lambda i: i.name):
            if item.is_file():
                digest.update(item.name.encode() + b"\0" + item.read_bytes())
    return digest.hexdigest()


_code: list[str] = []


def code_fingerprint(index: FileIndex) -> str:
    """The package's own code: a change to the edition stage or the HTML rebuilds
    everything, as an upgrade of pamphlet does. Taken once per process (the code that
    runs is the code that was imported), through `index`: only changed files are read."""
    if not _code:
        _code.append(codehash.code_fingerprint(None, index.digest))
    return _code[0]


def job_fingerprint(corpus: Corpus, builder: Builder, selection: Selection, job: Job) -> str:
    """A hash of everything the job's files depend on: if it is unchanged, so are they.
    Its statement, the catalogs of its languages, the code, templates and styles, the
    date and --final for every builder; the builder's own extra inputs."""
    project, index = corpus.project, corpus.index
    digest = hashlib.sha256()
    inputs = [project.source_path(job.slug)]
    inputs += [project.po_path(job.slug, lang) for lang in job.languages]
    for path in inputs:
        digest.update(str(project.relative(path)).encode() + b"\0")
        digest.update(corpus.digest(path).encode())
    settings = [builder.name, str(selection.final), selection.date, _package_fingerprint(),
                code_fingerprint(index), builder.fingerprint(corpus, selection, job)]
    digest.update("\0".join(settings).encode())
    return digest.hexdigest()


class BuildState:
    """The build's tables of build/'s store: the input fingerprint of every output as last
    written, the failures of the last builds (by output, or statement), and the
    dashboard's fingerprint."""

    def __init__(self, store: Store):
        self.store = store
        self.outputs: dict[str, str] = store.table("outputs", strings)
        self.failed: dict[str, str] = store.table("failed", strings)
        self._dashboard: dict[str, str] = store.table("dashboard", strings)

    @property
    def dashboard(self) -> str:
        return self._dashboard.get("fingerprint", "")

    @dashboard.setter
    def dashboard(self, fingerprint: str) -> None:
        self._dashboard["fingerprint"] = fingerprint

    def save(self) -> None:
        self.store.save()


def _remove_held_back(corpus: Corpus, report: BuildReport, state: BuildState,
                      held: dict[str, set[str]], rebuilt: dict[str, set[str]],
                      chosen: list[Builder], selection: Selection) -> None:
    """Delete what an earlier build of the chosen builders made of the held-back editions:
    left in build/, a draft or an outdated edition would pass for this one. A run touches
    the files of its own builders only: the print run (--print) never removes a screen
    PDF, nor a screen build a print file, and of the run's `selection` only: a single-layout
    run never removes a parallel edition it did not select. `held`: slug -> languages held
    back; `rebuilt`: builder -> statements it writes in this run."""
    project = corpus.project
    for slug, languages in held.items():
        for builder in chosen:
            name = builder.name
            for stale in builder.stale(corpus, selection, slug, languages,
                                       slug in rebuilt.get(name, ())):
                refuse_links(project.root, stale)
                key = project.relative(stale).as_posix()
                state.outputs.pop(key, None)
                state.failed.pop(key, None)
                if stale.is_file() and not stale.is_symlink():
                    check_writable(stale, project.root)
                    stale.unlink()
                    report.removed.append(stale)
                    folder = stale.parent  # a bundle folder left empty goes too
                    if folder != project.build and folder.is_dir() and not any(folder.iterdir()):
                        folder.rmdir()
    state.save()


# Executing: one job per output, in this process or in worker processes -----------------


def _lost(item: tuple[Project, Job]) -> Rendered:
    """A job whose worker process died each time it ran (killed, out of memory)."""
    project, job = item
    return Rendered(error=describe_error(project, SystemRefusal(
        "the process making it ended abruptly each time (killed, or out of memory): the "
        "others were made; build again", job.path)))


def render_job(item: tuple[Project, Job]) -> Rendered:
    """Make one job's files (in a worker process, or in this one), with its builder."""
    from workflow import builders

    project, job = item
    try:
        return Rendered(builders.get(job.builder).render(project, job))
    except PamphletError as error:
        return Rendered(error=describe_error(project, error))
    except OSError as error:  # an input the system will not let us read
        refusal = SystemRefusal(error.strerror or str(error), error.filename)
        return Rendered(error=describe_error(project, refusal))


# Imported once by the fork server, before it forks the workers: WeasyPrint's import is
# most of a worker's start, and then it is shared (copy-on-write) instead of repeated.
WORKER_PRELOAD = ("workflow.build", "workflow.builders.pdf", "workflow.render.typeset",
                  "weasyprint")


def setup_worker(names: tuple[str, ...] | None = None) -> None:
    """What every rendering process makes once: the stylesheet and WeasyPrint's fonts
    (with `names`, what those builders make once)."""
    if names is None:
        from workflow.render.typeset import setup

        setup()
        return
    from workflow import builders

    for name in names:
        builders.get(name).setup_worker()


def _cost(item: tuple[Project, Job]) -> int:
    return item[1].cost


def build(project: Project, slugs: list[str] | None = None, languages: list[str] | None = None,
          layouts: list[str] | None = None, final: bool = False, page_size: str | None = None,
          progress: Callable[[Job, Failure | None, int, int], None] | None = None,
          force: bool = False, for_print: bool = False, keep: int | None = None,
          jobs: int = 1, pool: WorkerPool | None = None, to: list[str] | None = None,
          skip_unready: bool = False) -> BuildReport:
    """Make the outputs of the selected statements with the chosen builders (`to`: their
    names; none: those of the project's `outputs` setting; `for_print`: the print files, as
    `to=["print"]`): screen PDFs in build/<slug>/, print files in build/print/<slug>/, ...

    An output whose inputs (statement, catalogs, templates, fonts, settings) are unchanged
    since it was written is skipped, unless `force`. `keep` (with `final`, a percentage)
    makes partial editions: see final_gate(). `skip_unready` (with `final`): an edition
    not ready for print (a statement in one language) is held back with the reason
    instead of refusing the build, and the others are built. Under either, a multilingual
    edition is made of its ready languages (Builder.narrow).

    An output that cannot be made (a character no font has, a broken catalog) does not stop
    the others: it is in the report's `failures`, the dashboard shows it, and whatever
    an earlier build made of it is left as it was. `jobs` worker processes render (or
    those of `pool`); the files are the same bytes whatever their number. `progress` is
    called as each job is done: (job, its failure or None, done, to do).
    """
    from workflow import builders

    page_size = page_size or project.page_size
    if page_size not in PAGE_SIZES:
        raise PamphletError(f"unknown page size {page_size!r} (use {', '.join(PAGE_SIZES)})")
    project.check_languages(languages)
    if keep is not None and not (final and 0 <= keep <= 100):
        raise PamphletError("--keep needs --final and a percentage from 0 to 100")
    if skip_unready and not final:
        raise PamphletError("--skip-unready needs --final")
    if for_print or to:
        chosen = builders.chosen(["print", *(to or ())] if for_print else list(to or ()))
    else:  # a plain build: the project's `outputs`
        chosen = builders.chosen(list(project.outputs), (
            project.root / "pyproject.toml", project.setting_lines.get("outputs")))
    selection = Selection(slugs, languages, layouts, final, keep, page_size, build_date())
    corpus = Corpus(project)
    for builder in chosen:  # bad settings (an unreadable ICC profile) refuse the build
        getattr(builder, "printing", lambda *args: None)(corpus, selection)
    planned, failures = plan(corpus, chosen, selection)
    report = BuildReport()
    if not planned and not failures:
        report.nothing_because = nothing_planned(languages, layouts)
    by_name = {builder.name: builder for builder in chosen}
    held: dict[str, set[str]] = {}
    if final:  # refuse before writing anything, with every blocker in one report
        blockers, held_editions = final_gate(corpus, planned, keep)
        if blockers and not skip_unready:
            raise FinalRefused(blockers)
        for blocker in blockers:  # --skip-unready: not printed, and said why
            edition = (blocker.slug, blocker.language)
            held_editions[edition] = "; ".join(filter(None, [held_editions.get(edition),
                                                             str(blocker)]))
        report.held_editions = held_editions
        narrowed = []
        for job in planned:
            reasons = [held_editions[(job.slug, lang)] for lang in job.languages
                       if (job.slug, lang) in held_editions]
            if reasons:
                report.held_back[job.path] = "; ".join(reasons)
                ready = tuple(lang for lang in job.languages
                              if (job.slug, lang) not in held_editions)
                smaller = by_name[job.builder].narrow(corpus, job, ready)
                narrowed += [smaller] if smaller is not None else []
        planned += narrowed
        for slug, lang in held_editions:
            held.setdefault(slug, set()).add(lang)
        if held and len(report.held_back) == len(planned) and not report.nothing_because:
            report.nothing_because = (f"every output asked for was held back:"
                                      f" {len(held_editions)} edition(s) not ready for print")
    for job in planned:  # before anything is written: no link leads out of the project
        for path in (job.path, *job.also):
            refuse_links(project.root, path)
    state = BuildState(corpus.store)
    for failure in failures:
        state.failed[project.relative(project.source_path(failure.slug)).as_posix()] = (
            failure.reason)
    for slug in dict.fromkeys(job.slug for job in planned):  # readable again
        state.failed.pop(project.relative(project.source_path(slug)).as_posix(), None)
    todo_jobs = [job for job in planned if job.path not in report.held_back]
    if held:
        rebuilt: dict[str, set[str]] = {}
        for job in todo_jobs:
            rebuilt.setdefault(job.builder, set()).add(job.slug)
        _remove_held_back(corpus, report, state, held, rebuilt, chosen, selection)
    todo: list[tuple[Project, Job]] = []
    fingerprints: dict[Path, str] = {}
    for job in todo_jobs:
        key = project.relative(job.path).as_posix()
        builder = by_name[job.builder]
        fingerprint = fingerprints[job.path] = job_fingerprint(corpus, builder, selection, job)
        if (not force and state.outputs.get(key) == fingerprint
                and all(path.exists() for path in (job.path, *job.also))):
            report.skipped.append(job.path)
            state.failed.pop(key, None)
            continue
        try:  # what rendering needs, from the corpus: a statement read once for all
            todo.append((project, builder.load(corpus, selection, job)))
        except PamphletError as error:
            failure = Failure(job.slug, job.path, describe_error(project, error))
            failures.append(failure)
            state.failed[key] = failure.reason
    names = tuple(dict.fromkeys(job.builder for _, job in todo))
    try:
        results = run_jobs(render_job, todo, jobs, _cost, partial(setup_worker, names), pool,
                           preload=tuple(dict.fromkeys(
                               m for name in names for m in by_name[name].preload)),
                           lost=_lost)
        for done, ((_, job), rendered) in enumerate(results, 1):
            key = project.relative(job.path).as_posix()
            failed: Failure | None = None
            if rendered.error is not None:
                failed = Failure(job.slug, job.path, rendered.error)
                failures.append(failed)
                state.failed[key] = failed.reason
                log.info("failed %s: %s", key, failed.reason)
            else:
                for path in (*job.also, job.path):  # the main file last: it marks the job done
                    if path in rendered.files:
                        atomic_write_bytes(path, rendered.files[path])
                        if path != job.path:
                            report.booklets.append(path)
                log.info("wrote %s", key)
                report.written.append(job.path)
                state.outputs[key] = fingerprints[job.path]
                state.failed.pop(key, None)
            # Saved after every job: an interrupted build redoes only what it had not finished.
            state.save()
            if progress:
                progress(job, failed, done, len(todo))
    finally:
        corpus.save()
    order = {job.path: number for number, job in enumerate(planned)}
    also = {path: job.path for job in planned for path in job.also}
    report.written.sort(key=order.__getitem__)
    report.booklets.sort(key=lambda path: order[also[path]])
    report.failures = sorted(failures, key=lambda f: (f.path is not None,
                                                      order.get(f.path or Path(), -1), f.slug))
    for builder in chosen:
        mine = [job for job in planned if job.builder == builder.name]
        for path, data in builder.finish(corpus, selection, mine, report).items():
            refuse_links(project.root, path)
            if write_bytes_if_changed(path, data):
                report.written.append(path)
    _write_dashboard(corpus, state, selection.date, report)
    corpus.save()
    return report


def nothing_planned(languages: list[str] | None, layouts: list[str] | None) -> str:
    """Why the selection names no output at all."""
    if layouts == ["multilingual"] and languages and len(languages) < 2:
        return "a multilingual edition needs two languages or more (--lang en,es)"
    if layouts == ["parallel"]:
        return ("a side-by-side edition pairs the statement's language with another:"
                " --lang names none but the statement's own")
    return "no output matches --lang and --layout for the statements selected"


def plan(corpus: Corpus, chosen: list[Builder], selection: Selection
         ) -> tuple[list[Job], list[Failure]]:
    """The jobs of the chosen builders for the selected statements, statement by statement,
    and the statements that could not be read (the others are planned all the same)."""
    jobs: list[Job] = []
    failures: list[Failure] = []
    for slug in corpus.slugs(selection.slugs):
        try:
            mine = [job for builder in chosen for job in builder.plan(corpus, selection, slug)]
        except PamphletError as error:
            failures.append(Failure(slug, None, describe_error(corpus.project, error)))
            continue
        jobs += mine
    return jobs, failures


def _write_dashboard(corpus: Corpus, state: BuildState, date: str, report: BuildReport
                     ) -> None:
    """build/index.html, unless nothing it shows has changed since it was written; a page
    that is a link is never written through, and the report says so."""
    from workflow.dashboard import dashboard_fingerprint

    project, index = corpus.project, corpus.index
    page = project.build / "index.html"
    try:  # before the fingerprint: page.exists() follows a link, and would pass for it
        check_writable(page, project.root)
    except PamphletError as error:
        report.dashboard_refused = describe_error(project, error)
        return
    fingerprint = dashboard_fingerprint(corpus, state.failed, date,
                                        code_fingerprint(index) + _package_fingerprint())
    if state.dashboard == fingerprint and page.exists():
        return
    from workflow.dashboard import write_dashboard

    write_dashboard(project, date, state.failed, corpus)
    state.dashboard = fingerprint
    state.save()


def group_failures(failures: list[Failure]) -> list[tuple[str, str, list[Path]]]:
    """(statement, reason, the PDFs it stopped) for each distinct reason, statements in
    order: one glyph missing from a catalog stops three PDFs, and is one line to fix."""
    groups: dict[tuple[str, str], list[Path]] = {}
    for failure in failures:
        paths = groups.setdefault((failure.slug, failure.reason), [])
        if failure.path is not None:
            paths.append(failure.path)
    return [(slug, reason, paths) for (slug, reason), paths in groups.items()]
