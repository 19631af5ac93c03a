"""Damaged CTranslate2 model folders (issue 25): one line naming the route, never a
traceback, never a hang on a FIFO; a model of gigabytes is not read whole for its version;
a model folder outside the project is read (models are shared) and never written."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import STATEMENT_EN, run, write_project
from tests.helpers import snapshot as all_files
from tests.mt_fixture import built_models
from workflow.config import load_project
from workflow.mt.engines import ctranslate2 as ct2
from workflow.update import update

REPO = Path(__file__).resolve().parents[2]


def snapshot(root):
    return {name: data for name, data in all_files(root).items() if name != ".pamphlet.lock"}


@pytest.fixture
def model_project(tmp_path, monkeypatch, argos_dir):
    """A project with models/opus-mt-en-es (a copy of the test model) routed for en-es."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN},
                         '[tool.pamphlet.machine_translation]\n"en-es" = { engine = '
                         '"ctranslate2", model = "models/opus-mt-en-es" }\n')
    shutil.copytree(built_models()["opus-mt-en-es"], root / "models" / "opus-mt-en-es")
    monkeypatch.chdir(root)
    update(load_project(root))
    return root


def translate_cli(root: Path) -> subprocess.CompletedProcess:
    """In a subprocess: a FIFO opened by the loader would block this process forever."""
    return subprocess.run([sys.executable, "-m", "workflow", "translate", "--lang", "es"],
                          cwd=root, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("name, content, message", [
    ("shared_vocabulary.json", b"[\"a\", ", "is not valid JSON"),
    ("shared_vocabulary.json", b"5", "must be a JSON list of tokens"),
    ("shared_vocabulary.json", b"[1, 2]", "must be a JSON list of tokens"),
    ("shared_vocabulary.json", b"\xff\xfe\x00", "is not UTF-8"),
    ("shared_vocabulary.json", b"[" * 100_000, "is not valid JSON"),
    ("config.json", b"[1, 2]", "must hold a JSON object, not list"),
    ("config.json", b"{", "is not valid JSON"),
])
def test_damaged_model_files_are_one_line_naming_the_route(model_project, name, content,
                                                          message):
    model = model_project / "models" / "opus-mt-en-es"
    (model / name).write_bytes(content)
    before = snapshot(model_project)
    code, _, err = run("translate", "--lang", "es")
    assert code == 2, err
    assert err.startswith("Error: pyproject.toml:5: ") and err.count("\n") == 1, err
    assert message in err and "Traceback" not in err
    assert snapshot(model_project) == before


def test_a_non_utf8_text_vocabulary_is_one_line(model_project):
    model = model_project / "models" / "opus-mt-en-es"
    (model / "shared_vocabulary.json").unlink()
    (model / "shared_vocabulary.txt").write_bytes(b"<s>\n\xff\xfe\n")
    code, _, err = run("translate", "--lang", "es")
    assert code == 2 and "is not UTF-8" in err and err.count("\n") == 1, err


@pytest.mark.parametrize("name", ["config.json", "shared_vocabulary.json", "model.bin",
                                  "source.spm", "anything-else"])
def test_a_fifo_in_a_model_folder_is_refused_not_waited_for(model_project, name):
    path = model_project / "models" / "opus-mt-en-es" / name
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    result = translate_cli(model_project)
    assert result.returncode == 2, result.stderr
    assert "is not a regular file" in result.stderr and result.stderr.count("\n") == 1


def test_the_version_reads_only_the_ends_of_a_large_model_bin(tmp_path, monkeypatch):
    model = tmp_path / "model"
    shutil.copytree(built_models()["opus-mt-en-es"], model)
    first = ct2.model_version(model)
    with open(model / "model.bin", "r+b") as weights:  # a sparse 20 GB model.bin
        weights.truncate(20 * 1024 ** 3)
    read = []
    real_open = open

    class Counting(io.FileIO):
        def read(self, size=-1):
            data = super().read(size)
            read.append(len(data))
            return data

    def counting_open(path, mode="r", *args, **kwargs):
        if str(path).endswith("model.bin") and "b" in mode:
            return Counting(path, "r")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", counting_open)
    second = ct2.model_version(model)
    assert second != first and second.startswith("sha256:")
    assert sum(read) <= 2 * ct2.VERSION_SAMPLE


def test_different_weights_of_the_same_size_get_different_versions(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(built_models()["opus-mt-en-es"], first)
    shutil.copytree(first, second)
    assert ct2.model_version(first) == ct2.model_version(second)  # a copy: the same mark
    data = bytearray((second / "model.bin").read_bytes())
    data[-1] ^= 0xFF
    (second / "model.bin").write_bytes(bytes(data))
    assert ct2.model_version(first) != ct2.model_version(second)


def test_a_model_folder_outside_the_project_is_read_and_left_alone(tmp_path, monkeypatch,
                                                                   argos_dir):
    """Models are big and shared (~/models): reading one outside is fine, and the run
    writes only the project's catalogs."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))
    shared = tmp_path / "shared-models" / "opus-mt-en-es"
    shutil.copytree(built_models()["opus-mt-en-es"], shared)
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN},
                         '[tool.pamphlet.machine_translation]\n"en-es" = { engine = '
                         f'"ctranslate2", model = "{shared}" }}\n')
    (root / "models").mkdir()
    (root / "models" / "linked").symlink_to(shared, target_is_directory=True)
    monkeypatch.chdir(root)
    update(load_project(root))
    before = all_files(shared.parent)
    code, _, err = run("translate", "--lang", "es")
    assert code == 0, err
    assert all_files(shared.parent) == before
