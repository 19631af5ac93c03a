"""Nothing lost, nothing read: the project lock, interrupted commands, hostile translations,
hostile and broken files.

Interrupted commands run as `python -m workflow ...` in a subprocess (cwd: a throw-away
project) that signals itself (SIGINT or SIGKILL) just before or just after the N-th rename
of a finished file, N drawn at random; one test also signals from outside at a random time.
Each time, every file on disk must be the old or the new version, and a rerun must finish
the job. The draws come from PAMPHLET_INTERRUPT_SEED (random if unset; failures print it).
"""

from __future__ import annotations

import difflib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import polib
import pytest
from pypdf import PdfReader

from tests.argos_fixture import built_packages
from tests.helpers import (
    REPO,
    STATEMENT_EN,
    needs_poppler,
    run,
    squash,
    squashed_pdf_text,
    write_project,
    write_translations,
)
from workflow import segment
from workflow.build import build
from workflow.catalog.pofile import read_po, write_po
from workflow.config import load_project
from workflow.edition import load_editions
from workflow.fsutil import atomic_write_bytes, remove_stale_temporaries, write_if_changed
from workflow.lock import LOCK_NAME, project_lock
from workflow.models import install
from workflow.render import typeset as typeset_module
from workflow.render.html import render_html
from workflow.render.typeset import render_pdf
from workflow.store import STORE_FILE
from workflow.update import update

SEED = int(os.environ.get("PAMPHLET_INTERRUPT_SEED") or random.SystemRandom().randrange(10**6))
AGAIN = f"(reproduce with PAMPHLET_INTERRUPT_SEED={SEED})"
TEMPORARY = re.compile(r"^\..+\.\d+\.[^./]+\.tmp$")  # fsutil's .NAME.PID.XXXX.tmp


def files(root: Path) -> dict[str, bytes]:
    """Every file of the project but the lock, by relative path; build/'s store as its
    records (`records`)."""
    return {p.relative_to(root).as_posix(): records(p.read_bytes()) if p.name == STORE_FILE
            else p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


def records(data: bytes) -> bytes:
    """The records of build/'s store (per output, per failure, per checked catalog), less
    its file index (inodes and mtimes of this copy: a cache whose every content is right)."""
    loaded = json.loads(data)
    return json.dumps({f"{table}/{key}": value
                       for table in ("outputs", "failed", "dashboard", "checks")
                       for key, value in loaded.get(table, {}).items()}, sort_keys=True).encode()


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1600000000",
            "PAMPHLET_LOCK_TIMEOUT": "60"}


# --- The project lock -----------------------------------------------------------------

HOLDER = """\
import sys, time
from pathlib import Path
from workflow.lock import project_lock
with project_lock(Path(sys.argv[1]), "pamphlet build --final"):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_lock(root: Path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), str(seconds)],
                              env=environment(), stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "locked\n"
    return holder


@pytest.mark.parametrize("argv", [
    ["update"], ["import", "raw.txt", "--lang", "en"], ["translate"], ["build"],
    ["models", "install", "x.argosmodel"]])
def test_writing_commands_refuse_while_another_holds_the_lock(project_dir, monkeypatch, argv):
    monkeypatch.setenv("PAMPHLET_LOCK_TIMEOUT", "0.3")
    holder = hold_lock(project_dir, 60)
    try:
        before = files(project_dir)
        code, _, err = run(*argv)
        waiting, error = err.splitlines()
        assert code == 2
        assert waiting.startswith(f"Waiting for the project lock, held by pid {holder.pid}")
        assert error.startswith(f"Error: {LOCK_NAME}: the project is locked by pid "
                                f"{holder.pid}: pamphlet build --final (since ")
        assert "waited 0.3 s" in error
        assert files(project_dir) == before
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the lock of the killed holder: nothing stale is left behind.
    assert run("update")[0] == 0


def test_a_second_command_waits_for_the_first(project_dir):
    holder = hold_lock(project_dir, 1.0)
    started = time.monotonic()
    code, out, err = run("update")
    holder.wait()
    assert code == 0, err
    assert err.startswith(f"Waiting for the project lock, held by pid {holder.pid}: ")
    assert time.monotonic() - started >= 0.5
    assert "4 catalog(s) written" in out


def test_reading_commands_take_no_lock(project_dir, monkeypatch):
    run("update")
    monkeypatch.setenv("PAMPHLET_LOCK_TIMEOUT", "0")
    holder = hold_lock(project_dir, 60)
    try:
        assert run("status")[0] == 0
        assert run("update")[0] == 2
    finally:
        holder.kill()
        holder.wait()


def test_lock_names_its_holder_and_is_released(tmp_path):
    with project_lock(tmp_path, "pamphlet update"):
        text = (tmp_path / LOCK_NAME).read_text(encoding="utf-8")
        assert text.startswith(f"pid {os.getpid()}: pamphlet update (since ")
    assert (tmp_path / LOCK_NAME).read_text(encoding="utf-8") == ""
    with project_lock(tmp_path, "again", timeout=0):  # free again at once
        pass


def test_bad_timeout_is_a_clear_error(project_dir, monkeypatch):
    monkeypatch.setenv("PAMPHLET_LOCK_TIMEOUT", "soon")
    code, _, err = run("update")
    assert code == 2 and "PAMPHLET_LOCK_TIMEOUT must be a number of seconds" in err


# --- Interrupted commands -------------------------------------------------------------

# `python -m workflow ARGS` that sends itself SIGNUM at the EVENT-th event, an event being
# the moment before or the moment after a finished file is renamed (or exchanged) into place. With
# EVENT 0 it runs to the end and reports how many events there were.
DRIVER = """\
import os, runpy, sys
signum, target = int(sys.argv[1]), int(sys.argv[2])
sys.argv = ["pamphlet", *sys.argv[3:]]
events = 0
real_replace = os.replace
def event():
    global events
    events += 1
    if events == target:
        os.kill(os.getpid(), signum)
