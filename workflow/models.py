"""Argos Translate packages: list, install from a file, and find the model(s) for a pair."""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.version import InvalidVersion, Version

from workflow import languages
from workflow.errors import PamphletError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Argos publishes most pairs to and from English only; other pairs go through it.
PIVOT = languages.LINGUA_FRANCA
# Argos' largest translation packages unpack to well under 1 GB.
MAX_PACKAGE_BYTES = 4 * 10**9
MAX_METADATA_BYTES = 10**6
HOW_TO_GET = (
    "download the .argosmodel file from the Argos Translate package index on a connected "
    "machine, then run `pamphlet models install FILE.argosmodel`"
)


@dataclass(frozen=True)
class Model:
    """One installed Argos translation package."""

    from_code: str
    to_code: str
    name: str  # argospm's name for the package, e.g. translate-en_es
    version: str
    path: Path
    target_prefix: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def tokenizer_path(self) -> Path:
        return self.path / "sentencepiece.model"


@dataclass(frozen=True)
class Route:
    """How one pair is translated: a direct model, or two models through English."""

    from_code: str
    to_code: str
    steps: tuple[Model, ...]

    @property
    def description(self) -> str:
        """E.g. 'es->en->ar translate-es_en 1.0 + translate-en_ar 1.0'."""
        codes = "->".join([self.from_code] + [step.to_code for step in self.steps])
        return f"{codes} {' + '.join(step.label for step in self.steps)}"


def package_name(from_code: str, to_code: str) -> str:
    """argospm's name of the package for a pair (argostranslate.package.argospm_package_name)."""
    return f"translate-{from_code}_{to_code}"


def packages_dir() -> Path:
    """Argos' own package directory, so packages installed with `argospm` are found too."""
    # Read at call time: argostranslate.settings reads the variable once, at import.
    configured = os.environ.get("ARGOS_PACKAGES_DIR")
    if configured:
        return Path(configured)
    from argostranslate import settings

    return Path(settings.package_data_dir)


def installed_models(directory: Path | None = None) -> list[Model]:
    """Translation packages in the package directory, sorted by pair then version."""
    from argostranslate.package import Package, argospm_package_name

    directory = directory or packages_dir()
    if not directory.is_dir():
        return []
    models = []
    for path in sorted(directory.iterdir()):
        # Dot directories are our own half-finished installs; Argos never creates them.
        if not path.is_dir() or path.name.startswith("."):
            continue
        try:
            package = Package(path)
        except (OSError, ValueError) as error:  # no or unreadable metadata.json
            log.warning("ignoring %s: not an Argos package (%s)", path, error)
            continue
        if package.type != "translate" or not package.from_code or not package.to_code:
            continue
        models.append(Model(package.from_code, package.to_code, argospm_package_name(package),
                            str(package.package_version), path, package.target_prefix or ""))
    return sorted(models, key=lambda m: (m.from_code, m.to_code, _version_key(m.version)))


def _version_key(version: str) -> tuple:
    try:
        return (1, Version(version), "")
    except InvalidVersion:
        return (0, Version("0"), version)


def find_route(from_code: str, to_code: str, models: list[Model] | None = None,
               directory: Path | None = None) -> Route:
    """The newest direct model for the pair, else a pivot through English, else an error
    naming the packages to get."""
    models = installed_models(directory) if models is None else models

    def newest(source: str, target: str) -> Model | None:
        found = [m for m in models if m.from_code == source and m.to_code == target]
        return max(found, key=lambda m: _version_key(m.version)) if found else None

    direct = newest(from_code, to_code)
    if direct is not None:
        return Route(from_code, to_code, (direct,))
    if PIVOT not in (from_code, to_code):
        first, second = newest(from_code, PIVOT), newest(PIVOT, to_code)
        if first is not None and second is not None:
            return Route(from_code, to_code, (first, second))
    raise PamphletError(missing_message(from_code, to_code, models, directory))


def missing_message(from_code: str, to_code: str, models: list[Model],
                    directory: Path | None = None) -> str:
    wanted = package_name(from_code, to_code)
    if PIVOT in (from_code, to_code):
        needed = f"get {wanted}"
    else:
        legs = [package_name(from_code, PIVOT), package_name(PIVOT, to_code)]
        have = {m.name for m in models}
        missing = [leg for leg in legs if leg not in have]
        needed = (f"get {wanted}, or {' and '.join(missing)} to translate through English"
                  f" ({', '.join(leg for leg in legs if leg in have) or 'neither'} installed)")
    where = directory or packages_dir()
    return f"no Argos Translate model for {from_code}->{to_code} in {where}: {needed}; {HOW_TO_GET}"


