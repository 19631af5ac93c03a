"""Shared fixtures: a throw-away project with a small statement in each language."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from workflow.config import load_project

REPO = Path(__file__).resolve().parent.parent
# tests/weblate/ runs a real Weblate, whose installation takes longer than CI allows:
# `make weblate-test` installs it and runs them (PAMPHLET_WEBLATE_VENV names its venv).
collect_ignore = [] if os.environ.get("PAMPHLET_WEBLATE_VENV") else ["weblate"]

STATEMENT_EN = """\
---
title: "Solidarity with the caravan"
author: "Alliance of Middle Eastern Socialists"
date: 2018-11-03
language: en
origin: "https://example.org/caravan"
---

## No one is illegal

We express our solidarity with the caravan. The U.S. army has killed thousands.
More than 7000 people walk together.

1. How can we challenge this?
2. What will happen next?

Nov 3, 2018
Alliance of Middle Eastern Socialists
"""


def write_project(root: Path, statements: dict[str, str] | None = None,
                  config: str = "") -> Path:
    (root / "source").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[project]\nname = 'x'\n\n{config}", encoding="utf-8")
    for slug, text in (statements or {"caravan": STATEMENT_EN}).items():
        (root / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def project(project_dir):
    return load_project(project_dir)


@pytest.fixture
def repo_copy(tmp_path, monkeypatch):
    """A copy of this repository's source/ and locale/ (the embedded statements)."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root)
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "locale", root / "locale")
    monkeypatch.chdir(root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
