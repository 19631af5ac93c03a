"""The findings of each catalog, kept in the `checks` table of build/'s store under a key
of everything that can change them: `check`, the dashboard and the print gate re-check only
what changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from workflow import codehash
from workflow.config import Project
from workflow.store import Store


@cache
def code_fingerprint() -> str:
    """A hash of the code behind every finding: the qa package and every module of the
    workflow package it imports, transitively (language profiles, segmentation's
    abbreviations, the PO reader, the glossary reader ...), and the version."""
    return codehash.code_fingerprint("workflow.qa")


def findings_key(project: Project, path: Path, source_language: str, language: str,
                 digest: Callable[[Path], str]) -> str:
    """Everything a catalog's findings depend on: the code, the language pair, the
    catalog, the glossary, min_confidence; files by the digests of build/'s file index
    (`digest`: a Corpus's), the same the build's fingerprints are made of."""
    minimum = project.machine_translation.min_confidence  # the `confidence` check's
    key = hashlib.sha256(f"{code_fingerprint()} {source_language} {language} "
                         f"{minimum}".encode())
    key.update(digest(path).encode())
    if project.glossary_path.exists():
        key.update(b"\0" + digest(project.glossary_path).encode())
    return key.hexdigest()


def _entry(display: str, entry: object) -> bool:
    """A catalog's entry as check_catalog writes it (its findings are checked when used)."""
    return isinstance(entry, dict) and isinstance(entry.get("key"), str)


def findings_table(store: Store) -> dict:
    """Catalog (relative path) -> {"key": findings_key, "findings": [...]}."""
    return store.table("checks", _entry)
