"""Translation memory: reviewed translations of the project, exact and similar matches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from workflow.catalog.model import Catalog, active_entries, entry_state
from workflow.catalog.pofile import read_po
from workflow.config import Project

# Similarity (rapidfuzz ratio, 0-100) from which a reviewed translation of a similar
# sentence beats machine translation as a starting point.
MEMORY_CUTOFF = 80.0
MEMORY_MARK = "translation memory:"


@dataclass
class Fill:
    """What goes into one untranslated entry: its msgstr, comments and flags."""

    msgstr: str
    comments: list[str]
    fuzzy: bool = True
    previous_msgid: str | None = None
    source: str = "machine"  # machine, memory_exact or memory_fuzzy
    flagged: bool = False



@dataclass
class Memory:
    """Reviewed translations of one language pair, from every catalog of the project."""

    exact: dict[str, tuple[str, str]] = field(default_factory=dict)  # msgid -> msgstr, where
    _choices: list[str] | None = None

    def lookup(self, msgid: str) -> Fill | None:
        if msgid in self.exact:
            msgstr, where = self.exact[msgid]
            return Fill(msgstr, [f"{MEMORY_MARK} exact match from {where}"], fuzzy=False,
                        source="memory_exact")
        if self._choices is None:
            self._choices = list(self.exact)
        match = process.extractOne(msgid, self._choices, scorer=fuzz.ratio,
                                   score_cutoff=MEMORY_CUTOFF)
        if match is None:
            return None
        msgstr, where = self.exact[match[0]]
        return Fill(msgstr, [f"{MEMORY_MARK} {match[1]:.0f}% match from {where}"], fuzzy=True,
                    previous_msgid=match[0], source="memory_fuzzy")


def build_memory(project: Project, source: str, target: str,
                 catalogs: dict[Path, Catalog]) -> Memory:
    memory = Memory()
    directory = project.locale / target
    for path in sorted(directory.glob("*.po")) if directory.is_dir() else []:
        catalog = catalogs.get(path) or read_po(path)
        if catalog.metadata.get("X-Source-Language", project.source_language) != source:
            continue
        where = project.relative(path).as_posix()
        for entry in active_entries(catalog):
            if entry_state(entry) == "reviewed" and not entry.msgid_plural:
                memory.exact.setdefault(entry.msgid, (entry.msgstr, where))
    return memory