def replace(source, target_path, *args, **kwargs):
    event()
    real_replace(source, target_path, *args, **kwargs)
    event()
os.replace = replace
import workflow.fsutil  # catalogs are put in place by an atomic exchange: an event too
real_exchange = workflow.fsutil._renameat2
def exchange(*args):
    event()
    done = real_exchange(*args)
    event()
    return done
workflow.fsutil._renameat2 = exchange
try:
    runpy.run_module("workflow", run_name="__main__", alter_sys=True)
finally:
    sys.stderr.write(f"EVENTS {events}\\n")
"""


def run_driven(root: Path, args: list[str], signum: int = 0, event: int = 0
               ) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", DRIVER, str(signum), str(event), *args],
                          cwd=root, env=environment(), capture_output=True, text=True,
                          timeout=300)


def events_of(result: subprocess.CompletedProcess) -> int:
    return int(re.search(r"EVENTS (\d+)", result.stderr).group(1))


def check_old_or_new(root: Path, old: dict[str, bytes], new: dict[str, bytes], note: str,
                     same=None) -> list[str]:
    """Every file is its old or its new version, and whole; returns the leftover
    temporary files of a killed writer (never a project file). `same(name, data)` says
    whether a file is a new version where more than one is right."""
    now = files(root)
    leftovers = [name for name in now if TEMPORARY.match(Path(name).name)]
    for name, data in now.items():
        if name in leftovers:
            continue
        if name.endswith(STORE_FILE):  # records saved after each output
            state, old_state, new_state = (json.loads(d) if d else {} for d in (
                data, old.get(name), new.get(name)))
            assert all(v in (old_state.get(k), new_state.get(k)) for k, v in state.items()), (
                f"{name} records an output that is neither old nor new {note}")
            continue
        assert data in (old.get(name), new.get(name)) or (same and same(name, data)), (
            f"{name} is neither old nor new {note}")
        if name.endswith((".po", ".pot")):
            polib.pofile(data.decode("utf-8"))
            read_po(root / name)
        if name.endswith(".pdf"):
            assert len(PdfReader(root / name).pages) >= 1, f"{name} {note}"
    missing = sorted(set(old) - set(now))
    assert not missing, f"files lost: {missing} {note}"
    return leftovers


def difference(now: dict[str, bytes], expected: dict[str, bytes]) -> str:
    """The first differing file, as a short diff."""
    for name in sorted(set(now) | set(expected)):
        if now.get(name) != expected.get(name):
            lines = difflib.unified_diff(
                expected.get(name, b"").decode(errors="replace").splitlines(),
                now.get(name, b"").decode(errors="replace").splitlines(),
                f"expected {name}", f"found {name}", n=1, lineterm="")
            return "\n".join(list(lines)[:40])
    return ""


def interrupt_and_finish(old_root: Path, args: list[str], tmp_path: Path, same=None) -> None:
    """Run `args` to the end in a copy (the new state), then in the project interrupt it
    with SIGINT at a random event, its rerun with SIGKILL at a random event, and rerun."""
    rng = random.Random(f"{SEED} {' '.join(args)}")
    reference = tmp_path / "reference"
    shutil.copytree(old_root, reference)
    old = files(old_root)
    result = run_driven(reference, args)
    assert result.returncode == 0, result.stderr
    new, total = files(reference), events_of(result)
    assert total >= 2 and new != old

    first = rng.randint(1, total)
    note = f"after SIGINT at event {first} of {total} {AGAIN}"
    result = run_driven(old_root, args, signal.SIGINT, first)
    assert result.returncode == 130, f"{result.stderr} {note}"
    assert "Interrupted: files already written are complete; rerun to finish." in result.stderr
    assert check_old_or_new(old_root, old, new, note, same) == [], note  # SIGINT cleans up

    second = rng.randint(1, max(1, total - first))
    note = f"after SIGINT at event {first}, then SIGKILL at {second} of {total} {AGAIN}"
    result = run_driven(old_root, args, signal.SIGKILL, second)
    assert result.returncode in (-signal.SIGKILL, 0), f"{result.stderr} {note}"
    leftovers = check_old_or_new(old_root, old, new, note, same)
    assert all(name.rsplit("/", 1)[-1].startswith(".") for name in leftovers)

    result = run_driven(old_root, args)
    assert result.returncode == 0, f"{result.stderr} {note}"
    final = files(old_root)
    if same is not None:  # files that are right in another way count as the new version
        final = {name: new.get(name) if same(name, data) else data
                 for name, data in final.items()}
    assert final == new, f"the rerun did not finish the job {note}\n{difference(final, new)}"


def edit_every_statement(root: Path) -> None:
    for path in sorted((root / "source").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        paragraph = next(line for line in text.split("\n")[7:] if len(line) > 80)
        path.write_text(text.replace(paragraph, "A new first sentence. " + paragraph[20:]),
                        encoding="utf-8")


@pytest.mark.fuzz
def test_interrupted_update_loses_nothing_and_a_rerun_finishes(repo_copy, tmp_path):
    """`update` on the six embedded statements, every one edited: 24 catalogs to write."""
    edit_every_statement(repo_copy)
    interrupt_and_finish(repo_copy, ["update"], tmp_path)


@pytest.fixture(scope="module")
def argos_en_es(tmp_path_factory):
    directory = tmp_path_factory.mktemp("argos")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(directory))
        install(built_packages()["en", "es"])
    return directory


@pytest.mark.fuzz
def test_interrupted_translate_loses_nothing_and_a_rerun_finishes(repo_copy, tmp_path,
                                                                  monkeypatch, argos_en_es):
    """Machine pretranslation into Spanish of three statements with a reviewed catalog
    emptied: each catalog is saved as soon as it is complete."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_en_es))
    keep = ["amenas-oppose-war-on-iran-2020", "ima-migrants-day-2016", "ames-migrant-caravan-2018"]
    for path in (repo_copy / "source").glob("*.md"):
        if path.stem not in keep:
            path.unlink()
    for slug in keep:
        path = repo_copy / "locale" / "es" / f"{slug}.po"
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = ""
        catalog.save()
    old = files(repo_copy)

    def completed(name: str, data: bytes) -> bool:
        """Machine output of the random test models depends on the other sentences of its
        batch: a catalog is new when every entry untranslated before is filled, marked as
        machine or memory output, and every other entry is unchanged."""
        if not name.endswith(".po") or name not in old:
            return False
        before, after = (polib.pofile(d.decode("utf-8")) for d in (old[name], data))
        if [e.msgid for e in before] != [e.msgid for e in after]:
            return False
        for was, now in zip(before, after, strict=True):
            if was.msgstr and str(was) != str(now):
                return False
            marks = ("machine translation:", "translation memory:")
            if not was.msgstr and not (now.msgstr and now.tcomment.startswith(marks)):
                return False
        return True

    interrupt_and_finish(repo_copy, ["translate", "--lang", "es"], tmp_path, completed)


