"""locale/glossary.csv: the agreed terms, read for machine translation and the checks."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import PamphletError
from workflow.fsutil import read_text

DNT_VALUES = {"yes": True, "": False, "no": False}



@dataclass(frozen=True)
class Glossary:
    """locale/glossary.csv: a column per language, `dnt` for do-not-translate terms.

    The file is written for people, so only unconditional rows are applied to machine
    output: a row whose source cell carries a usage note, `(adjective)`, `(running text)`,
    or a word form, `migrant(s)`, is left to the reviewer. A parenthesis on both sides,
    `(IMA)`, is part of the term; a note only in the translation is dropped. Alternatives
    `a / b` pair one to one, or all go to a single translation.
    """

    rows: tuple[dict[str, str], ...] = ()
    keep: tuple[str, ...] = ()  # do-not-translate terms, as written in any language

    def terms(self, source: str, target: str) -> dict[str, str]:
        """Source term -> its translation, for one language pair; the first row wins where
        two give the same term."""
        terms: dict[str, str] = {}
        for row in self.rows:
            if row.get(source) and row.get(target):
                for term, translation in _term_pairs(row[source], row[target]):
                    if term.lower() not in map(str.lower, terms):
                        terms[term] = translation
        return terms


_NOTE = re.compile(r"\s*\(([^()]*)\)")
_ALTERNATIVES = re.compile(r"\s+/\s+")


def _term_pairs(source: str, target: str) -> list[tuple[str, str]]:
    if re.search(r"\w\(", source + target):  # a word form: migrant(s), migrante(s)
        return []
    source_notes, target_notes = _NOTE.findall(source), _NOTE.findall(target)
    if source_notes != target_notes:
        if source_notes:  # a usage note: the row applies only in some contexts
            return []
        target = _NOTE.sub("", target).strip()
    sources, targets = _ALTERNATIVES.split(source), _ALTERNATIVES.split(target)
    if len(targets) == 1:
        targets = targets * len(sources)
    if len(targets) != len(sources) or not all(sources) or not all(targets):
        return []
    return list(zip(sources, targets, strict=True))


def load_glossary(path: Path, languages: Iterable[str], text: str | None = None) -> Glossary:
    """Read the glossary if there is one (`text`: its content, read already); a bad cell
    is reported with its line."""
    if text is None:
        if not path.exists():
            return Glossary()
        text = read_text(path)
    reader = csv.DictReader(text.split("\n"))
    columns = [c.strip() for c in reader.fieldnames or []]
    wanted, languages = list(languages), [lang for lang in languages if lang in columns]
    if not languages:
        raise PamphletError(f"no language column ({', '.join(wanted)}) in the header", path, 1)
    rows: list[dict[str, str]] = []
    keep: list[str] = []
    for row in reader:
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                 if isinstance(v, str | None) and k}
        dnt = cells.get("dnt", "").lower()
        if dnt not in DNT_VALUES:
            raise PamphletError(f"dnt must be 'yes' or empty, not {cells['dnt']!r}", path,
                                reader.line_num)
        terms = {lang: cells[lang] for lang in languages if cells.get(lang)}
        if DNT_VALUES[dnt]:
            keep.extend(terms.values())
        else:
            rows.append(terms)
    return Glossary(tuple(rows), tuple(dict.fromkeys(keep)))
