"""Raw pasted text (web page, e-mail, PDF) -> a draft `source/<slug>.md` for an editor."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

import jdatetime
from babel.dates import get_month_names

from workflow import languages
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fsutil import atomic_write_bytes, read_text
from workflow.languages import check_language, to_ascii_digits
from workflow.patterns import CONTROL, URL
from workflow.source import check_slug, format_statement

# Page breaks (form feeds from pdftotext) end a paragraph; Unicode line separators (pasted
# from web pages and word processors) break a line.
LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n\n", "\x85": "\n",
                             "\u2028": "\n", "\u2029": "\n\n"})
SENTENCE_END = tuple(".!?؟…:\"”»’)")
LIST_MARKER = re.compile(r"^(?:(\d{1,3})[.)]|[•·▪◦*-])\s*")
# A byline's name ends at a separator or a date: "EL PERSONAL | 16 de octubre de 2018".
BYLINE_END = re.compile(r"\s*(?:[|·•–—]|\s-\s|\(|\[|\]).*$")
# Front-matter fields `import` guesses, in the order it reports the ones it could not.
GUESSED_FIELDS = ("title", "author", "date", "origin")


def clean_lines(text: str, language: str) -> list[str]:
    """Normalised lines: NFC, no-break spaces, doubled spaces and teaser links removed;
    line and page separators become line breaks, other control characters go."""
    text = unicodedata.normalize("NFC", text).translate(LINE_BREAKS)
    text = CONTROL.sub("", text).replace("\ufeff", "")  # stray byte-order marks too
    text = text.replace("\u00a0", " ").replace("\t", " ").replace("\u200b", "")
    profile, english = languages.get(language), languages.get(languages.LINGUA_FRANCA)
    teasers = tuple(dict.fromkeys(profile.teasers + english.teasers))
    navigation = _navigation_pattern(profile.navigation_words + english.navigation_words)
    lines = []
    for line in text.split("\n"):
        if is_navigation(line.strip(), navigation):
            line = ""  # a site's menu ("فهرست بستن", "Home | News"): no part of the text
        line = re.sub(r" {2,}", " ", line).strip()
        for teaser in teasers:
            if line.endswith(teaser):
                line = line[: -len(teaser)].rstrip()
        lines.append(line)
    return lines


def _navigation_pattern(words: tuple[str, ...]) -> re.Pattern:
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)",
                      re.IGNORECASE)


# What separates a menu's items: bars, bullets, slashes, or the two spaces a pasted row
# of links leaves.
MENU_SEPARATOR = re.compile(r"\s*[|·•»›/]\s*|\s{2,}")
MENU_ITEM_WORDS = 3  # "Quiénes somos", "تماس با ما": a menu item is a few words


def is_navigation(line: str, navigation: re.Pattern) -> bool:
    """True for a site's menu: a line of nothing but known menu words, or a row of short
    items between separators of which at least one is a known menu word ("Inicio |
    Noticias | Contacto")."""
    if not line or len(line) > 120 or re.search(r"[.!?؟۔:]\s|[.!?؟۔]$", line):
        return False
    rest = navigation.sub(" ", line)
    if rest != line and not re.search(r"[^\W\d_]", rest):
        return True
    items = [item for item in MENU_SEPARATOR.split(line) if item]
    return (len(items) >= 2 and all(len(item.split()) <= MENU_ITEM_WORDS for item in items)
            and any(navigation.fullmatch(item.strip()) for item in items))


def _is_hard_wrapped(lines: list[str]) -> tuple[bool, float]:
    """True if the text was wrapped at a fixed width (PDF, e-mail): most lines near it.
    Only lines with another line after them count: a paragraph's last line is short
    whatever the wrapping."""
    lengths = [len(line) for line, after in zip(lines, [*lines[1:], ""], strict=True)
               if len(line) > 20 and after]
    if len(lengths) < 5:
        return False, 0.0
    width = statistics.quantiles(lengths, n=10)[-1]  # 90th percentile
    near = sum(1 for n in lengths if n >= 0.7 * width)
    return width <= 110 and near >= 0.5 * len(lengths), width


def _starts_lowercase(line: str) -> bool:
    return bool(line) and line[0].islower()


def _ends_sentence(line: str) -> bool:
    return line.endswith(SENTENCE_END)


def unwrap(lines: list[str], own_line: Callable[[str], bool] = lambda line: False
           ) -> list[list[str]]:
    """Group lines into paragraphs (lists of lines), joining lines broken by wrapping; a
    line `own_line` says stands alone (a byline, a date) is never joined to another."""
    wrapped, width = _is_hard_wrapped(lines)
    paragraphs: list[list[str]] = []
    current: list[str] = []
    previous = ""  # the previous raw line, before any joining
    blank_before = False
    for line in lines:
        if not line:
            blank_before = True
            continue
        is_item = bool(LIST_MARKER.match(line))
        continued = (bool(current) and not _ends_sentence(previous)
                     and _starts_lowercase(line) and not own_line(line))
        if continued:  # a sentence broken across lines (even across a page break)
            current[-1] = f"{current[-1]} {line}"
        elif not current:
            current = [line]
        elif blank_before or (wrapped and _ends_sentence(previous)
                              and len(previous) < 0.7 * width and not is_item):
            paragraphs.append(current)
            current = [line]
        elif is_item or not wrapped or (len(previous) < 0.7 * width
                                        and not _ends_sentence(previous)):
            # A list item, or a deliberate line break: in wrapped text a short line that
            # ends no sentence ("In solidarity," above a signature) was ended by hand.
            current.append(line)
        else:
            current[-1] = f"{current[-1]} {line}"
        previous = line
        blank_before = False
    if current:
        paragraphs.append(current)
    return paragraphs


def _month_numbers(language: str) -> dict[str, int]:
    """Month name -> number, in the language's locales (the profile's `month_locales`)
    and English."""
    profile = languages.get(language)
    locales = profile.month_locales or (profile.babel_locale or language,)
    names: dict[str, int] = {}
    for code in dict.fromkeys((*locales, languages.LINGUA_FRANCA)):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=code).items():
                names[name.lower().rstrip(".")] = number
    return names


