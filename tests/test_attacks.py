"""The guarantees under attack (issue 17): links and FIFOs where files belong, plural and
context entries, a translator saving while a command writes, entity tricks, hostile
packages and settings. Each test failed before its fix."""

from __future__ import annotations

import errno
import io
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import polib
import pytest

from tests.conftest import STATEMENT_EN, write_project
from workflow import fsutil
from workflow.cli import main, terminal_safe
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.html import close_bidi_html, inline_problem, render_inline
from workflow.lock import LOCK_NAME, project_lock
from workflow.pofile import read_po, read_po_located
from workflow.translate import translate
from workflow.update import update

REPO = Path(__file__).resolve().parent.parent
needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs gettext")


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True,
                            text=True)
    assert result.returncode == 0, f"{path}: {result.stderr}"


def one_line_error(code: int, err: str, expected_code: int = 2) -> str:
    assert code == expected_code, err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# --- The lock: never follows a link, never empties a file it did not write -------------


def test_a_lock_linked_to_a_file_leaves_that_file_alone(project_dir, tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("years of work\n", encoding="utf-8")
    (project_dir / LOCK_NAME).symlink_to(victim)
    err = one_line_error(*run("update")[::2])
    assert f"{LOCK_NAME}: the project lock is a symbolic link" in err
    assert victim.read_text(encoding="utf-8") == "years of work\n"
    assert not (project_dir / "locale").exists()


def test_a_lock_linked_to_a_missing_path_creates_nothing(project_dir, tmp_path):
    (project_dir / LOCK_NAME).symlink_to(tmp_path / "created-by-the-lock")
    one_line_error(*run("update")[::2])
    assert not (tmp_path / "created-by-the-lock").exists()


def test_a_lock_linked_to_itself_is_one_line(project_dir):
    (project_dir / LOCK_NAME).symlink_to(LOCK_NAME)
    err = one_line_error(*run("update")[::2])
    assert err.startswith(f"Error: {LOCK_NAME}: the project lock is a symbolic link")


def test_a_fifo_or_hard_linked_or_foreign_lock_is_refused(project_dir, tmp_path):
    lock = project_dir / LOCK_NAME
    os.mkfifo(lock)
    assert "not a regular file" in one_line_error(*run("update")[::2])
    lock.unlink()
    other = tmp_path / "other-name"
    other.write_text("pid 1: pamphlet update\n", encoding="utf-8")
    os.link(other, lock)
    assert "another name (a hard link)" in one_line_error(*run("update")[::2])
    assert other.read_text(encoding="utf-8") == "pid 1: pamphlet update\n"
    lock.unlink()
    lock.write_text("my notes, committed by mistake\n", encoding="utf-8")
    assert "holds something other than pamphlet's lock" in one_line_error(*run("update")[::2])
    assert lock.read_text(encoding="utf-8") == "my notes, committed by mistake\n"
    lock.write_text("pid 12345: pamphlet build (since 2026-01-01T00:00:00+00:00)\n")
    assert run("update")[0] == 0  # a line an earlier holder left: ours, emptied
    assert lock.read_bytes() == b""


def test_a_lock_that_cannot_be_written_still_locks(project_dir, monkeypatch):
    """With 0 bytes free the holder's line cannot be written: the command goes on (and a
    full disk is reported by the file that needs the space, naming it)."""
    def full(fd, data, offset):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "pwrite", full)
    with project_lock(project_dir, "pamphlet update", timeout=0):
        with pytest.raises(PamphletError, match="locked by another process"):
            with project_lock(project_dir, "again", timeout=0):
                pass
    assert run("update")[0] == 0


# --- Writing and deleting never go through a link ---------------------------------------


def test_a_linked_print_bundle_is_refused_and_nothing_outside_is_deleted(tmp_path):
    from workflow.build import build

    root = write_project(tmp_path / "project")
    project = load_project(root)
    shop = tmp_path / "Dropbox" / "shop"
    shop.mkdir(parents=True)
    (shop / "invoice.pdf").write_bytes(b"%PDF-1.4 the shop's own")
    (root / "build" / "print").mkdir(parents=True)
    (root / "build" / "print" / "caravan").symlink_to(shop)
    with pytest.raises(PamphletError, match="is a symbolic link: pamphlet never writes or"):
        build(project, languages=["en"], layouts=["single"], for_print=True)
    assert [p.name for p in shop.iterdir()] == ["invoice.pdf"]
    assert not (root / "build" / "caravan").exists()  # refused before anything was written


