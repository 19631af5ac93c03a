"""Stage editions -> build/: which PDFs to make, the print gate, rendering them (in worker
processes), and every failure reported without stopping the other PDFs."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, partial
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from workflow import __version__
from workflow.builders.base import Builder, Job, Rendered, Selection
from workflow.config import Project
from workflow.corpus import Corpus
from workflow.errors import PamphletError, PamphletErrors, SystemRefusal
from workflow.fileindex import FileIndex
from workflow.fsutil import (
    atomic_write_bytes,
    refuse_links,
    write_bytes_if_changed,
    write_if_changed,
)
from workflow.workers import WorkerPool, run_jobs

if TYPE_CHECKING:
    from collections.abc import Callable

    from workflow.builders.pdf import PdfWork
    from workflow.edition import Edition, Piece
    from workflow.pdf.printing import PrintSettings

# Rendering needs WeasyPrint, pikepdf, fontTools, jinja2 and the edition stage: they are
# imported where they are used, so a build with nothing to render starts in a fraction
# of the time (`pamphlet build` on an unchanged project).

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

PAGE_SIZES = {"A5": "A5", "A4": "A4", "letter": "letter"}
# Rows of the --final refusal shown by the command line: the rest is for `pamphlet status`.
REFUSAL_ROWS = 12


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


# The print gate ---------------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    """Why one edition (a statement in one language) may not go to print."""

    slug: str
    language: str
    reviewed: int
    total: int
    problem: str  # "2 machine, 1 fuzzy", "3 check error(s)", ...
    lines: tuple[str, ...]  # the first catalog lines to look at
    catalog: str

    def __str__(self) -> str:
        return (f"{self.slug} [{self.language}]: {self.problem}"
                f" (first at {', '.join(self.lines) or self.catalog})")


class FinalRefused(PamphletError):
    """`build --final` refused: every edition that is not ready, as Blockers."""

    def __init__(self, blockers: list[Blocker]):
        self.blockers = blockers
        shown = "; ".join(str(b) for b in blockers[:3])
        more = f"; and {len(blockers) - 3} more" if len(blockers) > 3 else ""
        super().__init__(f"--final refused: {shown}{more}")


def gate_blockers(editions: list[Edition], keep: int | None = None, limit: int = 3
                  ) -> list[Blocker]:
    """Why these editions may not go to print: unreviewed segments (beyond `keep` percent
    reviewed, for a partial edition), where they are."""
    blockers = []
    for edition in editions:
        if edition.reaches(keep):
            continue
        states = ", ".join(f"{n} {state}" for state, n in edition.counts.items()
                           if n and state != "reviewed")
        lines = [f"{edition.catalog_path}:{line}"
                 for line in dict.fromkeys(edition.unreviewed_lines)][:limit]
        short = ""
        if keep is not None:
            short = (f"{edition.reviewed_percent} % reviewed, under --keep {keep}: "
                     if edition.counts["reviewed"] else "nothing reviewed: ")
        blockers.append(Blocker(edition.statement.slug, edition.language,
                                edition.counts["reviewed"], sum(edition.counts.values()),
                                short + states, tuple(lines), edition.catalog_path or ""))
    return blockers


def gate_problems(editions: list[Edition], keep: int | None = None, limit: int = 3
                  ) -> list[str]:
    """gate_blockers(), each as one line."""
    return [str(blocker) for blocker in gate_blockers(editions, keep, limit)]


def final_gate(corpus: Corpus, jobs: list[Job], keep: int | None
               ) -> tuple[list[Blocker], dict[tuple[str, str], str]]:
    """(what refuses the whole --final build, editions held back below `keep`), over the
    editions the jobs show, whatever their builders.

    Check errors in printed text always refuse. Without `keep` every unreviewed segment
    refuses; with it, an edition under the threshold is held back (po4a's --keep) and one
    above it prints its unreviewed segments in the source language, so the check errors of
    those entries do not matter.
    """
    from workflow.qa import check_catalog
    from workflow.qa.msgfmt import msgfmt_errors

    project = corpus.project
    blockers: list[Blocker] = []
    held: dict[tuple[str, str], str] = {}
    for slug in dict.fromkeys(job.slug for job in jobs):
        langs = sorted({lang for job in jobs if job.slug == slug for lang in job.languages})
        editions = {e.language: e for e in corpus.editions(slug, langs, draft=False)}
        for edition in editions.values():
            for blocker in gate_blockers([edition], keep):
                if keep is None:
                    blockers.append(blocker)
                else:
                    held[(slug, edition.language)] = str(blocker)
        for lang in langs:
            if (slug, lang) in held:  # none of its text is printed
                continue
            errors = [f for f in check_catalog(project, slug, lang, corpus=corpus)
                      if f.severity == "error" and (keep is None or f.state == "reviewed")]
            if errors:
                edition = editions[lang]
                blockers.append(Blocker(
                    slug, lang, edition.counts["reviewed"], sum(edition.counts.values()),
                    f"{len(errors)} check error(s)",
                    tuple(f"{f.path}:{f.line} [{f.check}]" for f in errors[:3]),
                    edition.catalog_path or ""))
            # what GNU gettext would refuse to compile does not go to print either
            path = project.po_path(slug, lang)
            refused = msgfmt_errors(path) if path.exists() else []
            if refused:
                edition = editions[lang]
                blockers.append(Blocker(
                    slug, lang, edition.counts["reviewed"], sum(edition.counts.values()),
                    f"msgfmt -c refuses the catalog: {refused[0][1]}",
                    tuple(f"{project.relative(path)}:{line}" for line, _ in refused[:3]),
                    edition.catalog_path or ""))
    return blockers, held


# Rendering ----------------------------------------------------------------------------


def edition_texts(project: Project, edition: Edition) -> dict[str, dict[str, str]]:
    """What an edition prints, by the language it is printed in (segments left in the
    source language count as that language), each text labelled with where to fix it: its
    catalog line, or for source text the statement's line."""
    statement = project.relative(edition.statement.path).as_posix()
    texts: dict[str, dict[str, str]] = {}

    def add(pieces: list[Piece], source_label: str) -> None:
        for piece in pieces:
            label = f"{edition.catalog_path}:{piece.line}" if piece.line else source_label
            labelled = texts.setdefault(piece.language, {})
            labelled[label] = f"{labelled.get(label, '')} {piece.text}".strip()

    add([edition.title], f"{statement} (title)")
    add([edition.author], f"{statement} (author)")
    for unit in edition.units:
        add([p for row in unit.rows for p in row], f"{statement}:{unit.line}")
    return texts


def check_markup(project: Project, edition: Edition) -> None:
    """Refuse, with its catalog or statement line, a segment whose inline markup would
    crash or stall the typesetter (html.inline_problem)."""
    from workflow.render.html import inline_problem

    statement = project.relative(edition.statement.path)
    pieces = [(edition.title, None), (edition.author, None)]
    pieces += [(p, unit.line) for unit in edition.units for row in unit.rows for p in row]
    for piece, source_line in pieces:
        problem = inline_problem(piece.text)
        if problem is None:
            continue
        if piece.line and edition.catalog_path:
            raise PamphletError(problem, edition.catalog_path, piece.line)
        raise PamphletError(problem, statement, source_line)


@cache
def import_weasyprint() -> None:
    """Import WeasyPrint without its library search spawning compilers.

    WeasyPrint asks cffi for each C library under several names, the first ones for other
    systems; cffi looks a name it cannot load up with ctypes.util.find_library, which runs
    ldconfig, gcc and ld (215 processes, 0.3-0.4 s per build). On Linux the names that
    follow (libpango-1.0.so.0, ...) load directly, so the lookup is skipped; if WeasyPrint
    then fails to load, it is imported again the ordinary way.
    """
    import ctypes.util

    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        return
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except OSError:
        for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = real
    import weasyprint  # noqa: F401, F811


@cache
def _weasyprint():
    """WeasyPrint's font configuration and our parsed stylesheet, made once per process."""
    import_weasyprint()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from workflow.render import tagging

    tagging.install()  # /Lang on the structure elements of tagged (PDF/UA) files
    font_config = FontConfiguration()
    stylesheet = files("workflow").joinpath("styles", "pamphlet.css").read_text("utf-8")
    css = CSS(string=stylesheet, font_config=font_config, url_fetcher=_fetcher())
    return font_config, css


def _refusing_fetcher():
    """A WeasyPrint URL fetcher that refuses every URL and stops the rendering: pamphlets
    embed nothing from outside (fonts come from fontconfig), so a hostile translation can
    never make the build read a file or the network."""
    import_weasyprint()
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise PamphletError(f"refused to fetch {url!r}: pamphlets load no external files")

        __call__ = fetch

    return RefusingFetcher(fail_on_errors=True)


def __getattr__(name: str):
    # Made on first use, not at import: importing WeasyPrint takes 0.7 s, which a build
    # with nothing to render (and every other command) must not pay.
    if name == "restricted_fetcher":
        globals()[name] = _refusing_fetcher()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _fetcher():
    """restricted_fetcher, through the module so that tests can replace it."""
    return globals().get("restricted_fetcher") or __getattr__("restricted_fetcher")


@cache
def _language_stylesheet(text: str):
    """The generated per-language rules, parsed once per distinct text (a handful: one
    per digits setting, draft or final)."""
    from weasyprint import CSS

    font_config, _ = _weasyprint()
    return CSS(string=text, font_config=font_config, url_fetcher=_fetcher())


@cache
def _size_stylesheet(page_size: str):
    """styles/A4.css or styles/letter.css: type, measure and cover of the larger pages."""
    from weasyprint import CSS

    sheet = files("workflow").joinpath("styles", f"{page_size}.css")
    if not sheet.is_file():
        return None
    font_config, _ = _weasyprint()
    return CSS(string=sheet.read_text("utf-8"), font_config=font_config,
               url_fetcher=_fetcher())


def render_document(html: str, base: Path, printing: PrintSettings | None = None,
                    language_css: str = "", page_size: str = "A5"):
    """WeasyPrint's laid-out Document of the HTML with our stylesheets (pamphlet.css, then
    the rules generated from the language profiles, same origin, so the cascade is
    specificity and order), and the write_pdf() options to go with it."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    font_config, css = _weasyprint()
    stylesheets, options = [css], {}
    if language_css:
        stylesheets.append(_language_stylesheet(language_css))
    if _size_stylesheet(page_size):
        stylesheets.append(_size_stylesheet(page_size))
    if printing:  # bleed, the PDF variant, a CMYK output intent for PDF/X
        from workflow.pdf import printing as prints

        extra, options = prints.render_options(printing)
        stylesheets += extra
    try:
        document = HTML(string=html, base_url=str(base), url_fetcher=_fetcher()).render(
            stylesheets=stylesheets, font_config=font_config, **options)
    except FatalURLFetchingError as error:
        raise PamphletError(f"{error.__cause__ or error}") from None
    return document, options


def write_document(document, options: dict) -> bytes:
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    return buffer.getvalue()


def render_pdf(html: str, base: Path, printing: PrintSettings | None = None,
               language_css: str = "") -> bytes:
    """A PDF of the HTML with our stylesheets (see render_document)."""
    return write_document(*render_document(html, base, printing, language_css))


# The fitting pass: line heights tried, in order, when a layout leaves a runt (a page of
# text with this many lines or fewer) or, for print, one page over a multiple of 4.
LEADINGS = (1.0, 0.965, 1.04, 0.93, 1.08)
RUNT_LINES = 4


def _text_lines(page) -> int | None:
    """Lines of text on a laid-out page, its margin boxes (header, number) left out; None
    for the contents page, whose few lines are its design."""
    from weasyprint.formatting_structure import boxes

    count, todo = 0, [page._page_box]
    while todo:
        box = todo.pop()
        if isinstance(box, boxes.MarginBox):
            continue
        if getattr(box, "element_tag", None) == "nav":
            return None
        if isinstance(box, boxes.LineBox):
            count += any(isinstance(child, (boxes.TextBox, boxes.InlineBox))
                         for child in box.children)
            continue
        todo.extend(getattr(box, "children", ()))
    return count


def layout_faults(document, for_print: bool) -> tuple[int, int]:
    """(sheets a print booklet needs, runt pages): less is better. A runt is a page of
    text, not the cover, the contents or the colophon, with 1 to RUNT_LINES lines."""
    pages = document.pages
    runts = 0
    for page in pages[1:]:
        if (page._page_box.page_type.name or "").endswith("-colophon"):
            continue
        lines = _text_lines(page)
        runts += lines is not None and 0 < lines <= RUNT_LINES
    return (-(-len(pages) // 4) if for_print else 0), runts


def typeset(html: str, base: Path, printing: PrintSettings | None, digits: dict,
            draft: bool, page_size: str = "A5") -> bytes:
    """The PDF of the HTML, laid out for its pages. When the first layout leaves a runt
    page, or, for print, is one page over a multiple of 4 (three blank pages, a sheet more),
    the line height is tried a few percent tighter, then (for a runt still) looser, then
    more so, and the layout with the fewest faults wins, the first of equals."""
    from workflow.render.stylesheet import language_css

    tried = []
    for leading in LEADINGS:
        document, options = render_document(html, base, printing,
                                            language_css(digits, draft, leading), page_size)
        faults = layout_faults(document, printing is not None)
        tried.append((faults, len(tried), document, options))
        one_over = printing is not None and len(document.pages) % 4 == 1
        if faults[1] == 0 and (not one_over or leading != LEADINGS[0]):
            break
    faults, index, document, options = min(tried, key=lambda t: t[:2])
    if index:
        log.info("line height x %g: %s", LEADINGS[index],
                 "no runt page" if not faults[1] else "fewer sheets")
    return write_document(document, options)


STATE_FILE = ".pamphlet-build.json"


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


def fonts_fingerprint(languages: tuple[str, ...]) -> str:
    """Font files by path, size and mtime: a font upgrade rebuilds its languages."""
    from workflow import languages as language_profiles
    from workflow.render.fonts import family_files

    families = sorted({f for lang in languages for f in language_profiles.get(lang).all_fonts()})
    parts = []
    for family in families:
        for path in family_files(family):
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


_code: list[str] = []


def code_fingerprint(index: FileIndex) -> str:
    """The package's own code: a change to the edition stage or the HTML rebuilds
    everything, as an upgrade of pamphlet does. Taken once per process (the code that
    runs is the code that was imported), through `index`: only changed files are read."""
    if not _code:
        root = Path(__file__).parent
        digest = hashlib.sha256()
        for path in sorted(root.rglob("*.py")):
            digest.update(f"{path.relative_to(root)}\0{index.digest(path)}\0".encode())
        _code.append(digest.hexdigest())
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
    """build/.pamphlet-build.json: the input fingerprint of every PDF as last written, the
    failures of the last builds (by PDF, or statement), and the dashboard's fingerprint."""

    def __init__(self, project: Project):
        self.path = project.build / STATE_FILE
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}  # no state, or a damaged one: everything is simply rebuilt
        if not isinstance(data, dict):
            data = {}
        if "outputs" not in data:  # written by an earlier version: PDF -> fingerprint
            data = {"outputs": {k: v for k, v in data.items() if isinstance(v, str)}}
        self.outputs: dict[str, str] = dict(data.get("outputs") or {})
        self.failed: dict[str, str] = dict(data.get("failed") or {})
        self.dashboard: str = str(data.get("dashboard") or "")

    def save(self) -> None:
        data = {"outputs": self.outputs, "failed": self.failed, "dashboard": self.dashboard}
        write_if_changed(self.path, json.dumps(data, indent=1, sort_keys=True))


