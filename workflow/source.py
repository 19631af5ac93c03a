"""Statements on disk: `source/<slug>.md`, YAML front matter plus a Markdown body."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from workflow.errors import PamphletError, PamphletErrors
from workflow.fsutil import read_text
from workflow.languages import check_language
from workflow.patterns import CONTROL

if TYPE_CHECKING:
    from workflow.config import Project

REQUIRED_FIELDS = ("title", "author", "date", "language")
# quote: the sentence (or a unique part of it) its share images quote; default the first
OPTIONAL_FIELDS = ("origin", "quote")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

BASE_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass(frozen=True)
class Statement:
    """One statement: its metadata and its Markdown body, exactly as in the file."""

    slug: str
    title: str
    author: str
    date: str  # ISO 8601: YYYY-MM-DD, or YYYY-MM / YYYY where the day is not known
    language: str
    origin: str | None
    body: str
    body_line: int  # line number of the body's first line in the file
    path: Path
    language_line: int = 0  # line of `language:` in the file, for messages
    quote: str | None = None  # front matter `quote:`, for share images
    quote_line: int = 0

    @property
    def meta(self) -> dict[str, str]:
        meta = {"title": self.title, "author": self.author, "date": self.date,
                "language": self.language}
        if self.origin:
            meta["origin"] = self.origin
        if self.quote:
            meta["quote"] = self.quote
        return meta


def check_slug(slug: str) -> str:
    if not SLUG_PATTERN.match(slug):
        raise PamphletError(f"invalid slug {slug!r}: use lowercase letters, digits and hyphens")
    return slug


def _field_lines(front_lines: list[str]) -> dict[str, int]:
    """Line offset (within the front matter) of each top-level key, for error messages."""
    lines: dict[str, int] = {}
    for number, line in enumerate(front_lines):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def parse_statement(text: str, path: Path) -> Statement:
    """Parse a statement file's text; every problem names the file and line."""
    control = CONTROL.search(text)
    if control:
        char = control.group(0)
        raise PamphletError(f"control character U+{ord(char):04X} in the text: remove it "
                            "(`pamphlet import` drops them)", path,
                            text.count("\n", 0, control.start()) + 1)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise PamphletError("missing front matter: the file must start with a '---' line", path, 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise PamphletError("front matter is not closed by a '---' line", path, 1) from None
    front_lines = lines[1:end]
    key_lines = _field_lines(front_lines)
    try:
        # BaseLoader keeps every value a string: dates stay exactly as written. libyaml's
        # (PyYAML's C loader, where built) reads it ten times faster.
        meta = yaml.load("\n".join(front_lines), Loader=BASE_LOADER) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PamphletError(f"malformed front matter: {problem}", path, line) from None
    if not isinstance(meta, dict):
        raise PamphletError("front matter must be a mapping of 'key: value' lines", path, 2)
    tag = next((token for token in yaml.scan("\n".join(front_lines))
                if isinstance(token, yaml.TagToken)), None)
    if tag is not None:  # BaseLoader drops a tag silently: `title: !x` read as empty
        raise PamphletError(f"a YAML tag ({tag.value[0]}{tag.value[1]}) in the front matter:"
                            " write plain text (in double quotes if it starts with '!')", path,
                            tag.start_mark.line + 2)

    def line_of(key: str) -> int:
        return key_lines.get(key, -1) + 2 if key in key_lines else end + 1

    # Every problem of the front matter at once: an editor fixes them in one go.
    problems: list[PamphletError] = []
    for key in meta:
        if key not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
            problems.append(PamphletError(f"unknown front matter field {key!r}", path,
                                          line_of(key)))
    for key in REQUIRED_FIELDS:
        value = meta.get(key)
        if not isinstance(value, str) or not value.strip():
            problem = "is empty" if key in meta and value in (None, "") else (
                "is missing" if key not in meta else "must be text")
            if isinstance(value, list | dict):  # `title: [a, b]`: say what was found
                problem = (f"must be text, not a {'list' if isinstance(value, list) else 'mapping'}"
                           " (put it in double quotes)")
            problems.append(PamphletError(f"front matter field {key!r} {problem}", path,
                                          line_of(key)))
    for key in OPTIONAL_FIELDS:
        if key in meta and not isinstance(meta[key], str):
            problems.append(PamphletError(f"front matter field {key!r} must be text", path,
                                          line_of(key)))
    date_value = meta.get("date")
    if isinstance(date_value, str) and date_value.strip() and (
            not DATE_PATTERN.match(date_value) or not _valid_date(date_value)):
        problems.append(PamphletError(
            f"date {date_value!r} is not an ISO date (YYYY-MM-DD, or YYYY-MM)", path,
            line_of("date")))
    language = meta.get("language")
    if isinstance(language, str) and language.strip():
        try:
            check_language(language, path, line_of("language"))
        except PamphletError as error:
            problems.append(error)
    if problems:
        raise problems[0] if len(problems) == 1 else PamphletErrors(problems)
    body = "\n".join(lines[end + 1 :])
    if not body.strip():
        raise PamphletError("the statement is empty: no text after the front matter", path,
                            end + 2)
    return Statement(
        slug=path.stem,
        title=meta["title"].strip(),
        author=meta["author"].strip(),
        date=meta["date"],
        language=meta["language"],
        origin=(meta.get("origin") or "").strip() or None,
        body=body,
        body_line=end + 2,
        path=path,
        language_line=line_of("language"),
        quote=(meta.get("quote") or "").strip() or None,
        quote_line=line_of("quote"),
    )


def _valid_date(value: str) -> bool:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def read_project_statement(project, slug: str) -> Statement:
    """source/SLUG.md of `project` (a config.Project), refused if it is written in a
    language the project does not print."""
    return check_project_language(project, read_statement(project.source_path(slug)))


def check_project_language(project, statement: Statement) -> Statement:
    """The statement, refused (at its `language:` line) if the project does not print its
    language."""
    if statement.language not in project.languages:
        where = "pyproject.toml"
        if "languages" in project.setting_lines:
            where += f":{project.setting_lines['languages']}"
        raise PamphletError(f"the statement is in {statement.language!r}, which is not in "
                            f"languages ({', '.join(project.languages)}): add it there "
                            f"({where})", statement.path, statement.language_line)
    return statement


def read_statement(path: Path) -> Statement:
    if not path.is_file():
        raise PamphletError("no such statement", path)
    return parse_statement(read_text(path), path)


def format_statement(meta: dict[str, str], body: str) -> str:
    """Serialise front matter (fixed key order, double-quoted strings) and body."""
    lines = ["---"]
    for key in REQUIRED_FIELDS + OPTIONAL_FIELDS:
        value = meta.get(key)
        if value is None:
            continue
        if key in ("date", "language"):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {_quote(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body.strip("\n") + "\n"


def _quote(value: str) -> str:
    """A YAML double-quoted string: control characters and line separators escaped, so the
    value reads back exactly (a raw U+0085 or U+2028 would fold into a space, a NUL would
    make the front matter unreadable)."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=math.inf).rstrip()


def select_slugs(project: Project, slugs: list[str] | None) -> list[str]:
    """The requested statements (all if none), each checked to exist."""
    available = project.slugs()
    for slug in available:  # a file name is a slug: it names catalogs and build folders
        if not SLUG_PATTERN.match(slug):
            raise PamphletError(f"invalid statement file name {slug!r}: use lowercase letters,"
                                " digits and hyphens", project.relative(project.source_path(slug)))
    if not slugs:
        if not available:
            raise PamphletError("no statements found", project.relative(project.sources))
        return available
    for slug in slugs:
        if slug not in available:
            raise PamphletError(
                f"no statement {slug!r} in {project.relative(project.sources)}/"
                f" (known: {', '.join(available) or 'none'})"
            )
    return list(dict.fromkeys(slugs))