def test_a_bundle_deletes_only_what_its_manifest_listed(tmp_path):
    from workflow.printing import bundled_files, remove_bundled

    folder = tmp_path / "bundle"
    folder.mkdir()
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"x")
    for name in ("a.pdf", "shop-notes.txt"):
        (folder / name).write_bytes(b"x")
    (folder / "link.pdf").symlink_to(outside)
    (folder / "manifest.json").write_text(json.dumps({"files": [
        {"file": "a.pdf"}, {"file": "../outside.pdf"}, {"file": "link.pdf"}, {"file": 5}]}))
    listed = bundled_files(folder)
    assert listed == {"a.pdf", "link.pdf", "manifest.json", "README.txt"}
    remove_bundled(folder, listed - {"manifest.json"})
    assert sorted(p.name for p in folder.iterdir()) == ["link.pdf", "manifest.json",
                                                        "shop-notes.txt"]
    assert outside.exists()


# --- update keeps every translation: plurals, contexts; refuses what msgfmt refuses -----

HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n')


def catalog_entries(path: Path) -> dict[tuple, tuple]:
    """(msgctxt, msgid, obsolete) -> (msgstr, plural forms) of every entry."""
    return {(e.msgctxt, e.msgid, bool(e.obsolete)): (e.msgstr, dict(e.msgstr_plural))
            for e in polib.pofile(str(path))}


@needs_msgfmt
def test_update_keeps_plural_and_context_entries(project_dir):
    assert run("update")[0] == 0
    path = project_dir / "locale" / "es" / "caravan.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + (
        '\nmsgid "One person walks."\nmsgid_plural "%d people walk."\n'
        'msgstr[0] "Camina una persona."\nmsgstr[1] "Caminan %d personas."\n'
        '\nmsgctxt "banner"\nmsgid "No one is illegal"\nmsgstr "Nadie es ilegal (pancarta)"\n'
        '\nmsgctxt "chant"\nmsgid "No one is illegal"\nmsgstr "Ninguna persona es ilegal"\n'
        '\n#~ msgctxt "old"\n#~ msgid "Gone."\n#~ msgid_plural "Gone %d."\n'
        '#~ msgstr[0] "Ido."\n#~ msgstr[1] "Idos %d."\n'), encoding="utf-8")
    assert run("update")[0] == 0
    entries = catalog_entries(path)
    assert entries[None, "One person walks.", True] == (
        "", {0: "Camina una persona.", 1: "Caminan %d personas."})
    assert entries["banner", "No one is illegal", True][0] == "Nadie es ilegal (pancarta)"
    assert entries["chant", "No one is illegal", True][0] == "Ninguna persona es ilegal"
    assert entries["old", "Gone.", True] == ("", {0: "Ido.", 1: "Idos %d."})
    msgfmt_check(path)
    before = path.read_bytes()
    assert run("update")[0] == 0 and path.read_bytes() == before  # and stays so


@pytest.mark.parametrize("extra, expected", [
    ('#~ msgid "Old."\n#~ msgstr "Viejo."\n\n#~ msgid "Old."\n#~ msgstr "Antiguo."\n',
     "obsolete entry 'Old.' already exists (line "),
    ('msgid "Same."\nmsgstr "Igual."\n\n#~ msgid "Same."\n#~ msgstr "Lo mismo."\n',
     "obsolete entry 'Same.' already exists (line "),
    ('msgid ""\nmsgstr "Language: es\\n"\n', 'a second header (`msgid ""`)'),
    ('#~ msgid ""\n#~ msgstr "Language: es\\n"\n', 'a second header (`msgid ""`)'),
])
def test_duplicates_msgfmt_refuses_are_refused_with_their_line(tmp_path, extra, expected):
    path = tmp_path / "x.po"
    path.write_text(HEADER + 'msgid "A."\nmsgstr "a."\n\n' + extra, encoding="utf-8")
    with pytest.raises(PamphletError, match=r"x\.po:\d+: ") as error:
        read_po(path)
    assert expected in str(error.value)
    line = int(str(error.value).split(":")[1])
    assert path.read_text(encoding="utf-8").split("\n")[line - 1].lstrip("#~ ").startswith(
        ("msgid", "#~ msgid")) or line > 6


def test_a_plural_entry_with_a_sentence_as_msgid_is_refused(project_dir):
    assert run("update")[0] == 0
    path = project_dir / "locale" / "es" / "caravan.po"
    catalog = polib.pofile(str(path))
    entry = catalog.find("No one is illegal")
    entry.msgid_plural, entry.msgstr_plural, entry.msgstr = "Many", {0: "uno", 1: "varios"}, ""
    catalog.save()
    before = path.read_bytes()
    err = one_line_error(*run("update")[::2])
    assert "locale/es/caravan.po:" in err and "plural entry 'No one is illegal'" in err
    assert path.read_bytes() == before


