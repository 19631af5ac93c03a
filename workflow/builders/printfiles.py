"""The print files builder (`--print`, `--to print`): build/print/<slug>/, each PDF finished
for the shop (bleed, PDF variant, pages to a multiple of 4) with its saddle-stitch booklet,
both preflighted, and the bundle's manifest.json and README.txt."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, cast

from workflow.builders import register
from workflow.builders.pdf import PdfWork, ScreenPdf, build_output
from workflow.outputs import PRINT, folder

if TYPE_CHECKING:
    from workflow.builders.base import Job, Selection
    from workflow.config import Project
    from workflow.corpus import Corpus
    from workflow.pdf.settings import PrintSettings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class PrintFiles(ScreenPdf):
    """Print files and their booklets in build/print/<slug>/: never over a screen file."""

    name = "print"
    description = "print files, booklets and the bundle in build/print/SLUG/"
    format = PRINT

    def printing(self, corpus: Corpus, selection: Selection) -> PrintSettings:
        from workflow.pdf.settings import print_settings

        key = ("print settings", selection.page_size)
        if key not in corpus.shared:  # checks (and reads) the ICC profile once per run
            corpus.shared[key] = print_settings(corpus.project, selection.page_size)
        return cast("PrintSettings", corpus.shared[key])

    def render(self, project: Project, job: Job) -> dict[Path, bytes]:
        from workflow.pdf.impose import impose
        from workflow.pdf.preflight import check, expected_booklet

        work: PdfWork = job.data
        printing, booklet_path = work.printing, work.output.booklet
        assert printing is not None and booklet_path is not None  # print jobs have both
        pdf = build_output(project, work)
        # imposed and preflighted before anything of this output is written
        sheets = impose(pdf, printing, work.output.binding)
        booklet = check(sheets, expected_booklet(printing), project.relative(booklet_path))
        return {job.path: pdf, booklet_path: booklet}

    def finish(self, corpus: Corpus, selection: Selection, jobs: list[Job],
               report) -> dict[Path, bytes]:
        """manifest.json and README.txt beside each statement's print files (a statement
        with a failed or held-back PDF keeps its earlier bundle's manifest)."""
        from workflow.pdf.bundle import BundleFile, write_bundle

        failed = {f.slug for f in report.failures}
        built = [job for job in jobs if job.path not in report.held_back]
        for slug in dict.fromkeys(job.slug for job in built if job.slug not in failed):
            statement = corpus.statement(slug)
            bundle = []
            for job in (j for j in built if j.slug == slug):
                output = job.data
                for path, kind in ((output.path, "pages"), (output.booklet, "booklet")):
                    bundle.append(BundleFile(path.name, kind, path.read_bytes(), output.layout,
                                             output.languages, output.binding))
            info = {"statement": slug, "title": statement.title, "author": statement.author,
                    "final": selection.final, "built": selection.date}
            where = folder(corpus.project, slug, PRINT)
            write_bundle(where, bundle, self.printing(corpus, selection), info)
            log.info("print bundle: %s", corpus.project.relative(where))
            report.bundles.append(where)
        return {}

    def links(self, job: Job) -> list[tuple[str, Path]]:
        name = job.data.name
        return [(f"print {name}", job.path), (f"booklet {name}", job.also[0])]

    def row_links(self, corpus: Corpus, slug: str) -> list[tuple[str, Path]]:
        return [("print bundle", folder(corpus.project, slug, PRINT) / "README.txt")]

    def stale(self, corpus: Corpus, selection: Selection, slug: str, languages: set[str],
              rebuilt: bool = False) -> list[Path]:
        """The held-back files, and the statement's bundle unless this build writes it
        anew (the files its manifest lists: the shop's own files stay)."""
        from workflow.pdf.bundle import bundled_files

        paths = super().stale(corpus, selection, slug, languages, rebuilt)
        bundle = folder(corpus.project, slug, PRINT)
        if bundle.is_dir() and not rebuilt:
            paths += [bundle / name for name in sorted(bundled_files(bundle))]
        return paths


register(PrintFiles())