def _remove_held_back(corpus: Corpus, report: BuildReport, state: BuildState,
                      held: dict[str, set[str]], rebuilt: dict[str, set[str]]) -> None:
    """Delete what an earlier build made of the held-back editions, for every builder
    (chosen or not): left in build/, a draft or an outdated edition would pass for this
    one. `held`: slug -> languages held back; `rebuilt`: builder -> statements it writes
    in this run."""
    from workflow import builders

    project = corpus.project
    for slug, languages in held.items():
        for name in builders.names():
            builder = builders.get(name)
            for stale in builder.stale(corpus, slug, languages, slug in rebuilt.get(name, ())):
                refuse_links(project.root, stale)
                key = project.relative(stale).as_posix()
                state.outputs.pop(key, None)
                state.failed.pop(key, None)
                if stale.is_file() and not stale.is_symlink():
                    stale.unlink()
                    report.removed.append(stale)
                    folder = stale.parent  # a bundle folder left empty goes too
                    if folder != project.build and folder.is_dir() and not any(folder.iterdir()):
                        folder.rmdir()
    state.save()


def build_output(project: Project, work: PdfWork) -> bytes:
    """One PDF's bytes; with `work.printing`, finished for print and preflighted."""
    from workflow.pdf import printing as prints
    from workflow.pdf.post import finish_screen
    from workflow.render.fonts import check_coverage
    from workflow.render.html import render_html

    output, editions, printing = work.output, list(work.editions), work.printing
    if work.final:  # final editions print only reviewed text: this refuses what is under `keep`
        problems = gate_problems(editions, work.keep)
        if problems:
            raise PamphletError("not ready for print: " + "; ".join(problems))
    for edition in editions:
        check_markup(project, edition)
        for language, texts in edition_texts(project, edition).items():
            check_coverage(texts, language,
                           edition.catalog_path or project.relative(edition.statement.path))
    html = render_html(output.layout, editions, work.date, PAGE_SIZES[work.page_size],
                       work.digits)
    pdf = typeset(html, project.root, printing, work.digits, any(e.is_draft for e in editions),
                  work.page_size)
    if not printing:
        return finish_screen(pdf, output.binding)
    pdf = prints.finish(pdf, printing, output.binding)
    prints.check(pdf, prints.expected_pages(printing), project.relative(output.path))
    return pdf