def install(archive: Path, directory: Path | None = None) -> Model:
    """Install a .argosmodel file (a zip of one package directory) into the package directory.

    Every member name is checked before anything is extracted, and extraction goes to a
    hidden staging directory renamed into place at the end: a corrupt or malicious archive
    leaves nothing behind, and nothing is ever written outside the package directory.
    """
    directory = directory or packages_dir()
    if not archive.is_file():
        raise PamphletError("no such file", archive)
    try:
        with zipfile.ZipFile(archive) as zipped:
            top, members = _check_members(zipped, archive)
            directory.mkdir(parents=True, exist_ok=True)
            _check_space(members, directory, archive)
            metadata = _read_metadata(zipped, top, archive)
            staging = Path(tempfile.mkdtemp(prefix=".install-", dir=directory))
            try:
                _extract(zipped, members, staging)
                _check_contents(staging / top, metadata, archive)
                _move_into_place(staging / top, directory / top, staging)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise PamphletError(f"not a valid .argosmodel file (corrupt zip: {error}); "
                            "download it again", archive) from None
    except (RuntimeError, NotImplementedError) as error:  # encrypted, unknown compression
        raise PamphletError(f"cannot read this .argosmodel file: {error}", archive) from None
    model = next(m for m in installed_models(directory) if m.path == directory / top)
    log.info("installed %s (%s->%s) in %s", model.label, model.from_code, model.to_code,
             model.path)
    return model


def _check_members(zipped: zipfile.ZipFile, archive: Path) -> tuple[str, list[zipfile.ZipInfo]]:
    """Reject absolute paths, `..`, backslashes and links; require one top-level directory."""
    members = zipped.infolist()
    tops = set()
    for info in members:
        name = info.filename
        parts = PurePosixPath(name).parts
        unsafe = (not parts or name.startswith("/") or "\\" in name or ".." in parts
                  or ":" in parts[0] or stat.S_ISLNK(info.external_attr >> 16))
        if unsafe:
            raise PamphletError(f"refusing unsafe path {name!r} in the archive: "
                                "not a genuine Argos package", archive)
        if len(parts) == 1 and not info.is_dir():
            raise PamphletError(f"{name!r} is outside the package directory: an .argosmodel "
                                "file holds exactly one directory", archive)
        tops.add(parts[0])
    if len(tops) != 1 or next(iter(tops)).startswith("."):
        raise PamphletError("an .argosmodel file holds exactly one package directory, found "
                            f"{', '.join(sorted(tops)) or 'nothing'}", archive)
    return tops.pop(), members


def _check_space(members: list[zipfile.ZipInfo], directory: Path, archive: Path) -> None:
    """Refuse a package larger than any real one (a zip bomb) or than the free disk space.

    zipfile never inflates a member beyond its declared size, so the declared total bounds
    what extraction can write.
    """
    unpacked = sum(info.file_size for info in members)
    if unpacked > MAX_PACKAGE_BYTES:
        raise PamphletError(f"the archive unpacks to {unpacked / 1e9:.1f} GB, more than any "
                            f"Argos package ({MAX_PACKAGE_BYTES / 1e9:.0f} GB at most): "
                            "not a genuine package", archive)
    free = shutil.disk_usage(directory).free
    if unpacked > free:
        raise PamphletError(f"the package needs {unpacked / 1e6:.0f} MB and {directory} has "
                            f"{free / 1e6:.0f} MB free: make room, then install again", archive)


def _read_metadata(zipped: zipfile.ZipFile, top: str, archive: Path) -> dict:
    try:
        info = zipped.getinfo(f"{top}/metadata.json")
    except KeyError:
        raise PamphletError(f"no {top}/metadata.json: not an Argos package", archive) from None
    if info.file_size > MAX_METADATA_BYTES:  # read into memory: a few hundred bytes in reality
        raise PamphletError(f"{top}/metadata.json is {info.file_size} bytes: not an Argos "
                            "package", archive)
    data = zipped.read(info)
    try:
        metadata = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PamphletError(f"{top}/metadata.json is not valid JSON: {error}", archive) from None
    if not isinstance(metadata, dict):
        raise PamphletError(f"{top}/metadata.json must be a JSON object", archive)
    if metadata.get("type", "translate") != "translate":
        raise PamphletError(f"a {metadata['type']!r} package, not a translation model", archive)
    for key in ("from_code", "to_code"):
        if not isinstance(metadata.get(key), str) or not metadata[key]:
            raise PamphletError(f"{top}/metadata.json has no {key!r}", archive)
    return metadata


def _extract(zipped: zipfile.ZipFile, members: list[zipfile.ZipInfo], staging: Path) -> None:
    root = staging.resolve()
    for info in members:
        target = (staging / info.filename).resolve()
        # Checked again after resolving, in case a name slipped past _check_members.
        if root not in target.parents:
            raise PamphletError(f"refusing to write {info.filename!r} outside the package")
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipped.open(info) as source, open(target, "wb") as output:
            shutil.copyfileobj(source, output, 1 << 20)  # zipfile checks each CRC at the end


def _check_contents(package: Path, metadata: dict, archive: Path) -> None:
    pair = f"{metadata['from_code']}->{metadata['to_code']}"
    if not (package / "model" / "model.bin").is_file():
        raise PamphletError(f"the {pair} package has no model/model.bin", archive)
    if not (package / "sentencepiece.model").is_file():
        raise PamphletError(f"the {pair} package has no sentencepiece.model (older packages "
                            "with a BPE tokenizer are not supported: get a newer version)",
                            archive)


def _move_into_place(package: Path, target: Path, staging: Path) -> None:
    """Rename the staged package over any previous install of the same name."""
    previous = staging / ".previous"
    if target.exists():
        os.replace(target, previous)
        log.info("replacing %s", target)
    try:
        os.replace(package, target)
    except OSError:
        if previous.exists():
            os.replace(previous, target)
        raise