@pytest.fixture
def draft_project(project_dir):
    update(load_project(project_dir))
    path = project_dir / "locale" / "es" / "caravan.po"
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = " ".join(["Texto", *re.findall(r"\d+", entry.msgid)]) + "."
    catalog.save()
    return project_dir


@pytest.mark.slow
@pytest.mark.fuzz
def test_interrupted_build_loses_nothing_and_a_rerun_finishes(draft_project, tmp_path):
    interrupt_and_finish(draft_project, ["build", "--lang", "es"], tmp_path)


@pytest.mark.slow
@pytest.mark.fuzz
def test_build_signalled_from_outside_at_random_times(draft_project, tmp_path):
    """Real signals at random moments (imports, rendering, writing) of `python -m workflow
    build`: the files are old or new, whatever the moment."""
    rng = random.Random(f"{SEED} outside")
    reference = tmp_path / "reference"
    shutil.copytree(draft_project, reference)
    old = files(draft_project)
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "workflow", "build", "--lang", "es"],
                          cwd=reference, env=environment(), capture_output=True, text=True)
    duration = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    new = files(reference)
    for signum in (signal.SIGINT, signal.SIGKILL):
        delay = rng.uniform(0.2, duration)
        process = subprocess.Popen([sys.executable, "-m", "workflow", "build", "--lang", "es"],
                                   cwd=draft_project, env=environment(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signum)
        process.wait(timeout=120)
        check_old_or_new(draft_project, old, new,
                         f"after {signal.Signals(signum).name} at {delay:.2f} s {AGAIN}")
    subprocess.run([sys.executable, "-m", "workflow", "build", "--lang", "es"],
                   cwd=draft_project, env=environment(), check=True, capture_output=True)
    assert files(draft_project) == new


def test_a_full_disk_is_one_line_and_leaves_every_file_as_it_was(project_dir, monkeypatch):
    assert run("update")[0] == 0
    (project_dir / "source" / "caravan.md").write_text(
        STATEMENT_EN.replace("walk together", "walk on together"), encoding="utf-8")
    before = files(project_dir)

    def full(fd):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as disk:
        disk.setattr("workflow.fsutil.os.fsync", full)
        code, _, err = run("update")
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("Error: locale/caravan.pot: cannot write this file (No space left "
                          "on device); its previous version is untouched")
    assert files(project_dir) == before  # no temporary file left behind either
    assert run("update")[0] == 0 and files(project_dir) != before


def test_a_read_only_folder_names_the_file_not_a_temporary(project_dir, monkeypatch):
    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system", str(project_dir / "locale" / ".x.tmp"))

    monkeypatch.setattr("workflow.fsutil.tempfile.mkstemp", read_only)
    code, _, err = run("update")
    assert (code, err) == (1, "Error: locale/caravan.pot: cannot write this file (Read-only "
                              "file system); nothing was written\n")


def test_an_unreadable_file_is_one_line_naming_it(project_dir, monkeypatch):
    assert run("update")[0] == 0
    real_open = os.open

    def unreadable(path, *args, **kwargs):
        if Path(path).name == "caravan.md":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", unreadable)
    code, _, err = run("update")
    assert code == 1 and err.count("\n") == 1
    assert err == "Error: source/caravan.md: Permission denied\n"


def test_stale_temporary_files_are_removed_by_the_next_write(tmp_path):
    target = tmp_path / "locale" / "es" / "x.po"
    atomic_write_bytes(target, b"old")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    stale = target.parent / f".x.po.{dead}.abcd1234.tmp"
    live = target.parent / f".x.po.{os.getpid()}.efgh5678.tmp"  # a writer still at work
    stale.write_bytes(b"half")
    live.write_bytes(b"half")
    assert write_if_changed(target, "old") is False
    assert not stale.exists() and live.exists()
    live.unlink()
    assert remove_stale_temporaries(target) == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.po"]


# --- Hostile translations -------------------------------------------------------------

# What a translator (or a hostile one) might put into a msgstr, one per entry.
HOSTILE = [
    '<script>alert(1)</script> raw <b>HTML</b>',
    '<img src="file:///etc/passwd"> <img src="http://example.org/x.png">',
    "background: url(file:///etc/passwd); @import url(http://example.org/a.css);",
    '<style>@import url(file:///etc/passwd);</style> <span style="background: url(file:///etc/hosts)">css</span>',
    "![image](file:///etc/passwd) ![web](http://example.org/x.png)",
    "[file](file:///etc/passwd) [share](smb://server/share) <file:///etc/shadow>",
    '<link rel="stylesheet" href="file:///etc/passwd"><object data="file:///etc/passwd">',
    '<iframe src="http://example.org/"></iframe> <svg><image href="file:///etc/passwd"/></svg>',
]


def link_targets(path: Path) -> list[str]:
    targets = []
    for page in PdfReader(path).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def images(path: Path) -> int:
    return sum(len(page.images) for page in PdfReader(path).pages)


class FetchSpy:
    """The project's fetcher, recording every URL WeasyPrint asks it for."""

    def __init__(self, fetcher):
        self.fetcher = fetcher
        self.requested: list[str] = []

    def __getattr__(self, name):  # what WeasyPrint reads of a fetcher, e.g. _fail_on_errors
        return getattr(self.fetcher, name)

    def __call__(self, url, *args, **kwargs):
        self.requested.append(url)
        return self.fetcher(url, *args, **kwargs)


@pytest.fixture
def fetch_spy(monkeypatch):
    spy = FetchSpy(typeset_module.restricted_fetcher)
    monkeypatch.setattr(typeset_module, "restricted_fetcher", spy)
    return spy.requested


@needs_poppler
def test_hostile_translations_print_as_text_and_fetch_nothing(project, fetch_spy):
    update(project)
    msgids = [e.msgid for e in polib.pofile(str(project.po_path("caravan", "es")))][2:]
    write_translations(project, "es", {msgid: " ".join(HOSTILE[i::len(msgids)])
                                       for i, msgid in enumerate(msgids)})
    build(project, languages=["es"], layouts=["single"])
    pdf = project.build / "caravan" / "caravan.es.pdf"
    assert fetch_spy == []  # WeasyPrint was never asked for anything
    assert images(pdf) == 0
    assert all(t.startswith(("http://", "https://", "mailto:")) for t in link_targets(pdf))
    assert "http://example.org/x.png" in link_targets(pdf)  # a web link: kept, not fetched
    text = squashed_pdf_text(pdf)
    for literal in ["<script>alert(1)</script> raw <b>HTML</b>", '<img src="file:///etc/passwd">',
                    "background: url(file:///etc/passwd);", "@import url(file:///etc/passwd);",
                    "![image](file:///etc/passwd)", "[file](file:///etc/passwd)",
                    "[share](smb://server/share)", "<file:///etc/shadow>",
                    '<link rel="stylesheet" href="file:///etc/passwd">',
                    '<svg><image href="file:///etc/passwd"/></svg>']:
        assert squash(literal) in text, literal


def png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 0, 0)).save(path)
    return path