# --- A translator's save while translate or update writes is never lost ----------------

EDITOR_TEXT = "REVISADO POR LA TRADUCTORA"


def editor_save(path: Path, msgid: str, text: str = EDITOR_TEXT) -> None:
    """What Poedit or Lokalize does: read, change one entry, write a temporary file and
    rename it over the catalog."""
    catalog = polib.pofile(path.read_text(encoding="utf-8"))
    entry = catalog.find(msgid)
    entry.msgstr, entry.flags = text, []
    temporary = path.with_name(f"{path.name}.editor~")
    temporary.write_text(str(catalog), encoding="utf-8")
    os.replace(temporary, path)


@pytest.fixture
def memory_project(tmp_path, monkeypatch):
    """`translate` fills the caravan's Spanish catalog from a reviewed twin statement's
    (translation memory): no model is needed, the run takes a few milliseconds."""
    root = write_project(tmp_path / "memory", {
        "caravan": STATEMENT_EN,
        "twin": STATEMENT_EN})
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    twin = project.po_path("twin", "es")
    catalog = polib.pofile(str(twin))
    for entry in catalog:
        entry.msgstr = "ES " + entry.msgid
    catalog.save()
    return project


def race(path: Path, command, reset, msgid: str, trials: int, seed: int) -> list[int]:
    """Run `command` `trials` times with an editor saving `msgid` at a random moment of
    it; returns the trials whose save was lost."""
    rng = random.Random(seed)
    started = __import__("time").perf_counter()
    reset()
    command()
    duration = __import__("time").perf_counter() - started
    lost = []
    for trial in range(trials):
        reset()
        delay = rng.uniform(0, duration * 1.2)
        editor = threading.Timer(delay, editor_save, (path, msgid))
        editor.start()
        command()
        editor.join()
        entry = polib.pofile(str(path)).find(msgid)
        if entry is None or entry.msgstr != EDITOR_TEXT:
            lost.append(trial)
        read_po(path)
    return lost


def test_a_save_during_translate_is_never_lost(memory_project):
    path = memory_project.po_path("caravan", "es")
    pristine = path.read_bytes()
    lost = race(path, lambda: translate(memory_project, ["caravan"], ["es"]),
                lambda: path.write_bytes(pristine), "More than 7000 people walk together.",
                trials=200, seed=17)
    assert lost == [], f"the translator's save was overwritten in trials {lost}"


def test_a_save_during_update_is_never_lost(memory_project):
    project = memory_project
    source = project.source_path("caravan")
    path = project.po_path("caravan", "es")
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = "ES " + entry.msgid
    catalog.save()
    original, pristine = source.read_bytes(), path.read_bytes()
    edited = original.replace(b"What will happen next?", b"What happens next?")

    def reset():
        source.write_bytes(edited)
        path.write_bytes(pristine)

    lost = race(path, lambda: update(project, ["caravan"]), reset, "No one is illegal",
                trials=200, seed=18)
    assert lost == [], f"the translator's save was overwritten in trials {lost}"


@pytest.mark.parametrize("exchange", [True, False])
def test_a_save_in_the_last_moment_before_the_rename_is_merged(memory_project, monkeypatch,
                                                               exchange):
    """The delayed rename of the issue (strace's delay_enter), made certain: the editor
    saves after the catalog was re-read and merged, just before it is put in place."""
    path = memory_project.po_path("caravan", "es")
    real_exchange, real_replace = fsutil._renameat2, os.replace
    saves = []

    def late_save():
        if not saves:
            saves.append(1)
            editor_save(path, "More than 7000 people walk together.")

    def exchanging(source, target):
        late_save()
        return real_exchange(source, target) if exchange else False

    def replacing(source, target, *args, **kwargs):
        if Path(target) == path:
            late_save()
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(fsutil, "_renameat2", exchanging)
    monkeypatch.setattr(os, "replace", replacing)
    report = translate(memory_project, ["caravan"], ["es"])
    catalog = polib.pofile(str(path))
    assert catalog.find("More than 7000 people walk together.").msgstr == EDITOR_TEXT
    assert catalog.find("No one is illegal").msgstr == "ES No one is illegal"  # and ours
    assert report.memory_exact == len([e for e in catalog if e.msgstr]) - 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["caravan.po", "twin.po"]
