"""Machine entries to review: `pamphlet review-queue`, `status --json` and the dashboard list
them lowest confidence first with their catalog lines; `check` warns about a copied source
and a confidence under `min_confidence`."""

from __future__ import annotations

import json
import re

import polib
import pytest

from tests.helpers import STATEMENT_EN, run, write_project
from workflow.catalog.model import active_entries, machine_confidence
from workflow.catalog.pofile import read_po_located
from workflow.config import load_project
from workflow.dashboard import write_dashboard
from workflow.mt.engines import Output
from workflow.mt.engines.ctranslate2 import Decoder
from workflow.mt.stage import translate
from workflow.qa import run_checks
from workflow.update import update


@pytest.fixture
def translated(tmp_path, monkeypatch, argos_dir):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN},
                         "[tool.pamphlet.machine_translation]\nmin_confidence = 0.035\n")
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    translate(project, languages=["es", "ar"])
    return project


def confidences(project, language):
    """msgid -> (line of the msgid, confidence), read independently of the queue."""
    catalog, lines = read_po_located(project.po_path("caravan", language))
    return {e.msgid: (lines[e.linenum], machine_confidence(e)) for e in active_entries(catalog)}


def test_review_queue_lists_lowest_confidence_first(translated):
    code, out, err = run("review-queue", "--json")
    assert code == 0, err
    queue = json.loads(out)
    expected = {(f"locale/{language}/caravan.po", msgid): found
                for language in ("es", "ar")
                for msgid, found in confidences(translated, language).items()}
    assert len(queue) == len(expected)
    assert [e["confidence"] for e in queue] == sorted(e["confidence"] for e in queue)
    for entry in queue:
        line, confidence = expected[entry["path"], entry["msgid"]]
        assert (entry["line"], entry["confidence"]) == (line, confidence)
        assert entry["engine"] == "argos"
    code, out, _ = run("review-queue", "caravan", "--lang", "ar")
    lines = out.splitlines()
    first = min((v for v in confidences(translated, "ar").values()), key=lambda v: v[1])
    assert lines[0].startswith(f"locale/ar/caravan.po:{first[0]}: confidence {first[1]:.2f} "
                               "(argos) ")
    assert lines[-1] == f"{len(lines) - 1} machine translation(s) to review"


def test_status_json_has_the_queue_of_each_catalog(translated):
    code, out, _ = run("status", "--json", "--lang", "es")
    assert code == 0
    (status,) = json.loads(out)
    queue = status["machine_entries"]
    assert len(queue) == status["segments"]["machine"] > 0
    assert [e["confidence"] for e in queue] == sorted(e["confidence"] for e in queue)
    assert {e["line"] for e in queue} == {v[0] for v in confidences(translated, "es").values()}


def test_dashboard_lists_the_queue(translated):
    path = write_dashboard(translated, "2026-12-01")
    html = path.read_text(encoding="utf-8")
    section = html.split('id="review-queue"', 1)[1]
    shown = re.findall(r'<td class="slug">(locale/\w+/caravan\.po:\d+)</td><td>(0\.\d\d)</td>',
                       section)
    assert shown and [c for _, c in shown] == sorted(c for _, c in shown)


def test_check_warns_below_min_confidence(translated):
    findings = [f for f in run_checks(translated) if f.check == "confidence"]
    low = [msgid for msgid, (_, c) in confidences(translated, "es").items() if c < 0.035]
    assert low, "the random models should give some entries under 0.035"
    assert len([f for f in findings if f.path == "locale/es/caravan.po"]) == len(low)
    assert all(re.fullmatch(r"model confidence 0\.0[0-3] is below min_confidence 0\.035: "
                            "review this one first", f.message) for f in findings)


def test_check_warns_about_a_machine_entry_copying_its_source(translated, monkeypatch):
    monkeypatch.setattr(Decoder, "translate",
                        lambda self, texts: [Output(text, 0.9) for text in texts])
    catalog = polib.pofile(str(translated.po_path("caravan", "ar")))
    for entry in catalog:
        entry.msgstr, entry.tcomment, entry.flags = "", None, []
    catalog.save()
    update(translated)
    translate(translated, languages=["ar"])
    copies = [f for f in run_checks(translated, languages=["ar"]) if f.check == "machine-copy"]
    worded = [msgid for msgid in confidences(translated, "ar") if re.search(r"[A-Za-z]", msgid)]
    assert len(copies) == len(worded) > 0
    assert all(f.severity == "warning" and f.state == "machine" for f in copies)
    code, out, _ = run("check", "--lang", "ar")
    assert "[machine-copy] warning: the machine translation copies its source" in out
