"""Translation statistics per statement and language: segments and words in each state."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from workflow.catalog import STATES, active_entries, entry_state
from workflow.config import Project
from workflow.pofile import read_po
from workflow.source import read_project_statement
from workflow.update import select_slugs


@dataclass
class CatalogStatus:
    slug: str
    language: str
    path: str
    segments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    @property
    def total_segments(self) -> int:
        return sum(self.segments.values())

    @property
    def reviewed_percent(self) -> float:
        total = self.total_segments
        return 100.0 * self.segments["reviewed"] / total if total else 100.0

    def as_dict(self) -> dict:
        data = asdict(self)
        data["total_segments"] = self.total_segments
        data["reviewed_percent"] = round(self.reviewed_percent, 1)
        return data


def catalog_status(project: Project, slug: str, language: str) -> CatalogStatus:
    path = project.po_path(slug, language)
    status = CatalogStatus(slug, language, project.relative(path).as_posix())
    if not path.exists():
        return status
    for entry in active_entries(read_po(path)):
        state = entry_state(entry)
        status.segments[state] += 1
        status.words[state] += len(entry.msgid.split())
    return status


def language_percent(statuses: list[CatalogStatus]) -> dict[str, float]:
    """Reviewed segments in percent per language, over the statements of `statuses`."""
    reviewed: dict[str, int] = {}
    total: dict[str, int] = {}
    for status in statuses:
        reviewed[status.language] = reviewed.get(status.language, 0) + status.segments["reviewed"]
        total[status.language] = total.get(status.language, 0) + status.total_segments
    return {language: 100.0 * reviewed[language] / total[language] if total[language] else 100.0
            for language in total}


def collect_status(project: Project, slugs: list[str] | None = None,
                   languages: list[str] | None = None) -> list[CatalogStatus]:
    """Status of every catalog of the selected statements, in a stable order."""
    project.check_languages(languages)
    result = []
    for slug in select_slugs(project, slugs):
        source_language = read_project_statement(project, slug).language
        for language in project.target_languages(source_language):
            if languages and language not in languages:
                continue
            result.append(catalog_status(project, slug, language))
    return result
