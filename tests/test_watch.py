"""`pamphlet watch`: a saved catalog rebuilds its PDFs; errors are told and the watch goes on."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polib
import pytest

from tests.helpers import REPO, keeping_numbers, needs_poppler, pdf_text, translate_catalog
from workflow.update import update
from workflow.watch import is_input


class Watcher:
    """`python -m workflow watch ARGS` in a project, its output read line by line."""

    def __init__(self, root: Path, *args: str):
        env = {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1700000000"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workflow", "watch", *args], cwd=root, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, pattern: str, seconds: float = 120) -> str:
        """The next line matching `pattern` (lines before it are kept in `seen`)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, (self.seen, self.process.stderr.read())
                continue
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in {seconds} s: {self.seen}")

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)  # Ctrl-C
        code = self.process.wait(timeout=30)
        return code, self.process.stderr.read()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def watched(project):
    update(project)
    translate_catalog(project, "es", keeping_numbers("Texto revisado."))
    return project


def save_msgstr(project, msgid: str, msgstr: str) -> None:
    path = project.po_path("caravan", "es")
    catalog = polib.pofile(str(path))
    catalog.find(msgid).msgstr = msgstr
    catalog.save()


@needs_poppler
def test_saving_a_catalog_rebuilds_its_pdfs(watched):
    pdf = watched.build / "caravan" / "caravan.es.pdf"
    watcher = Watcher(watched.root, "--lang", "es")
    try:
        watcher.expect(r"rebuilt build/caravan/caravan\.es\.pdf$")
        watcher.expect(r"watching source/, locale/ and pyproject.toml")
        assert "Solidaridad guardada" not in pdf_text(pdf)
        save_msgstr(watched, "Solidarity with the caravan", "Solidaridad guardada")
        rebuilt = {watcher.expect(r"rebuilt ").split("rebuilt ")[1],
                   watcher.expect(r"rebuilt ").split("rebuilt ")[1]}
        assert rebuilt == {"build/caravan/caravan.es.pdf", "build/caravan/caravan.en+es.pdf"}
        assert "Solidaridad guardada" in pdf_text(pdf)
        # A statement saved: its PDFs again; the build/ the watcher writes is not watched.
        statement = watched.source_path("caravan")
        statement.write_text(statement.read_text() + "\nOne more line.\n", encoding="utf-8")
        watcher.expect(r"rebuilt build/caravan/caravan\.es\.pdf$")
        code, err = watcher.stop()
    finally:
        watcher.kill()
    assert code == 0 and "Traceback" not in err, err
    watcher.reader.join(timeout=30)  # the process ended: its last lines are all read
    assert not watcher.reader.is_alive()
    rest = [watcher.lines.get_nowait() for _ in range(watcher.lines.qsize())]
    assert rest[-1:] == ["stopped watching"], rest
    assert not (watched.root / ".pamphlet.lock").read_text()  # not held between builds


def test_an_error_is_told_and_the_watch_goes_on(watched):
    watcher = Watcher(watched.root, "caravan", "--lang", "es", "--jobs", "1")
    config = watched.root / "pyproject.toml"
    try:
        watcher.expect(r"watching ")
        save_msgstr(watched, "More than 7000 people walk together.", "Más de 7000 ✊ personas.")
        path = watched.po_path("caravan", "es")
        line = path.read_text().split("\n").index('msgid "More than 7000 people walk together."')
        failed = watcher.expect(r"not built build/caravan/caravan\.es\.pdf: ")
        assert f"U+270A RAISED FIST; used in locale/es/caravan.po:{line + 1}" in failed
        watcher.expect(r"not built build/caravan/caravan\.en\+es\.pdf: ")
        good = config.read_text(encoding="utf-8")
        config.write_text(good + "\n[tool.pamphlet\n", encoding="utf-8")  # broken settings
        watcher.expect(r"Error: pyproject.toml(:\d+)?: invalid TOML")
        config.write_text(good, encoding="utf-8")
        save_msgstr(watched, "More than 7000 people walk together.", "Más de 7000 personas.")
        watcher.expect(r"rebuilt build/caravan/caravan\.es\.pdf$")
        code, err = watcher.stop()
    finally:
        watcher.kill()
    assert code == 0 and "Traceback" not in err, err


def test_a_mistyped_language_is_refused_at_once(watched):
    watcher = Watcher(watched.root, "--lang", "xx")
    try:
        assert watcher.process.wait(timeout=60) == 2
        assert "unknown language 'xx'" in watcher.process.stderr.read()
    finally:
        watcher.kill()


def test_what_is_watched(project):
    root = project.root
    assert is_input(project, root / "pyproject.toml")
    assert is_input(project, root / "source" / "caravan.md")
    assert is_input(project, root / "locale" / "es" / "caravan.po")
    assert is_input(project, root / "locale" / "glossary.csv")
    assert not is_input(project, root / "build" / "caravan" / "caravan.es.pdf")
    assert not is_input(project, root / "source" / ".#caravan.md")  # an editor's lock file
    assert not is_input(project, root / "locale" / "es" / ".caravan.po.123.ab.tmp")
    assert not is_input(project, root / "locale" / "caravan.pot")  # `update` writes it
    assert not is_input(project, root / "README.md")
