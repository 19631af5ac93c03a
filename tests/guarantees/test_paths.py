"""Nothing is written or deleted through a link or a setting that leads out of the project
(issue 25): folder settings, and every command that writes (update, import, check, build)."""

from __future__ import annotations

import os

import pytest

from tests.helpers import STATEMENT_EN, catalog_with_an_error, run, snapshot, write_project
from workflow import fsutil
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.store import STORE_FILE


def one_line(code: int, err: str, expected: int = 2) -> str:
    assert code == expected, err
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.fixture
def outside(tmp_path):
    """A folder beside the project that must stay exactly as it is."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text("the real site", encoding="utf-8")
    return folder


@pytest.mark.parametrize("key", ["build_dir", "source_dir", "locale_dir"])
@pytest.mark.parametrize("value, why", [
    ("{outside}", "is not relative to the project"),
    ("../site", "climbs out of it with '..'"),
    ("build/../../site", "climbs out of it with '..'"),
    ("~/site", "is not relative to the project"),
    ("bu\\u0000ild", "holds a control character"),
])
def test_folder_settings_that_lead_out_are_refused_with_their_line(tmp_path, monkeypatch,
                                                                   outside, key, value, why):
    value = value.format(outside=outside)
    root = write_project(tmp_path / "project", config=f'[tool.pamphlet]\n{key} = "{value}"\n')
    monkeypatch.chdir(root)
    before = snapshot(outside)
    for command in (["build", "--lang", "es"], ["update"], ["status"], ["check"]):
        err = one_line(*run(*command)[::2])
        assert err.startswith("Error: pyproject.toml:5: ")
        assert f"{key} must be a folder inside the project" in err and why in err
    assert snapshot(outside) == before


def test_a_build_dir_that_is_the_project_or_holds_the_sources_is_refused(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project")
    monkeypatch.chdir(root)
    for config in ('build_dir = "."', 'build_dir = "./"', 'source_dir = "out/source"\n'
                   'build_dir = "out"'):
        (root / "pyproject.toml").write_text(f"[tool.pamphlet]\n{config}\n", encoding="utf-8")
        err = one_line(*run("status")[::2])
        assert "pyproject.toml:" in err and "build_dir" in err


def test_ordinary_folder_settings_still_work(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project", config='[tool.pamphlet]\nbuild_dir = "out/pdf"\n'
                         'locale_dir = "./po"\n')
    monkeypatch.chdir(root)
    assert run("update")[0] == 0
    assert (root / "po" / "es" / "caravan.po").is_file()


@pytest.fixture
def project_dir(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project")
    monkeypatch.chdir(root)
    return root


def test_check_does_not_write_its_cache_through_a_linked_build(project_dir, outside):
    assert run("update")[0] == 0
    (project_dir / "build").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    code, out, err = run("check")
    assert code == 0 and "Traceback" not in err  # it runs and reports as usual
    assert "no problems" in out, out
    assert snapshot(outside) == before  # but saves no cache there


def test_a_cache_in_a_linked_build_is_not_read(project_dir, outside):
    """A findings cache reached through a link is someone else's: it could hide errors."""
    catalog_with_an_error(project_dir)
    assert run("check")[0] == 1  # the number 7 the source does not have
    os.rename(project_dir / "build", outside / "build")
    (project_dir / "build").symlink_to(outside / "build", target_is_directory=True)
    store = outside / "build" / STORE_FILE
    import json

    data = json.loads(store.read_text(encoding="utf-8"))
    assert data["checks"]
    for value in data["checks"].values():
        value["findings"] = []
    store.write_text(json.dumps(data), encoding="utf-8")
    assert run("check")[0] == 1


def test_import_does_not_write_through_a_linked_source(project_dir, outside, tmp_path):
    (project_dir / "source" / "caravan.md").unlink()
    (project_dir / "source").rmdir()
    (project_dir / "source").symlink_to(outside, target_is_directory=True)
    raw = tmp_path / "raw.txt"
    raw.write_text("A title\n\nWe stand together.\n", encoding="utf-8")
    before = snapshot(outside)
    err = one_line(*run("import", str(raw), "--lang", "en", "--slug", "new")[::2])
    assert "source: is a symbolic link" in err
    assert snapshot(outside) == before


def test_update_does_not_create_catalogs_through_a_linked_language_folder(project_dir,
                                                                          outside):
    (project_dir / "locale").mkdir()
    (project_dir / "locale" / "fa").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    err = one_line(*run("update")[::2])
    assert "locale/fa: is a symbolic link" in err
    assert snapshot(outside) == before


def test_build_does_not_write_through_a_linked_build(project_dir, outside):
    assert run("update")[0] == 0
    (project_dir / "build").symlink_to(outside, target_is_directory=True)
    before = snapshot(outside)
    code, _, err = run("build", "--lang", "es", "--layout", "single")
    assert code == 2 and "Traceback" not in err
    assert snapshot(outside) == before