def test_the_fetcher_refuses_local_files_and_the_network(tmp_path, fetch_spy, monkeypatch):
    """Raw HTML that does ask for files (no translation can produce it): the fetcher is
    asked, gives nothing, and the PDF has no image. WeasyPrint's own fetcher, given the same
    page, embeds the image: the check would see one."""
    from weasyprint import urls

    image = png(tmp_path / "secret.png")
    for url in (image.as_uri(), "http://127.0.0.1:9/x.png"):
        fetch_spy.clear()
        page = (f'<p>x<img src="{url}"></p>'
                f'<div style="background: url({url}); height: 1cm"></div>')
        try:
            pdf = render_pdf(page, tmp_path)
        except (Exception, getattr(urls, "FatalURLFetchingError", Exception)):
            pdf = None  # the refusal stopped the rendering: nothing was read either
        assert fetch_spy and set(fetch_spy) == {url}
        assert pdf is None or images_of(pdf, tmp_path) == 0
    monkeypatch.setattr(typeset_module, "restricted_fetcher", urls.URLFetcher())
    page = f'<p>x<img src="{image.as_uri()}"></p>'
    assert images_of(render_pdf(page, tmp_path), tmp_path) == 1


def images_of(pdf: bytes, folder: Path) -> int:
    path = folder / "probe.pdf"
    path.write_bytes(pdf)
    return images(path)


