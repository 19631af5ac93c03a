"""The output plan: every file a build makes (statement, layout, languages, format, path), in
one place for build, dashboard, print bundle and booklets alike."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from workflow.config import Project
from workflow.languages import direction
from workflow.source import read_project_statement

LAYOUTS = ("single", "parallel", "multilingual")
FORMATS = ("screen", "print")  # print: its booklet is made beside it
SCREEN, PRINT = FORMATS


@dataclass(frozen=True)
class Output:
    """One PDF to make: its file, its layout, the languages on its pages and its format.
    Screen PDFs live in build/<slug>/, print PDFs and their booklets only in the print
    bundle build/print/<slug>/: a print build never replaces a screen file."""

    slug: str
    layout: str
    languages: tuple[str, ...]
    path: Path
    format: str = SCREEN

    @property
    def name(self) -> str:
        """The label of the file: 'en', 'en+fa' or 'multilingual'."""
        if self.layout == "multilingual":
            return "multilingual"
        return "+".join(self.languages)

    @property
    def booklet(self) -> Path | None:
        """Its saddle-stitch booklet (print files only)."""
        if self.format != PRINT:
            return None
        return self.path.with_name(f"{self.path.stem}.booklet.pdf")

    @property
    def binding(self) -> str:
        """Which edge it binds on: the right for one whose main language is RTL."""
        return "right" if direction(self.languages[0]) == "rtl" else "left"


def folder(project: Project, slug: str, format: str = SCREEN) -> Path:
    """Where a statement's files of one format live."""
    return project.build / "print" / slug if format == PRINT else project.build / slug


def plan_outputs(project: Project, slug: str, languages: list[str] | None = None,
                 layouts: list[str] | None = None, format: str = SCREEN,
                 source_language: str | None = None) -> list[Output]:
    """Every PDF of one statement in one format, in a stable order (`source_language`: the
    statement's, if the caller knows it, so that the statement is not read again)."""
    explicit_layouts = layouts
    if source_language is None:
        source_language = read_project_statement(project, slug).language
    every = (source_language, *project.target_languages(source_language))
    wanted = [lang for lang in every if not languages or lang in languages]
    layouts = layouts or list(LAYOUTS)
    where = folder(project, slug, format)
    planned: list[tuple[str, tuple[str, ...]]] = []
    if "single" in layouts:
        planned += [("single", (lang,)) for lang in wanted]
    if "parallel" in layouts:
        planned += [("parallel", (source_language, lang))
                    for lang in wanted if lang != source_language]
    # With --lang, a multilingual edition of the languages chosen, when it is asked for by
    # name (`--lang en,es --layout multilingual`): a proofing run of two languages does not
    # also typeset a multilingual edition of them.
    chosen = tuple(wanted) if languages else every
    if "multilingual" in layouts and len(chosen) > 1 and (not languages or "multilingual"
                                                           in (explicit_layouts or ())):
        planned.append(("multilingual", chosen))
    outputs = []
    for layout, langs in planned:
        name = file_name(slug, layout, langs, complete=langs == every)
        outputs.append(Output(slug, layout, langs, where / name, format))
    return outputs


def file_name(slug: str, layout: str, languages: tuple[str, ...], complete: bool) -> str:
    """x.en.pdf, x.en+fa.pdf, x.multilingual.pdf; a multilingual edition of some of the
    statement's languages names them (x.en+es+fa.multilingual.pdf), so that it never
    replaces the one of every language."""
    if layout != "multilingual":
        return f"{slug}.{'+'.join(languages)}.pdf"
    if complete:  # every language of the statement
        return f"{slug}.multilingual.pdf"
    return f"{slug}.{'+'.join(languages)}.multilingual.pdf"


def narrowed(output: Output, languages: tuple[str, ...]) -> Output:
    """A multilingual output with only some of its `languages` (those ready for print),
    named for them."""
    return replace(output, languages=languages, path=output.path.with_name(
        file_name(output.slug, output.layout, languages, complete=False)))
