"""Installed font files (fontconfig) and the glyph coverage check that keeps tofu out of PDFs."""

from __future__ import annotations

import hashlib
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

from workflow import languages
from workflow.errors import PamphletError

DEBIAN_PACKAGE = "fonts-noto-core"


@cache
def _installed() -> tuple[tuple[frozenset[str], frozenset[str], Path], ...]:
    """(families, styles, file) of every font fontconfig knows, names folded as fontconfig
    compares them (case and, for families, spaces ignored): one `fc-list` for all
    families, not two per family (5 ms each, most of a build with nothing to do)."""
    listing = subprocess.run(["fc-list", "--format", "%{family}\t%{style}\t%{file}\n"],
                             capture_output=True, text=True, check=False).stdout
    fonts = []
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and parts[2]:
            families = frozenset(_family_key(name) for name in parts[0].split(","))
            styles = frozenset(style.strip().casefold() for style in parts[1].split(","))
            fonts.append((families, styles, Path(parts[2])))
    return tuple(fonts)


def _family_key(name: str) -> str:
    return name.replace(" ", "").casefold()


@cache
def family_files(family: str) -> tuple[Path, ...]:
    """The regular and bold files of an installed family, found through fontconfig."""
    key = _family_key(family)
    files = sorted({path for families, styles, path in _installed()
                    if key in families and styles & {"regular", "bold"}})
    if not files:
        raise PamphletError(
            f"font family {family!r} is not installed: apt-get install {DEBIAN_PACKAGE}"
        )
    return tuple(files)


@cache
def _font_cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # only when a text is checked: 15 ms to import

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def coverage(families: tuple[str, ...]) -> frozenset[int]:
    """Code points every weight of the stack can show (the stack is what CSS names)."""
    covered: set[int] = set()
    for family in families:
        files = family_files(family)
        covered |= frozenset.intersection(*(_font_cmap(f) for f in files))
    return frozenset(covered)


def needs_glyph(char: str) -> bool:
    """Format and control characters (ZWNJ, bidi marks) are shaped, not drawn."""
    return unicodedata.category(char) not in ("Cf", "Cc", "Zl", "Zp") and char not in " \n\t"


def missing_glyphs(texts: dict[str, str], families: tuple[str, ...]) -> dict[str, list[str]]:
    """{character: [labels of texts using it]} for characters no font of the stack has."""
    covered = coverage(families)
    missing: dict[str, list[str]] = {}
    for label, text in texts.items():
        for char in sorted(set(text)):
            if needs_glyph(char) and ord(char) not in covered:
                missing.setdefault(char, []).append(label)
    return missing


def check_coverage(texts: dict[str, str], language: str, where: str | Path) -> None:
    """Fail before rendering if any character would come out as tofu."""
    stack = languages.get(language).all_fonts()
    missing = missing_glyphs(texts, stack)
    if missing:
        chars = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in missing)
        # In the order the texts come (reading order), not sorted as strings (":10" < ":9").
        first = list(dict.fromkeys(label for label in texts
                                   if any(label in labels for labels in missing.values())))[:3]
        raise PamphletError(
            f"no font ({', '.join(stack)}) has a glyph for {chars}; used in {', '.join(first)}",
            where,
        )


def fonts_fingerprint(languages: tuple[str, ...]) -> str:
    """Font files by path, size and mtime: a font upgrade rebuilds its languages."""
    from workflow import languages as language_profiles

    families = sorted({f for lang in languages for f in language_profiles.get(lang).all_fonts()})
    parts = []
    for family in families:
        for path in family_files(family):
            stat = path.stat()
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