@needs_poppler
def test_a_direction_override_stays_inside_its_segment(project):
    """An unclosed U+202E (right-to-left override) in one translation must not reverse the
    reviewed sentence after it in the same paragraph."""
    update(project)
    write_translations(project, "es", {
        "We express our solidarity with the caravan.": "Primera frase \u202eINVERTIDA",
        "The U.S. army has killed thousands.": "Segunda frase revisada."})
    build(project, languages=["es"], layouts=["single"])
    text = squashed_pdf_text(project.build / "caravan" / "caravan.es.pdf")
    assert squash("Segunda frase revisada.") in text
    # Inside its own segment the word is there, as drawn (reversed) or as written: a
    # capitalised word is set in a span of its own (kept whole), outside the override's run.
    assert "ADITREVNI" in text or "INVERTIDA" in text


@needs_poppler
def test_quotes_and_markup_in_right_to_left_text_print_literally(project):
    """Left-to-right runs in Arabic are wrapped in the text, not in its HTML: a run that
    cut `&quot;` printed "&quot;"."""
    update(project)
    hostile = 'نعبر عن "تضامننا" <b>مع</b> AT&T.'
    write_translations(project, "ar", {"We express our solidarity with the caravan.": hostile})
    editions = load_editions(project, "caravan", ["ar"])
    html = render_html("single", editions, "2020-01-01", "A5")
    # The straight quotes print as Arabic quotation marks (typography, at print time).
    assert '«تضامننا» &lt;<span dir="ltr">b</span>&gt;مع&lt;/' in html
    build(project, languages=["ar"], layouts=["single"])
    text = squashed_pdf_text(project.build / "caravan" / "caravan.ar.pdf")
    assert "تضامننا" in text and "«" in text and "AT&T" in text
    assert not re.search(r"&(quot|lt|gt|amp|#\d+)", text)  # no entity printed as text


