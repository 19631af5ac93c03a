"""Argos packages: install from a file into ARGOS_PACKAGES_DIR, list, routes, bad archives."""

from __future__ import annotations

import shutil
import stat
import zipfile

import pytest

from tests.argos_fixture import built_packages
from tests.helpers import run
from workflow.errors import PamphletError
from workflow.models import find_route, install, installed_models, packages_dir

shutil_usage = type(shutil.disk_usage("/"))


@pytest.fixture(scope="session")
def argos_files():
    return built_packages()


@pytest.fixture
def packages(tmp_path, monkeypatch):
    directory = tmp_path / "argos-packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    return directory


def contents(directory):
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*"))


def write_zip(path, members):
    """members: name -> bytes, or name -> (bytes, unix mode) for links."""
    with zipfile.ZipFile(path, "w") as zipped:
        for name, data in members.items():
            if isinstance(data, tuple):
                info = zipfile.ZipInfo(name)
                info.external_attr = data[1] << 16
                zipped.writestr(info, data[0])
            else:
                zipped.writestr(name, data)
    return path


def test_install_into_argos_packages_dir_and_list(argos_files, packages):
    model = install(argos_files["en", "es"])
    assert packages_dir() == packages
    assert model.path == packages / "translate-en_es-1_0"
    assert (model.name, model.version, model.from_code, model.to_code) == (
        "translate-en_es", "1.0", "en", "es")
    assert (model.path / "model" / "model.bin").is_file()
    assert model.tokenizer_path.is_file()
    assert installed_models() == [model]


def test_reinstall_replaces_the_package_and_leaves_no_staging(argos_files, packages):
    install(argos_files["en", "es"])
    (packages / "translate-en_es-1_0" / "stale.txt").write_text("old")
    install(argos_files["en", "es"])
    assert len(installed_models()) == 1
    assert not (packages / "translate-en_es-1_0" / "stale.txt").exists()
    assert [p.name for p in packages.iterdir()] == ["translate-en_es-1_0"]


def test_target_prefix_is_read_from_metadata(argos_files, packages):
    assert install(argos_files["en", "ar"]).target_prefix == "__ar__"


def test_routes_direct_pivot_and_missing(argos_files, packages):
    for pair in [("en", "es"), ("es", "en"), ("en", "ar")]:
        install(argos_files[pair])
    assert [m.name for m in find_route("en", "es").steps] == ["translate-en_es"]
    pivot = find_route("es", "ar")
    assert [m.name for m in pivot.steps] == ["translate-es_en", "translate-en_ar"]
    assert pivot.description == "es->en->ar translate-es_en 1.0 + translate-en_ar 1.0"
    with pytest.raises(PamphletError) as error:
        find_route("en", "fa")
    assert "translate-en_fa" in str(error.value)
    assert "pamphlet models install" in str(error.value)
    with pytest.raises(PamphletError) as error:
        find_route("es", "fa")
    message = str(error.value)
    assert "translate-es_fa" in message and "translate-en_fa" in message
    assert "translate-es_en installed" in message


def test_newest_version_wins(argos_files, packages, tmp_path):
    from tests.argos_fixture import build_package

    install(argos_files["en", "es"])
    newer = build_package(tmp_path, "en", "es", version="1.10", seed=7)
    install(newer)
    assert [m.version for m in installed_models()] == ["1.0", "1.10"]
    assert find_route("en", "es").steps[0].version == "1.10"


def test_missing_metadata_and_foreign_directories_are_ignored(argos_files, packages):
    install(argos_files["en", "es"])
    (packages / "not-a-package").mkdir()
    assert [m.name for m in installed_models()] == ["translate-en_es"]


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil-absolute.txt",
                                  "pkg/../../evil.txt", "pkg\\..\\evil.txt", "C:/evil.txt"])
def test_zip_slip_is_refused_and_nothing_is_written(tmp_path, packages, name):
    archive = write_zip(tmp_path / "evil.argosmodel", {
        "pkg/metadata.json": b'{"from_code": "en", "to_code": "es"}', name: b"pwned"})
    with pytest.raises(PamphletError) as error:
        install(archive)
    assert "unsafe path" in str(error.value) and str(archive) in str(error.value)
    assert not (tmp_path / "evil.txt").exists()
    assert not packages.exists() or contents(packages) == []