def guess_date(text: str, language: str) -> str | None:
    """The first date written in the text, as ISO; month names from babel's locale data."""
    found = find_dates(text, language)
    return min(found)[1] if found else None


@cache
def _date_patterns(language: str) -> tuple[dict[str, int], tuple[tuple[re.Pattern, tuple], ...]]:
    """(month name -> number, the date patterns with the order of their fields), made
    once per language: import asks for every line that may be a date line."""
    months = _month_numbers(language)
    month = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    # Persian statements from Iran are dated in the Solar Hijri calendar: ۲۵ دی ۱۳۹۸.
    solar = "|".join(sorted(jdatetime.date.j_months_fa, key=len, reverse=True))
    patterns = [
        (r"\b(\d{4})-(\d{2})-(\d{2})\b", ("y", "m", "d")),
        (rf"(?<!\w)(\d{{1,2}})\s+({solar})\s+(1[34]\d\d)\b", ("d", "S", "y")),
        # "3 تشرين الثاني/نوفمبر 2018": a month's two names, either one read
        (rf"(?<!\w)(\d{{1,2}})\.?\s+(?:de\s+)?({month})(?:/[^\W\d_]+)?\.?,?\s+(?:de\s+)?"
         rf"(\d{{4}})\b", ("d", "M", "y")),
        (rf"(?<!\w)({month})\.?\s+(\d{{1,2}}),?\s+(\d{{4}})\b", ("M", "d", "y")),
    ]
    return months, tuple((re.compile(pattern, re.IGNORECASE), order)
                         for pattern, order in patterns)


def find_dates(text: str, language: str) -> list[tuple[int, str]]:
    """(offset, ISO date) of every date written in the text."""
    text = to_ascii_digits(text)
    months, patterns = _date_patterns(language)
    found = []
    for pattern, order in patterns:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            try:
                if "S" in parts:
                    value = jdatetime.date(int(parts["y"]), jdatetime.date.j_months_fa.index(
                        parts["S"]) + 1, int(parts["d"])).togregorian()
                else:
                    month = int(parts["m"]) if "m" in parts else months[parts["M"].lower()]
                    value = date(int(parts["y"]), month, int(parts["d"]))
            except (KeyError, ValueError):
                continue
            found.append((match.start(), value.isoformat()))
    return found


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return "-".join(slug.split("-")[:8])


