"""The package's own code as one fingerprint: every cache keyed by it (built files, check
findings) is dropped when the code behind it changes, as after an upgrade."""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable
from pathlib import Path

import workflow

PACKAGE = Path(workflow.__file__).resolve().parent


def _module_files(name: str) -> list[Path]:
    """The files of a module of the workflow package; all of a package's files, since a
    package may load its modules itself (the language profiles do)."""
    parts = name.split(".")[1:]
    base = PACKAGE.joinpath(*parts)
    if not parts:  # `from workflow import x`: the package's __init__, not all of it
        return [PACKAGE / "__init__.py"]
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


def code_files(start: str | None = None) -> list[Path]:
    """Every module of the package, or those `start` (a module or package name) imports,
    transitively."""
    if start is None:
        return sorted(PACKAGE.rglob("*.py"))
    files: set[Path] = set()
    todo, seen = [start], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for path in _module_files(name):
            if path not in files:
                files.add(path)
                todo += sorted(_imported(path) - seen)
    return sorted(files)


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_fingerprint(start: str | None = None,
                     digest: Callable[[Path], str] = _file_digest) -> str:
    """A hash of the version and of code_files(start), each file by `digest` (a FileIndex's
    reads only the files changed since it last saw them)."""
    hashed = hashlib.sha256(workflow.__version__.encode())
    for path in code_files(start):
        hashed.update(f"{path.relative_to(PACKAGE).as_posix()}\0{digest(path)}\0".encode())
    return hashed.hexdigest()
