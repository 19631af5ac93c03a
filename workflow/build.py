"""Stage editions -> build/: which PDFs exist, the print gate, and rendering with WeasyPrint."""

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

from workflow import __version__
from workflow import languages as language_profiles
from workflow import printing as prints
from workflow.config import Project
from workflow.dashboard import write_dashboard
from workflow.edition import Edition, Piece, load_editions
from workflow.errors import PamphletError
from workflow.fonts import check_coverage, family_files
from workflow.fsutil import atomic_write_bytes, read_input, refuse_links, write_if_changed
from workflow.html import inline_problem, render_html
from workflow.outputs import FORMATS, PRINT, SCREEN, Output, folder, plan_outputs
from workflow.pdfpost import finish_screen
from workflow.printing import BundleFile, PrintSettings
from workflow.source import read_project_statement
from workflow.stylesheet import language_css
from workflow.update import select_slugs

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

PAGE_SIZES = {"A5": "A5", "A4": "A4", "letter": "letter"}


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    booklets: list[Path] = field(default_factory=list)  # --print: imposed for saddle stitch
    held_back: dict[Path, str] = field(default_factory=dict)  # --keep: PDF -> why not built
    removed: list[Path] = field(default_factory=list)  # earlier files of held-back PDFs
    bundles: list[Path] = field(default_factory=list)  # --print: build/print/<slug>/


