"""Silent gaps (issue 25): a configured language without its catalog is a problem for
status, check and a draft build alike; hidden and control characters a translator pasted
are an error of `check`."""

from __future__ import annotations

import json

import pytest

from tests.helpers import STATEMENT_EN, run, write_project


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project")
    monkeypatch.chdir(root)
    assert run("update")[0] == 0
    (root / "locale" / "es" / "caravan.po").unlink()
    return root


def test_status_counts_a_missing_catalog_as_nothing_reviewed(project_dir):
    code, out, _ = run("status", "-l", "es", "--threshold", "90")
    assert code == 1
    assert "missing: locale/es/caravan.po" in out and "0 %" in out
    code, out, _ = run("status", "--json", "-l", "es")
    data = json.loads(out)
    assert data[0]["missing"] is True and data[0]["reviewed_percent"] == 0
    assert data[0]["segments"]["untranslated"] > 5


def test_check_reports_a_missing_catalog(project_dir):
    code, out, _ = run("check", "-l", "es")
    assert code == 1
    assert "locale/es/caravan.po:1: [missing-catalog] error" in out


def test_a_draft_build_refuses_a_language_without_its_catalog(project_dir):
    code, out, err = run("build", "-l", "es", "--layout", "single")
    assert code == 1
    assert "locale/es/caravan.po: no such catalog" in out + err
    assert not (project_dir / "build" / "caravan" / "caravan.es.pdf").exists()
    assert (project_dir / "build" / "index.html").is_file()
    assert "no catalog" in (project_dir / "build" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("pasted", ["\u202e", "\x07", "\x1b", "\ue000", "\u2066"])
def test_hidden_characters_a_translator_pasted_are_a_check_error(tmp_path, monkeypatch,
                                                                 pasted):
    root = write_project(tmp_path / "project")
    monkeypatch.chdir(root)
    assert run("update")[0] == 0
    catalog = root / "locale" / "es" / "caravan.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgid "No one is illegal"\nmsgstr ""',
                                    f'msgid "No one is illegal"\nmsgstr "Nadie es {pasted}ilegal"'),
                       encoding="utf-8")
    code, out, _ = run("check", "-l", "es")
    assert code == 1 and "[control-characters] error" in out
    assert f"U+{ord(pasted):04X}" in out


def test_joiners_and_direction_marks_are_not_control_characters(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project")
    monkeypatch.chdir(root)
    assert run("update")[0] == 0
    catalog = root / "locale" / "fa" / "caravan.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgid "No one is illegal"\nmsgstr ""',
                                    'msgid "No one is illegal"\nmsgstr "هیچ\u200cکس\u200f '
                                    'غیرقانونی نیست"'), encoding="utf-8")
    code, out, _ = run("check", "-l", "fa", "--only", "control-characters")
    assert "control-characters" not in out


def big_statement(sentences: int) -> str:
    lines = []
    for number in range(sentences):
        lines.append(f"We stand with the workers of city number {number} against the war.")
        if number % 5 == 4:
            lines.append("")
    return ('---\ntitle: "Big"\nauthor: "A"\ndate: 2020-01-01\nlanguage: en\n---\n\n'
            + "\n".join(lines) + "\n")


def test_a_statement_too_long_for_a_pamphlet_is_refused_before_layout(tmp_path, monkeypatch):
    """Beyond MAX_PDF_CHARS a PDF is refused with one line naming the statement, before
    WeasyPrint lays out anything (5.5 MB took it 5 minutes and 3.16 GB); the rest of the
    build goes on, and the dashboard says why."""
    from workflow import limits
    from workflow.render import typeset as typesetting

    text = big_statement(5000)  # about 340,000 characters
    assert len(text) > limits.MAX_PDF_CHARS
    root = write_project(tmp_path / "project", {"big": text, "caravan": STATEMENT_EN},
                         '[tool.pamphlet]\nlanguages = ["en"]\n')
    monkeypatch.chdir(root)
    typeset = []
    real = typesetting.typeset
    monkeypatch.setattr(typesetting, "typeset",
                        lambda *a, **k: typeset.append(1) or real(*a, **k))
    code, out, err = run("build", "--layout", "single", "--jobs", "1")
    assert code == 1, err
    assert "source/big.md: big.en.pdf would typeset" in out + err
    assert "at most 300,000" in out + err
    assert len(typeset) == 1  # caravan's only
    assert (root / "build" / "caravan" / "caravan.en.pdf").is_file()
    assert not (root / "build" / "big").exists() or not any((root / "build" / "big").iterdir())