# --- Hostile and broken files ---------------------------------------------------------


@pytest.fixture
def translated(project_dir):
    """The caravan project with a Spanish translation, as `update` writes it."""
    run("update")
    path = project_dir / "locale" / "es" / "caravan.po"
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = "ES " + entry.msgid
    write_po(path, catalog)
    run("update")
    return path


def assert_refused(root: Path, argv: list[str], expected: str) -> str:
    before = files(root)
    code, _, err = run(*argv)
    assert code == 2, err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert expected in err, err
    assert files(root) == before
    return err


@pytest.mark.parametrize("cut", [
    lambda text: text[: text.rindex('msgstr "') + 12],  # inside a string
    lambda text: text[: text.rindex("msgstr")],  # after a msgid: its msgstr is gone
    lambda text: text[: text.rindex("\nmsgid") + 1] + 'msgid "Half a',  # half a line
], ids=["mid-string", "after-msgid", "half-line"])
def test_truncated_catalog_is_refused_by_every_stage(translated, cut):
    root = translated.parent.parent.parent
    translated.write_text(cut(translated.read_text(encoding="utf-8")), encoding="utf-8")
    for argv in (["update"], ["status"]):
        assert_refused(root, argv, "locale/es/caravan.po:")
    # build makes what it can (nothing here: both PDFs need the catalog) and lists why not.
    before = files(root)
    code, out, _ = run("build", "--lang", "es")
    assert code == 1
    assert re.search(r"caravan.es.pdf, caravan.en\+es.pdf: locale/es/caravan.po:\d+: ", out)
    assert not list(root.rglob("*.pdf"))
    assert {n: d for n, d in files(root).items() if not n.startswith("build/")} == before


def test_duplicate_entries_are_refused(translated):
    root = translated.parent.parent.parent
    text = translated.read_text(encoding="utf-8")
    translated.write_text(text + '\nmsgid "No one is illegal"\nmsgstr "Otra"\n',
                          encoding="utf-8")
    assert_refused(root, ["update"], "entry 'No one is illegal' already exists (line ")


def test_wrong_charset_is_refused_with_the_fix(translated):
    root = translated.parent.parent.parent
    text = translated.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    text = text.replace('msgstr "ES No one is illegal"', 'msgstr "Nadie es ilegal, señor"')
    translated.write_bytes(text.encode("latin-1"))  # a Latin-1 file that says so
    err = assert_refused(root, ["update"], "the file is in ISO-8859-1, but catalogs are UTF-8")
    assert "msgconv --to-code=UTF-8" in err
    translated.write_bytes(text.encode("utf-8"))  # UTF-8 bytes, a header that says otherwise
    assert_refused(root, ["update"], "the header declares charset=ISO-8859-1")


def test_bom_and_crlf_are_read_and_normalised(translated):
    root = translated.parent.parent.parent
    clean = translated.read_bytes()
    translated.write_bytes(b"\xef\xbb\xbf" + clean.replace(b"\n", b"\r\n"))
    source = root / "source" / "caravan.md"
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r\n"))
    pot = (root / "locale" / "caravan.pot").read_bytes()
    assert run("update")[0] == 0
    assert translated.read_bytes() == clean  # translations kept, LF, no BOM
    assert (root / "locale" / "caravan.pot").read_bytes() == pot  # no \r in any msgid


