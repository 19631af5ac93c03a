"""The guarantees under attack (issue 17): links and FIFOs where files belong, plural and
context entries, a translator saving while a command writes, entity tricks, hostile
packages and settings. Each test failed before its fix."""

from __future__ import annotations

import errno
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

from tests.helpers import REPO, STATEMENT_EN, needs_msgfmt, run, write_project
from workflow import fsutil
from workflow.catalog.pofile import read_po, read_po_located
from workflow.cli import terminal_safe
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.lock import LOCK_NAME, project_lock
from workflow.mt.stage import translate
from workflow.render.html import close_bidi_html, inline_problem, render_inline
from workflow.update import update


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
    from workflow.pdf.bundle import bundled_files, remove_bundled

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


@pytest.mark.slow
def test_a_save_during_translate_is_never_lost(memory_project):
    path = memory_project.po_path("caravan", "es")
    pristine = path.read_bytes()
    lost = race(path, lambda: translate(memory_project, ["caravan"], ["es"]),
                lambda: path.write_bytes(pristine), "More than 7000 people walk together.",
                trials=200, seed=17)
    assert lost == [], f"the translator's save was overwritten in trials {lost}"


@pytest.mark.slow
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


# --- Character references cannot smuggle a direction control past the closing ----------


@pytest.mark.parametrize("reference, control", [
    ("&#x202E;", "\u202e"), ("&#8238;", "\u202e"), ("&#x2067;", "\u2067"),
    ("&#x202D;", "\u202d"), ("&#X202e;", "\u202e")])
def test_a_control_written_as_a_reference_is_closed(reference, control):
    from workflow.edition import Piece
    from workflow.render.html import piece_html

    # names=False: the capitalised "Primera" would be kept whole in a span (keep_names_whole)
    html = piece_html(Piece(f"Primera frase {reference}", "", "es", "reviewed"), names=False)
    closer = "\u2069" if control == "\u2067" else "\u202c"
    assert html == f"Primera frase {control}{closer}"
    # Written out literally it is text, not a control: nothing to close.
    assert piece_html(Piece(f"x &amp;{reference[1:]}", "", "es", "reviewed")).endswith(";")


def test_a_link_title_directs_nothing_and_is_not_counted():

    html = render_inline('[x](https://example.org "&#x202E;")')
    assert close_bidi_html(html) == html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")
def test_a_reference_override_does_not_reverse_the_next_sentence(project):
    from tests.helpers import squash, squashed_pdf_text, write_translations
    from workflow.build import build

    update(project)
    write_translations(project, "es", {
        "We express our solidarity with the caravan.": "Primera frase &#x202E;INVERTIDA",
        "The U.S. army has killed thousands.": "Segunda frase revisada."})
    build(project, languages=["es"], layouts=["single"])
    text = squashed_pdf_text(project.build / "caravan" / "caravan.es.pdf")
    assert squash("Segunda frase revisada.") in text


# --- Hostile packages --------------------------------------------------------------------


@pytest.fixture
def packages(tmp_path, monkeypatch):
    directory = tmp_path / "argos-packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    return directory