@cache
def _byline_pattern(language: str) -> re.Pattern:
    words = (languages.get(language).byline_words
             + languages.get(languages.LINGUA_FRANCA).byline_words)
    marker = "|".join(map(re.escape, sorted(set(words), key=len, reverse=True)))
    return re.compile(rf"(?:^|[,،]\s*)(?:{marker})(?!\w)\s*:?\s*\[?([^\]\(\n,،]+)",
                      re.IGNORECASE)


def guess_author(lines: list[str], language: str) -> str:
    """The name after a byline word ("by", "بقلم", "por") on a short line, cut before any
    separator or date on the same line."""
    pattern = _byline_pattern(language)
    for line in lines:
        byline = pattern.search(line)
        if not byline or len(line) >= 200:
            continue
        name = BYLINE_END.sub("", byline.group(1))
        dates = find_dates(name, language)
        name = (name[:min(dates)[0]] if dates else name).strip(" .:-")
        # "por la Red ...": a name may start with its article (capitalised as a name
        # starts); "by the way" has no capital, and is no name.
        if name[:1].islower():
            if not any(word[:1].isupper() for word in name.split()):
                continue
            name = name[:1].upper() + name[1:]
        if name:
            return name
    return ""


def convert_raw(text: str, language: str) -> tuple[dict[str, str], str]:
    """(front matter, Markdown body) guessed from a raw text; an editor checks the result.
    A field that could not be guessed is empty (see `missing_fields`)."""
    check_language(language)
    lines = clean_lines(text, language)
    paragraphs = unwrap(lines, lambda line: _is_meta_line(line, language))
    if not paragraphs:
        raise PamphletError("the text is empty")
    flat = "\n".join(lines)
    author = guess_author(lines, language)
    # The title: the first paragraph's lines up to a byline or a date line (a page puts
    # them under the title without a blank line); those lines are front matter, not body.
    first = paragraphs[0]
    head = next((i for i, line in enumerate(first) if _is_meta_line(line, language)),
                len(first))
    title = " ".join(first[:head])
    if head and len(title) <= 200 and not re.search(r"[.!?؟۔]\s", title):
        rest = [line for line in first[head:] if not _is_meta_line(line, language)]
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    else:
        title = ""
    meta = {"title": title, "author": author,
            "date": guess_date(flat, language) or "", "language": language}
    url = next((m.group(0) for m in URL.finditer(flat) if m.group(0).startswith("http")), None)
    if url:  # the page it came from: a web address, not a mailto: or a bare www.
        meta["origin"] = url
    blocks = []
    for paragraph in paragraphs:
        out = []
        for line in paragraph:
            marker = LIST_MARKER.match(line)
            if marker and len(line) > len(marker.group(0)):
                number = marker.group(1)
                out.append((f"{number}. " if number else "- ") + line[marker.end():])
            else:
                out.append(line)
        blocks.append("\n".join(out))
    if not blocks:
        raise PamphletError("the text has a title but no body")
    return meta, "\n\n".join(blocks)


def _is_meta_line(line: str, language: str) -> bool:
    """A byline ("by X", "بقلم X") or a line that is little more than a date."""
    if guess_author([line], language):
        return True
    dates = find_dates(line, language)
    return bool(dates) and len(re.findall(r"[^\W\d_]", line)) <= 25


def missing_fields(meta: dict[str, str]) -> list[str]:
    """The front-matter fields `import` could not guess, for the editor to fill in."""
    return [name for name in GUESSED_FIELDS if not meta.get(name)]


def import_file(project: Project, raw: Path, language: str, slug: str | None = None,
                force: bool = False) -> tuple[Path, list[str]]:
    """Convert `raw` and write source/SLUG.md (never over an existing one unless forced);
    returns its path and the fields that could not be guessed."""
    if not raw.is_file():
        raise PamphletError("no such file", raw)
    check_language(language)
    meta, body = convert_raw(read_text(raw), language)
    if slug is None:  # from the title, else from the file name: a guess --slug can replace
        slug = slugify(meta["title"]) or slugify(raw.stem)
        if not slug:
            raise PamphletError("no slug can be made from the title or the file name: name the"
                                " statement with --slug (lowercase letters, digits and"
                                " hyphens)", raw)
    slug = check_slug(slug)
    target = project.source_path(slug)
    if target.exists() and not force:
        raise PamphletError("already exists: choose another --slug or pass --force", target)
    atomic_write_bytes(target, format_statement(meta, body).encode("utf-8"))
    return target, missing_fields(meta)
