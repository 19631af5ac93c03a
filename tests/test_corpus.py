"""A corpus read once: a build of the whole embedded corpus reads each statement, each
catalog and the glossary at most once (planning, the gate, the checks, the editions and the
dashboard share them); a build with nothing changed reads none of them."""

from __future__ import annotations

import builtins
import io
import os
from collections import Counter
from pathlib import Path

import pytest

from workflow.build import build
from workflow.config import load_project
from workflow.corpus import Corpus
from workflow.errors import PamphletError


@pytest.fixture
def reads(monkeypatch):
    """Every opening of a file for reading in this process, by real path."""
    counted: Counter[Path] = Counter()
    real_os_open, real_open = os.open, builtins.open

    def counting_os_open(path, flags, *args, **kwargs):
        if not flags & (os.O_WRONLY | os.O_RDWR) and not os.path.isdir(path):
            counted[Path(os.path.realpath(path))] += 1
        return real_os_open(path, flags, *args, **kwargs)

    def counting_open(file, mode="r", *args, **kwargs):
        if isinstance(file, str | os.PathLike) and not set(mode) & set("wax+"):
            counted[Path(os.path.realpath(file))] += 1
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_os_open)
    monkeypatch.setattr(builtins, "open", counting_open)
    monkeypatch.setattr(io, "open", counting_open)
    return counted


def project_reads(counted: Counter[Path], root: Path) -> dict[str, int]:
    inputs = [root / "source", root / "locale"]
    return {path.relative_to(root).as_posix(): n for path, n in counted.items()
            if any(path.is_relative_to(folder) for folder in inputs)}


def test_a_whole_corpus_build_reads_each_file_once(repo_copy, reads):
    project = load_project(repo_copy)
    report = build(project, layouts=["single"], jobs=1, to=["pdf"])  # every read seen here
    assert report.written and not report.failures
    counts = project_reads(reads, repo_copy.resolve())
    statements = {p.relative_to(repo_copy).as_posix() for p in (repo_copy / "source").glob("*.md")}
    catalogs = {p.relative_to(repo_copy).as_posix() for p in (repo_copy / "locale").glob("*/*.po")}
    assert statements <= counts.keys() and catalogs <= counts.keys()  # every one was read
    assert {path: n for path, n in counts.items() if n > 1} == {}
    reads.clear()
    again = build(project, layouts=["single"], jobs=1, to=["pdf"])
    assert not again.written and again.skipped
    assert project_reads(reads, repo_copy.resolve()) == {}  # unchanged: known by the index


def test_a_corpus_remembers_an_error(project, monkeypatch):
    path = project.source_path("caravan")
    path.write_text("---\ntitle: x\n---\n", encoding="utf-8")
    corpus = Corpus(project)
    with pytest.raises(PamphletError) as first:
        corpus.statement("caravan")
    with pytest.raises(PamphletError) as second:
        corpus.statement("caravan")
    assert first.value is second.value and corpus.reads == {path: 1}


def test_targets_is_the_selection_loop(project):
    corpus = Corpus(project)
    assert list(corpus.targets()) == [("caravan", "en", lang) for lang in ("es", "ar", "fa")]
    assert list(corpus.targets(languages=["fa"])) == [("caravan", "en", "fa")]
    with pytest.raises(PamphletError, match="unknown language 'de'"):
        list(corpus.targets(languages=["de"]))


def test_checks_of_unchanged_files_read_none_of_them(repo_copy, reads):
    """`pamphlet check` keeps its findings under the digests of the build's file index: a
    second run with nothing changed reads no statement and no catalog."""
    from workflow.qa import run_checks

    old = 1_600_000_000  # files changed long ago: the index may remember their digests
    for path in [*repo_copy.glob("source/*.md"), *repo_copy.glob("locale/*/*.po")]:
        os.utime(path, (old, old))
    project = load_project(repo_copy)
    first = run_checks(project)
    assert project_reads(reads, repo_copy.resolve())  # the first run reads them
    reads.clear()
    assert run_checks(project) == first
    assert {path for path in project_reads(reads, repo_copy.resolve())
            if not path.endswith("glossary.csv")} == set()
