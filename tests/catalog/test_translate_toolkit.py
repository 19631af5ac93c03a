"""Weblate reads and writes PO files through Translate Toolkit: a catalog it loaded, edited
and saved is read by update, status, check and build with no churn and the right states."""

from __future__ import annotations

import json

import polib
from translate.storage import po as ttk_po

from tests.helpers import REPO, run
from workflow.catalog.model import MACHINE_MARK


def test_a_catalog_saved_by_translate_toolkit_is_read_with_no_churn(project_dir):
    assert run("update")[0] == 0
    po_path = project_dir / "locale" / "es" / "caravan.po"
    # A catalog as the project leaves it: one reviewed entry, machine output, a source change
    catalog = polib.pofile(str(po_path))
    reviewed, machine, approved, changed = catalog[0], catalog[1], catalog[2], catalog[3]
    reviewed.msgstr = "Solidaridad con la caravana"
    for entry in (machine, approved):
        entry.msgstr = "ES " + entry.msgid
        entry.flags = ["fuzzy"]
        entry.tcomment = f"{MACHINE_MARK} argos en->es translate-en_es 1.9"
    changed.msgstr = "Nosotros expresamos nuestra solidaridad."
    changed.flags = ["fuzzy"]
    changed.previous_msgid = "We express solidarity with the caravan."
    catalog.save()
    assert run("update")[0] == 0  # laid out as gettext does

    # Weblate's edit, through Translate Toolkit: one entry approved, one translation changed
    store = ttk_po.pofile.parsefile(str(po_path))
    units = {unit.source: unit for unit in store.units if not unit.isheader()}
    units[approved.msgid].markfuzzy(False)
    units[reviewed.msgid].target = "Solidaridad con la caravana de migrantes"
    po_path.write_bytes(bytes(store))
    saved = po_path.read_bytes()

    assert run("update", "--check") == (0, "", "")
    assert run("update")[0] == 0
    assert po_path.read_bytes() == saved  # no churn: the file is Translate Toolkit's still

    code, out, _ = run("status", "-l", "es", "--json")
    assert code == 0
    assert json.loads(out)[0]["segments"] == {"reviewed": 2, "fuzzy": 1, "machine": 1,
                                              "untranslated": len(catalog) - 4}
    back = {e.msgid: e for e in polib.pofile(str(po_path))}
    assert back[machine.msgid].tcomment.startswith(MACHINE_MARK)  # machine mark kept
    assert back[approved.msgid].tcomment.startswith(MACHINE_MARK)  # and approved all the same
    assert "fuzzy" not in back[approved.msgid].flags
    assert back[changed.msgid].previous_msgid == "We express solidarity with the caravan."
    assert back[reviewed.msgid].msgstr == "Solidaridad con la caravana de migrantes"

    code, out, err = run("check", "-l", "es", "--json")
    assert code in (0, 1) and err == ""
    assert {f["line"] for f in json.loads(out)} <= set(range(1, saved.count(b"\n") + 2))
    code, out, err = run("build", "-l", "es", "--layout", "single")
    assert code == 0 and "1 PDF(s) written" in out, err
    assert po_path.read_bytes() == saved


def test_weblate_discovery_settings_of_the_readme_fit_our_layout():
    """The Weblate guide's component discovery mask finds every catalog, its language and its
    statement, and the new-base template it names exists for each statement."""
    import re

    repo = REPO
    readme = (repo / "docs" / "how-to" / "weblate.md").read_text(encoding="utf-8")
    mask = r"locale/(?P<language>[^/.]*)/(?P<component>[^/]*)\.po"
    assert f"`{mask}`" in readme and "`locale/{{ component }}.pot`" in readme
    found = {}
    for path in sorted(repo.glob("locale/**/*")):
        match = re.fullmatch(mask, path.relative_to(repo).as_posix())
        if match:
            found.setdefault(match["component"], set()).add(match["language"])
    statements = {p.stem for p in (repo / "source").glob("*.md")}
    assert set(found) == statements
    assert all(languages == {"es", "ar", "fa"} for languages in found.values())
    assert all((repo / "locale" / f"{component}.pot").is_file() for component in found)
