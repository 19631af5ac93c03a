"""Shared fixtures (a throw-away project, a copy of the repository), markers and seeds."""

from __future__ import annotations

import os
import shutil

import hypothesis
import pytest

from tests.helpers import (  # noqa: F401 (re-exported)
    REPO,
    STATEMENT_EN,
    keeping_numbers,
    review,
    snapshot,
    translate_catalog,
    write_project,
)
from workflow.config import load_project

# tests/weblate/ runs a real Weblate, whose installation takes longer than CI allows:
# `make weblate-test` installs it and runs them (PAMPHLET_WEBLATE_VENV names its venv).
collect_ignore = [] if os.environ.get("PAMPHLET_WEBLATE_VENV") else ["weblate"]

# `make test` (and so CI) runs with HYPOTHESIS_PROFILE=ci: the same examples every run, so
# a failure in CI reproduces as it is. A plain `pytest` explores fresh ones.
hypothesis.settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(items):
    """Every property-based test is a `fuzz` test: `-m 'not fuzz'` leaves them out."""
    for item in items:
        if hypothesis.is_hypothesis_test(getattr(item, "obj", None)):
            item.add_marker(pytest.mark.fuzz)


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


@pytest.fixture
def reviewed(project):
    """The test project with es, ar and fa translated and reviewed, numbers kept (checks
    pass): the fixture of the build and edition tests."""
    return review(project)


@pytest.fixture(scope="session")
def built_reviewed(tmp_path_factory):
    """(project, report): the reviewed project with every screen PDF built once, final, for
    the tests that only read the PDFs. Read it, never change it: other tests share it."""
    from workflow.build import build

    project = review(load_project(write_project(tmp_path_factory.mktemp("built") / "project")))
    report = build(project, final=True)
    assert not report.failures
    return project, report
