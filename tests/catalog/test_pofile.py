"""PO reading errors name file and line; writing is atomic and churn-free."""

from __future__ import annotations

import pytest

from workflow.catalog.pofile import read_po, write_po
from workflow.errors import PamphletError


def test_syntax_error_names_line(tmp_path):
    path = tmp_path / "broken.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "unterminated\nmsgstr ""\n', encoding="utf-8")
    with pytest.raises(PamphletError) as error:
        read_po(path)
    assert str(error.value).startswith(f"{path}:4: PO syntax error")


def test_duplicate_entry_names_line(tmp_path):
    path = tmp_path / "dup.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', encoding="utf-8")
    with pytest.raises(PamphletError, match=r"dup.po:4: .*already exists"):
        read_po(path)


def test_non_utf8_names_line(tmp_path):
    path = tmp_path / "latin1.po"
    path.write_bytes('msgid "a"\nmsgstr "caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(PamphletError, match=r"latin1.po:2: not valid UTF-8"):
        read_po(path)


def test_write_only_on_change(tmp_path):
    path = tmp_path / "x.po"
    # Poedit-style layout (one long line, no wrapping): the same content is never rewritten
    long = "word " * 30
    path.write_text(f'msgid "a"\nmsgstr "{long}"\n', encoding="utf-8")
    catalog = read_po(path)
    mtime = path.stat().st_mtime_ns
    assert write_po(path, catalog) is False
    assert path.stat().st_mtime_ns == mtime
    catalog[0].msgstr = "changed " + long
    assert write_po(path, catalog) is True  # new content: written as gettext lays it out
    assert 'msgid "a"\nmsgstr ""\n"changed word' in path.read_text(encoding="utf-8")
    assert write_po(path, read_po(path)) is False
    assert not list(tmp_path.glob(".*tmp"))
