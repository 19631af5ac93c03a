"""Provenance follows what happened to a machine entry: pretranslation records a digest of
the engine's text; an entry a person rewrote is human, reviewed or still to review, and
`update` drops the model's confidence from its mark."""

from __future__ import annotations

import json

import polib
import pytest

from tests.helpers import STATEMENT_EN, run, write_project
from workflow.catalog.model import EDITED_MARK, MACHINE_MARK, entry_state, machine_edited
from workflow.config import load_project
from workflow.mt.stage import translate
from workflow.update import update


@pytest.fixture
def translated(tmp_path, monkeypatch, argos_dir):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_dir))
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN})
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    translate(project, languages=["es"])
    return project


def machine_entries(catalog):
    return [e for e in catalog if not e.obsolete and e.tcomment
            and e.tcomment.startswith(MACHINE_MARK) and "no model" not in e.tcomment]


def test_pretranslation_records_a_digest_of_the_machine_text(translated):
    catalog = polib.pofile(str(translated.po_path("caravan", "es")))
    entries = machine_entries(catalog)
    assert entries
    for entry in entries:
        assert ", text " in entry.tcomment and not machine_edited(entry)
        assert entry_state(entry) == "machine"


def test_a_rewritten_entry_is_human_approved_or_not(translated):
    path = translated.po_path("caravan", "es")
    catalog = polib.pofile(str(path))
    approved_as_is, rewritten, edited_left, untouched = machine_entries(catalog)[:4]
    # as a translator's tool (Weblate, Poedit) saves them: comments and flags kept
    approved_as_is.flags.remove("fuzzy")
    rewritten.msgstr, rewritten.flags = "Texto de una persona.", []
    edited_left.msgstr = "Texto corregido, por revisar."  # still "needs editing" (fuzzy)
    catalog.save()

    code, out, _ = run("status", "-l", "es", "--json")
    segments = json.loads(out)[0]["segments"]
    queue = json.loads(run("review-queue", "-l", "es", "--json")[1])
    queued = {e["msgid"] for e in queue}
    assert edited_left.msgid not in queued  # a person's text, not the model's
    assert untouched.msgid in queued and rewritten.msgid not in queued
    assert segments["fuzzy"] == 1  # the edited one, to review as a person's edit

    assert run("update")[0] == 0
    back = {e.msgid: e for e in polib.pofile(str(path))}
    for entry in (rewritten, edited_left):  # the mark says a person edited it
        comment = back[entry.msgid].tcomment
        assert comment.startswith(EDITED_MARK + " argos en->es")
        assert "confidence" not in comment
        assert not any(line.startswith(MACHINE_MARK) for line in comment.splitlines())
    assert entry_state(back[edited_left.msgid]) == "fuzzy"
    assert entry_state(back[rewritten.msgid]) == "reviewed"
    # approved unchanged: still the machine's text, and its mark says so
    for entry in (approved_as_is, untouched):  # (polib's save wrapped the long comment)
        assert back[entry.msgid].tcomment.split() == entry.tcomment.split()
    assert run("update", "--check")[0] == 0  # settled once, then stable


def test_a_mark_without_digest_is_trusted_as_before():
    entry = polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"],
                          tcomment=f"{MACHINE_MARK} argos en->es m 1.0, confidence 0.5")
    assert entry_state(entry) == "machine" and not machine_edited(entry)