def package_zip(path: Path, metadata: dict, folder: str = "translate-en_es-1_0",
                extra: dict | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr(f"{folder}/metadata.json", json.dumps(metadata))
        zipped.writestr(f"{folder}/model/model.bin", b"\x01" * 64)
        zipped.writestr(f"{folder}/sentencepiece.model", b"\x02" * 64)
        for name, data in (extra or {}).items():
            zipped.writestr(f"{folder}/{name}", data)
    return path


GOOD = {"type": "translate", "from_code": "en", "to_code": "es", "package_version": "1.0"}


@pytest.mark.parametrize("bad", [{"languages": 5}, {"source_languages": "abc"},
                                 {"target_prefix": 5}, {"package_version": ["1"]},
                                 {"from_code": "../x"}, {"languages": ["en"]}])
def test_package_metadata_of_the_wrong_type_is_refused_before_installing(tmp_path, packages,
                                                                        bad):
    from workflow.models import install

    archive = package_zip(tmp_path / "bad.argosmodel", {**GOOD, **bad})
    with pytest.raises(PamphletError, match="metadata.json"):
        install(archive)
    assert not packages.exists() or list(packages.iterdir()) == []


def test_an_installed_broken_package_is_reported_and_skipped(tmp_path, packages, caplog):
    from workflow.models import install, installed_models

    install(package_zip(tmp_path / "good.argosmodel", GOOD))
    broken = packages / "translate-en_ar-1_0"
    broken.mkdir()
    (broken / "metadata.json").write_text(json.dumps({**GOOD, "to_code": "ar",
                                                      "languages": 5}))
    assert [m.name for m in installed_models()] == ["translate-en_es"]
    assert "translate-en_ar-1_0: metadata.json field 'languages' must be a list" in caplog.text
    code, out, _ = run("models", "list")
    assert code == 0 and "en->es" in out


def test_the_installed_folder_is_named_from_the_metadata(tmp_path, packages):
    from workflow.models import install, installed_models

    install(package_zip(tmp_path / "es.argosmodel", GOOD))
    lying = package_zip(tmp_path / "lying.argosmodel", {**GOOD, "to_code": "ar"},
                        folder="translate-en_es-1_0")
    model = install(lying)
    assert model.path.name == "translate-en_ar-1_0" and model.to_code == "ar"
    assert sorted((m.from_code, m.to_code) for m in installed_models()) == [("en", "ar"),
                                                                          ("en", "es")]


def test_an_archive_that_inflates_too_much_is_refused(tmp_path, packages, monkeypatch):
    from workflow import models

    monkeypatch.setattr(models, "RATIO_FREE_BYTES", 10**6)
    archive = package_zip(tmp_path / "bomb.argosmodel", GOOD,
                          extra={"model/padding.bin": bytes(20 * 10**6)})
    assert archive.stat().st_size < 10**6
    with pytest.raises(PamphletError, match="times its size"):
        models.install(archive)
    assert list(packages.iterdir()) == []


def dead_pid() -> int:
    return int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                              capture_output=True, text=True, check=True).stdout)


def test_a_killed_extraction_is_cleaned_up_by_the_next_command(tmp_path, packages):
    from workflow.models import install, installed_models

    install(package_zip(tmp_path / "es.argosmodel", GOOD))
    staging = packages / f".install-{dead_pid()}-abcd"
    (staging / "translate-en_es-1_0" / "model").mkdir(parents=True)
    (staging / "translate-en_es-1_0" / "model" / "model.bin").write_bytes(b"half")
    running = packages / f".install-{os.getpid()}-efgh"  # an install running now: kept
    running.mkdir()
    assert [m.name for m in installed_models()] == ["translate-en_es"]
    assert sorted(p.name for p in packages.iterdir()) == [running.name, "translate-en_es-1_0"]


def test_a_swap_killed_between_its_renames_is_rolled_back(tmp_path, packages):
    from workflow.models import install, installed_models

    model = install(package_zip(tmp_path / "es.argosmodel", GOOD))
    staging = packages / f".install-{dead_pid()}-abcd"
    staging.mkdir()
    (staging / ".target").write_text(model.path.name)
    os.replace(model.path, staging / ".previous")  # killed here: no en->es model at all
    assert [m.name for m in installed_models()] == ["translate-en_es"]
    assert not staging.exists()
    assert (model.path / "model" / "model.bin").read_bytes() == b"\x01" * 64


def test_a_killed_install_then_a_new_install_finds_no_leftovers(tmp_path, packages):
    from workflow.models import install

    staging = packages / f".install-{dead_pid()}-abcd"
    staging.mkdir(parents=True)
    (staging / "junk.bin").write_bytes(b"x" * 1000)
    install(package_zip(tmp_path / "es.argosmodel", GOOD))
    assert sorted(p.name for p in packages.iterdir()) == ["translate-en_es-1_0"]


# --- Inputs that would crash or stall a stage: one line naming the file and line --------


@pytest.mark.parametrize("text, expected", [
    ("*" * 500 + "a" + "*" * 500, "inline markup nested 250 deep"),
    ("`a` " * 2000, "2000 inline markup elements"),
    ("[a](https://x.org) " * 65, "65 inline markup elements"),
])
def test_markup_that_would_crash_the_typesetter_is_refused_with_its_line(project, text,
                                                                       expected):
    from tests.helpers import write_translations
    from workflow.build import build

    update(project)
    write_translations(project, "es", {"No one is illegal": text})
    lines = read_po_located(project.po_path("caravan", "es"))[1]
    entry = polib.pofile(str(project.po_path("caravan", "es"))).find("No one is illegal")
    [failure] = build(project, languages=["es"], layouts=["single"]).failures
    assert failure.reason.startswith(f"locale/es/caravan.po:{lines[entry.linenum]}: {expected}")
    assert not (project.build / "caravan" / "caravan.es.pdf").exists()


