"""Project configuration from `[tool.pamphlet]` in pyproject.toml, and the paths from it."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflow import languages
from workflow.errors import PamphletError, SystemRefusal
from workflow.fsutil import decode_text, read_input
from workflow.languages import check_language
from workflow.languages.profile import ARABIC_INDIC_DIGITS, WESTERN_DIGITS
from workflow.pages import PAGE_SIZES, PRINT_VARIANTS

DEFAULTS: dict[str, Any] = {
    "languages": list(languages.DEFAULT_LANGUAGES),
    "source_language": languages.DEFAULT_LANGUAGES[0],
    "source_dir": "source",
    "locale_dir": "locale",
    "build_dir": "build",
    "page_size": "A5",
    # Digits of Arabic pages (page numbers, list numbers, dates): "arabic-indic" (٣) as in
    # the Mashriq, or "western" (3) as in the Maghreb. Persian always uses Persian digits.
    "arabic_digits": "arabic-indic",
    # `pamphlet build --print`: see workflow/printing.py
    "print_variant": "pdf/x-4",
    "bleed_mm": 3,
    "icc_profile": "",  # CMYK output profile for PDF/X; empty: the bundled FOGRA39L profile
    "crop_marks": False,
    # `pamphlet translate`: the engine of each language pair, see workflow/mt/routing.py
    "machine_translation": {},
}
ARABIC_DIGITS = ("arabic-indic", "western")
MAX_BLEED_MM = 10
MT_TABLE = "machine_translation"
PAIR = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
MT_DEVICES = ("auto", "cpu", "cuda")


@dataclass(frozen=True)
class RouteSettings:
    """One pair's entry of [tool.pamphlet.machine_translation], and where it is written."""

    source: str
    target: str
    engine: str
    settings: tuple[tuple[str, object], ...]  # the whole table, `engine` included
    path: Path  # pyproject.toml
    line: int | None

    @property
    def pair(self) -> str:
        return f"{self.source}-{self.target}"

    @property
    def where(self) -> tuple[Path, int | None]:
        return self.path, self.line

    def as_dict(self) -> dict:
        return dict(self.settings)


@dataclass(frozen=True)
class MachineTranslation:
    """[tool.pamphlet.machine_translation]: routes per pair, and settings for all of them."""

    routes: tuple[RouteSettings, ...] = ()
    device: str = "auto"  # where local models run: auto (CUDA if CTranslate2 sees one), cpu
    min_confidence: float | None = None  # `check` warns about machine entries below it

    def route(self, source: str, target: str) -> RouteSettings | None:
        return next((r for r in self.routes if (r.source, r.target) == (source, target)),
                    None)


@dataclass(frozen=True)
class Project:
    """A pamphlet project: a root directory and its settings."""

    root: Path
    languages: tuple[str, ...] = tuple(DEFAULTS["languages"])
    source_language: str = DEFAULTS["source_language"]
    source_dir: Path = field(default=Path("source"))
    locale_dir: Path = field(default=Path("locale"))
    build_dir: Path = field(default=Path("build"))
    page_size: str = DEFAULTS["page_size"]
    arabic_digits: str = DEFAULTS["arabic_digits"]
    print_variant: str = DEFAULTS["print_variant"]
    bleed_mm: float = float(DEFAULTS["bleed_mm"])
    icc_profile: Path | None = None  # None: the bundled profile
    crop_marks: bool = DEFAULTS["crop_marks"]
    machine_translation: MachineTranslation = field(default_factory=MachineTranslation)
    setting_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sources(self) -> Path:
        return self.root / self.source_dir

    @property
    def locale(self) -> Path:
        return self.root / self.locale_dir

    @property
    def build(self) -> Path:
        return self.root / self.build_dir

    def source_path(self, slug: str) -> Path:
        return self.sources / f"{slug}.md"

    def pot_path(self, slug: str) -> Path:
        return self.locale / f"{slug}.pot"

    def po_path(self, slug: str, language: str) -> Path:
        return self.locale / language / f"{slug}.po"

    @property
    def glossary_path(self) -> Path:
        return self.locale / "glossary.csv"

    def relative(self, path: Path) -> Path:
        """A path as shown to users and written into PO references: relative to the root."""
        try:
            return path.relative_to(self.root)
        except ValueError:
            return path

    def slugs(self) -> list[str]:
        """All statements in source/, sorted so every walk is deterministic."""
        try:  # glob() would take an unreadable folder for an empty one
            names = [entry.name for entry in os.scandir(self.sources)]
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as error:
            raise SystemRefusal(f"cannot list this folder ({error.strerror})",
                                self.sources) from None
        return sorted(name[:-3] for name in names
                      if name.endswith(".md") and not name.startswith("."))

    def target_languages(self, source_language: str) -> list[str]:
        return [lang for lang in self.languages if lang != source_language]

    def digits(self, language: str) -> str:
        """The digits a language is printed in here: its profile's, or Western for Arabic
        where `arabic_digits = "western"` (the Maghreb)."""
        digits = languages.get(language).digits
        if self.arabic_digits == "western" and digits == ARABIC_INDIC_DIGITS:
            return WESTERN_DIGITS
        return digits

    def stray_locale_warnings(self) -> list[str]:
        """One line per folder of locale/ whose language is not configured: its catalogs
        are ignored by every command."""
        if not self.locale.is_dir():
            return []
        where = "pyproject.toml"
        if "languages" in self.setting_lines:
            where += f":{self.setting_lines['languages']}"
        warnings = []
        for folder in sorted(p for p in self.locale.iterdir() if p.is_dir()):
            if folder.name in self.languages or folder.name.startswith("."):
                continue
            if not any(folder.glob("*.po")):
                continue
            known = folder.name in languages.codes()
            hint = (f"add {folder.name!r} to `languages` in [tool.pamphlet] ({where})"
                    if known else f"no language profile for {folder.name!r} either")
            warnings.append(f"warning: {self.relative(folder).as_posix()}/ is ignored: "
                            f"{folder.name!r} is not in languages; {hint}")
        return warnings

    def check_languages(self, languages: list[str] | None) -> None:
        """Refuse a requested language (--lang) the project does not have."""
        for language in languages or ():
            if language not in self.languages:
                raise PamphletError(f"unknown language {language!r} (this project has: "
                                    f"{', '.join(self.languages)})")


