"""Project configuration: the settings table of `[tool.pamphlet]`, the Project it makes, paths.

Every setting is declared once, in `Settings` below (or `MT_SETTINGS` for the
`[tool.pamphlet.machine_translation]` table): its name and Python type (the field), its TOML
default, its kind (what values it takes: `Choice`, `Number`, `Flag`, `Folder`, ...) and one
line of documentation. The Project's fields, the validation with each error's TOML line,
the CLI's choices (`choices_of("page_size")`) and docs/reference/configuration.md
(`python -m workflow.docgen`) all come from it. To add a setting, add one field, e.g.

    crop_marks: bool = setting(Flag(), False, "Crop marks outside the bleed.")

and, if no kind fits, a `Kind` subclass: `problem()` says what is wrong with a value (the
text after the setting's name in the error), `convert()` turns a TOML value into the
field's type, `describe()` says what the reference lists it as taking; a kind that needs
other settings overrides `parse()` and finds those read before it in `reading.values`.
Then run `make reference` (`python -m workflow.docgen`) and commit what it writes.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from workflow import languages
from workflow.errors import PamphletError, SystemRefusal
from workflow.fsutil import decode_text, read_input, register_root
from workflow.languages import DEFAULT_LANGUAGES, check_language
from workflow.languages.profile import ARABIC_INDIC_DIGITS, WESTERN_DIGITS
from workflow.pages import PAGE_SIZES, PRINT_VARIANTS

MT_TABLE = "machine_translation"
# What a new project's plain `pamphlet build` makes: its readers read the web edition and
# the share cards more than paper, and the PDFs (which the site links) and the Markdown
# cost little; print files are for a team that has set up its print shop (`print`).
DEFAULT_OUTPUTS = ("pdf", "md", "web")
PAIR = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")


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



@dataclass
class Reading:
    """What a kind may need while it checks one value: the project, the file, the lines of
    its settings and the values already read (earlier in the table)."""

    root: Path
    pyproject: Path
    text: str
    lines: Mapping[str, int | None]
    values: dict[str, Any]
    raw: Mapping[str, Any] = field(default_factory=dict)  # the TOML values, defaults filled in

    def refuse(self, message: str, key: str) -> PamphletError:
        return PamphletError(message, self.pyproject, self.lines.get(key))


class Kind:
    """What values a setting takes. `problem()` says what is wrong with a TOML value (the
    text after the setting's name in the error), `convert()` makes the field's value."""

    toml = "a value"  # how the configuration reference names the TOML type
    choices: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        return None

    def convert(self, value: Any, root: Path) -> Any:
        return value

    def parse(self, name: str, value: Any, reading: Reading) -> Any:
        problem = self.problem(value)
        if problem is not None:
            raise reading.refuse(f"{name} {problem}", name)
        return self.convert(value, reading.root)

    def describe(self) -> str:
        """What the reference says the setting takes."""
        return self.toml


class Choice(Kind):
    toml = "string"

    def __init__(self, *choices: str) -> None:
        self.choices = choices

    def problem(self, value: Any) -> str | None:
        if value not in self.choices:
            return f"must be one of {', '.join(self.choices)}, not {value!r}"
        return None

    def describe(self) -> str:
        return "one of " + ", ".join(f"`{_toml(choice)}`" for choice in self.choices)


class Number(Kind):
    toml = "number"

    def __init__(self, minimum: float, maximum: float, unit: str = "") -> None:
        self.minimum, self.maximum, self.unit = minimum, maximum, unit

    def problem(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not (
                self.minimum <= value <= self.maximum):
            unit = f" of {self.unit}" if self.unit else ""
            return f"must be a number{unit} from {self.minimum} to {self.maximum}, not {value!r}"
        return None

    def convert(self, value: Any, root: Path) -> Any:
        return float(value)

    def describe(self) -> str:
        unit = f" ({self.unit})" if self.unit else ""
        return f"a number from {self.minimum} to {self.maximum}{unit}"


class Flag(Kind):
    toml = "boolean"

    def problem(self, value: Any) -> str | None:
        return None if isinstance(value, bool) else "must be true or false"

    def describe(self) -> str:
        return "`true` or `false`"


class Folder(Kind):
    """A folder inside the project, relative to its root. `holds_none_of`: settings whose
    folders this one must not hold (build/ is written and cleaned: never the sources)."""

    toml = "string"

    def __init__(self, holds_none_of: tuple[str, ...] = ()) -> None:
        self.holds_none_of = holds_none_of

    def parse(self, name: str, value: Any, reading: Reading) -> Any:
        default = next(s.default for s in SETTINGS if s.name == name)
        if isinstance(value, str) and not value.strip():
            raise reading.refuse(f"{name} is empty ({value!r}): give it a folder inside the "
                                 f"project, such as {default!r}", name)
        if not isinstance(value, str):
            raise reading.refuse(f"{name} must be a folder name (a string), not {_kind(value)}",
                                 name)
        problem = _inside_problem(value)
        if problem or (self.holds_none_of and Path(value).parts == ()):
            raise reading.refuse(f"{name} must be a folder inside the project, relative to "
                                 f"pyproject.toml, such as {default!r}: {value!r} "
                                 f"{problem or 'is the project itself'}", name)
        folder = Path(os.path.normpath(value))
        for other in self.holds_none_of:
            held = Path(os.path.normpath(reading.raw[other]))
            if held == folder or folder in held.parents:
                raise reading.refuse(f"{name} {value!r} would hold {other} "
                                     f"{reading.raw[other]!r}: give it a folder of its own",
                                     name)
        return Path(value)

    def convert(self, value: Any, root: Path) -> Any:
        return Path(value)

    def describe(self) -> str:
        return "a folder inside the project, relative to it"


def _inside_problem(value: str) -> str | None:
    """Why a folder setting would lead out of the project, or None: the project's files
    are written there, and a committed pyproject.toml must not point them at /srv/www."""
    if "\0" in value or any(ord(c) < 32 for c in value):
        return "holds a control character"
    if os.path.isabs(value) or value.startswith("~"):
        return "is not relative to the project"
    if ".." in Path(value).parts:
        return "climbs out of it with '..'"
    return None


class Url(Kind):
    """An absolute http(s) address, or "" for none (the field is then None); kept with a
    final "/" so that paths join onto it."""

    toml = "string"

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str) or (value and (
                not re.match(r"^https?://[^/\s]+", value) or re.search(r"[\s\"'<>]", value))):
            return ("must be an absolute http(s) URL such as "
                    f"\"https://example.org/statements/\", not {value!r}")
        return None

    def convert(self, value: Any, root: Path) -> Any:
        return (value if value.endswith("/") else value + "/") if value else None

    def describe(self) -> str:
        return "an absolute http(s) address (`\"\"`: none)"


class File(Kind):
    """A file relative to the project, or "" for none (the field is then None)."""

    toml = "string"

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, str):
            return "must be a path (a string)"
        return "holds a NUL character" if "\0" in value else None

    def convert(self, value: Any, root: Path) -> Any:
        return root / value if value else None

    def describe(self) -> str:
        return "a file, relative to the project (`\"\"`: none)"


class Languages(Kind):
    toml = "array"

    def parse(self, name: str, value: Any, reading: Reading) -> Any:
        if not isinstance(value, list) or not value:
            raise reading.refuse(f"{name} must be a list of language codes, e.g. [\"en\", \"ar\"]",
                                 name)
        for language in value:
            check_language(language, reading.pyproject, reading.lines.get(name))
        if len(set(value)) != len(value):
            twice = next(code for code in value if value.count(code) > 1)
            raise reading.refuse(f"{name} names {twice!r} more than once", name)
        return tuple(value)

    def convert(self, value: Any, root: Path) -> Any:
        return tuple(value)

    def describe(self) -> str:
        return "a list of language codes with a profile (`pamphlet languages`)"


class Names(Kind):
    """A list of distinct names (builders: which are known is the registry's to say, at
    build time, so reading the settings imports no builder)."""

    toml = "array"

    def __init__(self, what: str, example: str) -> None:
        self.what, self.example = what, example

    def problem(self, value: Any) -> str | None:
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and v.strip() for v in value):
            return f"must be a list of {self.what}, e.g. {self.example}"
        twice = next((name for name in value if value.count(name) > 1), None)
        return f"names {twice!r} more than once" if twice is not None else None

    def convert(self, value: Any, root: Path) -> Any:
        return tuple(value)

    def describe(self) -> str:
        return f"a list of {self.what}"


class SourceLanguage(Kind):
    toml = "string"

    def parse(self, name: str, value: Any, reading: Reading) -> Any:
        if value not in reading.values["languages"]:
            raise reading.refuse(f"{name} {value!r} is not in languages", name)
        return value

    def describe(self) -> str:
        return "one of `languages`"


class Routes(Kind):
    """[tool.pamphlet.machine_translation]: a table of language pairs and MT_SETTINGS."""

    toml = "table"

    def parse(self, name: str, value: Any, reading: Reading) -> Any:
        return _machine_translation(value, reading)

    def convert(self, value: Any, root: Path) -> Any:
        return MachineTranslation()

    def describe(self) -> str:
        return "a table: the engine of each language pair, and the settings below"


@dataclass(frozen=True)
class Setting:
    """One setting: its name, kind, TOML default and one line of documentation."""

    name: str
    kind: Kind
    default: Any
    doc: str
    table: str = "tool.pamphlet"

    @property
    def default_toml(self) -> str:
        return _toml(self.default)


def setting(kind: Kind, default: Any, doc: str) -> Any:
    """A field of `Settings`: its default is the TOML default as the field's type."""
    return field(default=kind.convert(default, Path()),
                 metadata={"setting": (kind, default, doc)})


@dataclass(frozen=True, kw_only=True)
class Settings:
    """[tool.pamphlet]: every setting, with its default. This table is the only place a
    setting is declared (see the module's docstring)."""

    languages: tuple[str, ...] = setting(
        Languages(), list(DEFAULT_LANGUAGES),
        "The languages of every edition; each can be a statement's source.")
    source_language: str = setting(
        SourceLanguage(), DEFAULT_LANGUAGES[0],
        "Source language assumed for a catalog whose header has no X-Source-Language "
        "(translation memory); each statement names its own in its front matter.")
    source_dir: Path = setting(Folder(), "source", "Where the statements are (`SLUG.md`).")
    locale_dir: Path = setting(
        Folder(), "locale", "Where the catalogs are (`SLUG.pot`, `LL/SLUG.po`, the glossary).")
    build_dir: Path = setting(Folder(holds_none_of=("source_dir", "locale_dir")), "build",
                              "Where `pamphlet build` writes.")
    outputs: tuple[str, ...] = setting(
        Names("builder names", '["pdf", "web"]'), list(DEFAULT_OUTPUTS),
        "What a plain `pamphlet build` (and `watch`) makes: builder names, of `pdf` (screen "
        "PDFs), `print` (print files), `md` (translated Markdown), `web` (the web edition "
        "and its share cards); `build --to` chooses for one run.")
    page_size: str = setting(
        Choice(*PAGE_SIZES), "A5",
        "Page size of every PDF (`pamphlet build --page-size` overrides it).")
    arabic_digits: str = setting(
        Choice("arabic-indic", "western"), "arabic-indic",
        "Digits of Arabic pages: Arabic-Indic (٣) as in the Mashriq, or Western (3) as in "
        "the Maghreb. Persian always uses Persian digits.")
    print_variant: str = setting(
        Choice(*PRINT_VARIANTS), "pdf/x-4",
        "The PDF standard `build --print` declares and checks.")
    bleed_mm: float = setting(
        Number(0, 10, "millimetres"), 3, "Bleed on every side of print files.")
    icc_profile: Path | None = setting(
        File(), "", "CMYK output profile of print files; empty: the bundled FOGRA39L profile.")
    crop_marks: bool = setting(
        Flag(), False, "Crop marks (and fold marks on booklets) outside the bleed of print files.")
    machine_translation: MachineTranslation = setting(
        Routes(), {}, "Engine of each language pair for `pamphlet translate` "
        "(`\"en-ar\" = { engine = \"ctranslate2\", model = \"models/opus-mt-en-ar\" }`; "
        "other pairs: `argos`).")
    site_url: str | None = setting(
        Url(), "", "Where build/site/ is published: canonical URLs, hreflang alternates, the "
        "sitemap and the QR code in each PDF's colophon; empty: the site links relatively and "
        "PDFs carry no QR code.")



def _settings() -> tuple[Setting, ...]:
    return tuple(Setting(f.name, *f.metadata["setting"]) for f in fields(Settings))


MT_DEVICES = ("auto", "cpu", "cuda")
# The settings of [tool.pamphlet.machine_translation] beside its language pairs.
MT_SETTINGS = (
    Setting("device", Choice(*MT_DEVICES), "auto",
            "Where local models run: `auto` (CUDA if CTranslate2 sees a GPU), `cpu`, `cuda`.",
            f"tool.pamphlet.{MT_TABLE}"),
    Setting("min_confidence", Number(0, 1), None,
            "`pamphlet check` warns about machine entries whose confidence is below it.",
            f"tool.pamphlet.{MT_TABLE}"),
)


def choices_of(name: str) -> tuple[str, ...]:
    """The values a setting takes, for the CLI options that override it."""
    return next(s.kind.choices for s in SETTINGS if s.name == name)


def _toml(value: Any) -> str:
    """A default as it is written in pyproject.toml."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{}" if not value else "{ " + ", ".join(
            f"{key} = {_toml(item)}" for key, item in value.items()) + " }"
    return str(value)


SETTINGS = _settings()


@dataclass(frozen=True)
class Project(Settings):
    """A pamphlet project: a root directory and its settings."""

    root: Path
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


def _machine_translation(table: object, reading: Reading) -> MachineTranslation:
    """Check the table's shape; each engine checks its own settings when it is opened."""
    pyproject, table_line = reading.pyproject, reading.lines.get(MT_TABLE)
    lines = _setting_lines(reading.text, f"tool.pamphlet.{MT_TABLE}") if reading.text else {}
    if not isinstance(table, dict):
        raise PamphletError(f"{MT_TABLE} must be a table of language pairs", pyproject,
                            table_line)
    project_languages = reading.values["languages"]
    within = Reading(reading.root, pyproject, reading.text,
                     {key: lines.get(key, table_line) for key in table}, {})
    named = {s.name: s for s in MT_SETTINGS}
    values = {s.name: s.default for s in MT_SETTINGS}
    routes = []
    for key, value in table.items():
        line = within.lines[key]
        if key in named:
            values[key] = named[key].kind.parse(key, value, within)
            continue
        match = PAIR.match(key)
        if match is None:
            raise PamphletError(f"{key!r} is not a language pair such as \"en-ar\" (nor "
                                f"{' or '.join(named)})", pyproject, line)
        source, target = match.groups()
        for code in (source, target):
            if code not in project_languages:
                raise PamphletError(f"{code!r} of {key!r} is not one of this project's "
                                    f"languages ({', '.join(project_languages)})", pyproject,
                                    line)
        if source == target:
            raise PamphletError(f"{key!r} translates a language into itself", pyproject, line)
        if not isinstance(value, dict) or not isinstance(value.get("engine"), str):
            raise PamphletError(f"{key} needs a table with an engine, e.g. {{ engine = "
                                "\"ctranslate2\", model = \"models/opus-mt-en-ar\" }",
                                pyproject, line)
        routes.append(RouteSettings(source, target, value["engine"],
                                    tuple(sorted(value.items())), pyproject, line))
    return MachineTranslation(tuple(routes), values["device"], values["min_confidence"])


def _deepest_line(text: str) -> int | None:
    """The line that opens the most arrays and tables: where the nesting is."""
    counts = [line.count("[") + line.count("{") for line in text.split("\n")]
    return counts.index(max(counts)) + 1 if counts else None


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
        except RecursionError:  # tomllib recurses once per level of nesting
            raise PamphletError("values nested too deeply (arrays or tables inside each "
                                "other hundreds of levels deep)", pyproject,
                                _deepest_line(text)) from None
        except tomllib.TOMLDecodeError as error:
            where = re.search(r"\s*\(at line (\d+), column \d+\)$", str(error))
            message = str(error)[:where.start()] if where else str(error)
            raise PamphletError(f"invalid TOML: {message}", pyproject,
                                int(where.group(1)) if where else None) from None
        settings = _pamphlet_table(data, text, pyproject)
        lines = _setting_lines(text)

    known = {s.name: s for s in SETTINGS}
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise PamphletError(f"unknown [tool.pamphlet] setting(s): {', '.join(unknown)}",
                            pyproject, lines.get(unknown[0]))
    raw = {name: settings.get(name, entry.default) for name, entry in known.items()}
    reading = Reading(root, pyproject, text, lines, {}, raw)
    for name, entry in known.items():  # in the table's order: a kind may use earlier values
        reading.values[name] = entry.kind.parse(name, raw[name], reading)
    register_root(root)
    return Project(root=root, setting_lines=lines, **reading.values)
