"""Digests remembered by stat, as git's index: unchanged files are not read, changed ones are."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from workflow.fileindex import MISSING, FileIndex
from workflow.store import Store

OLD = 1_600_000_000  # a file last changed long before it is read


def aged(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    os.utime(path, (OLD, OLD))
    return path


@pytest.fixture
def reads(monkeypatch):
    """The files whose bytes are read."""
    import workflow.fileindex

    done: list[str] = []
    real = workflow.fileindex.read_input

    def read(path):
        done.append(path.name)
        return real(path)

    monkeypatch.setattr(workflow.fileindex, "read_input", read)
    return done


def test_an_unchanged_file_is_not_read_again(tmp_path, reads):
    path = aged(tmp_path / "a.po", "one")
    index = FileIndex(Store(tmp_path / "store.json"))
    assert index.digest(path) == hashlib.sha256(b"one").hexdigest()
    index.store.save()
    again = FileIndex(Store(tmp_path / "store.json"))
    assert again.digest(path) == hashlib.sha256(b"one").hexdigest()
    assert reads == ["a.po"]  # once, by the first index


def test_a_change_that_keeps_size_and_mtime_is_still_seen(tmp_path):
    """An editor's save-as-rename, `touch -d`, `cp -p`: size and mtime as before, but not
    the inode or the ctime."""
    path = aged(tmp_path / "a.po", "one")
    index = FileIndex(Store(tmp_path / "store.json"))
    index.digest(path)
    aged(tmp_path / "new.po", "two").replace(path)  # same size, same mtime, another file
    assert index.digest(path) == hashlib.sha256(b"two").hexdigest()
    path.write_text("six", encoding="utf-8")  # same file, same size
    os.utime(path, (OLD, OLD))
    assert index.digest(path) == hashlib.sha256(b"six").hexdigest()


def test_a_file_changed_just_now_is_not_remembered(tmp_path, reads):
    """Racily clean: a second write in the same clock tick would leave its stat as it was."""
    path = tmp_path / "a.po"
    path.write_text("one", encoding="utf-8")
    index = FileIndex(Store(tmp_path / "store.json"))
    index.digest(path)
    index.digest(path)
    assert reads == ["a.po", "a.po"] and str(path) not in index.entries


def test_a_missing_file_and_a_damaged_index(tmp_path):
    (tmp_path / "store.json").write_text("{not json", encoding="utf-8")
    index = FileIndex(Store(tmp_path / "store.json"))
    assert index.digest(tmp_path / "gone.po") == MISSING
    path = aged(tmp_path / "a.po", "one")
    index.digest(path)
    path.unlink()
    assert index.digest(path) == MISSING and str(path) not in index.entries


def test_a_file_changed_after_a_corpus_read_it_is_not_remembered_by_its_new_stat(project):
    """The bytes a run read before a translator's save are never filed under the new stat:
    the next run reads the file again and sees the change (check, the print gate)."""
    from workflow.corpus import Corpus

    path = aged(project.source_path("caravan"), "old")
    project.build.mkdir()  # the index is kept there
    corpus = Corpus(project)
    corpus.data(path)  # read for the run ...
    aged(path, "new and longer")  # ... then saved again, before the run takes its digest
    corpus.digest(path)
    corpus.save()
    assert corpus.store.path.exists()
    again = FileIndex(Store(corpus.store.path))
    assert again.digest(path) == hashlib.sha256(b"new and longer").hexdigest()


def test_a_write_between_the_read_and_the_stat_after_it_is_read_again(tmp_path, monkeypatch):
    """A save while the bytes are read: the stat taken after the read differs, so the file
    is read once more and its digest filed under the stat that goes with those bytes."""
    import workflow.fileindex

    path = aged(tmp_path / "a.po", "old")
    real = workflow.fileindex.read_input
    saves = ["new and longer"]

    def read_then_save(file):
        data = real(file)
        if saves:
            aged(file, saves.pop())
        return data

    monkeypatch.setattr(workflow.fileindex, "read_input", read_then_save)
    index = FileIndex(Store(tmp_path / "store.json"))
    assert index.digest(path) == hashlib.sha256(b"new and longer").hexdigest()
    index.store.save()
    assert FileIndex(Store(tmp_path / "store.json")).digest(path) == \
        hashlib.sha256(b"new and longer").hexdigest()
