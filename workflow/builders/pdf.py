"""The screen PDFs builder: build/<slug>/<slug>.<languages>.pdf, one per layout (single,
side by side with the source, all languages), typeset by WeasyPrint."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.builders import register
from workflow.builders.base import Builder, Job, Selection
from workflow.outputs import PRINT, SCREEN, Output, plan_outputs

if TYPE_CHECKING:
    from workflow.config import Project
    from workflow.corpus import Corpus
    from workflow.edition import Edition
    from workflow.pdf.printing import PrintSettings


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


def estimated_cost(project: Project, output: Output) -> int:
    """Pages grow with the text of each language printed: the statement's size times the
    languages, a multilingual edition with a cover and contents the longest."""
    try:
        size = project.source_path(output.slug).stat().st_size
    except OSError:
        size = 0
    return size * len(output.languages) + (size if output.layout == "multilingual" else 0)


class ScreenPdf(Builder):
    """Screen PDFs in build/<slug>/."""

    name = "pdf"
    description = "screen PDFs in build/SLUG/"
    format = SCREEN
    preload = ("workflow.build", "weasyprint")

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

    def fingerprint(self, corpus: Corpus, selection: Selection, job: Job) -> str:
        from workflow.build import fonts_fingerprint

        printing = self.printing(corpus, selection)
        settings = [job.data.layout, selection.page_size, corpus.project.arabic_digits,
                    fonts_fingerprint(job.languages)]
        if printing:
            settings.append(printing.fingerprint())
        return "\0".join(settings)

    def load(self, corpus: Corpus, selection: Selection, job: Job) -> Job:
        output: Output = job.data
        editions = tuple(corpus.editions(job.slug, output.languages, not selection.final))
        digits = {lang: corpus.project.digits(lang) for lang in output.languages}
        return replace(job, data=PdfWork(output, editions, digits, selection.final,
                                         selection.keep, selection.page_size, selection.date,
                                         self.printing(corpus, selection)))

    def setup_worker(self) -> None:
        from workflow.build import setup_worker

        setup_worker()

    def render(self, project: Project, job: Job) -> dict[Path, bytes]:
        from workflow.build import build_output

        work: PdfWork = job.data
        return {job.path: build_output(project, work)}


register(ScreenPdf())