def test_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path, packages):
    archive = write_zip(tmp_path / "bomb.argosmodel", {
        "pkg/metadata.json": b'{"from_code": "en", "to_code": "es"}',
        "pkg/model/model.bin": bytes(1000)})
    data = bytearray(archive.read_bytes())
    central = data.rindex(b"PK\x01\x02")  # model.bin's central directory record
    data[central + 24:central + 28] = (2**32 - 2).to_bytes(4, "little")  # its declared size
    archive.write_bytes(bytes(data))
    with pytest.raises(PamphletError, match=r"unpacks to 4\.3 GB.*not a genuine package"):
        install(archive)
    assert contents(packages) == []


def test_an_oversized_metadata_file_is_not_read(tmp_path, packages):
    archive = write_zip(tmp_path / "big.argosmodel", {
        "pkg/metadata.json": b'{"from_code": "en", "to_code": "es", "x": "' + bytes(2 * 10**6)
        + b'"}', "pkg/model/model.bin": b"x"})
    with pytest.raises(PamphletError, match=r"metadata.json is 2000\d+ bytes: not an Argos"):
        install(archive)
    assert contents(packages) == []


def test_install_refuses_when_the_disk_cannot_hold_the_package(argos_files, packages,
                                                               monkeypatch):
    monkeypatch.setattr("workflow.models.shutil.disk_usage",
                        lambda path: shutil_usage(total=10**9, used=10**9 - 1000, free=1000))
    with pytest.raises(PamphletError, match=r"needs \d+ MB and .* has 0 MB free: make room"):
        install(argos_files["en", "es"])
    assert contents(packages) == []


def test_symlink_member_is_refused(tmp_path, packages):
    archive = write_zip(tmp_path / "link.argosmodel", {
        "pkg/metadata.json": b'{"from_code": "en", "to_code": "es"}',
        "pkg/model": (b"/etc", stat.S_IFLNK | 0o777)})
    with pytest.raises(PamphletError, match="unsafe path"):
        install(archive)
    assert not packages.exists() or contents(packages) == []


def test_corrupt_archives_are_refused(argos_files, tmp_path, packages):
    good = argos_files["en", "es"].read_bytes()
    truncated = tmp_path / "truncated.argosmodel"
    truncated.write_bytes(good[: len(good) // 2])
    garbage = tmp_path / "garbage.argosmodel"
    garbage.write_bytes(b"this is not a zip file at all")
    for archive in (truncated, garbage):
        with pytest.raises(PamphletError, match="corrupt zip"):
            install(archive)
    assert not packages.exists() or contents(packages) == []


def test_damaged_member_fails_its_crc_and_nothing_is_installed(argos_files, tmp_path,
                                                               packages):
    data = bytearray(argos_files["en", "es"].read_bytes())
    with zipfile.ZipFile(argos_files["en", "es"]) as zipped:
        info = zipped.getinfo("translate-en_es-1_0/model/model.bin")
    # Flip bytes in the middle of model.bin's compressed data.
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle:middle + 4] = bytes(b ^ 0xFF for b in data[middle:middle + 4])
    damaged = tmp_path / "damaged.argosmodel"
    damaged.write_bytes(bytes(data))
    with pytest.raises(PamphletError, match="corrupt zip"):
        install(damaged)
    assert contents(packages) == []


def test_archive_without_metadata_or_with_two_directories(tmp_path, packages):
    no_metadata = write_zip(tmp_path / "a.argosmodel", {"pkg/model/model.bin": b"x"})
    with pytest.raises(PamphletError, match="metadata.json"):
        install(no_metadata)
    two = write_zip(tmp_path / "b.argosmodel", {"a/metadata.json": b"{}", "b/x": b""})
    with pytest.raises(PamphletError, match="exactly one package directory"):
        install(two)
    no_model = write_zip(tmp_path / "c.argosmodel", {
        "pkg/metadata.json": b'{"from_code": "en", "to_code": "es"}'})
    with pytest.raises(PamphletError, match="model.bin"):
        install(no_model)
    assert contents(packages) == []


def test_cli_models_install_and_list(argos_files, packages):
    code, out, err = run("models", "list")
    assert code == 0 and "no models installed" in out
    code, out, err = run("models", "install", str(argos_files["en", "es"]))
    assert code == 0, err
    assert "installed translate-en_es 1.0 (en->es)" in out
    code, out, _ = run("models", "list")
    assert code == 0
    assert "en->es" in out and "translate-en_es" in out and "1.0" in out


def test_cli_models_install_error_names_the_file(tmp_path, packages):
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"nope")
    code, out, err = run("models", "install", str(bad))
    assert code == 2
    assert err.startswith(f"Error: {bad}: not a valid .argosmodel file")
