"""Command-line targets: statement slugs, or the files of statements, templates and
catalogs (`source/x.md`, `locale/x.pot`, `locale/es/x.po`), as slugs and languages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workflow.config import Project
from workflow.errors import PamphletError
from workflow.languages import normalize_code


@dataclass(frozen=True)
class Targets:
    """What a command was asked to work on: slugs (None: every statement) and languages
    (None: every language)."""

    slugs: list[str] | None
    languages: list[str] | None


def resolve_targets(project: Project, names: list[str] | None,
                    languages: list[str] | None, cwd: Path | None = None) -> Targets:
    """Slugs and file paths as the statements and languages they name.

    A catalog path (`locale/es/x.po`) selects statement x and, unless `-l` says otherwise,
    language es; a statement or template path selects the statement. A name that is no
    file path is a slug, checked by the command as before.
    """
    slugs: list[str] = []
    from_files: list[str] = []
    for name in names or ():
        slug, language = _from_path(project, name, cwd or Path.cwd())
        slugs.append(slug)
        if language is not None:
            from_files.append(language)
    wanted = languages
    if not languages and from_files and len(from_files) == len(names or ()):
        wanted = list(dict.fromkeys(from_files))  # only catalogs named: only their languages
    return Targets(list(dict.fromkeys(slugs)) or None, wanted)


def _from_path(project: Project, name: str, cwd: Path) -> tuple[str, str | None]:
    """(slug, language or None) of a slug or a project file's path."""
    if "/" not in name and "\\" not in name and not name.endswith((".md", ".po", ".pot")):
        return name, None
    path = Path(name)
    path = (path if path.is_absolute() else cwd / path).resolve()
    for folder, suffixes in ((project.sources.resolve(), (".md",)),
                             (project.locale.resolve(), (".pot", ".po"))):
        try:
            inside = path.relative_to(folder)
        except ValueError:
            continue
        if path.suffix not in suffixes:
            break
        if path.suffix == ".po" and len(inside.parts) == 2:
            return path.stem, normalize_code(inside.parts[0])
        if len(inside.parts) == 1:
            return path.stem, None
        break
    raise PamphletError(f"{name}: not a statement (source/SLUG.md), template (locale/SLUG.pot)"
                        " or catalog (locale/LL/SLUG.po) of this project")