def test_line_separators_in_a_translation_survive(translated):
    """polib alone reads a U+2028 or U+0085 inside a msgstr as the end of the line and keeps
    only what follows it: the translation was silently cut."""
    root = translated.parent.parent.parent
    catalog = polib.pofile(str(translated))
    entry = catalog.find("No one is illegal")
    entry.msgstr = "Nadie\u2028es ilegal\x85en ningún lugar"
    catalog.save()
    source = root / "source" / "caravan.md"
    source.write_text(source.read_text(encoding="utf-8").replace("thousands", "many"),
                      encoding="utf-8")
    assert run("update")[0] == 0
    assert read_po(translated).find("No one is illegal").msgstr == (
        "Nadie\u2028es ilegal\x85en ningún lugar")


@pytest.mark.parametrize("ending", ["#,\n", "#~| msgid\n"])
def test_a_comment_at_the_end_keeps_the_last_entry(translated, ending):
    """polib drops the last entry of a file whose last line is a bare `#,` or `#~|`."""
    last = list(polib.pofile(str(translated)))[-1]
    translated.write_text(translated.read_text(encoding="utf-8") + ending, encoding="utf-8")
    assert read_po(translated).find(last.msgid).msgstr == last.msgstr == "ES " + last.msgid
    assert run("update")[0] == 0
    assert read_po(translated).find(last.msgid).msgstr == last.msgstr


def test_control_characters_in_a_statement_are_refused(project_dir):
    source = project_dir / "source" / "caravan.md"
    source.write_text(STATEMENT_EN.replace("More than", "More\x1b[31m than"), encoding="utf-8")
    assert_refused(project_dir, ["update"],
                   "source/caravan.md:12: control character U+001B in the text")


BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
MARKS = "\u200e\u200f\u061c\u202c\u2069"  # marks and closers with nothing to close


@pytest.mark.fuzz
@needs_poppler
def test_statement_full_of_direction_controls(project_dir):
    """Bidi controls everywhere: segments keep them exactly, catalogs are valid, the build
    renders, and an override left open reverses nothing after its own sentence."""
    rng = random.Random(SEED)

    def noise(text: str, controls: str) -> str:
        return "".join(c + (rng.choice(controls) if c == " " or rng.random() < 0.2 else "")
                       for c in text)

    body = STATEMENT_EN.split("---\n", 2)[2]
    noisy = body.replace("## No one is illegal", noise("## No one is illegal", BIDI)[:3]
                         + noise("No one is illegal", BIDI))
    noisy = noisy.replace("1. How can we challenge this?", "1. " + noise("How can we?", BIDI))
    noisy = noisy.replace("We express our solidarity", "We \u202eexpress our solidarity")
    noisy = noisy.replace("The U.S. army has killed thousands.",
                          noise("The U.S. army has killed thousands.", MARKS))
    statement = STATEMENT_EN.replace(body, noisy)
    (project_dir / "source" / "caravan.md").write_text(statement, encoding="utf-8")
    project = load_project(project_dir)
    assert run("update")[0] == 0
    from workflow.segment import render_body
    from workflow.update import load_statement

    loaded, document = load_statement(project, "caravan")
    assert render_body(document) == loaded.body
    msgids = {e.msgid for e in read_po(project.pot_path("caravan"))}
    assert "We \u202eexpress our solidarity with the caravan." in msgids
    code, _, err = run("build", "--lang", "en", "--lang", "ar", "--layout", "single")
    assert code == 0, err
    text = re.sub(f"[{BIDI}]", "", squashed_pdf_text(project.build / "caravan" / "caravan.en.pdf"))
    assert squash("The U.S. army has killed thousands. More than 7000 people walk together."
                  ) in text


def test_huge_statement_is_segmented_in_linear_time(project_dir, monkeypatch):
    """pysbd takes time in the square of its input: a long line goes to it in windows."""
    fed: list[int] = []
    real = segment._pysbd_chunk

    def counting(text, language):
        fed.append(len(text))
        return real(text, language)

    monkeypatch.setattr(segment, "_pysbd_chunk", counting)
    paragraph = ("We express our solidarity with the caravan. The U.S. army has killed "
                 "thousands. More than 7000 people walk together.")
    count = 300_000 // 150
    line = " ".join(f"Number {i} is here. {paragraph}" for i in range(count))
    statement = STATEMENT_EN.split("---\n", 2)
    (project_dir / "source" / "caravan.md").write_text(
        f"---\n{statement[1]}---\n\n{line}\n", encoding="utf-8")
    started = time.process_time()  # CPU time of this process: others' load cannot fail it
    assert run("update")[0] == 0
    elapsed = time.process_time() - started
    assert max(fed) <= segment.PYSBD_WINDOW
    assert len(line) <= sum(fed) <= 1.5 * len(line)
    assert elapsed < 60, f"update of a {len(line) // 1000} kB line took {elapsed:.1f} s"
    pot = read_po(project_dir / "locale" / "caravan.pot")
    assert sum(1 for e in pot if re.fullmatch(r"Number \d+ is here\.", e.msgid)) == count


