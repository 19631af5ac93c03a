"""Translation statistics per statement and language: segments and words in each state, and
the machine entries to review, lowest confidence first."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from workflow.catalog.model import (
    MACHINE_MARK,
    STATES,
    active_entries,
    build_template,
    entry_state,
    machine_confidence,
)
from workflow.catalog.pofile import read_po_located
from workflow.config import Project
from workflow.corpus import Corpus
from workflow.mt.engines import ENGINES
from workflow.segment import segment_statement
from workflow.source import read_project_statement


@dataclass(frozen=True)
class MachineEntry:
    """One unreviewed machine translation, where it is and how sure the model was."""

    path: str  # relative to the project root, e.g. locale/ar/slug.po
    line: int  # of its msgid
    language: str
    confidence: float | None  # None: the engine gives no score (LibreTranslate)
    engine: str
    msgid: str
    msgstr: str

    @property
    def sort_key(self) -> tuple:
        # Lowest confidence first; entries without a score after every scored one.
        unknown = self.confidence is None
        return (unknown, self.confidence or 0.0, self.path, self.line)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class CatalogStatus:
    slug: str
    language: str
    path: str
    segments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    machine_entries: list[MachineEntry] = field(default_factory=list)  # lowest confidence first
    missing: bool = False  # no catalog: every segment counts as untranslated

    @property
    def total_segments(self) -> int:
        return sum(self.segments.values())

    @property
    def reviewed_percent(self) -> float:
        total = self.total_segments
        if self.missing:
            return 0.0
        return 100.0 * self.segments["reviewed"] / total if total else 100.0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["total_segments"] = self.total_segments
        data["reviewed_percent"] = round(self.reviewed_percent, 1)
        return data


def catalog_status(project: Project, slug: str, language: str,
                   corpus: Corpus | None = None) -> CatalogStatus:
    """Segments and words by state in one catalog (`corpus`: the run's, which reads it)."""
    path = project.po_path(slug, language)
    status = CatalogStatus(slug, language, project.relative(path).as_posix())
    located = corpus.catalog(slug, language) if corpus is not None else (
        read_po_located(path) if path.exists() else None)
    if located is None:
        if not path.is_symlink():
            # a configured language without its catalog is not "nothing to translate":
            # its segments are counted from the template `update` would write
            status.missing = True
            statement = (corpus.statement(slug) if corpus is not None
                         else read_project_statement(project, slug))
            document = (corpus.document(slug) if corpus is not None
                        else segment_statement(statement))
            template = build_template(document, slug, statement.language, "")
            for entry in active_entries(template):
                status.segments["untranslated"] += 1
                status.words["untranslated"] += len(entry.msgid.split())
        return status
    catalog, lines = located
    for entry in active_entries(catalog):
        state = entry_state(entry)
        status.segments[state] += 1
        status.words[state] += len(entry.msgid.split())
        if state == "machine":
            status.machine_entries.append(MachineEntry(
                status.path, lines[entry.linenum or 0], language, machine_confidence(entry),
                _engine(entry.tcomment), entry.msgid, entry.msgstr))
    status.machine_entries.sort(key=lambda e: e.sort_key)
    return status


def _engine(comment: str) -> str:
    """The engine a mark names; `none` where no model was needed (only names, numbers)."""
    for line in comment.splitlines():
        if line.startswith(MACHINE_MARK):
            words = line[len(MACHINE_MARK):].split()
            return words[0] if words and words[0] in ENGINES else "none"
    return "none"


def language_percent(statuses: list[CatalogStatus]) -> dict[str, float]:
    """Reviewed segments in percent per language, over the statements of `statuses`."""
    reviewed: dict[str, int] = {}
    total: dict[str, int] = {}
    for status in statuses:
        reviewed[status.language] = reviewed.get(status.language, 0) + status.segments["reviewed"]
        total[status.language] = total.get(status.language, 0) + status.total_segments
    missing = {status.language for status in statuses if status.missing}
    return {language: 100.0 * reviewed[language] / total[language] if total[language]
            else 0.0 if language in missing else 100.0 for language in total}


def collect_status(project: Project, slugs: list[str] | None = None,
                   languages: list[str] | None = None) -> list[CatalogStatus]:
    """Status of every catalog of the selected statements, in a stable order."""
    corpus = Corpus(project)
    return [catalog_status(project, slug, language, corpus)
            for slug, _, language in corpus.targets(slugs, languages)]


def source_editions(project: Project, slugs: list[str] | None = None,
                    languages: list[str] | None = None) -> list[tuple[str, str]]:
    """(slug, language) of each selected statement asked for in its own source language:
    it has no catalog in that language, and nothing to review there."""
    project.check_languages(languages)
    corpus = Corpus(project)
    return [(slug, corpus.language(slug)) for slug in corpus.slugs(slugs)
            if languages and corpus.language(slug) in languages]


def review_queue(project: Project, slugs: list[str] | None = None,
                 languages: list[str] | None = None) -> list[MachineEntry]:
    """Every machine entry of the selected catalogs, lowest confidence first."""
    entries = [e for s in collect_status(project, slugs, languages) for e in s.machine_entries]
    return sorted(entries, key=lambda e: e.sort_key)
