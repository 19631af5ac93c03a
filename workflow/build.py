"""Stage editions -> build/: which PDFs to make, the print gate, rendering them (in worker
processes), and every failure reported without stopping the other PDFs."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sys
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from workflow import __version__
from workflow.config import Project
from workflow.errors import PamphletError, PamphletErrors, SystemRefusal
from workflow.fileindex import INDEX_FILE, FileIndex
from workflow.fsutil import atomic_write_bytes, refuse_links, write_if_changed
from workflow.outputs import FORMATS, PRINT, SCREEN, Output, folder, plan_outputs
from workflow.source import read_project_statement, read_statement, select_slugs
from workflow.workers import WorkerPool, run_jobs

if TYPE_CHECKING:
    from collections.abc import Callable

    from workflow.edition import Edition, Piece
    from workflow.printing import PrintSettings

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


def plan(project: Project, slugs: list[str] | None, languages: list[str] | None,
         layouts: list[str] | None, format: str = SCREEN, index: FileIndex | None = None
         ) -> tuple[list[Output], list[Failure]]:
    """The PDFs of the selected statements, and the statements that could not be read (the
    others are planned all the same). With `index`, a statement is read for its language
    only when it has changed."""
    outputs: list[Output] = []
    failures: list[Failure] = []
    for slug in select_slugs(project, slugs):
        try:
            language = None
            if index is not None:
                path = project.source_path(slug)
                language = index.fact(path, "language",
                                      lambda path=path: read_statement(path).language)
                if language not in project.languages:  # refused, naming the line
                    read_project_statement(project, slug)
            outputs += plan_outputs(project, slug, languages, layouts, format, language)
        except PamphletError as error:
            failures.append(Failure(slug, None, describe_error(project, error)))
    return outputs, failures


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


def final_gate(project: Project, outputs: list[Output], keep: int | None
               ) -> tuple[list[Blocker], dict[tuple[str, str], str]]:
    """(what refuses the whole --final build, editions held back below `keep`).

    Check errors in printed text always refuse. Without `keep` every unreviewed segment
    refuses; with it, an edition under the threshold is held back (po4a's --keep) and one
    above it prints its unreviewed segments in the source language, so the check errors of
    those entries do not matter.
    """
    from workflow.edition import load_editions
    from workflow.qa import check_catalog
    from workflow.qa.msgfmt import msgfmt_errors

    blockers: list[Blocker] = []
    held: dict[tuple[str, str], str] = {}
    for slug in dict.fromkeys(o.slug for o in outputs):
        langs = sorted({lang for o in outputs if o.slug == slug for lang in o.languages})
        editions = {e.language: e for e in load_editions(project, slug, langs, draft=False)}
        for edition in editions.values():
            for blocker in gate_blockers([edition], keep):
                if keep is None:
                    blockers.append(blocker)
                else:
                    held[(slug, edition.language)] = str(blocker)
        for lang in langs:
            if (slug, lang) in held:  # none of its text is printed
                continue
            errors = [f for f in check_catalog(project, slug, lang) if f.severity == "error"
                      and (keep is None or f.state == "reviewed")]
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
    from workflow.html import inline_problem

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

    from workflow import tagging

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
        from workflow import printing as prints

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
    from workflow.fitting import FRONT_SCALES, front_css, front_spills, hyphen_faults, smaller_scale
    from workflow.html import keep_words_whole
    from workflow.stylesheet import language_css

    scales = {"cover": 1.0, "contents": 1.0}
    whole: set[str] = set()

    def fitted(leading: float):
        """The layout at `leading`, its cover and contents set smaller until each fits
        its page, and words whose hyphen a typesetter would take back kept whole."""
        def render():
            return render_document(keep_words_whole(html, whole), base, printing,
                                   language_css(digits, draft, leading) + front_css(scales),
                                   page_size)

        document, options = render()
        for _ in range(len(FRONT_SCALES) + 3):
            spills = {part: share for part, share in front_spills(document).items()
                      if scales[part] > FRONT_SCALES[-1]}
            for part, share in spills.items():
                scales[part] = smaller_scale(scales[part], share)
            words = hyphen_faults(document) - whole
            whole.update(words)
            if not spills and not words:
                break
            log.info("typeset again: %s", ", ".join(
                [f"{part} at {scales[part]:g}" for part in sorted(spills)]
                + [f"{word} whole" for word in sorted(words)]))
            document, options = render()
        return document, options

    tried = []
    for leading in LEADINGS:
        document, options = fitted(leading)
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


def _fonts_fingerprint(languages: tuple[str, ...]) -> str:
    """Font files by path, size and mtime: a font upgrade rebuilds its languages."""
    from workflow import languages as language_profiles
    from workflow.fonts import family_files

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


def output_fingerprint(project: Project, output: Output, final: bool, page_size: str,
                       printing: PrintSettings | None = None,
                       index: FileIndex | None = None) -> str:
    """A hash of everything the PDF depends on: if it is unchanged, so is the PDF."""
    index = index or FileIndex(project.build / INDEX_FILE)
    digest = hashlib.sha256()
    inputs = [project.source_path(output.slug)]
    inputs += [project.po_path(output.slug, lang) for lang in output.languages]
    for path in inputs:
        digest.update(str(project.relative(path)).encode() + b"\0")
        digest.update(index.digest(path).encode())
    settings = [output.layout, page_size, str(final), build_date(), project.arabic_digits,
                _package_fingerprint(), code_fingerprint(index),
                _fonts_fingerprint(output.languages)]
    if printing:
        settings.append(printing.fingerprint())
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


def _remove_held_back(project: Project, report: BuildReport, state: BuildState,
                      held: list[Output], bundled: list[Output]) -> None:
    """Delete what an earlier build made of the held-back PDFs, screen and print files
    alike: left in build/, a draft or an outdated edition would pass for this one. A print
    bundle of a statement with a held-back PDF goes too (the files its manifest lists),
    unless this build writes it anew."""
    from workflow import printing as prints

    for output in held:
        for fmt in FORMATS:
            other = replace(output, format=fmt, path=folder(project, output.slug, fmt)
                            / output.path.name)
            refuse_links(project.root, other.path)
            for stale in (other.path, other.booklet):
                if stale is not None and stale.is_file():
                    stale.unlink()
                    report.removed.append(stale)
            state.outputs.pop(project.relative(other.path).as_posix(), None)
            state.failed.pop(project.relative(other.path).as_posix(), None)
    for slug in dict.fromkeys(output.slug for output in held):
        bundle = folder(project, slug, PRINT)
        if bundle.is_dir() and not any(o.slug == slug for o in bundled):
            report.removed += prints.remove_bundled(bundle, prints.bundled_files(bundle))
            if not any(bundle.iterdir()):
                bundle.rmdir()
    state.save()


def build_output(project: Project, output: Output, final: bool, page_size: str,
                 printing: PrintSettings | None = None, keep: int | None = None,
                 date: str | None = None) -> bytes:
    """One PDF's bytes; with `printing`, finished for print and preflighted."""
    from workflow import printing as prints
    from workflow.edition import load_editions
    from workflow.fonts import check_coverage
    from workflow.html import render_html
    from workflow.pdfpost import finish_screen

    editions = load_editions(project, output.slug, list(output.languages), draft=not final)
    if final:  # final editions print only reviewed text: this refuses what is under `keep`
        problems = gate_problems(editions, keep)
        if problems:
            raise PamphletError("not ready for print: " + "; ".join(problems))
    for edition in editions:
        check_markup(project, edition)
        for language, texts in edition_texts(project, edition).items():
            check_coverage(texts, language,
                           edition.catalog_path or project.relative(edition.statement.path))
    digits = {lang: project.digits(lang) for lang in output.languages}
    html = render_html(output.layout, editions, date or build_date(), PAGE_SIZES[page_size],
                       digits)
    pdf = typeset(html, project.root, printing, digits, any(e.is_draft for e in editions),
                  page_size)
    if not printing:
        return finish_screen(pdf, output.binding)
    pdf = prints.finish(pdf, printing, output.binding)
    prints.check(pdf, prints.expected_pages(printing), project.relative(output.path))
    return pdf


def _write_bundles(project: Project, outputs: list[Output], printing: PrintSettings,
                   final: bool) -> list[Path]:
    """manifest.json and README.txt beside each statement's print files."""
    from workflow import printing as prints
    from workflow.printing import BundleFile

    folders = []
    for slug in dict.fromkeys(output.slug for output in outputs):
        statement = read_project_statement(project, slug)
        bundle = []
        for output in (o for o in outputs if o.slug == slug):
            for path, kind in ((output.path, "pages"), (output.booklet, "booklet")):
                bundle.append(BundleFile(path.name, kind, path.read_bytes(), output.layout,
                                         output.languages, output.binding))
        info = {"statement": slug, "title": statement.title, "author": statement.author,
                "final": final, "built": build_date()}
        where = folder(project, slug, PRINT)
        prints.write_bundle(where, bundle, printing, info)
        log.info("print bundle: %s", project.relative(where))
        folders.append(where)
    return folders


# Executing: one job per PDF, in this process or in worker processes -------------------


@dataclass(frozen=True)
class RenderJob:
    """Everything a worker process needs to make one PDF (it reads no environment: the
    date comes with the job)."""

    project: Project
    output: Output
    final: bool
    page_size: str
    printing: PrintSettings | None
    keep: int | None
    date: str
    cost: int  # an estimate of its rendering time, for the longest-first order


@dataclass(frozen=True)
class Rendered:
    """A job's result: the PDF (and with --print its booklet), or the error that stopped
    it, as its text (an exception does not pickle with its location)."""

    pdf: bytes = b""
    booklet: bytes | None = None
    error: str | None = None


def render_job(job: RenderJob) -> Rendered:
    """Make one PDF (in a worker process, or in this one)."""
    try:
        pdf = build_output(job.project, job.output, job.final, job.page_size, job.printing,
                           job.keep, job.date)
        booklet = None
        if job.printing:  # imposed and preflighted before anything of this output is written
            from workflow import printing as prints

            path = job.project.relative(job.output.booklet)
            sheets = prints.impose(pdf, job.printing, job.output.binding)
            booklet = prints.check(sheets, prints.expected_booklet(job.printing), path)
        return Rendered(pdf, booklet)
    except PamphletError as error:
        return Rendered(error=describe_error(job.project, error))
    except OSError as error:  # an input the system will not let us read
        refusal = SystemRefusal(error.strerror or str(error), error.filename)
        return Rendered(error=describe_error(job.project, refusal))


# Imported once by the fork server, before it forks the workers: WeasyPrint's import is
# most of a worker's start, and then it is shared (copy-on-write) instead of repeated.
WORKER_PRELOAD = ("workflow.build", "weasyprint")


def setup_worker() -> None:
    """What every rendering process makes once: the stylesheet and WeasyPrint's fonts."""
    _weasyprint()


def _cost(job: RenderJob) -> int:
    return job.cost


def _estimated_cost(project: Project, output: Output) -> int:
    """Pages grow with the text of each language printed: the statement's size times the
    languages, a multilingual edition with a cover and contents the longest."""
    try:
        size = project.source_path(output.slug).stat().st_size
    except OSError:
        size = 0
    return size * len(output.languages) + (size if output.layout == "multilingual" else 0)


def build(project: Project, slugs: list[str] | None = None, languages: list[str] | None = None,
          layouts: list[str] | None = None, final: bool = False, page_size: str | None = None,
          progress: Callable[[Output, Failure | None, int, int], None] | None = None,
          force: bool = False, for_print: bool = False, keep: int | None = None,
          jobs: int = 1, pool: WorkerPool | None = None) -> BuildReport:
    """Render the PDFs of the selected statements into build/<slug>/.

    A PDF whose inputs (statement, catalogs, templates, fonts, settings) are unchanged
    since it was written is skipped, unless `force`. `for_print` makes print files instead
    (see workflow/printing.py), in build/print/<slug>/ only, never over the screen files:
    bleed, a PDF variant, pages padded to a multiple of 4, a booklet beside each PDF, each
    preflighted, and the bundle's manifest.json and README.txt.
    `keep` (with `final`, a percentage) makes partial editions: see final_gate().

    A PDF that cannot be made (a character no font has, a broken catalog) does not stop
    the others: it is in the report's `failures`, the dashboard shows it, and whatever
    an earlier build made of it is left as it was. `jobs` worker processes render (or
    those of `pool`); the PDFs are the same bytes whatever their number. `progress` is
    called as each PDF is done: (output, its failure or None, done, to do).
    """
    page_size = page_size or project.page_size
    if page_size not in PAGE_SIZES:
        raise PamphletError(f"unknown page size {page_size!r} (use {', '.join(PAGE_SIZES)})")
    project.check_languages(languages)
    printing = None
    if for_print:
        from workflow.printing import print_settings

        printing = print_settings(project, page_size)
    index = FileIndex(project.build / INDEX_FILE)
    outputs, failures = plan(project, slugs, languages, layouts,
                             PRINT if printing else SCREEN, index)
    if keep is not None and not (final and 0 <= keep <= 100):
        raise PamphletError("--keep needs --final and a percentage from 0 to 100")
    report = BuildReport()
    if final:  # refuse before writing anything, with every blocker in one report
        blockers, held = final_gate(project, outputs, keep)
        if blockers:
            raise FinalRefused(blockers)
        for output in outputs:
            reasons = [held[(output.slug, lang)] for lang in output.languages
                       if (output.slug, lang) in held]
            if reasons:
                report.held_back[output.path] = "; ".join(reasons)
        held_outputs = [o for o in outputs if o.path in report.held_back]
        outputs = [o for o in outputs if o.path not in report.held_back]
    for output in outputs:  # before anything is written: no link leads out of the project
        refuse_links(project.root, output.path)
    state = BuildState(project)
    for failure in failures:
        state.failed[project.relative(project.source_path(failure.slug)).as_posix()] = (
            failure.reason)
    for slug in dict.fromkeys(o.slug for o in outputs):  # readable again
        state.failed.pop(project.relative(project.source_path(slug)).as_posix(), None)
    if report.held_back:
        _remove_held_back(project, report, state, held_outputs, outputs if printing else [])
    date = build_date()
    todo: list[RenderJob] = []
    fingerprints: dict[Path, str] = {}
    for output in outputs:
        key = project.relative(output.path).as_posix()
        fingerprint = fingerprints[output.path] = output_fingerprint(
            project, output, final, page_size, printing, index)
        if (not force and state.outputs.get(key) == fingerprint and output.path.exists()
                and (not output.booklet or output.booklet.exists())):
            report.skipped.append(output.path)
            state.failed.pop(key, None)
            continue
        todo.append(RenderJob(project, output, final, page_size, printing, keep, date,
                              _estimated_cost(project, output)))
    try:
        results = run_jobs(render_job, todo, jobs, _cost, setup_worker, pool,
                           preload=WORKER_PRELOAD)
        for done, (job, rendered) in enumerate(results, 1):
            output = job.output
            key = project.relative(output.path).as_posix()
            failure = None
            if rendered.error is not None:
                failure = Failure(output.slug, output.path, rendered.error)
                failures.append(failure)
                state.failed[key] = failure.reason
                log.info("failed %s: %s", key, failure.reason)
            else:
                if rendered.booklet is not None:
                    atomic_write_bytes(output.booklet, rendered.booklet)
                    report.booklets.append(output.booklet)
                atomic_write_bytes(output.path, rendered.pdf)
                log.info("wrote %s", key)
                report.written.append(output.path)
                state.outputs[key] = fingerprints[output.path]
                state.failed.pop(key, None)
            # Saved after every PDF: an interrupted build redoes only what it had not finished.
            state.save()
            if progress:
                progress(output, failure, done, len(todo))
    finally:
        index.save()
    order = {output.path: number for number, output in enumerate(outputs)}
    report.written.sort(key=order.__getitem__)
    report.booklets.sort(key=lambda path: order[path.with_name(
        path.name.replace(".booklet.pdf", ".pdf"))])
    report.failures = sorted(failures, key=lambda f: (f.path is not None,
                                                      order.get(f.path, -1), f.slug))
    if printing:  # a statement with a failed PDF keeps its earlier bundle's manifest
        failed = {f.slug for f in report.failures}
        report.bundles = _write_bundles(project, [o for o in outputs if o.slug not in failed],
                                        printing, final)
    _write_dashboard(project, state, index, date)
    index.save()
    return report


def _write_dashboard(project: Project, state: BuildState, index: FileIndex, date: str) -> None:
    """build/index.html, unless nothing it shows has changed since it was written."""
    from workflow.dashboard import dashboard_fingerprint

    fingerprint = dashboard_fingerprint(project, state.failed, date, index,
                                        code_fingerprint(index) + _package_fingerprint())
    page = project.build / "index.html"
    if state.dashboard == fingerprint and page.exists():
        return
    from workflow.dashboard import write_dashboard

    write_dashboard(project, date, state.failed)
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