# Executing: one job per output, in this process or in worker processes -----------------


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
WORKER_PRELOAD = ("workflow.build", "weasyprint")


def setup_worker(names: tuple[str, ...] | None = None) -> None:
    """What every rendering process makes once: the stylesheet and WeasyPrint's fonts
    (with `names`, what those builders make once)."""
    if names is None:
        _weasyprint()
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
          jobs: int = 1, pool: WorkerPool | None = None, to: list[str] | None = None
          ) -> BuildReport:
    """Make the outputs of the selected statements with the chosen builders (`to`: their
    names; none: every builder that builds by default; `for_print`: the print files, as
    `to=["print"]`): screen PDFs in build/<slug>/, print files in build/print/<slug>/, ...

    An output whose inputs (statement, catalogs, templates, fonts, settings) are unchanged
    since it was written is skipped, unless `force`. `keep` (with `final`, a percentage)
    makes partial editions: see final_gate().

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
    chosen = builders.chosen(["print", *(to or ())] if for_print else to)
    selection = Selection(slugs, languages, layouts, final, keep, page_size, build_date())
    corpus = Corpus(project)
    for builder in chosen:  # bad settings (an unreadable ICC profile) refuse the build
        getattr(builder, "printing", lambda *args: None)(corpus, selection)
    planned, failures = plan(corpus, chosen, selection)
    report = BuildReport()
    held: dict[str, set[str]] = {}
    if final:  # refuse before writing anything, with every blocker in one report
        blockers, held_editions = final_gate(corpus, planned, keep)
        if blockers:
            raise FinalRefused(blockers)
        for job in planned:
            reasons = [held_editions[(job.slug, lang)] for lang in job.languages
                       if (job.slug, lang) in held_editions]
            if reasons:
                report.held_back[job.path] = "; ".join(reasons)
        for slug, lang in held_editions:
            held.setdefault(slug, set()).add(lang)
    for job in planned:  # before anything is written: no link leads out of the project
        for path in (job.path, *job.also):
            refuse_links(project.root, path)
    state = BuildState(project)
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
        _remove_held_back(corpus, report, state, held, rebuilt)
    by_name = {builder.name: builder for builder in chosen}
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
                               m for name in names for m in by_name[name].preload)))
        for done, ((_, job), rendered) in enumerate(results, 1):
            key = project.relative(job.path).as_posix()
            failure = None
            if rendered.error is not None:
                failure = Failure(job.slug, job.path, rendered.error)
                failures.append(failure)
                state.failed[key] = failure.reason
                log.info("failed %s: %s", key, failure.reason)
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
                progress(job, failure, done, len(todo))
    finally:
        corpus.index.save()
    order = {job.path: number for number, job in enumerate(planned)}
    also = {path: job.path for job in planned for path in job.also}
    report.written.sort(key=order.__getitem__)
    report.booklets.sort(key=lambda path: order[also[path]])
    report.failures = sorted(failures, key=lambda f: (f.path is not None,
                                                      order.get(f.path, -1), f.slug))
    for builder in chosen:
        mine = [job for job in planned if job.builder == builder.name]
        for path, data in builder.finish(corpus, selection, mine, report).items():
            refuse_links(project.root, path)
            if write_bytes_if_changed(path, data):
                report.written.append(path)
    _write_dashboard(corpus, state, selection.date)
    corpus.index.save()
    return report


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


def _write_dashboard(corpus: Corpus, state: BuildState, date: str) -> None:
    """build/index.html, unless nothing it shows has changed since it was written."""
    from workflow.dashboard import dashboard_fingerprint

    project, index = corpus.project, corpus.index
    fingerprint = dashboard_fingerprint(corpus, state.failed, date,
                                        code_fingerprint(index) + _package_fingerprint())
    page = project.build / "index.html"
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