def test_ordinary_markup_passes():
    assert inline_problem("**Bold**, *emphasis*, `code` and [a link](https://example.org).") is None


def test_a_statement_line_of_many_nested_stars_names_the_statement(project_dir):
    source = project_dir / "source" / "caravan.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "More than 7000", "*" * 300 + "More" + "*" * 300 + " than 7000"), encoding="utf-8")
    code, out, err = run("build", "--lang", "en")
    # The line of its paragraph (11), which the line break continues.
    assert code == 1 and "Traceback" not in err
    assert "    caravan.en.pdf: source/caravan.md:11: inline markup" in out


def test_a_megabyte_title_or_sentence_is_refused_with_its_line(project_dir):
    source = project_dir / "source" / "caravan.md"
    original = source.read_text(encoding="utf-8")
    source.write_text(original.replace("More than 7000 people walk together.",
                                       "word " * 200_000), encoding="utf-8")
    code, _, err = run("update")
    assert "source/caravan.md:12: a paragraph of 999,999 characters" in one_line_error(code, err)
    source.write_text(original.replace('"Solidarity with the caravan"', "x" * 10**6))
    code, out, err = run("build")  # each PDF of it listed as not built, with the reason
    assert code == 1 and "Traceback" not in err
    assert "not built: 8 PDF(s)" in out and "a title of 1,000,000 characters" in out


@pytest.mark.parametrize("config, expected", [
    ('[tool.pamphlet]\nsource_dir = 5\n', "pyproject.toml:5: source_dir must be a folder name"
     " (a string), not a number (5)"),
    ('[tool.pamphlet]\nlocale_dir = ["a"]\n', "pyproject.toml:5: locale_dir must be a folder"
     " name (a string), not a list"),
    ('[tool]\npamphlet = 5\n', "pyproject.toml:5: [tool.pamphlet] must be a table of settings,"
     " not a number (5)"),
    ('[[tool.pamphlet]]\nlanguages = ["en"]\n', "pyproject.toml:4: [tool.pamphlet] must be a"
     " table of settings, not an array of tables"),
    ('[tool.pamphlet]\npage_size = "A5\n', "pyproject.toml:5: invalid TOML: "),
])
def test_settings_of_the_wrong_type_are_one_line_naming_it(tmp_path, monkeypatch, config,
                                                         expected):
    root = write_project(tmp_path / "p", config=config)
    monkeypatch.chdir(root)
    assert expected in one_line_error(*run("status")[::2])