def find_root(start: Path) -> Path:
    """The nearest directory upwards holding a pyproject.toml, else `start` itself."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return start


def _setting_lines(text: str, table: str = "tool.pamphlet") -> dict[str, int]:
    """The line of each `key =` of a table, for error messages; a sub-table
    `[table.key]` counts as the line of `key`."""
    lines: dict[str, int] = {}
    inside = False
    header = f"[{table}]"
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            compact = stripped.split("#", 1)[0].replace(" ", "").replace("'", '"')
            inside = compact == header
            if compact.startswith(f"[{table}.") and compact.endswith("]"):
                lines.setdefault(compact[len(table) + 2:-1].strip('"'), number)
        elif inside and "=" in stripped and not stripped.startswith("#"):
            key = stripped.split("=", 1)[0].strip().strip("'\"")
            lines.setdefault(key, number)
    return lines


def _machine_translation(table: object, languages: tuple[str, ...], pyproject: Path,
                         text: str, table_line: int | None) -> MachineTranslation:
    """Check the table's shape; each engine checks its own settings when it is opened."""
    lines = _setting_lines(text, f"tool.pamphlet.{MT_TABLE}") if text else {}
    if not isinstance(table, dict):
        raise PamphletError(f"{MT_TABLE} must be a table of language pairs", pyproject,
                            table_line)
    routes, device, minimum = [], "auto", None
    for key, value in table.items():
        line = lines.get(key, table_line)
        if key == "device":
            if value not in MT_DEVICES:
                raise PamphletError(f"device must be one of {', '.join(MT_DEVICES)}, not "
                                    f"{value!r}", pyproject, line)
            device = value
            continue
        if key == "min_confidence":
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                    0 <= value <= 1):
                raise PamphletError(f"min_confidence must be a number from 0 to 1, not "
                                    f"{value!r}", pyproject, line)
            minimum = float(value)
            continue
        match = PAIR.match(key)
        if match is None:
            raise PamphletError(f"{key!r} is not a language pair such as \"en-ar\" (nor "
                                "device or min_confidence)", pyproject, line)
        source, target = match.groups()
        for code in (source, target):
            if code not in languages:
                raise PamphletError(f"{code!r} of {key!r} is not one of this project's "
                                    f"languages ({', '.join(languages)})", pyproject, line)
        if source == target:
            raise PamphletError(f"{key!r} translates a language into itself", pyproject, line)
        if not isinstance(value, dict) or not isinstance(value.get("engine"), str):
            raise PamphletError(f"{key} needs a table with an engine, e.g. {{ engine = "
                                "\"ctranslate2\", model = \"models/opus-mt-en-ar\" }",
                                pyproject, line)
        routes.append(RouteSettings(source, target, value["engine"],
                                    tuple(sorted(value.items())), pyproject, line))
    return MachineTranslation(tuple(routes), device, minimum)

