"""`pamphlet update`, `status` and `import` through the CLI: determinism, merge, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess

import polib
import pytest

from tests.helpers import run, snapshot


def test_update_writes_pot_and_catalogs_deterministically(project_dir):
    code, out, _ = run("update")
    assert code == 0 and "4 catalog(s) written" in out
    locale = project_dir / "locale"
    assert sorted(p.relative_to(locale).as_posix() for p in locale.rglob("*.po*")) == [
        "ar/caravan.po", "caravan.pot", "es/caravan.po", "fa/caravan.po"]
    before = snapshot(project_dir)
    code, out, _ = run("update")
    assert code == 0 and "0 catalog(s) written, 4 unchanged" in out
    assert snapshot(project_dir) == before
    assert run("update", "--check")[0] == 0
    fa = polib.pofile(str(locale / "fa" / "caravan.po"))
    assert fa.metadata["Language"] == "fa"
    assert fa.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"  # babel 2.19, CLDR
    assert [e.msgid for e in fa][:3] == ["Solidarity with the caravan",
                                         "Alliance of Middle Eastern Socialists",
                                         "No one is illegal"]
    assert fa[1].comment == "author (organisation)"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
def test_catalogs_pass_msgfmt_check_format(project_dir):
    run("update")
    for path in sorted((project_dir / "locale").rglob("*.po*")):
        result = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_source_change_makes_fuzzy_and_obsolete(project_dir):
    run("update")
    po_path = project_dir / "locale" / "es" / "caravan.po"
    catalog = polib.pofile(str(po_path))
    for entry in catalog:
        entry.msgstr = "ES " + entry.msgid
    catalog.save()
    source = project_dir / "source" / "caravan.md"
    text = source.read_text(encoding="utf-8")
    text = text.replace("More than 7000 people walk together.", "More than 7000 people march.")
    text = text.replace("2. What will happen next?\n", "")
    source.write_text(text, encoding="utf-8")
    assert run("update", "--check")[0] == 1
    run("update")
    merged = polib.pofile(str(po_path))
    fuzzy = merged.find("More than 7000 people march.")
    assert "fuzzy" in fuzzy.flags and fuzzy.previous_msgid == "More than 7000 people walk together."
    assert fuzzy.msgstr == "ES More than 7000 people walk together."
    assert merged.find("What will happen next?", include_obsolete_entries=True).obsolete
    assert merged.find("No one is illegal").msgstr == "ES No one is illegal"
    code, out, _ = run("status", "--json", "--lang", "es")
    (status,) = json.loads(out)
    assert status["segments"] == {"reviewed": 7, "fuzzy": 1, "machine": 0, "untranslated": 0}


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda t: t.replace("---\ntitle", "title", 1), "source/caravan.md:1: missing front"),
        (lambda t: t.replace("language: en", "language: zz"),
         "source/caravan.md:5: no language profile for 'zz'"),
        (lambda t: t.split("---\n\n")[0] + "---\n\n", "source/caravan.md:8: the statement is"),
        (lambda t: t.replace("Nov 3", "Nov\udcff 3"), "source/caravan.md:17: not valid UTF-8"),
    ],
)
def test_bad_statement_exit_2_and_nothing_modified(project_dir, mutate, expected):
    run("update")
    source = project_dir / "source" / "caravan.md"
    text = mutate(source.read_text(encoding="utf-8"))
    source.write_bytes(text.encode("utf-8", "surrogateescape"))
    before = snapshot(project_dir)
    code, _, err = run("update")
    assert code == 2
    assert err.startswith("Error: ") and expected in err and err.count("\n") == 1
    assert snapshot(project_dir) == before


@pytest.mark.parametrize(("setting", "expected"), [
    ('languages = ["en", "es", "zz"]', "pyproject.toml:6: no language profile for 'zz'"),
    ('page_size = "A3"', "pyproject.toml:6: page_size must be one of"),
    ("bleed_mm = 30", "pyproject.toml:6: bleed_mm must be a number"),
    ('colour = "red"', "pyproject.toml:6: unknown [tool.pamphlet] setting(s): colour"),
])
def test_bad_setting_names_its_line(project_dir, setting, expected):
    config = project_dir / "pyproject.toml"
    config.write_text(f"[project]\nname = 'x'\n\n[tool.pamphlet]\n# comment\n{setting}\n")
    assert config.read_text().splitlines()[5] == setting
    code, _, err = run("update")
    assert code == 2 and err == f"Error: {expected}" + err.split(expected, 1)[1]
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", ["build", "status", "check", "translate"])
def test_unknown_language_is_refused_by_every_command(project_dir, command):
    run("update")
    code, _, err = run(command, "--lang", "de")
    assert code == 2 and "unknown language 'de' (this project has: en, es, ar, fa)" in err


def test_broken_po_exit_2_and_nothing_modified(project_dir):
    run("update")
    po_path = project_dir / "locale" / "ar" / "caravan.po"
    po_path.write_text(po_path.read_text(encoding="utf-8") + '\nmsgid "broken\n',
                       encoding="utf-8")
    (project_dir / "source" / "caravan.md").write_text(
        (project_dir / "source" / "caravan.md").read_text().replace("thousands", "many"))
    before = snapshot(project_dir)
    code, _, err = run("update")
    assert code == 2 and "locale/ar/caravan.po:" in err and "PO syntax error" in err
    assert snapshot(project_dir) == before


def test_unknown_slug(project_dir):
    code, _, err = run("update", "nope")
    assert code == 2 and "no statement 'nope'" in err


def test_import_command(project_dir):
    raw = project_dir / "raw.txt"
    raw.write_text("Solidaridad con la caravana\n\n3 de noviembre de 2018\n\nNo estamos solos."
                   " ¿Quién lo duda?\n", encoding="utf-8")
    code, out, _ = run("import", str(raw), "--lang", "es", "--slug", "caravana")
    assert code == 0 and "source/caravana.md" in out
    text = (project_dir / "source" / "caravana.md").read_text(encoding="utf-8")
    assert 'title: "Solidaridad con la caravana"' in text and "date: 2018-11-03" in text


POEDIT_HEADER = """\
# Spanish translation of the caravan statement.
# Ana <ana@example.org>, 2026.
#
msgid ""
msgstr ""
"Project-Id-Version: pamphlet caravan\\n"
"Report-Msgid-Bugs-To: \\n"
"PO-Revision-Date: 2026-11-30 18:02+0100\\n"
"Last-Translator: Ana <ana@example.org>\\n"
"Language-Team: Spanish <https://weblate.example.org/projects/p/caravan/es/>\\n"
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"X-Source-Language: en\\n"
"Plural-Forms: nplurals=3; plural=(n == 1) ? 0 : ((n != 0 && n % 1000000 == 0) ? 1 : 2);\\n"
"X-Generator: Poedit 3.4.2\\n"
"""


def replace_header(po_path, header: str) -> None:
    text = po_path.read_text(encoding="utf-8")
    body = text[text.index("\n\n"):]
    po_path.write_text(header + body, encoding="utf-8")


def test_translators_header_is_kept_as_their_editor_wrote_it(project_dir):
    run("update")
    po_path = project_dir / "locale" / "es" / "caravan.po"
    replace_header(po_path, POEDIT_HEADER)  # Poedit's layout: long lines never wrapped
    before = po_path.read_bytes()
    assert run("update", "--check") == (0, "", "")
    assert run("update")[0] == 0
    assert po_path.read_bytes() == before
    # a source change rewrites the catalog, and the header is still the translators'
    source = project_dir / "source" / "caravan.md"
    source.write_text(source.read_text(encoding="utf-8").replace("walk together", "walk on"),
                      encoding="utf-8")
    assert run("update")[0] == 0
    catalog = polib.pofile(str(po_path))
    assert list(catalog.metadata) == [
        "Project-Id-Version", "Report-Msgid-Bugs-To", "PO-Revision-Date", "Last-Translator",
        "Language-Team", "Language", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding", "X-Source-Language", "Plural-Forms", "X-Generator"]
    assert catalog.metadata["Plural-Forms"].startswith("nplurals=3; plural=(n == 1) ? 0 :")
    assert catalog.metadata["X-Generator"] == "Poedit 3.4.2"
    assert catalog.metadata["Last-Translator"] == "Ana <ana@example.org>"
    assert catalog.metadata["PO-Revision-Date"] == "2026-11-30 18:02+0100"
    assert catalog.header.startswith("Spanish translation of the caravan statement.")
    # a header msginit marked fuzzy stays fuzzy: the translators unmark it
    replace_header(po_path, POEDIT_HEADER.replace('#\nmsgid ""', '#\n#, fuzzy\nmsgid ""'))
    before = po_path.read_bytes()
    assert run("update", "--check")[0] == 0 and run("update")[0] == 0
    assert po_path.read_bytes() == before and b"#, fuzzy\nmsgid \"\"" in before
    source.write_text(source.read_text(encoding="utf-8").replace("walk on", "walk"),
                      encoding="utf-8")
    assert run("update")[0] == 0 and po_path.read_bytes() != before
    assert polib.pofile(str(po_path)).metadata_is_fuzzy == ["fuzzy"]


def test_a_wrong_nplurals_is_an_error_naming_the_line_and_the_right_value(project_dir):
    run("update")
    po_path = project_dir / "locale" / "es" / "caravan.po"
    replace_header(po_path, POEDIT_HEADER.replace(
        "nplurals=3; plural=(n == 1) ? 0 : ((n != 0 && n % 1000000 == 0) ? 1 : 2);",
        "nplurals=4; plural=(n != 1);"))
    before = snapshot(project_dir)
    code, out, err = run("update")
    assert code == 2 and snapshot(project_dir) == before
    assert err == ("Error: locale/es/caravan.po:16: Plural-Forms has nplurals=4, but Spanish "
                   "has nplurals=3 (or 2, as GNU gettext has it): use \"Plural-Forms: "
                   "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);\"\n")


def test_a_catalog_started_with_msginit_is_kept(project_dir):
    """GNU gettext gives French and Spanish two plural forms where CLDR has three: the
    profile accepts both, so a catalog a translator started with msginit is left as it is."""
    (project_dir / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.pamphlet]\nlanguages = ['en', 'fr']\n",
        encoding="utf-8")
    (project_dir / "locale" / "fr").mkdir(parents=True)
    assert run("update")[0] == 0
    po_path = project_dir / "locale" / "fr" / "caravan.po"
    po_path.unlink()
    subprocess.run(["msginit", "--no-translator", "-l", "fr_FR", "-i",
                    str(project_dir / "locale" / "caravan.pot"), "-o", str(po_path)],
                   check=True, capture_output=True)
    assert "nplurals=2; plural=(n > 1);" in po_path.read_text(encoding="utf-8")
    code, _, err = run("update")
    assert code == 0, err
    assert polib.pofile(str(po_path)).metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert run("update", "--check")[0] == 0


def test_lang_is_repeatable_and_comma_separated_on_every_command(project_dir):
    code, out, _ = run("update", "-l", "es")
    assert code == 0 and "2 catalog(s) written" in out
    assert sorted(p.name for p in (project_dir / "locale").rglob("*.po*")) == [
        "caravan.po", "caravan.pot"]
    assert (project_dir / "locale" / "es" / "caravan.po").exists()
    assert run("update", "--lang", "ar,fa", "--check")[0] == 1  # ar and fa are missing
    assert run("update", "-l", "ar,fa")[0] == 0
    code, out, _ = run("status", "-l", "es,fa", "--json")
    assert code == 0 and [s["language"] for s in json.loads(out)] == ["es", "fa"]
    code, out, _ = run("status", "-l", "ar", "--lang", "fa", "--json")
    assert [s["language"] for s in json.loads(out)] == ["ar", "fa"]
    for command in ("update", "status", "check", "translate", "build"):
        code, _, err = run(command, "-l", "es,xx")
        assert code == 2 and "unknown language 'xx'" in err, command


def test_status_threshold_exits_1_when_a_language_is_below(project_dir):
    run("update")
    po_path = project_dir / "locale" / "es" / "caravan.po"
    catalog = polib.pofile(str(po_path))
    for entry in catalog:
        entry.msgstr = "ES " + entry.msgid
    catalog.save()
    code, out, _ = run("status", "--threshold", "90")
    assert code == 1
    assert "ar: 0.0 % reviewed, under the threshold of 90 %" in out
    assert "es:" not in out.split("┘")[-1]
    assert run("status", "-l", "es", "--threshold", "90")[0] == 0
    assert run("status", "-l", "es", "--threshold", "100", "--json")[0] == 0
    assert run("status", "-l", "ar", "--threshold", "10", "--json")[0] == 1
