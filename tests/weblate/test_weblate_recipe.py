"""The team recipe (weblate/, docs/how-to/weblate.md) against a real Weblate 5.14.3 with
PostgreSQL: components made by setup_project.py, edits, approvals and a demotion through
Weblate's API, its commit pulled back, and what pamphlet then reads and writes.

Run by `make weblate-test` (it installs .venv-weblate and PostgreSQL; 3 to 5 minutes), not
by `make test`: Weblate's installation alone takes longer than CI allows."""

from __future__ import annotations

import json
import subprocess

import polib
import pytest

from tests.helpers import STATEMENT_EN, run, write_project
from tests.weblate.conftest import load_recipe_script
from workflow.catalog.model import EDITED_MARK, MACHINE_MARK, machine_comment, stamp_machine_text
from workflow.catalog.pofile import read_po, write_po
from workflow.config import load_project

# Two statements that share sentences: what Weblate's translation propagation would touch
SECOND = STATEMENT_EN.replace("The U.S. army has killed thousands.", "They walk on.")
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]


def git(root, *args):
    return subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout


def pretranslate(project, slug, language):
    """Machine entries as `pamphlet translate` writes them (mark, confidence, digest);
    the first entry reviewed."""
    path = project.po_path(slug, language)
    catalog = read_po(path)
    for number, entry in enumerate(catalog):
        entry.msgstr = f"ES{number} {entry.msgid}"
        if number:
            entry.flags = ["fuzzy"]
            entry.tcomment = stamp_machine_text(machine_comment(
                "argos", "en->es translate-en_es 1.9", 0.02), entry.msgstr)
    write_po(path, catalog)


@pytest.fixture
def team(tmp_path, monkeypatch, weblate):
    """A pamphlet repository pretranslated, pushed to a bare `origin`, and a Weblate
    project for it made by the recipe's script."""
    def make(project_slug, settings=None):
        root = write_project(tmp_path / project_slug, {"caravan": STATEMENT_EN,
                                                        "second": SECOND})
        monkeypatch.chdir(root)
        assert run("update")[0] == 0
        project = load_project(root)
        for slug in ("caravan", "second"):
            pretranslate(project, slug, "es")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-qm", "statements")
        origin = tmp_path / f"{project_slug}.git"
        git(tmp_path, "clone", "-q", "--bare", str(root), str(origin))
        script = load_recipe_script()
        made = script.setup(weblate.api, root, project_slug, f"file://{origin}", "main",
                            f"file://{origin}")
        assert made == ["caravan", "second"]
        if settings:
            weblate.api.call("PATCH", f"projects/{project_slug}/", settings)
        return root, project

    return make


def units(weblate, project, slug, language="es"):
    """source -> unit of one translation, as Weblate's API lists them."""
    found, page = {}, f"translations/{project}/{slug}/{language}/units/"
    while page:
        data = weblate.api.call("GET", page)
        found.update((unit["source"][0], unit) for unit in data["results"])
        page = data["next"] and data["next"].split("/api/", 1)[1]
    return found


def edit(weblate, unit, state, target=None):
    weblate.api.call("PATCH", f"units/{unit['id']}/",
                     {"state": state, "target": [target or unit["target"][0]]})


def commit_and_pull(weblate, project_slug, root):
    """Weblate commits and pushes; the repository pulls what it pushed."""
    for operation in ("commit", "push"):
        assert weblate.api.call("POST", f"projects/{project_slug}/repository/",
                                {"operation": operation})["result"]
    git(root, "pull", "-q", "--ff-only", str(root.parent / f"{project_slug}.git"), "main")


def header(path):
    return path.read_text(encoding="utf-8").split("\n\n", 1)[0]


NEEDS_EDITING, TRANSLATED, APPROVED = 10, 20, 30


