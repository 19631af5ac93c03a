"""File modes of atomic writes: the umask's for a new file, the old mode for a rewrite."""

from __future__ import annotations

import os
import stat

import pytest

from workflow.fsutil import atomic_write_bytes, current_umask, write_if_changed


@pytest.fixture
def umask():
    def set_mask(mask: int) -> None:
        os.umask(mask)

    previous = os.umask(0o022)
    yield set_mask
    os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o002, 0o664)])
def test_a_new_file_gets_the_umask_s_mode(tmp_path, umask, mask, expected):
    umask(mask)
    assert current_umask() == mask
    atomic_write_bytes(tmp_path / "a.pdf", b"%PDF")
    write_if_changed(tmp_path / "b.txt", "text")
    assert mode(tmp_path / "a.pdf") == expected and mode(tmp_path / "b.txt") == expected


def test_a_rewritten_file_keeps_its_mode(tmp_path, umask):
    path = tmp_path / "catalog.po"
    path.write_text("old")
    path.chmod(0o600)
    atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"new" and mode(path) == 0o600
    path.chmod(0o664)
    write_if_changed(path, "newer")
    assert mode(path) == 0o664


def test_catalog_saves_get_the_umask_s_mode_or_keep_their_own(tmp_path, umask):
    from workflow.fsutil import save_merged

    umask(0o022)
    path = tmp_path / "fa.po"
    assert save_merged(path, None, lambda current: b"msgid \"\"\nmsgstr \"\"\n")
    assert mode(path) == 0o644
    path.chmod(0o640)
    assert save_merged(path, path.read_bytes(), lambda current: current + b"\n")
    assert mode(path) == 0o640
