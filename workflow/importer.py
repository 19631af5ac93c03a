"""Raw pasted text (web page, e-mail, PDF) -> a draft `source/<slug>.md` for an editor."""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

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
    near = [line for line, after in zip(lines, [*lines[1:], ""], strict=True)
            if len(line) > 20 and len(line) >= 0.7 * width and after]
    # Wrapping breaks lines mid-sentence; lines of one measure that end their sentences
    # are paragraphs pasted one per line (of about the same length).
    ending = sum(1 for line in near if _ends_sentence(line))
    return (width <= 110 and len(near) >= 0.5 * len(lengths)
            and ending < 0.5 * len(near)), width


def _starts_lowercase(line: str) -> bool:
    return bool(line) and line[0].islower()


def _ends_sentence(line: str) -> bool:
    return line.endswith(SENTENCE_END)


# A line this long that ends a sentence is a paragraph of its own, whatever the text's own
# measure; a line shorter than PROSE_LINE (a slogan, a signature's line) never is alone.
PARAGRAPH_LINE, PROSE_LINE = 100, 40
INNER_SENTENCE_END = re.compile(r"[.!?؟۔]\s+\S")


def paragraph_line(lines: list[str]) -> float:
    """How long a line ending a sentence must be to be a paragraph line in this text: half
    its typical (median) sentence-ending line, so that paragraphs of 85 characters pasted
    one per line count as well as those of 300, but a slogan under them does not."""
    ends = [len(line) for line in lines if _ends_sentence(line)]
    if not ends:
        return PARAGRAPH_LINE
    return min(PARAGRAPH_LINE, max(PROSE_LINE, 0.5 * statistics.median(ends)))


def _is_prose(text: str, measure: float) -> bool:
    """True for text that reads as a paragraph, not a heading, slogan or signature line:
    it ends a sentence and fills the text's measure or holds more than one sentence."""
    return _ends_sentence(text) and (len(text) >= measure
                                     or bool(INNER_SENTENCE_END.search(text)))


def _single_newline_paragraphs(lines: list[str], measure: float) -> bool:
    """True if paragraphs are separated by a single newline, as some pages paste: many
    paragraph lines ending a sentence, and fewer blank lines than half of them."""
    long_lines = sum(1 for line in lines if len(line) >= measure and _ends_sentence(line))
    gaps = sum(1 for line, after in zip(lines, lines[1:], strict=False) if line and not after)
    return long_lines >= 2 and gaps < long_lines / 2


def unwrap(lines: list[str], own_line: Callable[[str], bool] = lambda line: False
           ) -> list[list[str]]:
    """Group lines into paragraphs (lists of lines), joining lines broken by wrapping; a
    line `own_line` says stands alone (a byline, a date) is never joined to another."""
    wrapped, width = _is_hard_wrapped(lines)
    measure = paragraph_line(lines)
    newline_paragraphs = not wrapped and _single_newline_paragraphs(lines, measure)
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
                              and len(previous) < 0.7 * width and not is_item) or (
                newline_paragraphs and not is_item and (_ends_sentence(previous) or len(
                    previous) >= measure) and max(len(previous), len(line)) >= measure) or (
                # two paragraph lines, one under the other, in text that is not wrapped:
                # paragraphs pasted with one newline among others with blank lines
                not wrapped and not is_item and _ends_sentence(previous)
                and min(len(previous), len(line)) >= measure):
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


@dataclass(frozen=True)
class Converted:
    """What `import` made of a raw text, and what it tells the editor about it."""

    meta: dict[str, str]
    body: str
    notes: tuple[str, ...] = ()  # what was left out or guessed, for the editor to check


def convert_raw(text: str, language: str) -> tuple[dict[str, str], str]:
    """(front matter, Markdown body) guessed from a raw text; an editor checks the result.
    A field that could not be guessed is empty (see `missing_fields`)."""
    converted = convert(text, language)
    return converted.meta, converted.body