def test_the_recipe_with_a_real_weblate(weblate, team):
    root, project = team("pamphlet")
    component = weblate.api.call("GET", "components/pamphlet/caravan/")
    assert component["allow_translation_propagation"] is False
    assert component["source_language"]["code"] == "en"
    assert component["file_format_params"] == {"po_line_wrap": 77}
    assert weblate.api.call("GET", "projects/pamphlet/")["commit_policy"] == 0
    assert weblate.versions() == {"weblate": "5.14.3", "translate-toolkit": "3.16.3"}

    es = units(weblate, "pamphlet", "caravan")
    title, author, heading, sentence = (
        es["Solidarity with the caravan"], es["Alliance of Middle Eastern Socialists"],
        es["No one is illegal"], es["We express our solidarity with the caravan."])
    assert [u["state"] for u in (title, author, heading)] == [TRANSLATED, NEEDS_EDITING,
                                                              NEEDS_EDITING]  # states agree
    edit(weblate, author, TRANSLATED)  # the machine text approved as it is
    edit(weblate, heading, TRANSLATED, "Nadie es ilegal")  # rewritten and approved
    edit(weblate, sentence, NEEDS_EDITING, "Expresamos nuestra solidaridad.")  # edited, left
    edit(weblate, title, NEEDS_EDITING)  # a reviewed entry demoted
    commit_and_pull(weblate, "pamphlet", root)
    po = project.po_path("caravan", "es")
    weblate_header = header(po)
    assert "X-Generator: Weblate 5.14.3" in weblate_header

    code, out, _ = run("status", "--json", "-l", "es")
    states = {s["slug"]: s["segments"] for s in json.loads(out)}
    assert states["caravan"]["reviewed"] == 2  # the approved machine text and the rewrite
    assert states["caravan"]["fuzzy"] == 2  # the demotion was committed; the human edit
    # propagation off: approving in one statement changed nothing in the other
    assert states["second"] == {"reviewed": 1, "fuzzy": 0, "machine": 8, "untranslated": 0}
    queue = {e["msgid"] for e in json.loads(run("review-queue", "caravan", "--json")[1])}
    assert sentence["source"][0] not in queue and author["source"][0] not in queue

    assert run("update")[0] == 0  # provenance settled: a person's text has no confidence
    back = {e.msgid: e for e in polib.pofile(str(po))}
    for unit in (heading, sentence):
        assert back[unit["source"][0]].tcomment.startswith(EDITED_MARK)
    assert back[author["source"][0]].tcomment.startswith(MACHINE_MARK)
    assert header(po) == weblate_header  # Translate Toolkit's header lines kept
    assert run("update", "--check")[0] == 0

    # the settled catalog goes back to Weblate, which reads the same states
    git(root, "commit", "-qam", "pamphlet update")
    git(root, "push", "-q", str(root.parent / "pamphlet.git"), "main")
    weblate.api.call("POST", "projects/pamphlet/repository/", {"operation": "pull"})
    again = units(weblate, "pamphlet", "caravan")
    assert [again[u["source"][0]]["state"] for u in (title, author, heading, sentence)] == [
        NEEDS_EDITING, TRANSLATED, TRANSLATED, NEEDS_EDITING]

    # another round: a new edit in Weblate, then update: no header line flips
    edit(weblate, again["More than 7000 people walk together."], TRANSLATED,
         "Más de 7000 personas caminan juntas.")
    commit_and_pull(weblate, "pamphlet", root)
    weblate_header = header(po)
    assert run("update")[0] == 0
    assert header(po) == weblate_header
    diff = git(root, "diff", "-U0", "--", str(po.relative_to(root))).splitlines()
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) == 2, diff  # only the settled mark of the entry Weblate edited
    assert changed[0].startswith(f"-# {MACHINE_MARK} argos en->es")
    assert changed[1] == f"+# {EDITED_MARK} argos en->es translate-en_es 1.9"


def test_commit_only_approved_never_commits_a_demotion(weblate, team):
    """What the recipe avoids: with reviews and "only approved" (commit_policy 30), a
    reviewer's demotion stays out of git, and pamphlet would print the rejected text."""
    root, project = team("approved-only", {"translation_review": True, "commit_policy": 30})
    es = units(weblate, "approved-only", "caravan")
    entry = es["No one is illegal"]
    edit(weblate, entry, APPROVED, "Nadie es ilegal")
    commit_and_pull(weblate, "approved-only", root)
    edit(weblate, units(weblate, "approved-only", "caravan")["No one is illegal"],
         NEEDS_EDITING)  # rejected by a reviewer
    commit_and_pull(weblate, "approved-only", root)
    catalog = {e.msgid: e for e in polib.pofile(str(project.po_path("caravan", "es")))}
    assert catalog["No one is illegal"].msgstr == "Nadie es ilegal"
    assert "fuzzy" not in catalog["No one is illegal"].flags  # still "reviewed" in git
