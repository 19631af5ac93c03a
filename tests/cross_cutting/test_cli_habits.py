"""Habits translators bring from msgmerge, pybabel, pofilter, pocount and sphinx-intl: their
options, file paths as arguments, locale codes, and a command's own usage on a bad flag."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.helpers import run, snapshot
from workflow.catalog.model import MACHINE_MARK
from workflow.cli import main


def po(project_dir, language="es"):
    return project_dir / "locale" / language / "caravan.po"


def translate_first(project_dir, language="es", text="Solidaridad con la caravana",
                    fuzzy=False, machine=False):
    """Translate the catalog's first entry (the title) as a translator's tool would."""
    path = po(project_dir, language)
    catalog = polib.pofile(str(path))
    catalog[0].msgstr = text
    catalog[0].flags = ["fuzzy"] if fuzzy or machine else []
    if machine:
        catalog[0].tcomment = f"{MACHINE_MARK} argos en->{language} test 1.0, confidence 0.40"
    catalog.save()
    return catalog[0].msgid


def edit_title(project_dir, new_title):
    source = project_dir / "source" / "caravan.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace('title: "Solidarity with the caravan"',
                                   f'title: "{new_title}"'), encoding="utf-8")


def test_an_unknown_flag_prints_the_commands_usage(project_dir, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["update", "--no-such-flag"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith("usage: pamphlet update")
    assert "unrecognized arguments: --no-such-flag" in err
    with pytest.raises(SystemExit):
        main(["models", "install", "x.argosmodel", "--bogus"])
    assert capsys.readouterr().err.startswith("usage: pamphlet models install")


def test_update_dry_run_and_quiet(project_dir):
    assert run("update")[0] == 0
    edit_title(project_dir, "Solidarity with the caravan of migrants")
    before = snapshot(project_dir)
    code, out, _ = run("update", "--dry-run")
    assert code == 0
    assert "would write: locale/caravan.pot" in out and "would write: locale/es/caravan.po" in out
    assert snapshot(project_dir) == before  # nothing written
    assert run("update", "-q") == (0, "", "")
    assert snapshot(project_dir) != before


def test_update_no_fuzzy_matching_and_no_obsolete(project_dir):
    assert run("update")[0] == 0
    old = translate_first(project_dir)
    edit_title(project_dir, "Solidarity with the caravans")

    assert run("update", "--no-fuzzy-matching", "-l", "es")[0] == 0
    entries = {(e.msgid, e.obsolete): e for e in polib.pofile(str(po(project_dir)))}
    new = entries[("Solidarity with the caravans", False)]
    assert new.msgstr == "" and new.previous_msgid is None  # no suggestion from the old one
    assert entries[(old, True)].msgstr == "Solidaridad con la caravana"  # kept as #~

    assert run("update", "--no-obsolete", "-l", "es")[0] == 0
    catalog = polib.pofile(str(po(project_dir)))
    assert not [e for e in catalog if e.obsolete]

    # without the flags, as before: the similar sentence gets a fuzzy suggestion
    translate_first(project_dir, text="Solidaridad con las caravanas")
    edit_title(project_dir, "Solidarity with the caravan")  # back from "caravans"
    source = project_dir / "source" / "caravan.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Solidarity with the caravans", "Solidarity with the caravan"), encoding="utf-8")
    assert run("update", "-l", "es")[0] == 0
    first = polib.pofile(str(po(project_dir)))[0]
    assert first.msgstr == "Solidaridad con las caravanas" and "fuzzy" in first.flags


def test_status_csv(project_dir):
    assert run("update")[0] == 0
    translate_first(project_dir)
    code, out, _ = run("status", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["statement"], r["language"]) for r in rows] == [
        ("caravan", "es"), ("caravan", "ar"), ("caravan", "fa")]
    es = rows[0]
    assert es["catalog"] == "locale/es/caravan.po"
    assert es["reviewed segments"] == "1" and es["reviewed words"] == "4"
    assert int(es["untranslated segments"]) > 0


def test_file_paths_as_arguments(project_dir):
    assert run("update", "source/caravan.md")[0] == 0
    edit_title(project_dir, "Solidarity with all caravans")
    code, out, _ = run("update", "locale/es/caravan.po")
    assert code == 0 and "2 catalog(s) written" in out  # the template and es only
    assert run("update", "--check", "-l", "es")[0] == 0
    assert run("update", "--check", "-l", "fa")[0] == 1
    code, out, _ = run("status", "--json", str(po(project_dir, "ar")))  # absolute works too
    assert [s["language"] for s in json.loads(out)] == ["ar"]
    code, _, err = run("status", "locale/es/elsewhere/caravan.po")
    assert code == 2 and "not a statement" in err and "locale/LL/SLUG.po" in err


@pytest.mark.parametrize("code", ["es_ES", "es-ES", "es-419", "es_MX.UTF-8"])
def test_locale_codes_name_the_languages_profile(project_dir, code):
    assert run("update")[0] == 0
    out = run("status", "--json", "-l", code)[1]
    assert [s["language"] for s in json.loads(out)] == ["es"]


def test_an_unknown_locale_code_is_still_refused(project_dir):
    assert run("update")[0] == 0
    code, _, err = run("status", "-l", "xx_YY")
    assert code == 2 and "unknown language 'xx_YY'" in err


def test_check_list_and_strict(project_dir):
    assert run("update")[0] == 0
    code, out, _ = run("check", "--list")
    assert code == 0
    assert "numbers: error" in out and "end-punctuation: warning (Weblate: end-stop" in out
    # a warning only: a translation that ends otherwise than its source
    translate_first(project_dir, text="Solidaridad con la caravana.")
    code, out, _ = run("check", "-l", "es")
    assert code == 0 and "0 error(s), 1 warning(s)" in out
    assert run("check", "-l", "es", "--strict")[0] == 1


def test_check_writes_failing_entries_for_pomerge(project_dir, tmp_path):
    assert run("update")[0] == 0
    msgid = translate_first(project_dir, text="Solidaridad con la caravana 7000")
    code, _, err = run("check", "-l", "es", "--output", "failing")
    assert code == 1 and "pomerge --mergecomments=no -t locale -i failing -o locale" in err
    extract = project_dir / "failing" / "es" / "caravan.po"
    entries = polib.pofile(str(extract))
    assert [e.msgid for e in entries] == [msgid]
    assert "pamphlet check [numbers] error" in entries[0].comment
    # the translator fixes it there; pomerge (Translate Toolkit) merges it back
    entries[0].msgstr = "Solidaridad con la caravana"
    entries.save()
    pomerge = Path(sys.executable).with_name("pomerge")  # Translate Toolkit, a test dependency
    subprocess.run([pomerge, "--mergecomments=no", "-t", "locale", "-i", "failing", "-o",
                    "locale"], check=True, cwd=project_dir, capture_output=True)
    back = polib.pofile(str(po(project_dir)))
    assert back[0].msgstr == "Solidaridad con la caravana"
    assert "pamphlet check" not in (back[0].comment or "") + (back[0].tcomment or "")
    assert run("check", "-l", "es")[0] == 0
    assert run("update")[0] == 0  # and the catalog reads as ours again


@pytest.mark.parametrize("link, output", [("linked", "linked/out"), ("build", "build/fail")])
def test_check_output_through_a_link_creates_nothing_outside(project_dir, tmp_path, link,
                                                               output):
    """`check -o` through a linked folder or a linked build/ is refused before any folder
    is made at the link's target."""
    assert run("update")[0] == 0
    translate_first(project_dir, text="Solidaridad con la caravana 7000")
    outside = tmp_path / "outside"
    outside.mkdir()
    (project_dir / link).symlink_to(outside)
    code, _, err = run("check", "-l", "es", "-o", output)
    assert code == 2 and "symbolic link" in err
    assert list(outside.iterdir()) == []


def test_review_queue_takes_lists_and_names_the_source(project_dir):
    assert run("update")[0] == 0
    translate_first(project_dir, "ar", "التضامن مع القافلة", machine=True)
    translate_first(project_dir, "fa", "همبستگی با کاروان", machine=True)
    code, out, _ = run("review-queue", "-l", "ar")
    assert code == 0 and "locale/ar/caravan.po" in out and "locale/fa" not in out
    code, out, _ = run("review-queue", "--lang", "es,fa")
    assert "locale/fa/caravan.po" in out and "locale/ar" not in out
    assert "1 machine translation(s) to review" in out
    code, out, _ = run("review-queue", "-l", "en")
    assert code == 0
    assert "caravan: en is the statement's source language" in out
