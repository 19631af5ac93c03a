"""`pamphlet watch`: rebuild the draft PDFs that a saved statement, catalog, glossary or
setting affects, as soon as it is saved (as sphinx-autobuild does for documentation)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workflow.build import WORKER_PRELOAD, BuildReport, Failure, build, setup_worker
from workflow.builders.base import Job
from workflow.config import Project, load_project
from workflow.errors import PamphletError
from workflow.lock import project_lock
from workflow.source import select_slugs
from workflow.workers import WorkerPool

# Editors save in bursts (a backup, the file, a rename): changes are taken together once
# none has come for STEP_MS, and after DEBOUNCE_MS at the latest.
STEP_MS = 100
DEBOUNCE_MS = 1000
WAKE_MS = 500  # how often the watcher looks up from waiting (for a stop, say)
CONFIG = "pyproject.toml"


@dataclass(frozen=True)
class Event:
    """What the watcher tells its user: a PDF rebuilt, one that failed, an error that
    stopped a whole rebuild (bad settings, say), or that it waits for the project lock."""

    kind: str  # "rebuilt", "failed", "up to date", "error", "waiting", "watching"
    text: str
    path: Path | None = None


def is_input(project: Project, path: Path) -> bool:
    """Whether a changed file is one the PDFs or the dashboard are made from: a statement,
    a catalog, the glossary or the settings (not build/, not editors' hidden files)."""
    if path.name.startswith("."):
        return False
    if path == project.root / CONFIG or path == project.glossary_path:
        return True
    if path.suffix == ".md":
        return path.parent == project.sources
    return path.suffix == ".po" and path.parent.parent == project.locale


def rebuild(project: Project, slugs: list[str] | None, languages: list[str] | None,
            jobs: int, pool: WorkerPool | None, tell: Callable[[Event], None]) -> BuildReport:
    """One draft build under the project lock, telling each PDF as it is done."""
    relative = project.relative

    def progress(output: Job, failure: Failure | None, done: int, total: int) -> None:
        if failure is None:
            tell(Event("rebuilt", f"rebuilt {relative(output.path)}", output.path))
        else:
            tell(Event("failed", f"not built {relative(output.path)}: {failure.reason}",
                       output.path))

    def waiting(holder: str) -> None:
        tell(Event("waiting", f"waiting for the project lock, held by {holder}"))

    with project_lock(project.root, "pamphlet watch", on_wait=waiting):
        report = build(project, slugs, languages, progress=progress, jobs=jobs, pool=pool)
    for failure in report.failures:
        if failure.path is None:  # a statement that could not be read: no PDF to name
            tell(Event("failed", f"not built {failure.slug}: {failure.reason}"))
    if not report.written and not report.failures:  # e.g. a change undone, the glossary
        tell(Event("up to date", f"{len(report.skipped)} PDF(s) up to date"))
    return report


def watch(root: Path, slugs: list[str] | None = None, languages: list[str] | None = None,
          jobs: int = 1, tell: Callable[[Event], None] = lambda event: None,
          stop: threading.Event | None = None,
          make: Callable[[Project], object] | None = None) -> None:
    """Build, then rebuild after every burst of saves until `stop` is set (or Ctrl-C).

    Nothing stops the watching but that: a PDF that fails is told and the others are
    built; bad settings or a statement that cannot be read are told, and the next save
    is tried again. The project lock is held only while building, so `update` or
    `translate` can run in between. `make`: what to build instead of the draft PDFs
    (`pamphlet serve` makes the web edition), called under the lock.
    """
    from watchfiles import watch as changes_of

    project = load_project(root)
    project.check_languages(languages)  # a mistyped argument is refused, not watched
    select_slugs(project, slugs)
    current = [project]  # the settings as last read: a saved pyproject.toml may move folders

    def again() -> object:
        if make is not None:
            with project_lock(current[0].root, "pamphlet serve"):
                return make(current[0])
        return rebuild(current[0], slugs, languages, jobs, pool, tell)

    def reread() -> None:
        current[0] = load_project(root)

    pool = (WorkerPool(jobs, setup_worker, WORKER_PRELOAD) if jobs > 1 and make is None
            else None)
    # The watcher starts before the first build, so that a save while it runs is not
    # missed; its first (empty) answer, after WAKE_MS, says it is in place.
    changes = changes_of(project.root, watch_filter=lambda change, path:
                         is_input(current[0], Path(path)), debounce=DEBOUNCE_MS, step=STEP_MS,
                         stop_event=stop, rust_timeout=WAKE_MS, yield_on_timeout=True)
    try:
        saved = next(changes, None)
        _attempt(again, tell)
        tell(Event("watching", f"watching {project.relative(project.sources)}/,"
                               f" {project.relative(project.locale)}/ and {CONFIG}"
                               " (Ctrl-C to stop)"))
        while saved is not None:
            if saved:
                if any(Path(path) == project.root / CONFIG for _, path in saved):
                    _attempt(reread, tell)
                _attempt(again, tell)
            saved = next(changes, None)
    finally:
        changes.close()
        if pool is not None:
            pool.stop()


def _attempt(action: Callable[[], object], tell: Callable[[Event], None]):
    """Run `action`; a PamphletError is told, and the watching goes on."""
    try:
        return action()
    except PamphletError as error:
        tell(Event("error", f"Error: {error}"))
        return None
    except OSError as error:
        tell(Event("error", f"Error: {error.filename or ''}: {error.strerror or error}"))
        return None