def test_windows_find_pysbd_s_own_sentences(monkeypatch):
    """Each embedded statement as one long line: the same sentences in windows as whole."""
    from workflow.segment import split_sentences
    from workflow.source import read_statement

    for path in sorted((REPO / "source").glob("*.md")):
        statement = read_statement(path)
        line = " ".join(text for text in statement.body.split("\n") if text.strip())
        assert len(line) > segment.PYSBD_WINDOW
        windowed = split_sentences(line, statement.language)
        with monkeypatch.context() as patch:
            patch.setattr(segment, "PYSBD_WINDOW", len(line))
            assert split_sentences(line, statement.language) == windowed, path.name


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("PAMPHLET_SLOW_TESTS"), reason="PAMPHLET_SLOW_TESTS=1")
def test_five_megabyte_statement(project_dir):
    """35-55 s on this project's machines (pysbd reads 100-200 kB/s); a 5 MB single line
    took hours before lines went to pysbd in windows."""
    paragraphs = []
    for path in sorted((REPO / "source").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        paragraphs += [line for line in body.split("\n") if len(line) > 200]
    body, size, i = [], 0, 0
    while size < 5_000_000:
        text = paragraphs[i % len(paragraphs)].replace(". ", f". Item {i} says: ", 1)
        body.append(text)
        size, i = size + len(text) + 2, i + 1
    statement = STATEMENT_EN.split("---\n", 2)
    (project_dir / "source" / "caravan.md").write_text(
        f"---\n{statement[1]}---\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
    started = time.process_time()
    assert run("update")[0] == 0
    assert time.process_time() - started < 300


def test_large_catalog_reads_in_linear_time(tmp_path):
    """polib's own duplicate check is quadratic: 20,000 entries took about 30 s."""
    path = tmp_path / "big.po"
    path.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n' + "".join(
        f'msgid "Sentence number {i}."\nmsgstr "Frase número {i}."\n\n' for i in range(20000)),
        encoding="utf-8")
    started = time.process_time()  # CPU time of this process: others' load cannot fail it
    assert len(read_po(path)) == 20000
    assert time.process_time() - started < 8


def test_statement_file_names_are_slugs(project_dir):
    """A file name becomes catalog and build paths: `...md` would have put PDFs into
    build/.. (the project root); an editor's `.#caravan.md` lock file broke every command."""
    (project_dir / "source" / ".#caravan.md").symlink_to("nowhere")
    shutil.copy(project_dir / "source" / "caravan.md", project_dir / "source" / "...md")
    assert run("update")[0] == 0
    assert sorted(p.name for p in (project_dir / "locale" / "es").iterdir()) == ["caravan.po"]
    shutil.copy(project_dir / "source" / "caravan.md", project_dir / "source" / "Old copy.md")
    assert_refused(project_dir, ["build"],
                   "source/Old copy.md: invalid statement file name 'Old copy'")


def zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    return path


@pytest.mark.parametrize("kind", ["truncated", "zip-slip", "absolute"])
def test_bad_argos_packages_write_nothing_anywhere(tmp_path, monkeypatch, kind):
    root = write_project(tmp_path / "project")
    packages = tmp_path / "argos"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
    monkeypatch.chdir(root)
    metadata = b'{"from_code": "en", "to_code": "es", "type": "translate"}'
    if kind == "truncated":
        good = built_packages()["en", "es"].read_bytes()
        archive = tmp_path / "model.argosmodel"
        archive.write_bytes(good[: len(good) * 2 // 3])
        expected = "not a valid .argosmodel file (corrupt zip"
    else:
        name = "../../evil.txt" if kind == "zip-slip" else str(tmp_path / "evil.txt")
        archive = zip_with(tmp_path / "model.argosmodel", {
            "pkg/metadata.json": metadata, "pkg/model/model.bin": b"x", name: b"pwned"})
        expected = "refusing unsafe path"
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()
              and p.name != LOCK_NAME}
    code, _, err = run("models", "install", str(archive))
    assert code == 2 and err.count("\n") == 1 and expected in err, err
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()
             and p.name != LOCK_NAME}
    assert after == before
    assert not packages.exists() or not any(packages.iterdir())
