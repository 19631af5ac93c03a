"""build/'s own files damaged (issue 25): wrong types, FIFOs, links to /dev/zero. A damaged
state only means a rebuild or a re-check: no traceback, no hang, no hidden error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, catalog_with_an_error, run, write_project
from workflow.build import BuildState
from workflow.config import load_project
from workflow.corpus import Corpus
from workflow.fileindex import FileIndex
from workflow.store import FORMAT, STORE_FILE, Store

DAMAGED = ['{"outputs": 5}', '"ab"', "[1, 2]", '{"failed": 7}', '{"outputs": {"a": 5}}',
           '{"dashboard": [1]}', "[" * 100_000 + "]" * 100_000, "\xff\xfe", "{",
           *(json.dumps({"format": FORMAT, **table}) for table in (
               {"outputs": 5}, {"failed": [7]}, {"outputs": {"a": 5}}, {"dashboard": [1]},
               {"dashboard": {"fingerprint": 3}}, {"checks": {"locale/es/caravan.po": 7}},
               {"files": "x"})),
           json.dumps({"format": FORMAT + 1, "outputs": {"caravan/caravan.en.pdf": "f"}})]


def run_cli(root: Path, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """In a subprocess: a FIFO read by mistake would block this process forever."""
    return subprocess.run([sys.executable, "-m", "workflow", *argv], cwd=root, timeout=timeout,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project")
    monkeypatch.chdir(root)
    (root / "build").mkdir()
    return root


def damage(path: Path, how: str) -> None:
    path.unlink(missing_ok=True)
    if how == "fifo":
        os.mkfifo(path)
    elif how == "zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_bytes(how.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("how", [*DAMAGED, "fifo", "zero"])
def test_a_damaged_build_state_is_an_empty_one(project_dir, how):
    damage(project_dir / "build" / STORE_FILE, how)
    state = BuildState(Store(project_dir / "build" / STORE_FILE))
    assert state.outputs == {} and state.failed == {} and state.dashboard == ""


@pytest.mark.parametrize("entry", [[1, 2, 3, 4, 5], [1, 2, 3, 4, "x", 7], "x", [1, 2, 3, "4", "x"]])
def test_a_damaged_file_index_entry_is_read_again(project_dir, entry):
    source = project_dir / "source" / "caravan.md"
    damage(project_dir / "build" / STORE_FILE,
           json.dumps({"format": FORMAT, "files": {str(source): entry}}))
    index = FileIndex(Store(project_dir / "build" / STORE_FILE))
    assert index.entries == {}
    assert len(index.digest(source)) == 64
    assert index.fact(source, "language", lambda: "en") == "en"


@pytest.mark.parametrize("how", ["fifo", "zero"])
def test_a_file_index_that_is_a_fifo_or_dev_zero_is_not_read(project_dir, how):
    damage(project_dir / "build" / STORE_FILE, how)
    assert FileIndex(Store(project_dir / "build" / STORE_FILE)).entries == {}


def test_a_cached_language_the_project_has_not_is_read_again(project_dir):
    project = load_project(project_dir)
    index = FileIndex(Store(project_dir / "build" / STORE_FILE))
    source = project_dir / "source" / "caravan.md"
    os.utime(source, (1, 1))  # not racily clean: the index remembers it
    index.digest(source)
    index.entries[str(source)].append({"language": "zz"})
    assert Corpus(project, index).language("caravan") == "en"


@pytest.mark.parametrize("field, value", [("check", None), ("severity", 5),
                                          ("severity", "warning"), ("line", "3"),
                                          ("check", "no-such-check"), ("extra", 1)])
def test_a_tampered_findings_cache_never_hides_an_error(project_dir, field, value):
    catalog_with_an_error(project_dir)
    code, out, _ = run("check", "--lang", "es")
    assert code == 1 and "[numbers] error" in out
    store = project_dir / "build" / STORE_FILE
    data = json.loads(store.read_text(encoding="utf-8"))
    assert data["checks"]
    for entry in data["checks"].values():
        for finding in entry["findings"]:
            finding[field] = value
    store.write_text(json.dumps(data), encoding="utf-8")
    code, out, err = run("check", "--lang", "es")
    assert code == 1 and "[numbers] error" in out, (out, err)


@pytest.mark.parametrize("how", [*DAMAGED, "fifo", "zero"])
def test_check_with_a_damaged_findings_cache_checks_again(project_dir, how):
    catalog_with_an_error(project_dir)
    damage(project_dir / "build" / STORE_FILE, how)
    result = run_cli(project_dir, "check", "--lang", "es", timeout=60)
    assert result.returncode == 1, result.stderr
    assert "[numbers] error" in result.stdout and "Traceback" not in result.stderr


def test_build_with_a_fifo_or_dev_zero_store_finishes(project_dir):
    assert run("update")[0] == 0
    damage(project_dir / "build" / STORE_FILE, "fifo")
    result = run_cli(project_dir, "build", "--lang", "en", "--layout", "single", timeout=120)
    assert result.returncode == 0, result.stderr
    assert (project_dir / "build" / "caravan" / "caravan.en.pdf").is_file()
    damage(project_dir / "build" / STORE_FILE, "zero")
    result = run_cli(project_dir, "build", "--lang", "en", "--layout", "single", timeout=120)
    assert result.returncode in (0, 2) and "Traceback" not in result.stderr, result.stderr
