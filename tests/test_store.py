"""build/'s store: one file for the file index, the build state and the check findings;
missing or damaged, a rebuild and a re-check; one digest change invalidates every table."""

from __future__ import annotations

import json
import os

import pytest

from workflow.build import build
from workflow.qa import runner
from workflow.store import FORMAT, STORE_FILE, Store
from workflow.update import update

OLD = 1_600_000_000  # inputs last changed long ago: the file index remembers them


@pytest.fixture
def checked(monkeypatch):
    """The languages of the catalogs really checked (not answered from the store)."""
    done: list[str] = []
    real = runner.check_po

    def check_po(path, *rest):
        done.append(path.parent.name)
        return real(path, *rest)

    monkeypatch.setattr(runner, "check_po", check_po)
    return done


@pytest.fixture
def built(project, checked):
    """The caravan project updated, its inputs aged, built to Markdown once (the dashboard
    checks every catalog)."""
    update(project)
    for path in [project.source_path("caravan"), *project.root.glob("locale/**/*.po*")]:
        os.utime(path, (OLD, OLD))
    report = build(project, to=["md"])
    assert len(report.written) == 4 and not report.failures
    assert sorted(checked) == ["ar", "es", "fa"]
    checked.clear()
    return project


def store_of(project) -> dict:
    return json.loads((project.build / STORE_FILE).read_text(encoding="utf-8"))


def names(report) -> list[str]:
    return sorted(path.name for path in report.written)


def test_one_file_holds_every_table(built):
    assert sorted(p.name for p in built.build.iterdir() if p.name.startswith(".")) == [
        STORE_FILE]
    data = store_of(built)
    assert data["format"] == FORMAT
    assert str(built.po_path("caravan", "es")) in data["files"]
    assert "build/caravan/caravan.es.md" in data["outputs"]
    assert sorted(data["checks"]) == [f"locale/{lang}/caravan.po" for lang in ("ar", "es", "fa")]
    assert data["dashboard"]["fingerprint"]


def test_an_unchanged_project_is_neither_rebuilt_nor_checked_again(built, checked):
    before = (built.build / STORE_FILE).read_bytes()
    report = build(built, to=["md"])
    assert report.written == [] and len(report.skipped) == 4 and checked == []
    assert (built.build / STORE_FILE).read_bytes() == before  # nothing new: not rewritten


def test_each_table_is_invalidated_by_the_same_digest_change(built, checked):
    """Only the index's digest of the Spanish catalog changes (its stat, and so its bytes,
    do not): the Spanish output is rebuilt, the Spanish catalog checked again and the
    dashboard remade, and nothing else: the index's digests are the one key."""
    data = store_of(built)
    es = str(built.po_path("caravan", "es"))
    data["files"][es][4] = "0" * 64
    (built.build / STORE_FILE).write_text(json.dumps(data), encoding="utf-8")
    report = build(built, to=["md"])
    assert names(report) == ["caravan.es.md"]
    assert checked == ["es"]  # the dashboard's, remade: its fingerprint is of the digests
    after = store_of(built)
    assert after["dashboard"] != data["dashboard"]
    assert [key for key in data["outputs"] if after["outputs"][key] != data["outputs"][key]
            ] == ["build/caravan/caravan.es.md"]
    assert [key for key in data["checks"] if after["checks"][key] != data["checks"][key]
            ] == ["locale/es/caravan.po"]


def test_a_changed_catalog_invalidates_its_output_and_its_findings(built, checked):
    path = built.po_path("caravan", "fa")
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = build(built, to=["md"])
    assert names(report) == ["caravan.fa.md"] and checked == ["fa"]


@pytest.mark.parametrize("damage", [
    None, "", "{", "[]", '{"format": 1, "files": 3, "outputs": [], "checks": "x"}',
    json.dumps({"format": FORMAT + 1})])
def test_a_missing_or_damaged_store_is_a_rebuild_and_a_recheck(built, checked, damage):
    store = built.build / STORE_FILE
    if damage is None:
        store.unlink()
    else:
        store.write_text(damage, encoding="utf-8")
    report = build(built, to=["md"])
    assert names(report) == ["caravan.ar.md", "caravan.en.md", "caravan.es.md",
                             "caravan.fa.md"]
    assert sorted(checked) == ["ar", "es", "fa"]
    assert store_of(built)["format"] == FORMAT and store_of(built)["outputs"]


def test_a_linked_store_is_neither_read_nor_written_through(built, tmp_path):
    elsewhere = tmp_path / "elsewhere.json"
    store = built.build / STORE_FILE
    elsewhere.write_bytes(store.read_bytes())
    store.unlink()
    store.symlink_to(elsewhere)
    before = elsewhere.read_bytes()
    assert Store(store).tables["outputs"] == {}  # what it leads to is not the project's
    build(built, to=["md"])
    assert elsewhere.read_bytes() == before and store.is_symlink()