def convert(text: str, language: str) -> Converted:
    """convert_raw() with the notes for the editor: a site label or a repeated title left
    out, headings guessed, a text that reads as another language."""
    check_language(language)
    check_script(text, language)
    lines = clean_lines(text, language)
    paragraphs = unwrap(lines, lambda line: _is_meta_line(line, language))
    if not paragraphs:
        raise PamphletError("the text is empty")
    notes = [note for note in [language_note(text, language)] if note]
    flat = "\n".join(lines)
    author = guess_author(lines, language)
    # A site's label above the title ("بيان رسمي", "Press release") is no title.
    first = paragraphs[0]
    if _is_label(first[0], language):
        following = first[1:] or (paragraphs[1] if len(paragraphs) > 1 else [])
        if following and _title_like(following[0], language):
            notes.append(f"left out the site's label '{first[0]}' above the title")
            paragraphs = [first[1:], *paragraphs[1:]] if first[1:] else paragraphs[1:]
    # The title: the first paragraph's lines up to a byline or a date line (a page puts
    # them under the title without a blank line); those lines are front matter, not body.
    first = paragraphs[0]
    if len(first) > 1 and _same_text(first[0], first[1]):  # the page's title, the article's
        notes.append("left out the title's second copy")
        first = [first[0], *first[2:]]
        paragraphs = [first, *paragraphs[1:]]
    head = next((i for i, line in enumerate(first) if _is_meta_line(line, language)),
                len(first))
    title = " ".join(first[:head])
    if head and len(title) <= 200 and all(
            _title_like(line, language, last=index == head - 1)
            for index, line in enumerate(first[:head])):
        rest = [line for line in first[head:] if not _is_meta_line(line, language)]
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    elif len(first) > 1 and _title_like(first[0], language):
        title = first[0]  # a title line with the text straight under it
        rest = [line for line in first[1:] if not _is_meta_line(line, language)]
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    else:
        title = ""
    # A date or a byline alone under the title is front matter too (a longer line that
    # says more, "(first published ...)", stays).
    while title and paragraphs and all(
            _is_meta_line(line, language) and len(line.split()) <= META_WORDS
            for line in paragraphs[0]):
        paragraphs = paragraphs[1:]
    # A page's title often comes twice (the page's and the article's).
    if title and paragraphs and _same_text(paragraphs[0][0], title):
        notes.append("left out the title's second copy")
        paragraphs = ([paragraphs[0][1:]] if paragraphs[0][1:] else []) + paragraphs[1:]
    meta = {"title": title, "author": author,
            "date": guess_date(flat, language) or "", "language": language}
    url = next((m.group(0) for m in URL.finditer(flat) if m.group(0).startswith("http")), None)
    if url:  # the page it came from: a web address, not a mailto: or a bare www.
        meta["origin"] = url
    measure = paragraph_line(lines)
    blocks = []
    for index, paragraph in enumerate(paragraphs):
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else []
        if (len(paragraph) == 1 and _heading_like(paragraph[0], language)
                and _is_prose(" ".join(following), measure)):
            notes.append(f"made '{paragraph[0]}' a heading (## )")
            blocks.append(f"## {paragraph[0]}")
            continue
        if (len(paragraph) > 1 and _heading_like(paragraph[0], language)
                and _is_prose(paragraph[1], measure)):  # a heading with no blank line
            notes.append(f"made '{paragraph[0]}' a heading (## )")
            blocks.append(f"## {paragraph[0]}")
            paragraph = paragraph[1:]
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
    return Converted(meta, "\n\n".join(blocks), tuple(notes))


# A line of a title or heading: a few words, no sentence in it, no end mark but ? or !
TITLE_WORDS, TITLE_CHARS = 20, 150
HEADING_WORDS, HEADING_CHARS = 10, 80
CLAUSE_END = tuple(".,;:،؛…")
META_WORDS = 8
INITIALISM_END = re.compile(r"(?<!\w)(?:\w{1,3}\.\s?){2,}$")  # U.S., EE. UU.


def _title_like(line: str, language: str, last: bool = True) -> bool:
    """A line of a title: a few words, no sentence in it; ending in no full stop or
    comma unless a line of the same title follows (`last` false)."""
    return (0 < len(line.split()) <= TITLE_WORDS and len(line) <= TITLE_CHARS
            and not re.search(r"[.!?؟۔]\s", line)
            and not (last and line.endswith(CLAUSE_END) and not _ends_abbreviation(
                line, language))
            and not LIST_MARKER.match(line) and not _is_meta_line(line, language))


def _ends_abbreviation(line: str, language: str) -> bool:
    """True for a line ending in "U.S." or "Dr.": its full stop ends no sentence."""
    last = (line.split() or [""])[-1]
    return bool(INITIALISM_END.search(line)) or last in languages.get(language).abbreviations


def _heading_like(line: str, language: str) -> bool:
    """A short line that ends no sentence, standing alone before a paragraph: a heading
    (in a cased script, starting with a capital)."""
    if not (len(line.split()) <= HEADING_WORDS and len(line) <= HEADING_CHARS
            and _title_like(line, language) and not line.endswith(("!", "?", "؟"))
            and not line.startswith(("#", ">"))):
        return False
    letter = next((char for char in line if char.isalpha()), "")
    return bool(letter) and (not languages.get(language).script.cased or letter.isupper()) \
        and line[0].isalnum()


