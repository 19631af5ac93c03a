"""The screen PDFs builder: build/<slug>/<slug>.<languages>.pdf, one per layout (single,
side by side with the source, all languages), typeset by WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.builders import register
from workflow.builders.base import Builder, Job, Selection
from workflow.errors import PamphletError
from workflow.gate import gate_problems
from workflow.limits import MAX_PDF_CHARS
from workflow.outputs import PRINT, SCREEN, Output, narrowed, plan_outputs

if TYPE_CHECKING:
    from workflow.config import Project
    from workflow.corpus import Corpus
    from workflow.edition import Edition, Piece
    from workflow.pdf.settings import PrintSettings


@dataclass(frozen=True)
class PdfWork:
    """Everything a worker needs to make one PDF (it reads no file of the project and no
    environment: editions, digits and the date come with the job)."""

    output: Output
    editions: tuple[Edition, ...]
    digits: dict[str, str]
    final: bool
    keep: int | None
    page_size: str
    date: str
    printing: PrintSettings | None = None
    web_page: str | None = None  # where its colophon's QR code leads (site_url set)


def web_page(project: Project, output: Output) -> str | None:
    """The web edition's page a PDF's QR code leads to (with `site_url` set): that of its
    language; for a side-by-side PDF the translation's, for one in every language the
    original's (its page links all the others)."""
    if not project.site_url:
        return None
    language = output.languages[1] if output.layout == "parallel" else output.languages[0]
    return f"{project.site_url}{language}/{output.slug}.html"


def estimated_cost(project: Project, output: Output) -> int:
    """Pages grow with the text of each language printed: the statement's size times the
    languages, a multilingual edition with a cover and contents the longest."""
    try:
        size = project.source_path(output.slug).stat().st_size
    except OSError:
        size = 0
    return size * len(output.languages) + (size if output.layout == "multilingual" else 0)


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


def check_size(project: Project, output: Output, editions: list[Edition]) -> None:
    """Refuse a PDF whose text is more than a pamphlet's (limits.MAX_PDF_CHARS)."""
    size = sum(len(text) for edition in editions
               for texts in edition_texts(project, edition).values() for text in texts.values())
    if size > MAX_PDF_CHARS:
        raise PamphletError(f"{output.path.name} would typeset {size:,} characters; a PDF "
                            f"holds at most {MAX_PDF_CHARS:,} (about 150 A5 pages): split "
                            "the statement", editions[0].statement.path)


def check_markup(project: Project, edition: Edition) -> None:
    """Refuse, with its catalog or statement line, a segment whose inline markup would
    crash or stall the typesetter (html.inline_problem)."""
    from workflow.render.html import inline_problem

    statement = project.relative(edition.statement.path)
    pieces: list[tuple[Piece, int | None]] = [(edition.title, None), (edition.author, None)]
    pieces += [(p, unit.line) for unit in edition.units for row in unit.rows for p in row]
    for piece, source_line in pieces:
        problem = inline_problem(piece.text)
        if problem is None:
            continue
        if piece.line and edition.catalog_path:
            raise PamphletError(problem, edition.catalog_path, piece.line)
        raise PamphletError(problem, statement, source_line)


def build_output(project: Project, work: PdfWork) -> bytes:
    """One PDF's bytes; with `work.printing`, finished for print and preflighted."""
    from workflow.pdf.post import finish_screen
    from workflow.pdf.preflight import check, expected_pages
    from workflow.pdf.prepress import finish
    from workflow.render.fonts import check_coverage
    from workflow.render.html import render_html
    from workflow.render.typeset import typeset

    output, editions, printing = work.output, list(work.editions), work.printing
    if work.final:  # final editions print only reviewed text: this refuses what is under `keep`
        problems = gate_problems(editions, work.keep)
        if problems:
            raise PamphletError("not ready for print: " + "; ".join(problems))
    check_size(project, output, editions)
    for edition in editions:
        check_markup(project, edition)
        for language, texts in edition_texts(project, edition).items():
            check_coverage(texts, language,
                           edition.catalog_path or project.relative(edition.statement.path))
    html = render_html(output.layout, editions, work.date, work.page_size,
                       work.digits, work.web_page)
    pdf = typeset(html, project.root, printing, work.digits, any(e.is_draft for e in editions),
                  work.page_size)
    if not printing:
        return finish_screen(pdf, output.binding)
    pdf = finish(pdf, printing, output.binding)
    check(pdf, expected_pages(printing), project.relative(output.path))
    return pdf


class ScreenPdf(Builder):
    """Screen PDFs in build/<slug>/."""

    name = "pdf"
    description = "screen PDFs in build/SLUG/"
    format = SCREEN
    preload = ("workflow.build", "workflow.builders.pdf", "weasyprint")

    def printing(self, corpus: Corpus, selection: Selection) -> PrintSettings | None:
        return None

    def plan(self, corpus: Corpus, selection: Selection, slug: str) -> list[Job]:
        outputs = plan_outputs(corpus.project, slug, selection.languages, selection.layouts,
                               self.format, corpus.language(slug))
        return [self.job(corpus.project, output) for output in outputs]

    def job(self, project: Project, output: Output) -> Job:
        cell = None if output.layout == "multilingual" else output.languages[-1]
        label = output.name if self.format != PRINT else f"print {output.name}"
        also = (output.booklet,) if output.booklet is not None else ()
        return Job(self.name, output.slug, output.languages, output.path, label, cell, also,
                   output, estimated_cost(project, output))

    def narrow(self, corpus: Corpus, job: Job, languages: tuple[str, ...]) -> Job | None:
        """A multilingual edition of the ready languages, named for them, if two or more
        are left; any other PDF is held back whole."""
        output: Output = job.data
        if output.layout != "multilingual" or len(languages) < 2:
            return None
        return self.job(corpus.project, narrowed(output, languages))

    def fingerprint(self, corpus: Corpus, selection: Selection, job: Job) -> str:
        from workflow.render.fonts import fonts_fingerprint

        printing = self.printing(corpus, selection)
        settings = [job.data.layout, selection.page_size, corpus.project.arabic_digits,
                    corpus.project.site_url or "", fonts_fingerprint(job.languages)]
        if printing:
            settings.append(printing.fingerprint())
        return "\0".join(settings)

    def load(self, corpus: Corpus, selection: Selection, job: Job) -> Job:
        output: Output = job.data
        editions = tuple(corpus.editions(job.slug, output.languages, not selection.final))
        digits = {lang: corpus.project.digits(lang) for lang in output.languages}
        return replace(job, data=PdfWork(output, editions, digits, selection.final,
                                         selection.keep, selection.page_size, selection.date,
                                         self.printing(corpus, selection),
                                         web_page(corpus.project, output)))

    def setup_worker(self) -> None:
        from workflow.render.typeset import setup

        setup()

    def render(self, project: Project, job: Job) -> dict[Path, bytes]:
        work: PdfWork = job.data
        return {job.path: build_output(project, work)}


register(ScreenPdf())
