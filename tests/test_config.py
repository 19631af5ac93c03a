"""The settings table: every setting declared once, and what comes from it."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from tests.helpers import write_project
from workflow.cli import build_parser
from workflow.config import (
    MT_SETTINGS,
    SETTINGS,
    Choice,
    Flag,
    Folder,
    Names,
    Number,
    Project,
    Settings,
    load_project,
)
from workflow.errors import PamphletError

# A value each kind refuses, and what the error says after the setting's name.
BAD = {Choice: ('"nonsense"', "must be one of"), Number: ('"3"', "must be a number"),
       Flag: ('"yes"', "must be true or false"), Folder: ("5", "must be a folder name"),
       Names: ('"pdf"', "must be a list of builder names")}


def test_every_field_of_the_project_settings_is_in_the_table():
    names = [s.name for s in SETTINGS]
    assert names == [f.name for f in fields(Settings)]
    assert len(set(names)) == len(names)
    assert all(s.doc and s.doc.endswith(".") and "\n" not in s.doc for s in SETTINGS + MT_SETTINGS)
    # The Project holds each one, with its default as the field's type.
    project = Project(root=Path("/p"))
    for entry in SETTINGS:
        assert getattr(project, entry.name) == entry.kind.convert(entry.default, Path("/p"))


def test_defaults_are_valid_and_give_the_default_project(tmp_path):
    """The table's defaults pass its own checks: a project without settings loads them."""
    root = write_project(tmp_path, outputs=None)
    assert load_project(root) == Project(root=root)


@pytest.mark.parametrize("entry", [s for s in SETTINGS if type(s.kind) in BAD],
                         ids=lambda s: s.name)
def test_each_setting_refuses_a_bad_value_naming_its_line(tmp_path, entry):
    value, message = BAD[type(entry.kind)]
    root = write_project(tmp_path, config=f"[tool.pamphlet]\n\n{entry.name} = {value}\n")
    with pytest.raises(PamphletError) as refused:
        load_project(root)
    assert str(refused.value).startswith(f"{root / 'pyproject.toml'}:6: {entry.name} {message}")


@pytest.mark.parametrize("entry", [s for s in SETTINGS if s.kind.choices], ids=lambda s: s.name)
def test_every_choice_is_accepted(tmp_path, entry):
    for choice in entry.kind.choices:
        root = write_project(tmp_path, config=f'[tool.pamphlet]\n{entry.name} = "{choice}"\n')
        assert getattr(load_project(root), entry.name) == choice


def test_the_cli_takes_its_page_sizes_from_the_table():
    build = build_parser()._subparsers._group_actions[0].choices["build"]
    option = next(a for a in build._actions if "--page-size" in a.option_strings)
    page_size = next(s for s in SETTINGS if s.name == "page_size")
    assert tuple(option.choices) == page_size.kind.choices


def test_machine_translation_settings_come_from_their_table(tmp_path):
    root = write_project(tmp_path, config="[tool.pamphlet.machine_translation]\n"
                                          'device = "cpu"\nmin_confidence = 0.5\n')
    machine = load_project(root).machine_translation
    assert (machine.device, machine.min_confidence) == ("cpu", 0.5)
    root = write_project(tmp_path, config="[tool.pamphlet.machine_translation]\n"
                                          'device = "tpu"\n')
    with pytest.raises(PamphletError, match=r"pyproject.toml:5: device must be one of auto, cpu, "
                                            r"cuda, not 'tpu'"):
        load_project(root)


@pytest.mark.parametrize(("value", "message"), [
    ("[]", "outputs must be a list of builder names"),
    ('["pdf", ""]', "outputs must be a list of builder names"),
    ('["pdf", "md", "pdf"]', "outputs names 'pdf' more than once")])
def test_outputs_refuses_an_empty_list_and_a_name_twice(tmp_path, value, message):
    root = write_project(tmp_path, config=f"[tool.pamphlet]\noutputs = {value}\n")
    with pytest.raises(PamphletError) as refused:
        load_project(root)
    assert str(refused.value).startswith(f"{root / 'pyproject.toml'}:5: {message}")


def test_a_new_project_builds_the_web_edition_and_leaves_print_files_out(tmp_path):
    """Readers read the web edition and its cards more than paper; print files wait for a
    team's print shop settings. The embedded project builds every edition there is, so
    `make pamphlets` is a plain `pamphlet build --final`."""
    from tests.helpers import REPO
    from workflow import builders

    outputs = load_project(write_project(tmp_path, outputs=None)).outputs
    assert outputs == ("pdf", "md", "web") and "print" not in outputs
    assert set(outputs) <= set(builders.names())
    assert sorted(load_project(REPO).outputs) == sorted(builders.names())
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\t$(BIN)/pamphlet build --final\n" in makefile
