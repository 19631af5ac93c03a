"""Stage editions -> build/: which PDFs exist, the print gate, and rendering with WeasyPrint."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
from dataclasses import dataclass, field
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
from workflow.fsutil import atomic_write_bytes, write_if_changed
from workflow.html import render_html
from workflow.printing import PrintSettings
from workflow.source import read_statement
from workflow.update import select_slugs

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

LAYOUTS = ("single", "parallel", "multilingual")
PAGE_SIZES = {"A5": "A5", "A4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class Output:
    """One PDF to make: its file, its layout and the languages on its pages."""

    slug: str
    layout: str
    languages: tuple[str, ...]
    path: Path


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


def plan_outputs(project: Project, slug: str, languages: list[str] | None = None,
                 layouts: list[str] | None = None) -> list[Output]:
    """Every PDF of one statement, in a stable order."""
    source_language = read_statement(project.source_path(slug)).language
    wanted = [lang for lang in [source_language, *project.target_languages(source_language)]
              if not languages or lang in languages]
    layouts = layouts or list(LAYOUTS)
    folder = project.build / slug
    outputs = []
    if "single" in layouts:
        outputs += [Output(slug, "single", (lang,), folder / f"{slug}.{lang}.pdf")
                    for lang in wanted]
    if "parallel" in layouts:
        outputs += [Output(slug, "parallel", (source_language, lang),
                           folder / f"{slug}.{source_language}+{lang}.pdf")
                    for lang in wanted if lang != source_language]
    if "multilingual" in layouts and not languages:
        all_languages = (source_language, *project.target_languages(source_language))
        outputs.append(Output(slug, "multilingual", all_languages,
                              folder / f"{slug}.multilingual.pdf"))
    return outputs


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
    from workflow.checks import check_catalog

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


@cache
def _weasyprint():
    """WeasyPrint's font configuration and our parsed stylesheet, made once per process."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    stylesheet = files("workflow").joinpath("styles", "pamphlet.css").read_text("utf-8")
    css = CSS(string=stylesheet, font_config=font_config, url_fetcher=_fetcher())
    return font_config, css


def _refusing_fetcher():
    """A WeasyPrint URL fetcher that refuses every URL and stops the rendering: pamphlets
    embed nothing from outside (fonts come from fontconfig), so a hostile translation can
    never make the build read a file or the network."""
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


def render_pdf(html: str, base: Path, printing: PrintSettings | None = None) -> bytes:
    from weasyprint import HTML

    font_config, css = _weasyprint()
    stylesheets, options = [css], {}
    if printing:  # bleed, the PDF variant, a CMYK output intent for PDF/X
        extra, options = prints.render_options(printing)
        stylesheets += extra
    from weasyprint.urls import FatalURLFetchingError

    buffer = io.BytesIO()
    try:
        document = HTML(string=html, base_url=str(base), url_fetcher=_fetcher())
        document.write_pdf(buffer, stylesheets=stylesheets, font_config=font_config, **options)
    except FatalURLFetchingError as error:
        raise PamphletError(f"{error.__cause__ or error}") from None
    return buffer.getvalue()


STATE_FILE = ".pamphlet-build.json"


@cache
def _package_fingerprint() -> str:
    """Templates, stylesheet, language profiles and version: a change to any rebuilds
    everything."""
    digest = hashlib.sha256(__version__.encode())
    for folder in ("templates", "styles", "languages"):
        for item in sorted(files("workflow").joinpath(folder).iterdir(), key=lambda i: i.name):
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
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
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
                      bundled: list[Output]) -> None:
    """Delete what an earlier build made of the held-back PDFs: left in build/, a draft or
    an outdated edition would pass for this one. A print bundle of a statement with a
    held-back PDF goes too, unless this build writes it anew."""
    for path in report.held_back:
        for stale in (path, prints.booklet_path(path)):
            if stale.exists():
                stale.unlink()
                report.removed.append(stale)
        state.pop(project.relative(path).as_posix(), None)
    for slug in dict.fromkeys(path.parent.name for path in report.held_back):
        bundle = project.build / "print" / slug
        if bundle.is_dir() and not any(o.slug == slug for o in bundled):
            shutil.rmtree(bundle)
            report.removed.append(bundle)
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
        for language, texts in edition_texts(project, edition).items():
            check_coverage(texts, language,
                           edition.catalog_path or project.relative(edition.statement.path))
    digits = {lang: project.digits(lang) for lang in output.languages}
    html = render_html(output.layout, editions, build_date(), PAGE_SIZES[page_size], digits)
    pdf = render_pdf(html, project.root, printing)
    if printing:
        pdf = prints.finish(pdf, printing, prints.binding(output))
        prints.check(pdf, prints.expected_pages(printing), project.relative(output.path))
    return pdf


def build(project: Project, slugs: list[str] | None = None, languages: list[str] | None = None,
          layouts: list[str] | None = None, final: bool = False, page_size: str | None = None,
          progress=None, force: bool = False, for_print: bool = False,
          keep: int | None = None) -> BuildReport:
    """Render the PDFs of the selected statements into build/<slug>/.

    A PDF whose inputs (statement, catalogs, templates, fonts, settings) are unchanged
    since it was written is skipped, unless `force`. `for_print` makes print files instead
    (see workflow/printing.py): bleed, a PDF variant, pages padded to a multiple of 4, a
    booklet beside each PDF, each preflighted, and a bundle per statement in build/print/.
    `keep` (with `final`, a percentage) makes partial editions: see final_gate().
    """
    page_size = page_size or project.page_size
    if page_size not in PAGE_SIZES:
        raise PamphletError(f"unknown page size {page_size!r} (use {', '.join(PAGE_SIZES)})")
    project.check_languages(languages)
    printing = prints.print_settings(project, page_size) if for_print else None
    outputs = [o for slug in select_slugs(project, slugs)
               for o in plan_outputs(project, slug, languages, layouts)]
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
        outputs = [o for o in outputs if o.path not in report.held_back]
    state = _load_state(project)
    if report.held_back:
        _remove_held_back(project, report, state, outputs if printing else [])
    for output in outputs:
        key = project.relative(output.path).as_posix()
        fingerprint = output_fingerprint(project, output, final, page_size, printing)
        booklet = prints.booklet_path(output.path) if printing else None
        if (not force and state.get(key) == fingerprint and output.path.exists()
                and (not booklet or booklet.exists())):
            report.skipped.append(output.path)
            continue
        if progress:
            progress(output)
        pdf = build_output(project, output, final, page_size, printing, keep)
        if printing:  # imposed and preflighted before anything of this output is written
            sheets = prints.check(prints.impose(pdf, printing, prints.binding(output)),
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
        report.bundles = prints.write_bundle(project, outputs, printing, final, build_date())
    write_dashboard(project, build_date())
    return report
