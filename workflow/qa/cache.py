"""The findings of each catalog, kept in build/ under a key of everything that can change
them: `check`, the dashboard and the print gate re-check only what changed."""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import workflow
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fsutil import read_input, write_if_changed

FINDINGS_CACHE = ".pamphlet-checks.json"
_PACKAGE = Path(workflow.__file__).resolve().parent


def _module_files(name: str) -> list[Path]:
    """The files of a module of the workflow package; all of a package's files, since a
    package may load its modules itself (the language profiles do)."""
    parts = name.split(".")[1:]
    base = _PACKAGE.joinpath(*parts)
    if not parts:  # `from workflow import x`: the package's __init__, not all of it
        return [_PACKAGE / "__init__.py"]
    if base.is_dir():
        return sorted(base.rglob("*.py"))
    return [base.with_suffix(".py")] if base.with_suffix(".py").is_file() else []


def _imported(path: Path) -> set[str]:
    """The workflow modules a file imports (`from workflow.x import y` may name a module
    `workflow.x.y` or a name in `workflow.x`: both are taken)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names if alias.name.startswith("workflow")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                "workflow"):
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@cache
def code_fingerprint() -> str:
    """A hash of the code behind every finding: the qa package and every module of the
    workflow package it imports, transitively (language profiles, segmentation's
    abbreviations, the PO reader, the glossary reader ...), and the version."""
    files: set[Path] = set()
    todo = ["workflow.qa"]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for path in _module_files(name):
            if path not in files:
                files.add(path)
                todo += sorted(_imported(path) - seen)
    digest = hashlib.sha256(workflow.__version__.encode())
    for path in sorted(files):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def findings_key(project: Project, path: Path, source_language: str, language: str,
                 read: Callable[[Path], bytes] = read_input) -> str:
    """Everything a catalog's findings depend on: the code, the language pair, the
    catalog, the glossary, min_confidence."""
    minimum = project.machine_translation.min_confidence  # the `confidence` check's
    digest = hashlib.sha256(f"{code_fingerprint()} {source_language} {language} "
                            f"{minimum}".encode())
    digest.update(read(path))  # a FIFO or a link out of the project: refused
    if project.glossary_path.exists():
        digest.update(read(project.glossary_path))
    return digest.hexdigest()


_read: dict[Path, tuple[tuple[int, int], dict]] = {}


def load(project: Project) -> dict:
    """The cache file's content, parsed once per process while the file is unchanged."""
    path = project.build / FINDINGS_CACHE
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        if path in _read and _read[path][0] == stamp:
            return _read[path][1]
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: everything is simply checked again
    cached = cached if isinstance(cached, dict) else {}
    _read[path] = (stamp, cached)
    return cached


def store(project: Project, cached: dict) -> None:
    try:
        write_if_changed(project.build / FINDINGS_CACHE,
                         json.dumps(cached, ensure_ascii=False, indent=1, sort_keys=True))
    except PamphletError:
        pass  # a read-only build/ only costs the next run the same work again