def build_date() -> str:
    """The date printed in colophons: SOURCE_DATE_EPOCH if set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.date().isoformat()


def gate_problems(editions: list[Edition], keep: int | None = None, limit: int = 3
                  ) -> list[str]:
    """Why these editions may not go to print: unreviewed segments (beyond `keep` percent
    reviewed, for a partial edition), where they are."""
    problems = []
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
        problems.append(f"{edition.statement.slug} [{edition.language}]: {short}{states}"
                        f" (first at {', '.join(lines) or edition.catalog_path})")
    return problems


def final_gate(project: Project, outputs: list[Output], keep: int | None
               ) -> tuple[list[str], dict[tuple[str, str], str]]:
    """(what refuses the whole --final build, editions held back below `keep`).

    Check errors in printed text always refuse. Without `keep` every unreviewed segment
    refuses; with it, an edition under the threshold is held back (po4a's --keep) and one
    above it prints its unreviewed segments in the source language, so the check errors of
    those entries do not matter.
    """
    from workflow.qa import check_catalog
    from workflow.qa.msgfmt import msgfmt_errors

    blockers: list[str] = []
    held: dict[tuple[str, str], str] = {}
    for slug in dict.fromkeys(o.slug for o in outputs):
        langs = sorted({lang for o in outputs if o.slug == slug for lang in o.languages})
        for edition in load_editions(project, slug, langs, draft=False):
            for problem in gate_problems([edition], keep):
                if keep is None:
                    blockers.append(problem)
                else:
                    held[(slug, edition.language)] = problem
        for lang in langs:
            if (slug, lang) in held:  # none of its text is printed
                continue
            errors = [f for f in check_catalog(project, slug, lang) if f.severity == "error"
                      and (keep is None or f.state == "reviewed")]
            if errors:
                where = ", ".join(f"{f.path}:{f.line} [{f.check}]" for f in errors[:3])
                blockers.append(f"{slug} [{lang}]: {len(errors)} check error(s)"
                                f" (first at {where})")
            # what GNU gettext would refuse to compile does not go to print either
            path = project.po_path(slug, lang)
            refused = msgfmt_errors(path) if path.exists() else []
            if refused:
                where = ", ".join(f"{project.relative(path)}:{line}: {message}"
                                  for line, message in refused[:3])
                blockers.append(f"{slug} [{lang}]: msgfmt -c refuses the catalog ({where})")
    return blockers, held


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


def _fonts_fingerprint(languages: tuple[str, ...]) -> str:
    """Font files by path, size and mtime: a font upgrade rebuilds its languages."""
    families = sorted({f for lang in languages for f in language_profiles.get(lang).all_fonts()})
    parts = []
    for family in families:
        for path in family_files(family):
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def output_fingerprint(project: Project, output: Output, final: bool, page_size: str,
                       printing: PrintSettings | None = None) -> str:
    """A hash of everything the PDF depends on: if it is unchanged, so is the PDF."""
    digest = hashlib.sha256()
    inputs = [project.source_path(output.slug)]
    inputs += [project.po_path(output.slug, lang) for lang in output.languages]
    for path in inputs:
        digest.update(str(project.relative(path)).encode() + b"\0")
        digest.update(read_input(path) if path.exists() else b"<missing>")
    settings = [output.layout, page_size, str(final), build_date(), project.arabic_digits,
                _package_fingerprint(),
                _fonts_fingerprint(output.languages)]
    if printing:
        settings.append(printing.fingerprint())
    digest.update("\0".join(settings).encode())
    return digest.hexdigest()


def _load_state(project: Project) -> dict[str, str]:
    path = project.build / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no state, or a damaged one: everything is simply rebuilt


def _remove_held_back(project: Project, report: BuildReport, state: dict,
                      held: list[Output], bundled: list[Output]) -> None:
    """Delete what an earlier build made of the held-back PDFs, screen and print files
    alike: left in build/, a draft or an outdated edition would pass for this one. A print
    bundle of a statement with a held-back PDF goes too (the files its manifest lists),
    unless this build writes it anew."""
    for output in held:
        for fmt in FORMATS:
            other = replace(output, format=fmt, path=folder(project, output.slug, fmt)
                            / output.path.name)
            refuse_links(project.root, other.path)
            for stale in (other.path, other.booklet):
                if stale is not None and stale.is_file():
                    stale.unlink()
                    report.removed.append(stale)
            state.pop(project.relative(other.path).as_posix(), None)
    for slug in dict.fromkeys(output.slug for output in held):
        bundle = folder(project, slug, PRINT)
        if bundle.is_dir() and not any(o.slug == slug for o in bundled):
            report.removed += prints.remove_bundled(bundle, prints.bundled_files(bundle))
            if not any(bundle.iterdir()):
                bundle.rmdir()
    write_if_changed(project.build / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))


def build_output(project: Project, output: Output, final: bool, page_size: str,
                 printing: PrintSettings | None = None, keep: int | None = None) -> bytes:
    """One PDF's bytes; with `printing`, finished for print and preflighted."""
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
    html = render_html(output.layout, editions, build_date(), PAGE_SIZES[page_size], digits)
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


def build(project: Project, slugs: list[str] | None = None, languages: list[str] | None = None,
          layouts: list[str] | None = None, final: bool = False, page_size: str | None = None,
          progress=None, force: bool = False, for_print: bool = False,
          keep: int | None = None) -> BuildReport:
    """Render the PDFs of the selected statements into build/<slug>/.

    A PDF whose inputs (statement, catalogs, templates, fonts, settings) are unchanged
    since it was written is skipped, unless `force`. `for_print` makes print files instead
    (see workflow/printing.py), in build/print/<slug>/ only, never over the screen files:
    bleed, a PDF variant, pages padded to a multiple of 4, a booklet beside each PDF, each
    preflighted, and the bundle's manifest.json and README.txt.
    `keep` (with `final`, a percentage) makes partial editions: see final_gate().
    """
    page_size = page_size or project.page_size
    if page_size not in PAGE_SIZES:
        raise PamphletError(f"unknown page size {page_size!r} (use {', '.join(PAGE_SIZES)})")
    project.check_languages(languages)
    printing = prints.print_settings(project, page_size) if for_print else None
    outputs = [o for slug in select_slugs(project, slugs)
               for o in plan_outputs(project, slug, languages, layouts,
                                     PRINT if printing else SCREEN)]
    if keep is not None and not (final and 0 <= keep <= 100):
        raise PamphletError("--keep needs --final and a percentage from 0 to 100")
    report = BuildReport()
    if final:  # refuse before writing anything, with every blocker in one report
        blockers, held = final_gate(project, outputs, keep)
        if blockers:
            raise PamphletError("--final refused: " + "; ".join(blockers))
        for output in outputs:
            reasons = [held[(output.slug, lang)] for lang in output.languages
                       if (output.slug, lang) in held]
            if reasons:
                report.held_back[output.path] = "; ".join(reasons)
        held_outputs = [o for o in outputs if o.path in report.held_back]
        outputs = [o for o in outputs if o.path not in report.held_back]
    for output in outputs:  # before anything is written: no link leads out of the project
        refuse_links(project.root, output.path)
    state = _load_state(project)
    if report.held_back:
        _remove_held_back(project, report, state, held_outputs, outputs if printing else [])
    for output in outputs:
        key = project.relative(output.path).as_posix()
        fingerprint = output_fingerprint(project, output, final, page_size, printing)
        booklet = output.booklet
        if (not force and state.get(key) == fingerprint and output.path.exists()
                and (not booklet or booklet.exists())):
            report.skipped.append(output.path)
            continue
        if progress:
            progress(output)
        pdf = build_output(project, output, final, page_size, printing, keep)
        if printing:  # imposed and preflighted before anything of this output is written
            sheets = prints.check(prints.impose(pdf, printing, output.binding),
                                  prints.expected_booklet(printing), project.relative(booklet))
            atomic_write_bytes(booklet, sheets)
            report.booklets.append(booklet)
        atomic_write_bytes(output.path, pdf)
        log.info("wrote %s", key)
        report.written.append(output.path)
        state[key] = fingerprint
        # Saved after every PDF: an interrupted build redoes only what it had not finished.
        write_if_changed(project.build / STATE_FILE, json.dumps(state, indent=1, sort_keys=True))
    if printing:
        report.bundles = _write_bundles(project, outputs, printing, final)
    write_dashboard(project, build_date())
    return report
