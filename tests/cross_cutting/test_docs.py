"""The documentation: generated references up to date, the site builds, the README's links."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.helpers import REPO
from workflow import docgen

DOCS = REPO / "docs"


@pytest.mark.parametrize("name", sorted(docgen.REFERENCES))
def test_generated_references_match_the_code(name):
    """docs/reference/NAME is what `python -m workflow.docgen` writes from the code today."""
    committed = (DOCS / "reference" / name).read_text(encoding="utf-8")
    assert committed == docgen.REFERENCES[name](), (
        f"docs/reference/{name} is out of date: run `make reference` (python -m workflow.docgen)")


def test_drift_is_reported_and_fixed(tmp_path, capsys):
    """--check exits 1 naming a stale file and writes nothing; without it, the file is
    rewritten and --check passes."""
    for name, make in docgen.REFERENCES.items():
        (tmp_path / name).write_text(make(), encoding="utf-8")
    stale = tmp_path / "configuration.md"
    stale.write_text(stale.read_text().replace("bleed_mm", "bleed"), encoding="utf-8")
    assert docgen.main(["--check", "--out", str(tmp_path)]) == 1
    assert f"out of date: {stale}" in capsys.readouterr().err
    assert "bleed_mm" not in stale.read_text()
    assert docgen.main(["--out", str(tmp_path)]) == 0
    assert docgen.main(["--check", "--out", str(tmp_path)]) == 0


def test_every_setting_command_and_check_is_in_its_reference():
    from workflow.cli import build_parser
    from workflow.config import MT_SETTINGS, SETTINGS
    from workflow.qa import CHECKS

    configuration = docgen.configuration_reference()
    assert all(f"### `{s.name}`\n\n{s.doc}\n" in configuration for s in SETTINGS + MT_SETTINGS)
    checks = docgen.checks_reference()
    assert all(f"| `{c.name}` | {c.severity} |" in checks for c in CHECKS)
    cli = docgen.cli_reference()
    commands = build_parser()._subparsers._group_actions[0].choices
    assert all(f"## `pamphlet {name}`" in cli for name in commands)
    assert "`--page-size` `PAGE_SIZE` | override [tool.pamphlet] page_size (`A5`, `A4`, " in cli


def test_the_site_builds_with_every_link_checked(tmp_path):
    """`make docs`: mkdocs --strict fails on a link to a missing page or heading."""
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                             "--site-dir", str(site)], cwd=REPO, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file() and (site / "reference" / "cli.html").is_file()


def test_a_broken_link_fails_the_site_build(tmp_path):
    """The check above can fail: a copy of docs/ with one link to a missing heading."""
    import shutil

    shutil.copytree(DOCS, tmp_path / "docs")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    hook = "workflow/docgen.py"
    assert hook in config
    config = config.replace(hook, str(REPO / hook))
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    page = tmp_path / "docs" / "index.md"
    page.write_text(page.read_text() + "\n[gone](explanation/speed.md#no-such-heading)\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict",
                             "--site-dir", str(tmp_path / "site")], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and "no-such-heading" in result.stderr


def test_readme_is_short_and_its_links_exist():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.split()) <= 1000
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    assert links and all((REPO / link).exists() for link in links
                         if not re.match(r"[a-z]+:", link)), links