def _same_text(one: str, other: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", text).split()).casefold()
    return norm(one) == norm(other)


def _is_label(line: str, language: str) -> bool:
    """A site's label for the kind of page ("بيان رسمي", "Comunicado", "Press release")."""
    labels = (languages.get(language).site_labels
              + languages.get(languages.LINGUA_FRANCA).site_labels)
    cleaned = line.strip(" []|:-–—").casefold()
    return any(cleaned == label.casefold() for label in labels)


def check_script(text: str, language: str) -> None:
    """Refuse a text most of whose letters are in another script than the language's
    (English pasted with --lang ar), naming the languages it may be."""
    profile = languages.get(language)
    letters = URL.sub("", text)
    counts = {script.code: len(script.letter_pattern.findall(letters))
              for script in languages.SCRIPTS}
    total = sum(counts.values())
    script = max(languages.SCRIPTS, key=lambda s: counts[s.code])
    if total >= 20 and script is not profile.script and counts[profile.script.code] < total / 2:
        candidates = [p.code for p in languages.all_profiles() if p.script is script]
        raise PamphletError(
            f"the text is in {script.name} script ({counts[script.code] * 100 // total}% of "
            f"its letters), but {language} ({profile.english_name}) is written in "
            f"{profile.script.name} script: import it with --lang {' or '.join(candidates)}")


def language_note(text: str, language: str) -> str:
    """A warning if the text's function words are those of another language of the same
    script (Spanish pasted with --lang en); '' if it reads as `language` or cannot say."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", text)]
    profile = languages.get(language)
    if not profile.common_words or len(words) < 30:
        return ""
    counts = {p.code: sum(1 for w in words if w in p.common_words - profile.common_words)
              for p in languages.all_profiles()
              if p.script is profile.script and p.common_words and p.code != language}
    own = sum(1 for w in words if w in profile.common_words)
    best = max(counts, key=lambda code: counts[code], default=None)
    if best is None or counts[best] < max(10, 3 * own):
        return ""
    return (f"the text reads as {languages.english_name(best)} ({counts[best]} of its "
            f"function words, {own} of {profile.english_name}): is --lang {language} right?")


def _is_meta_line(line: str, language: str) -> bool:
    """A byline ("by X", "بقلم X") or a line that is little more than a date."""
    if guess_author([line], language):
        return True
    dates = find_dates(line, language)
    return bool(dates) and len(re.findall(r"[^\W\d_]", line)) <= 25


def missing_fields(meta: dict[str, str]) -> list[str]:
    """The front-matter fields `import` could not guess, for the editor to fill in."""
    return [name for name in GUESSED_FIELDS if not meta.get(name)]


def make_slug(meta: dict[str, str], stem: str, language: str) -> str:
    """A slug from the title (romanised: a Persian title gives "hmbstgi-ba-kargran"), else
    from the file name; one with no letter ("2022") gets the file name's words or the
    statement's date before it."""
    title = slugify(languages.get(language).romanize(meta.get("title", "")))
    if re.search("[a-z]", title):
        return title
    words = slugify(languages.get(language).romanize(stem))
    if re.search("[a-z]", words):
        return "-".join(dict.fromkeys(part for part in (words, title) if part))
    if title or words:
        return "-".join(part for part in ("statement", meta.get("date", ""), title or words)
                        if part)
    return ""


class Imported(NamedTuple):
    path: Path
    missing: list[str]  # front-matter fields that could not be guessed
    notes: list[str]  # what the editor should check, one line each


# Import warns of at most this many lines lacking ZWNJs: past that, the text needs one
# pass of a Persian spell checker, not a list.
MAX_SPELLING_NOTES = 20


def import_file(project: Project, raw: Path, language: str, slug: str | None = None,
                force: bool = False) -> Imported:
    """Convert `raw` and write source/SLUG.md (never over an existing one unless forced);
    returns its path, the fields that could not be guessed, and notes for the editor."""
    if not raw.is_file():
        raise PamphletError("no such file", raw)
    check_language(language)
    try:
        converted = convert(read_text(raw), language)
    except PamphletError as error:
        if error.path is None:
            raise PamphletError(error.message, raw) from error
        raise
    meta = converted.meta
    if slug is None:  # from the title, else from the file name: a guess --slug can replace
        slug = make_slug(meta, raw.stem, language)
        if not slug:
            raise PamphletError("no slug can be made from the title or the file name: name the"
                                " statement with --slug (lowercase letters, digits and"
                                " hyphens)", raw)
    slug = check_slug(slug)
    target = project.source_path(slug)
    if target.exists() and not force:
        raise PamphletError("already exists: choose another --slug or pass --force", target)
    text = format_statement(meta, converted.body)
    atomic_write_bytes(target, text.encode("utf-8"))
    return Imported(target, missing_fields(meta),
                    list(converted.notes) + spelling_notes(
                        text, language, project.relative(target).as_posix()))


def spelling_notes(text: str, language: str, path: str) -> list[str]:
    """`path:line: ...` for each line of the written statement whose words lack a ZWNJ
    (Persian pasted from web pages): the `zwnj` check's advice, before translation."""
    rules = languages.get(language).zwnj
    notes: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        advice = rules.advice(line) if rules else []
        if advice:
            notes.append(f"{path}:{number}: zero-width non-joiner missing: "
                         + "; ".join(advice))
    if len(notes) > MAX_SPELLING_NOTES:
        notes = notes[:MAX_SPELLING_NOTES] + [
            f"... and {len(notes) - MAX_SPELLING_NOTES} more lines lacking ZWNJs"]
    return notes