def test_every_writer_refuses_a_link_between_the_root_and_the_file(tmp_path, outside):
    """fsutil's writers share one check: a link at any folder below the project's root,
    a link at the file itself, and a path that climbs out are all refused."""
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN})
    load_project(root)  # registers the root
    (root / "build").symlink_to(outside, target_is_directory=True)
    (root / "locale").mkdir()
    (root / "locale" / "x.po").symlink_to(outside / "index.html")
    before = snapshot(outside)
    for path in (root / "build" / "index.html", root / "build" / "new" / "a.pdf",
                 root / "locale" / "x.po", root / ".." / "site" / "index.html"):
        for write in (lambda p: fsutil.atomic_write_bytes(p, b"x"),
                      lambda p: fsutil.write_if_changed(p, "x"),
                      lambda p: fsutil.save_merged(p, None, lambda _: b"x")):
            with pytest.raises(PamphletError):
                write(path)
    assert snapshot(outside) == before
    assert not (outside / "new").exists()


def test_a_link_target_with_its_own_pyproject_is_still_outside(tmp_path, outside):
    """The root is the project's, not whatever pyproject.toml a link's target holds."""
    (outside / "pyproject.toml").write_text("", encoding="utf-8")
    root = write_project(tmp_path / "project")
    (root / "locale").mkdir()
    (root / "locale" / "fa").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PamphletError, match="symbolic link"):
        fsutil.atomic_write_bytes(root / "locale" / "fa" / "x.po", b"x")
    assert not (outside / "x.po").exists()


def test_deeply_nested_values_are_one_line(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project",
                         config="[tool.pamphlet]\nlanguages = " + "[" * 1000 + "]" * 1000 + "\n")
    monkeypatch.chdir(root)
    err = one_line(*run("status")[::2])
    assert err.startswith("Error: pyproject.toml:5: values nested too deeply")


@pytest.mark.parametrize("config, line", [
    ("[tool.pamphlet]\nlanguages = " + "[" * 1000 + "]" * 1000, 5),
    ('[tool.pamphlet.machine_translation]\n"en-es" = ' + "{a = " * 2000 + "1" + "}" * 2000,
     5),
])
def test_nesting_names_its_line_however_it_is_written(tmp_path, monkeypatch, config, line):
    root = write_project(tmp_path / "project", config=config + "\n")
    monkeypatch.chdir(root)
    err = one_line(*run("status")[::2])
    assert err.startswith(f"Error: pyproject.toml:{line}: values nested too deeply")


def test_a_language_named_twice_is_refused_with_its_line(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project", config='[tool.pamphlet]\nlanguages = ["en", '
                         + '"es", ' * 1000 + '"en"]\n')
    monkeypatch.chdir(root)
    err = one_line(*run("status")[::2])
    assert err.startswith("Error: pyproject.toml:5: languages names 'en' more than once")


@pytest.mark.parametrize("value", ['""', '"  "'])
def test_an_empty_folder_setting_is_called_empty(tmp_path, monkeypatch, value):
    root = write_project(tmp_path / "project", config=f"[tool.pamphlet]\nbuild_dir = {value}\n")
    monkeypatch.chdir(root)
    err = one_line(*run("status")[::2])
    assert "pyproject.toml:5: build_dir is empty" in err and "such as 'build'" in err
    assert "not a string" not in err


def test_a_linked_state_file_is_not_called_a_folder(project_dir, outside):
    (project_dir / "build").mkdir()
    state = project_dir / "build" / STORE_FILE
    state.symlink_to(outside / "index.html")
    with pytest.raises(PamphletError) as refused:
        fsutil.write_if_changed(state, "{}")
    assert "is a symbolic link" in str(refused.value) and "folder" not in str(refused.value)
    assert "pamphlet makes it again" in str(refused.value)
    # a linked folder on the way is still "made again" as a folder
    (project_dir / "build" / "print").symlink_to(outside, target_is_directory=True)
    with pytest.raises(PamphletError, match="the folder is made again"):
        fsutil.write_if_changed(project_dir / "build" / "print" / "a.pdf", "x")
    assert (outside / "index.html").read_text(encoding="utf-8") == "the real site"


def test_a_linked_dashboard_is_not_written_and_build_says_so(project_dir, outside):
    assert run("update")[0] == 0
    (project_dir / "build").mkdir()
    (project_dir / "build" / "index.html").symlink_to(outside / "index.html")
    for _ in range(2):  # the first build, and one that finds everything up to date
        code, out, err = run("build", "--to", "md", "--lang", "es")
        assert code == 0, err
        assert [line for line in out.splitlines() if "dashboard" in line] == [
            "dashboard not written: build/index.html: is a symbolic link: pamphlet never"
            " writes or deletes through a link (remove it; pamphlet makes it again)"]
    assert (outside / "index.html").read_text(encoding="utf-8") == "the real site"
