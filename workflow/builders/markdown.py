"""The translated Markdown builder: build/<slug>/<slug>.<lang>.md, the statement in each
language as po4a and mdpo give it (front matter title and author translated, the rest of it
kept, the body's Markdown structure kept with each segment translated), for pasting into
any website. Under --final only reviewed translations are used, as in the PDFs."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.builders import register
from workflow.builders.base import Builder, Job, Selection
from workflow.errors import PamphletError

if TYPE_CHECKING:
    from workflow.config import Project
    from workflow.corpus import Corpus
    from workflow.segment import Document
    from workflow.source import Statement


@dataclass(frozen=True)
class MarkdownWork:
    """What one Markdown file is made of: the statement, its segments, and the
    translation of each segment used (msgid -> (msgstr, its catalog line))."""

    statement: Statement
    document: Document
    language: str
    translations: dict[str, tuple[str, int]]
    catalog: str  # where translations come from, for messages


@cache
def _html_finder():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")  # raw HTML on: to find it, never to render it


def raw_html(text: str) -> bool:
    """Whether the inline Markdown holds raw HTML (a website would run it: refused)."""
    tokens = _html_finder().parseInline(text)[0].children or []
    return any(token.type == "html_inline" for token in tokens)


class MarkdownEdition(Builder):
    """One Markdown file per statement and language, beside its PDFs."""

    name = "md"
    description = "translated Markdown in build/SLUG/SLUG.LANG.md"

    def plan(self, corpus: Corpus, selection: Selection, slug: str) -> list[Job]:
        source = corpus.language(slug)
        every = [source, *corpus.project.target_languages(source)]
        where = corpus.project.build / slug
        return [Job(self.name, slug, (lang,), where / f"{slug}.{lang}.md", "md", cell=lang,
                    cost=1)
                for lang in every if not selection.languages or lang in selection.languages]

    def load(self, corpus: Corpus, selection: Selection, job: Job) -> Job:
        from workflow.catalog.model import active_entries, entry_state

        language = job.languages[0]
        statement = corpus.statement(job.slug)
        translations: dict[str, tuple[str, int]] = {}
        catalog = corpus.project.relative(corpus.project.po_path(job.slug, language))
        located = None if language == statement.language else corpus.catalog(job.slug,
                                                                               language)
        if located is not None:
            entries, lines = located
            for entry in active_entries(entries):
                state = entry_state(entry)
                if (not entry.msgid or entry.msgctxt is not None or entry.msgid_plural
                        or state == "untranslated"):
                    continue
                if selection.final and state != "reviewed":  # kept in the source language
                    continue
                translations[entry.msgid] = (entry.msgstr, lines[entry.linenum])
        return replace(job, data=MarkdownWork(statement, corpus.document(job.slug), language,
                                              translations, catalog.as_posix()))

    def render(self, project: Project, job: Job) -> dict[Path, bytes]:
        from workflow.segment import Segment, render_body
        from workflow.source import format_statement

        work: MarkdownWork = job.data

        def translate(text: str) -> str:
            if not text or text not in work.translations:
                return text
            translated, line = work.translations[text]
            if raw_html(translated) and not raw_html(text):
                raise PamphletError("raw HTML in the translation: a Markdown edition carries"
                                    " none (write Markdown)", Path(work.catalog), line)
            return translated

        statement, document = work.statement, work.document
        meta = dict(statement.meta)
        meta["title"] = translate(document.title.text)
        meta["author"] = translate((document.author or Segment(statement.author)).text)
        meta["language"] = work.language
        text = format_statement(meta, render_body(document, translate))
        return {job.path: text.encode("utf-8")}


register(MarkdownEdition())