def test_a_top_level_tool_key_and_a_bad_byte_name_their_line(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p")
    monkeypatch.chdir(root)
    (root / "pyproject.toml").write_text("tool = 5\n[project]\nname = 'x'\n")
    assert "pyproject.toml:1: `tool` must be a table" in one_line_error(*run("status")[::2])
    (root / "pyproject.toml").write_bytes(b"[project]\nname = 'x\xff'\n")
    assert "pyproject.toml:2: not valid UTF-8 (byte 0xff)" in one_line_error(
        *run("status")[::2])


def run_cli(root: Path, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """In a subprocess: a FIFO read by mistake would block this process forever."""
    return subprocess.run([sys.executable, "-m", "workflow", *argv], cwd=root, timeout=timeout,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.mark.parametrize("command", [["status"], ["check"], ["update"], ["build", "--lang", "es"]])
def test_a_fifo_catalog_is_refused_not_waited_for(project_dir, command):
    assert run("update")[0] == 0
    catalog = project_dir / "locale" / "es" / "caravan.po"
    catalog.unlink()
    os.mkfifo(catalog)
    result = run_cli(project_dir, *command)
    assert result.returncode == 2, result.stderr
    assert result.stderr == ("Error: locale/es/caravan.po: is not a regular file (a FIFO, a"
                             " device or a socket): pamphlet reads only plain files\n")


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd"])
def test_a_catalog_linked_out_of_the_project_is_refused_unread(project_dir, target):
    assert run("update")[0] == 0
    catalog = project_dir / "locale" / "es" / "caravan.po"
    catalog.unlink()
    catalog.symlink_to(target)
    for command in (["status"], ["update"]):
        err = one_line_error(*run(*command)[::2])
        assert err == (f"Error: locale/es/caravan.po: is a link to {target}, outside the"
                       " project: pamphlet reads only the project's own files (copy the file"
                       " here)\n")
        assert "root:" not in err


def test_links_inside_the_project_are_fine_and_statements_glossaries_are_guarded(project_dir,
                                                                                tmp_path):
    source = project_dir / "source" / "caravan.md"
    (project_dir / "drafts").mkdir()
    source.rename(project_dir / "drafts" / "caravan.md")
    source.symlink_to(project_dir / "drafts" / "caravan.md")
    assert run("update")[0] == 0
    outside = tmp_path / "statement.md"
    outside.write_text(STATEMENT_EN, encoding="utf-8")
    source.unlink()
    source.symlink_to(outside)
    assert "is a link to" in one_line_error(*run("update")[::2])
    source.unlink()
    (project_dir / "drafts" / "caravan.md").rename(source)
    (project_dir / "locale" / "glossary.csv").symlink_to("/etc/passwd")
    assert "glossary.csv: is a link to /etc/passwd" in one_line_error(*run("check")[::2])


def test_a_fifo_icc_profile_and_a_damaged_one_are_refused(project_dir):
    from workflow.pdf.settings import check_cmyk_profile

    os.mkfifo(project_dir / "shop.icc")
    config = project_dir / "pyproject.toml"
    config.write_text("[project]\nname = 'x'\n\n[tool.pamphlet]\nicc_profile = \"shop.icc\"\n")
    assert run("update")[0] == 0
    result = run_cli(project_dir, "build", "--print", "--lang", "en")
    assert result.returncode == 2 and "shop.icc: is not a regular file" in result.stderr
    # the setting to fix is named by its line, and the file by its name
    line = config.read_text().splitlines().index('icc_profile = "shop.icc"') + 1
    assert result.stderr.startswith(f"Error: pyproject.toml:{line}: icc_profile names shop.icc:")
    bundled = (REPO / "workflow" / "profiles" / "FOGRA39L-pamphlet.icc").read_bytes()
    check_cmyk_profile(bundled, "bundled")
    garbage = bundled[:132] + random.Random(1).randbytes(len(bundled) - 132)
    with pytest.raises(PamphletError, match="shop.icc: a damaged ICC profile"):
        check_cmyk_profile(garbage, "shop.icc")


# --- Scale: a PO file is read in linear time, a string holds at most one sentence -------


def test_a_string_of_many_short_lines_reads_back_whole(tmp_path):
    """polib joined continuation lines by copying the string each time (a 2 MB msgstr of
    short lines: 36 s). Now each string reaches polib on one line: same result."""
    path = tmp_path / "x.po"
    value = "línea\n" * 1500
    catalog = polib.POFile(wrapwidth=79)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalog.append(polib.POEntry(msgid="Uno.", msgstr=value, tcomment="c"))
    catalog.append(polib.POEntry(msgid="Dos.", msgstr="dos", obsolete=True))
    catalog.append(polib.POEntry(msgid="Tres.", msgctxt="a\nb", msgid_plural="Tres %d.",
                                 msgstr_plural={0: "x\ny", 1: "z"}))
    path.write_text(str(catalog), encoding="utf-8")
    again, lines = read_po_located(path)
    assert [(e.msgid, e.msgstr, e.msgctxt, e.msgstr_plural, e.obsolete, e.linenum)
            for e in again] == [(e.msgid, e.msgstr, e.msgctxt, e.msgstr_plural, e.obsolete,
                                 e.linenum) for e in polib.pofile(str(path))]
    text = path.read_text(encoding="utf-8").split("\n")
    for entry in again:
        assert "msgid " in text[lines[entry.linenum] - 1]  # obsolete ones: their `#~ msgid`


def test_a_megabyte_msgstr_is_refused_with_its_line(tmp_path):
    path = tmp_path / "x.po"
    path.write_text(HEADER + 'msgid "A."\nmsgstr "a."\n\nmsgid "B."\nmsgstr ""\n'
                    + '"palabra \\n"\n' * 120_000, encoding="utf-8")
    with pytest.raises(PamphletError, match=r"x\.po:9: a string of 1,080,000 characters"):
        read_po(path)
    path.write_text(HEADER + 'msgid "B."\nmsgstr "' + "x" * 10**6 + '"\n', encoding="utf-8")
    with pytest.raises(PamphletError, match=r"x\.po:7: a line of 1,000,009 characters"):
        read_po(path)


# --- Small ones --------------------------------------------------------------------------


def test_an_unreadable_source_folder_is_not_an_empty_one(project_dir, monkeypatch):
    real = os.scandir

    def refusing(path="."):
        if Path(path).name == "source":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", refusing)
    code, _, err = run("status")
    assert one_line_error(code, err, 1) == (
        "Error: source: cannot list this folder (Permission denied)\n")


@pytest.mark.parametrize("field, expected", [
    ("title: [a, b]", "front matter field 'title' must be text, not a list"),
    ("title: {a: b}", "front matter field 'title' must be text, not a mapping"),
    ("title: !!python/object:os.system x", "a YAML tag (!!python/object:os.system)"),
    ("title: !secret", "a YAML tag (!secret)"),
])
def test_a_title_that_is_not_text_says_what_it_is(project_dir, field, expected):
    source = project_dir / "source" / "caravan.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        'title: "Solidarity with the caravan"', field), encoding="utf-8")
    assert f"source/caravan.md:2: {expected}" in one_line_error(*run("update")[::2])


def test_import_names_a_statement_from_its_title_then_its_file_name(project_dir):
    """An Arabic-script title gives a romanised slug; a title without letters falls back to
    the file name's words, and without those to `statement-` and the title's year: never a
    bare year, never an unsafe name."""
    raw = project_dir / "huge_50mb.txt"
    raw.write_text("تضامن مع القافلة\n\nنعبر عن تضامننا.\n", encoding="utf-8")
    assert run("import", str(raw), "--lang", "ar")[0] == 0
    assert (project_dir / "source" / "tdamn-m-alqafla.md").is_file()
    raw.write_text("٢٠٢٢\n\nنعبر عن تضامننا.\n", encoding="utf-8")
    assert run("import", str(raw), "--lang", "ar")[0] == 0
    assert (project_dir / "source" / "huge-50mb-2022.md").is_file()
    raw = project_dir / "___.txt"
    raw.write_text("٢٠٢٢\n\nنعبر عن تضامننا.\n", encoding="utf-8")
    assert run("import", str(raw), "--lang", "ar")[0] == 0
    assert (project_dir / "source" / "statement-2022.md").is_file()


def test_terminal_escapes_in_a_translation_are_shown_not_obeyed(project_dir, monkeypatch):
    """A check that quotes a translation (a word, a clause) would write what is in it to
    the terminal: ESC sequences clear the screen, retitle the window, hide text."""
    from workflow import qa
    from workflow.qa import ERROR, Finding

    assert terminal_safe("a\x1b]0;owned\x07b\x9b31m\tc") == "a\\x1b]0;owned\\x07b\\x9b31m\tc"
    quoted = Finding("locale/es/caravan.po", 9, "repeated-phrase", ERROR,
                     "repeated in a row: 'gente\x1b[2J' 2 times")
    monkeypatch.setattr(qa, "run_checks", lambda *args, **kwargs: [quoted])
    code, out, _ = run("check")
    assert code == 1 and "\x1b" not in out and "'gente\\x1b[2J' 2 times" in out
    code, _, err = run("update", "no-such-\x1b[2J")
    assert "\x1b" not in err and "no-such-\\x1b[2J" in err


def test_weasyprint_is_imported_without_spawning_a_compiler():
    script = ("import subprocess, sys\n"
              "spawned = []\n"
              "real = subprocess.Popen.__init__\n"
              "def spy(self, args, *a, **k):\n"
              "    spawned.append(args)\n"
              "    real(self, args, *a, **k)\n"
              "subprocess.Popen.__init__ = spy\n"
              "from workflow.render.typeset import import_weasyprint\n"
              "import_weasyprint()\n"
              "import weasyprint.text.ffi\n"
              "print(spawned)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, check=True)
    assert result.stdout == "[]\n", result.stdout
