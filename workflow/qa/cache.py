"""The findings of each catalog, kept in build/ under a key of everything that can change
them: `check`, the dashboard and the print gate re-check only what changed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

from workflow import codehash
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fsutil import read_input, read_state, write_if_changed

FINDINGS_CACHE = ".pamphlet-checks.json"


@cache
def code_fingerprint() -> str:
    """A hash of the code behind every finding: the qa package and every module of the
    workflow package it imports, transitively (language profiles, segmentation's
    abbreviations, the PO reader, the glossary reader ...), and the version."""
    return codehash.code_fingerprint("workflow.qa")


def content_digest(path: Path) -> str:
    """The sha256 of a file's bytes (a FIFO or a link out of the project: refused)."""
    return hashlib.sha256(read_input(path)).hexdigest()


def findings_key(project: Project, path: Path, source_language: str, language: str,
                 digest: Callable[[Path], str] = content_digest) -> str:
    """Everything a catalog's findings depend on: the code, the language pair, the
    catalog, the glossary, min_confidence; files by their content digest, as the build
    state knows them (`digest`: a Corpus's, through build/'s file index, reads a file only
    when it changed)."""
    minimum = project.machine_translation.min_confidence  # the `confidence` check's
    key = hashlib.sha256(f"{code_fingerprint()} {source_language} {language} "
                         f"{minimum}".encode())
    key.update(digest(path).encode())
    if project.glossary_path.exists():
        key.update(b"\0" + digest(project.glossary_path).encode())
    return key.hexdigest()


_read: dict[Path, tuple[tuple[int, int, int], dict]] = {}


def load(project: Project) -> dict:
    """The cache file's content, parsed once per process while the file is unchanged."""
    path = project.build / FINDINGS_CACHE
    try:
        stat = path.lstat()
    except OSError:
        return {}  # none yet: everything is checked
    stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if path in _read and _read[path][0] == stamp:
        return _read[path][1]
    cached = read_state(path)  # None where damaged: everything is simply checked again
    cached = cached if isinstance(cached, dict) else {}
    _read[path] = (stamp, cached)
    return cached


def store(project: Project, cached: dict) -> None:
    try:
        write_if_changed(project.build / FINDINGS_CACHE,
                         json.dumps(cached, ensure_ascii=False, indent=1, sort_keys=True))
    except PamphletError:
        pass  # a read-only build/ only costs the next run the same work again
