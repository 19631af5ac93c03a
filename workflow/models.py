"""Argos Translate packages: list, install from a file, and find the model(s) for a pair."""

from __future__ import annotations

import json
import logging
import os
import re
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
from workflow.fsutil import process_exists

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Argos publishes most pairs to and from English only; other pairs go through it.
PIVOT = languages.LINGUA_FRANCA
# Argos' largest translation packages unpack to well under 1 GB.
MAX_PACKAGE_BYTES = 4 * 10**9
MAX_METADATA_BYTES = 10**6
# Model weights barely compress (int8 CTranslate2 models: about 1.1x); a package that
# inflates more than this, beyond a small size, is a zip bomb however much it declares.
MAX_COMPRESSION_RATIO = 50
RATIO_FREE_BYTES = 100 * 10**6
STAGING_PREFIX = ".install-"
# metadata.json fields as argostranslate.package reads them, with the type it assumes:
# anything else made Argos' Package() raise, in every later `models list` and `translate`.
TEXT_FIELDS = ("code", "package_version", "argos_version", "from_code", "from_name", "to_code",
               "to_name", "type", "target_prefix")
LIST_FIELDS = ("from_codes", "to_codes", "links", "languages", "dependencies",
               "source_languages", "target_languages")
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*$")
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,31}$")
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
    recover_installs(directory)
    models = []
    for path in sorted(directory.iterdir()):
        # Dot directories are our own half-finished installs; Argos never creates them.
        if not path.is_dir() or path.name.startswith("."):
            continue
        problem = _installed_problem(path)
        if problem:
            log.warning("ignoring %s: %s", path, problem)
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


def _installed_problem(path: Path) -> str | None:
    """Why an installed folder's metadata.json would break Argos' reader, if it would."""
    metadata_path = path / "metadata.json"
    try:
        if metadata_path.stat().st_size > MAX_METADATA_BYTES:
            return f"metadata.json is over {MAX_METADATA_BYTES} bytes"
        metadata = json.loads(metadata_path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None  # not a package at all: Package() says so
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"metadata.json cannot be read ({error})"
    return metadata_problem(metadata)


def metadata_problem(metadata: object) -> str | None:
    """What is wrong with a package's metadata.json, or None: every field Argos reads has
    the type it assumes, and the pair and version can name a folder."""
    if not isinstance(metadata, dict):
        return "metadata.json must be a JSON object"
    for key in TEXT_FIELDS:
        if key in metadata and not isinstance(metadata[key], str):
            return f"metadata.json field {key!r} must be a string, not {metadata[key]!r:.40}"
    for key in LIST_FIELDS:
        if key in metadata and not isinstance(metadata[key], list):
            return f"metadata.json field {key!r} must be a list, not {metadata[key]!r:.40}"
    for key in ("languages", "source_languages", "target_languages"):
        if not all(isinstance(item, dict) for item in metadata.get(key, [])):
            return f"metadata.json field {key!r} must be a list of objects"
    if metadata.get("type", "translate") != "translate":
        return f"a {metadata['type']!r} package, not a translation model"
    for key in ("from_code", "to_code"):
        if not LANGUAGE_CODE.match(metadata.get(key) or ""):
            return f"metadata.json has no valid {key!r} (a language code such as 'en')"
    version = metadata.get("package_version", "")
    if version and not VERSION.match(version):
        return f"metadata.json field 'package_version' is not a version: {version!r:.40}"
    return None


def installed_name(metadata: dict) -> str:
    """The folder a package is installed in, from its metadata (as Argos names it:
    translate-en_es-1_9), never from the archive: a folder named for en->es holding an
    en->ar model replaced the installed en->es one."""
    name = package_name(metadata["from_code"], metadata["to_code"])
    version = metadata.get("package_version", "")
    return f"{name}-{version.replace('.', '_')}" if version else name


def recover_installs(directory: Path) -> None:
    """Finish what an install killed midway left: its staging folder is removed, and an
    old version it had moved aside but not yet replaced is put back."""
    try:
        stagings = [p for p in directory.iterdir() if p.name.startswith(STAGING_PREFIX)]
    except OSError:
        return
    for staging in stagings:
        pid = staging.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and process_exists(int(pid)):
            continue  # an install running now
        previous = staging / ".previous"
        try:
            target = directory / (staging / ".target").read_text(encoding="utf-8").strip()
        except OSError:
            target = None
        if (target is not None and previous.is_dir() and not target.exists()
                and target.parent == directory and not target.name.startswith(".")):
            os.replace(previous, target)
            log.warning("put back %s: an install was interrupted", target)
        shutil.rmtree(staging, ignore_errors=True)


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
            recover_installs(directory)
            _check_space(members, directory, archive)
            metadata = _read_metadata(zipped, top, archive)
            name = installed_name(metadata)
            staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-",
                                            dir=directory))
            try:
                _extract(zipped, members, staging)
                _check_contents(staging / top, metadata, archive)
                _move_into_place(staging / top, directory / name, staging)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise PamphletError(f"not a valid .argosmodel file (corrupt zip: {error}); "
                            "download it again", archive) from None
    except (RuntimeError, NotImplementedError) as error:  # encrypted, unknown compression
        raise PamphletError(f"cannot read this .argosmodel file: {error}", archive) from None
    model = next(m for m in installed_models(directory) if m.path == directory / name)
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
    packed = sum(info.compress_size for info in members)
    if unpacked > max(MAX_COMPRESSION_RATIO * packed, RATIO_FREE_BYTES):
        raise PamphletError(f"the archive unpacks {packed / 1e6:.1f} MB into {unpacked / 1e6:.0f}"
                            f" MB, {unpacked / max(packed, 1):.0f} times its size: model weights"
                            " barely compress, so this is not a genuine package", archive)
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
    problem = metadata_problem(metadata)
    if problem:  # before anything is installed: Argos' reader would fail on it ever after
        raise PamphletError(f"{top}/{problem}" if problem.startswith("metadata.json")
                            else problem, archive)
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
    # What recover_installs() needs to put the old version back if this is killed between
    # the two renames.
    (staging / ".target").write_text(target.name, encoding="utf-8")
    if target.exists():
        os.replace(target, previous)
        log.info("replacing %s", target)
    try:
        os.replace(package, target)
    except OSError:
        if previous.exists():
            os.replace(previous, target)
        raise