def _line_of(text: str, pattern: str) -> int | None:
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _pamphlet_table(data: dict, text: str, pyproject: Path) -> dict:
    """[tool.pamphlet], refused with its line when it or [tool] is not a table."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise PamphletError(f"`tool` must be a table ([tool]), not {_kind(tool)}", pyproject,
                            _line_of(text, r"^[ \t]*tool[ \t]*="))
    settings = tool.get("pamphlet", {})
    if not isinstance(settings, dict):
        line = (_line_of(text, r"^[ \t]*\[\[[ \t]*tool[ \t]*\.[ \t]*pamphlet[ \t]*\]\]")
                or _line_of(text, r"^[ \t]*(?:tool[ \t]*\.[ \t]*)?pamphlet[ \t]*="))
        raise PamphletError(f"[tool.pamphlet] must be a table of settings, not {_kind(settings)}",
                            pyproject, line)
    return settings


def _kind(value: object) -> str:
    """A TOML value's type as a user reads it: 'a number (5)', 'a list', ..."""
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, int | float):
        return f"a number ({value!r})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list):
        return "a list" if not value or not isinstance(value[0], dict) else "an array of tables"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def load_project(root: Path | None = None) -> Project:
    """Read `[tool.pamphlet]`; every setting has a default, so no config is needed at all."""
    root = find_root(root or Path.cwd())
    settings: dict = {}
    pyproject = root / "pyproject.toml"
    lines: dict[str, int] = {}
    text = ""
    if pyproject.is_file():
        text = decode_text(read_input(pyproject), pyproject)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            where = re.search(r"\s*\(at line (\d+), column \d+\)$", str(error))
            message = str(error)[:where.start()] if where else str(error)
            raise PamphletError(f"invalid TOML: {message}", pyproject,
                                int(where.group(1)) if where else None) from None
        settings = _pamphlet_table(data, text, pyproject)
        lines = _setting_lines(text)

    def refuse(message: str, key: str) -> PamphletError:
        return PamphletError(message, pyproject, lines.get(key))

    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise refuse(f"unknown [tool.pamphlet] setting(s): {', '.join(unknown)}", unknown[0])
    merged = {**DEFAULTS, **settings}
    if not isinstance(merged["languages"], list) or not merged["languages"]:
        raise refuse("languages must be a list of language codes, e.g. [\"en\", \"ar\"]",
                     "languages")
    configured = tuple(merged["languages"])
    for language in configured:
        check_language(language, pyproject, lines.get("languages"))
    if merged["source_language"] not in configured:
        raise refuse(f"source_language {merged['source_language']!r} is not in languages",
                     "source_language")
    if merged["page_size"] not in PAGE_SIZES:
        raise refuse(f"page_size must be one of {', '.join(PAGE_SIZES)}, not "
                     f"{merged['page_size']!r}", "page_size")
    if merged["arabic_digits"] not in ARABIC_DIGITS:
        raise refuse(f"arabic_digits must be one of {', '.join(ARABIC_DIGITS)},"
                     f" not {merged['arabic_digits']!r}", "arabic_digits")
    if merged["print_variant"] not in PRINT_VARIANTS:
        raise refuse(f"print_variant must be one of {', '.join(PRINT_VARIANTS)},"
                     f" not {merged['print_variant']!r}", "print_variant")
    bleed = merged["bleed_mm"]
    if isinstance(bleed, bool) or not isinstance(bleed, int | float) or not (
            0 <= bleed <= MAX_BLEED_MM):
        raise refuse(f"bleed_mm must be a number of millimetres from 0 to {MAX_BLEED_MM},"
                     f" not {bleed!r}", "bleed_mm")
    for key in ("source_dir", "locale_dir", "build_dir"):
        if not isinstance(merged[key], str) or not merged[key].strip():
            raise refuse(f"{key} must be a folder name (a string), not {_kind(merged[key])}", key)
    if not isinstance(merged["icc_profile"], str):
        raise refuse("icc_profile must be a path (a string)", "icc_profile")
    if not isinstance(merged["crop_marks"], bool):
        raise refuse("crop_marks must be true or false", "crop_marks")
    machine = _machine_translation(merged[MT_TABLE], configured, pyproject, text,
                                   lines.get(MT_TABLE))
    return Project(
        root=root,
        languages=configured,
        source_language=merged["source_language"],
        source_dir=Path(merged["source_dir"]),
        locale_dir=Path(merged["locale_dir"]),
        build_dir=Path(merged["build_dir"]),
        page_size=merged["page_size"],
        arabic_digits=merged["arabic_digits"],
        print_variant=merged["print_variant"],
        bleed_mm=float(bleed),
        icc_profile=root / merged["icc_profile"] if merged["icc_profile"] else None,
        crop_marks=merged["crop_marks"],
        machine_translation=machine,
        setting_lines=lines,
    )
