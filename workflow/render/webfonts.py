"""Web fonts: the Noto files a page's languages name, subset to the characters it shows, WOFF2."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from workflow import languages
from workflow.fsutil import atomic_write_bytes
from workflow.render.fonts import family_files, needs_glyph

ROLES = ("text", "heading")
# Shaping needs these even where no glyph is drawn: ZWNJ keeps a Persian word's letters
# apart, ZWJ and the bidi marks are kept in the text a reader copies.
FORMAT_CHARS = "\u200c\u200d\u200e\u200f"


# What a face is first cut down to, once (with any other character the site sets in it):
# Latin with its extensions, general punctuation, the Arabic script's letters and marks.
# Fixed, so that the cut is made once per font, not again for each new word of the corpus.
BASE_RANGES = ((0x20, 0x24F), (0x2000, 0x206F), (0x20AC, 0x20AC), (0x0600, 0x06FF),
               (0x0750, 0x077F), (0x08A0, 0x08FF))


def base_chars(face: Face) -> set[str]:
    """The characters of BASE_RANGES the face's font has."""
    cmap = _cmap(face.source)
    return {chr(c) for low, high in BASE_RANGES for c in range(low, high + 1) if c in cmap}


@dataclass(frozen=True)
class Face:
    """One @font-face of a page: a family in one weight, subset to `chars`."""

    family: str
    weight: int  # 400 or 700
    source: Path  # the installed font file
    chars: str  # sorted

    @property
    def key(self) -> str:
        """Names the subset: the font file (path, size, time) and the characters."""
        stat = self.source.stat()
        identity = f"{self.source}\0{stat.st_size}\0{stat.st_mtime_ns}\0{self.chars}"
        return hashlib.sha256(identity.encode()).hexdigest()[:20]

    @property
    def file_name(self) -> str:
        stem = self.family.replace(" ", "")
        return f"{stem}-{self.weight}-{self.key}.woff2"


def _file_of(family: str, weight: int) -> Path:
    files = family_files(family)
    bold = [f for f in files if "Bold" in f.name]
    regular = [f for f in files if "Bold" not in f.name]
    chosen = (bold if weight >= 600 else regular) or list(files)
    return chosen[0]


def _cmap(path: Path) -> frozenset[int]:
    from workflow.render.fonts import _font_cmap

    return _font_cmap(path)


def faces(chars_by_language: Mapping[str, str], bold_text: bool = False) -> list[Face]:
    """The faces a page needs: for each language on it and each role, every character goes
    to the first family of that language's stack (the very stack CSS names) that has it."""
    wanted: dict[tuple[str, int], set[str]] = {}
    for code, text in chars_by_language.items():
        profile = languages.get(code)
        chars = {c for c in text if needs_glyph(c)} | set(FORMAT_CHARS)
        for role in ROLES:
            weights = (400, 700) if role == "heading" or bold_text else (400,)
            for weight in weights:
                left = set(chars)
                for family in profile.font_stack(role):
                    cmap = _cmap(_file_of(family, weight))
                    taken = {c for c in left if ord(c) in cmap}
                    if taken - set(FORMAT_CHARS):
                        wanted.setdefault((family, weight), set()).update(taken)
                    left -= taken - set(FORMAT_CHARS)
    return [Face(family, weight, _file_of(family, weight), "".join(sorted(chars)))
            for (family, weight), chars in sorted(wanted.items())]


def _subset(data: bytes | Path, chars: str, flavor: str | None) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # shaping kept: Arabic letters join, Nastaliq stacks
    options.flavor = flavor
    options.hinting = False  # screens of today; a third of the size
    options.name_IDs = ["*"]  # the licence and copyright travel with the font
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with TTFont(source, recalcTimestamp=False) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in chars])
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.flavor = flavor
        font.save(buffer, reorderTables=False)
    return buffer.getvalue()


def _cached(cache: Path | None, name: str, make) -> bytes:
    path = cache / name if cache is not None else None
    if path is not None and path.is_file():
        return path.read_bytes()
    data = make()
    if path is not None:
        atomic_write_bytes(path, data)
    return data


def subset_woff2(face: Face, cache: Path | None = None, site_chars: str | None = None
                 ) -> bytes:
    """The face's font file subset to its characters as WOFF2. Deterministic: the same
    file and characters give the same bytes. `site_chars`: every character the site sets
    in this face; the file is first cut down to them once (reading a Noto file's layout
    tables takes a second; every page's subset is then made from the small one).
    `cache`: a folder keeping both."""
    if site_chars is None:
        return _cached(cache, face.file_name, lambda: _subset(face.source, face.chars, "woff2"))
    whole = Face(face.family, face.weight, face.source, site_chars)
    base = _cached(cache, whole.file_name.replace(".woff2", ".ttf"),
                   lambda: _subset(face.source, site_chars, None))
    name = f"{face.file_name[:-6]}-{whole.key[:8]}.woff2"
    return _cached(cache, name, lambda: _subset(base, face.chars, "woff2"))


def unicode_range(chars: Iterable[str]) -> str:
    """`U+20-7E, U+A0` for a set of characters: the browser fetches a face only for these."""
    points = sorted({ord(c) for c in chars})
    ranges: list[list[int]] = []
    for point in points:
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges)


def font_face_css(face: Face, url: str) -> str:
    return (f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight};'
            f' font-style: normal; font-display: block; src: url("{url}") format("woff2");'
            f" unicode-range: {unicode_range(face.chars)}; }}")
