"""Stage editions -> HTML: jinja2 templates, safe inline Markdown, bidi-correct runs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache, lru_cache
from html import unescape
from itertools import groupby

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from workflow import __version__, languages
from workflow.edition import Edition, Piece, Unit
from workflow.languages import direction, native_name
from workflow.patterns import EMAIL, URL

# Raw HTML in a translation is shown as text (html=False escapes it); markdown-it refuses
# javascript:, vbscript:, file: and data: links itself; we allow only web and mail links.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
    ["image", "html_inline"]
)
SAFE_LINK = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_markdown.validateLink = lambda url: bool(SAFE_LINK.match(url.strip()))  # type: ignore[method-assign]

# A left-to-right run inside right-to-left text: Latin words, Western digits, URLs and
# e-mails, with the spaces and punctuation between them. WeasyPrint ignores unicode-bidi,
# so each run is wrapped in ONE element with dir="ltr"; brackets at its edges stay outside
# so they mirror with the surrounding sentence.
LTR_RUN = re.compile(
    r"[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F.,:;/@_\-+%&='’ ?#!~*$]*"
    r"[A-Za-z0-9\u00C0-\u024F/])?"
)
TAG = re.compile(r"(<[^>]+>)")

# Explicit bidi formatting: LRE, RLE, LRO, RLO end with PDF; LRI, RLI, FSI with PDI.
PDF, PDI = "\u202c", "\u2069"
BIDI_OPENERS = {"\u202a": PDF, "\u202b": PDF, "\u202d": PDF, "\u202e": PDF,
                "\u2066": PDI, "\u2067": PDI, "\u2068": PDI}



# WeasyPrint lays out nested inline boxes recursively (250 nested `**` raised
# RecursionError) and many inline boxes in one line slowly (3,000 `code` spans: 67 s);
# a real sentence has a few. Both are refused with the segment's line before rendering.
MAX_INLINE_DEPTH = 8
MAX_INLINE_ELEMENTS = 64


def inline_problem(text: str) -> str | None:
    """Why a segment's inline Markdown is refused before typesetting, if it is."""
    depth = deepest = elements = 0
    for token in _markdown.parseInline(text)[0].children or []:
        depth += token.nesting
        deepest = max(deepest, depth)
        elements += token.nesting == 1 or token.type == "code_inline"
    if deepest > MAX_INLINE_DEPTH:
        return (f"inline markup nested {deepest} deep (at most {MAX_INLINE_DEPTH}): check the"
                " `*`, `_` and `[` in this text")
    if elements > MAX_INLINE_ELEMENTS:
        return (f"{elements} inline markup elements in one segment (at most"
                f" {MAX_INLINE_ELEMENTS}): check the `*`, `_` and backticks in this text")
    return None


def render_inline(text: str) -> str:
    """Inline Markdown (emphasis, links, code) to escaped HTML."""
    return _markdown.renderInline(text).strip()


def wrap_ltr_runs(html: str) -> str:
    """Wrap each left-to-right run of text nodes in <span dir="ltr">, tags untouched."""
    parts = TAG.split(html)
    for index in range(0, len(parts), 2):  # even indexes are text between tags
        parts[index] = _wrap_text_node(parts[index])
    return "".join(parts)


def _wrap_text_node(escaped: str) -> str:
    """Runs are found in the text itself, not in its HTML: a run must never cut an
    entity (`&quot;` would print as `&quot;`, `&lt;` as `&lt;`)."""
    text = unescape(escaped)
    pieces: list[str] = []
    cursor = 0
    for match in LTR_RUN.finditer(text):
        pieces.append(escape(text[cursor:match.start()]))
        pieces.append(f'<span dir="ltr">{escape(match.group(0))}</span>')
        cursor = match.end()
    pieces.append(escape(text[cursor:]))
    return "".join(pieces)


def close_bidi_controls(text: str) -> str:
    """The text with every embedding, override or isolate it opens closed at its end.

    An unclosed U+202E (right-to-left override) in one segment would reverse every segment
    after it in the paragraph, reviewed ones included: what a segment does to direction
    stays inside it (UAX #9: PDF closes an embedding, PDI an isolate and what it holds).
    """
    return text + _closers(text)


def _closers(text: str) -> str:
    open_controls: list[str] = []
    for char in text:
        if char in BIDI_OPENERS:
            open_controls.append(BIDI_OPENERS[char])
        elif char == PDF and open_controls and open_controls[-1] == PDF:
            open_controls.pop()
        elif char == PDI and PDI in open_controls:
            while open_controls.pop() != PDI:
                pass
    return "".join(reversed(open_controls))


def close_bidi_html(html: str) -> str:
    """close_bidi_controls() on rendered HTML: the controls its text nodes open are closed
    at its end. It runs after markdown-it, which turns `&#x202E;` or `&#8238;` into the
    control itself: closing them before rendering missed every one written as a reference.
    Attribute values (a link's title) are not text and direct nothing."""
    text = "".join(TAG.split(html)[0::2])
    return html + _closers(text)


STATE_CLASSES = {"machine": "mt", "fuzzy": "mt", "untranslated": "untranslated"}

# What typography leaves alone: inline code, link targets, autolinks and raw HTML (which
# print as they are typed), URLs, e-mails.
VERBATIM = re.compile(
    r"`[^`\n]+`|\]\([^)\n]*\)|<[^<>\s]+>|</?[A-Za-z][^<>]*>"
    r"|\b(?:https?|ftp)://[^\s<>()]+|\bwww\.[^\s<>()]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
STRAIGHT_QUOTE = re.compile(r'"')
# A number and the word it counts stay on one line ("3 billion", "٤ ملايين"): the space
# after a number (any script's digits) and before a letter becomes a no-break space.
# (Not after a time or a date: "12:30 et", "3/4 de".)
NUMBER_SPACE = re.compile(r"(?<![\w:/.,\-])(\d+(?:[.,\u066b\u066c]\d+)*) (?=[^\W\d_])")
# A URL or e-mail address breaks as the Chicago Manual of Style has it, and never gets a
# hyphen: after the scheme's // and after @, before a single / and before . - _ ~ ? # = &,
# so that no line ends in a "-" that reads as a hyphenation, or a "." as a full stop.
ADDRESS = re.compile(f"{URL.pattern}|{EMAIL.pattern}")
ADDRESS_BREAK = re.compile(r"(?<=//)(?=[^/])|(?<=@)(?=.)"
                           r"|(?<=[^/.\-_~?#=&@:])(?=[.\-_~?#=&][^/.\-_~?#=&]|/[^/])")
# A straight single quote as an apostrophe: inside a word (don't), at a word's end after a
# letter (workers' rights; also a closing single quote, the same ’ in English), before
# digits ('90s), or in an elision ('em, rock 'n' roll).
APOSTROPHE = re.compile(r"(?<=[^\W_])'(?=[^\W\d_])|(?<=[^\W_])'(?![^\W_])|(?<!\d)'(?=\d)"
                        r"|(?<!\w)'(?=(?:em|tis|twas|n|cause)(?!\w))", re.IGNORECASE)
# What is left: a single quote opening a word ('not now'), paired with the ’ closing it.
OPENING_SINGLE = re.compile(r"(?<![^\s(\[{«“—–-])'(?=[^\W\d_])")


def typography(text: str, language: str) -> str:
    """The language's typographic conventions on a segment's prose, applied as it is
    printed (catalogs keep what translators typed): straight quotes as the language's
    quotation marks, apostrophes curled, and where the profile says so a no-break space
    before ; : ! ? and inside « » (French)."""
    profile = languages.get(language)
    pieces, cursor = [], 0
    for match in VERBATIM.finditer(text):
        pieces.append(_typeset_prose(text[cursor:match.start()], profile))
        pieces.append(match.group(0))
        cursor = match.end()
    pieces.append(_typeset_prose(text[cursor:], profile))
    return "".join(pieces)


def _typeset_prose(text: str, profile: languages.Profile) -> str:
    opening, closing = profile.quotes[:2]
    quoted = []
    for index, char in enumerate(text):
        if char != '"':
            quoted.append(char)
            continue
        before = text[index - 1] if index else " "
        quoted.append(opening if before.isspace() or before in "([{—–-/" else closing)
    text = APOSTROPHE.sub("’", "".join(quoted))
    if "’" in text:  # ‘ only where a ’ after it can close it
        text = OPENING_SINGLE.sub(lambda m: "‘" if "’" in text[m.end():] else "'", text)
    text = NUMBER_SPACE.sub("\\1\u00a0", text)
    if profile.quote_space:
        space = profile.quote_space
        text = re.sub(rf"({re.escape(opening)})[ \u00a0\u202f]*", rf"\1{space}", text)
        text = re.sub(rf"[ \u00a0\u202f]*({re.escape(closing)})", rf"{space}\1", text)
    if profile.space_before:
        marks = "".join(profile.space_before)

        def spaced(match: re.Match) -> str:
            before, gap, mark = match.group(1), match.group(2), match.group(3)
            after = text[match.end():match.end() + 1]
            if before in marks or (not gap and before.isdigit() and after.isdigit()):
                return match.group(0)  # ?! takes one space; 12:30 is a time
            return before + profile.space_before[mark] + mark

        text = re.sub(rf"(\S)([ \u00a0\u202f]?)([{re.escape(marks)}])", spaced, text)
    return text


def break_addresses(html: str) -> str:
    """Each URL and e-mail address of the text nodes in <span class="url"> (never
    hyphenated) with a <wbr> where ADDRESS_BREAK allows: the only places it may break.
    Run after wrap_ltr_runs, so that an address stays inside its one left-to-right run."""
    parts = TAG.split(html)
    for index in range(0, len(parts), 2):
        text = unescape(parts[index])
        pieces: list[str] = []
        cursor = 0
        for match in ADDRESS.finditer(text):
            pieces.append(escape(text[cursor:match.start()]))
            # Each piece unbreakable: Pango would break after a "-" of its own accord.
            broken = "<wbr>".join(f'<span class="nobr">{escape(part)}</span>' for part in
                                  ADDRESS_BREAK.split(match.group(0)))
            pieces.append(f'<span class="url">{broken}</span>')
            cursor = match.end()
        if pieces:
            pieces.append(escape(text[cursor:]))
            parts[index] = "".join(pieces)
    return "".join(parts)


URL_SPAN = re.compile(
    r'<span class="url"([^>]*)>((?:<span class="nobr">[^<]*</span>|<wbr>)*)</span>')


def fit_urls(html: str, scales: Mapping[tuple[int, str], float]) -> str:
    """The document with the URLs of `scales` (the fitting pass's, by their place among
    the document's addresses and their text: see fitting.url_faults) set whole, never
    broken, at that share of their size."""
    if not scales:
        return html
    place = -1

    def fitted(match: re.Match) -> str:
        nonlocal place
        place += 1
        key = (place, _address_text(match))
        if key not in scales:
            return match.group(0)
        return (f'<span class="url fitted" style="font-size: {scales[key]:g}em"'
                f'{match.group(1)}>{match.group(2).replace("<wbr>", "")}</span>')

    return URL_SPAN.sub(fitted, html)


# A URL or address this short fits any measure we set (a side-by-side column of A5, about
# 55 mm, holds about 45 of its characters at 10 pt): it is set whole from the first layout,
# as the fitting pass would set it, one layout later, where it broke (fitting.url_faults).
SHORT_ADDRESS = 40


def short_addresses(html: str) -> list[tuple[int, str]]:
    """The addresses of the document (by place and text, as fit_urls keys them) short
    enough to be set whole from the start (SHORT_ADDRESS)."""
    found = []
    for place, match in enumerate(URL_SPAN.finditer(html)):
        text = _address_text(match)
        if len(text) <= SHORT_ADDRESS:
            found.append((place, text))
    return found


def _address_text(match: re.Match) -> str:
    """The text of an address URL_SPAN found: the second half of its fitting pass key."""
    return unescape(TAG.sub("", match.group(2)))


SECTION = re.compile(r'<article class="text section lang-(?P<language>[^"\s]+)"[^>]*>.*?</article>',
                     re.DOTALL)
BODY = re.compile(r"(<body[^>]*>).*(</body>)", re.DOTALL)


def section_alone(html: str, language: str) -> str | None:
    """A multilingual edition's HTML with only its section in `language`, after an empty
    first page: the section opens on a page of its own, which is not the first (whose
    margin boxes differ), so it is paginated as in the whole edition, at a fraction of
    its layout's cost. None where the edition has no such section."""
    section = next((m.group(0) for m in SECTION.finditer(html)
                    if m.group("language") == language), None)
    if section is None or BODY.search(html) is None:
        return None
    return BODY.sub(lambda m: f"{m.group(1)}<div></div>\n{section}\n{m.group(2)}", html,
                    count=1)


# A capitalised word of six letters or more (the shortest hyphenate-limit-chars lets
# WeasyPrint break): a name, mid-sentence ("Myanmar", "Qassem", "pro-Iranian"), or a
# sentence's first word, which loses nothing by staying whole.
CAPITALISED = re.compile(r"(?<!\w)[A-Z\u00C0-\u00DE][^\W\d_]{5,}(?:[’'][^\W\d_]+)?")


def _space_inside(text: str, start: int, cursor: int) -> int:
    """Where a span for the word at `start` opens: before the word's space, if one precedes
    it. WeasyPrint 70 breaks a line too early when a span that starts after a space does
    not fit at its end: it takes back the text before the span to the line's first break
    ("Faced" alone, then "with the current simultaneous attacks on", then "Blacks,";
    "have" alone in the A5 English edition of asis-call-for-solidarity-2016). With the
    space in the span the line breaks before it, as it does in plain text."""
    return start - 1 if start > cursor and text[start - 1] == " " else start


def keep_names_whole(html: str) -> str:
    """Each capitalised word of the text nodes in <span class="name">, which the stylesheet
    never hyphenates (Don-ald, Sal-vador read as two words); the space before it in the span
    too (see _space_inside)."""
    parts = TAG.split(html)
    for index in range(0, len(parts), 2):
        text = unescape(parts[index])
        pieces: list[str] = []
        cursor = 0
        for match in CAPITALISED.finditer(text):
            start = _space_inside(text, match.start(), cursor)
            pieces.append(escape(text[cursor:start]))
            pieces.append(f'<span class="name">{escape(text[start:match.end()])}</span>')
            cursor = match.end()
        if pieces:
            pieces.append(escape(text[cursor:]))
            parts[index] = "".join(pieces)
    return "".join(parts)


def keep_words_whole(html: str, words: set[str]) -> str:
    """The document with each of `words` in its body's text in <span class="whole">, never
    hyphenated (the fitting pass's choice: a hyphen at a page turn, in a ladder)."""
    if not words:
        return html
    head, body = html.split("<body", 1)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(
        re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")(?!\w)")
    parts = TAG.split(body)
    for index in range(2, len(parts), 2):  # parts[0] is the rest of the <body> tag
        if pattern.search(unescape(parts[index])):
            text = unescape(parts[index])
            parts[index] = "".join(
                f'<span class="whole">{escape(piece)}</span>' if pattern.fullmatch(piece)
                else escape(piece) for piece in _split_keep(pattern, text))
    return head + "<body" + "".join(parts)


def _split_keep(pattern: re.Pattern, text: str) -> list[str]:
    pieces, cursor = [], 0
    for match in pattern.finditer(text):
        pieces += [text[cursor:match.start()], match.group(0)]
        cursor = match.end()
    return pieces + [text[cursor:]]


def keep_joined_words(html: str, script: languages.Script) -> str:
    """Each run of the script's words joined by slashes or hyphens in the text nodes
    (آذار/مارس, طبقاتی/قومی/مذهبی) in <span class="nobr">, never broken over lines."""
    pattern = _joined_words(script.letters)
    parts = TAG.split(html)
    for index in range(0, len(parts), 2):
        text = unescape(parts[index])
        if pattern.search(text):
            parts[index] = "".join(
                f'<span class="nobr">{escape(piece)}</span>' if pattern.fullmatch(piece)
                else escape(piece) for piece in _split_keep(pattern, text))
    return "".join(parts)


@cache
def _joined_words(letters: str) -> re.Pattern:
    # a word: the script's letters and ZWNJ (Persian پناهنده‌ای), not inside a longer run
    # of other letters, digits or joiners
    word = f"[{letters}][{letters}\u200c]*"
    return re.compile(rf"(?<![\w/-]){word}(?:[/-]{word})+(?![\w/-])")


def piece_html(piece: Piece, names: bool = True) -> str:
    """One segment's inline HTML, its left-to-right runs wrapped if it is right-to-left;
    with `names`, capitalised words of a cased script kept from hyphenation; words joined
    by a slash or hyphen kept on one line where the script keeps them (Arabic)."""
    html = close_bidi_html(render_inline(typography(piece.text, piece.language)))
    html = break_addresses(wrap_ltr_runs(html) if direction(piece.language) == "rtl"
                           else html)
    script = languages.get(piece.language).script
    if script.joined_words_whole:
        html = keep_joined_words(html, script)
    return keep_names_whole(html) if names and script.cased else html


def row_html(pieces: tuple[Piece, ...], language: str, names: bool = True) -> Markup:
    """A line of segments in the flow of a `language` paragraph.

    Consecutive segments in one language and state share one element: WeasyPrint resolves
    bidi per element, so English sentences left in a Persian paragraph, each in its own
    element, would be laid out right to left as a sequence and print out of order.
    """
    parts = []
    for (piece_language, css), run in groupby(
            pieces, key=lambda p: (p.language, STATE_CLASSES.get(p.state))):
        members = list(run)
        html = "".join(piece_html(p, names) + (" " if p.tail else "") for p in members[:-1])
        html += piece_html(members[-1], names)
        attributes = f' class="{css}"' if css else ""
        if piece_language != language:
            attributes += f' lang="{piece_language}" dir="{direction(piece_language)}"'
            if direction(language) == "rtl" and direction(piece_language) == "ltr":
                html = f'<span dir="ltr">{html}</span>'
        if attributes:
            html = f"<span{attributes}>{html}</span>"
        parts.append(html + (" " if members[-1].tail else ""))
    return Markup("".join(parts))


# Titles have no `text-wrap: balance` in WeasyPrint: a short word (a preposition, an
# article: 1-3 letters) stays with the word after it, and the last two words stay together
# (no one-word last line; a Persian compound verb such as "نشان دهید" ends many titles and
# stays whole). Kept together by `white-space: nowrap` spans, so the text (bookmarks,
# copied text) keeps its ordinary spaces.
SHORT_WORD = re.compile(r"[^\W\d_]{1,3}")


def title_row(pieces: tuple[Piece, ...], language: str) -> Markup:
    """row_html() of a title, with the spans that keep its lines well broken."""
    parts = TAG.split(str(row_html(pieces, language, names=False)))  # never hyphenated
    texts = [i for i in range(0, len(parts), 2) if parts[i].strip()]
    total = sum(len(parts[i].split(" ")) for i in texts)
    for index in texts:
        words = parts[index].split(" ")
        last_node = index == texts[-1]
        groups: list[list[str]] = []
        for position, word in enumerate(words):
            if groups and (SHORT_WORD.fullmatch(groups[-1][-1]) or (
                    last_node and total >= 4 and position == len(words) - 1)):
                groups[-1].append(word)
            else:
                groups.append([word])
        parts[index] = " ".join(" ".join(g) if len(g) == 1 or not all(g)
                                else f'<span class="nobr">{" ".join(g)}</span>'
                                for g in groups)
    return Markup("".join(parts))


def outline_levels(units: tuple[Unit, ...], top: int = 2) -> tuple[int, ...]:
    """The HTML level of each heading of a statement (0 for the other blocks): its
    Markdown levels ranked, the highest at `top` (under the edition's title), and never
    more than one below the heading before it, so that the tagged PDF's outline (and a
    screen reader's) skips no level whatever levels the statement uses."""
    ranks = {level: rank for rank, level in
             enumerate(sorted({u.level for u in units if u.kind == "heading"}))}
    levels, previous = [], top - 1
    for unit in units:
        if unit.kind != "heading":
            levels.append(0)
            continue
        previous = min(top + ranks[unit.level], previous + 1, 6)
        levels.append(previous)
    return tuple(levels)


def heading_level(units: list[Unit], unit: Unit, top: int = 2) -> int:
    """outline_levels() of one heading of an edition's units."""
    index = next(i for i, each in enumerate(units) if each is unit)
    return _outline_levels(tuple(units), top)[index]


_outline_levels = lru_cache(maxsize=64)(outline_levels)


def date_text(value: str, language: str, digits: Mapping[str, str] | None = None) -> str:
    """The statement date as the language writes it, in the digits printed here."""
    return languages.get(language).format_date(value, (digits or {}).get(language))


def say(key: str, language: str, digits: Mapping[str, str] | None = None, **values) -> Markup:
    """A piece of furniture (colophon labels, notices) in the language, as HTML: numbers
    in its digits, left-to-right runs isolated in right-to-left text."""
    profile = languages.get(language)
    own = (digits or {}).get(language)
    values = {name: profile.number(value, own) if isinstance(value, int) else value
              for name, value in values.items()}
    html = str(escape(profile.furniture[key].format(**values)))
    return Markup(wrap_ltr_runs(html) if profile.rtl else html)


def label(key: str, language: str) -> Markup:
    """A label of the colophon with its colon, as the language writes it."""
    return say(key, language) + languages.get(language).label_suffix


def status_html(edition: Edition, digits: Mapping[str, str] | None = None) -> Markup:
    """The translation status of an edition, for its colophon, in its language."""
    language = edition.language
    if edition.is_source:
        return say("status_source", language, digits)
    if not edition.unreviewed:
        return say("status_reviewed", language, digits)
    if edition.draft:
        return say("status_draft", language, digits, unreviewed=edition.unreviewed,
                   total=sum(edition.counts.values()))
    profile = languages.get(language)
    percent = profile.percent_text(edition.reviewed_percent, (digits or {}).get(language))
    return say("status_partial", language, digits, percent=percent,
               source=language_name(edition.statement.language, language))


def language_name(code: str, in_language: str) -> str:
    """The name of a language as another writes it ("árabe" in a Spanish colophon)."""
    return languages.get(code).name_in(languages.get(in_language))


# Side by side, each column as wide as its text needs for the two to end level: a column's
# height goes with its letters, its type size and its line pitch (Urdu's Nastaliq sets
# 9.5 pt on 2.3 lines, English 8.5 pt on 1.45: at equal widths the Urdu column ran 1.8x as
# tall, and every row of Arabic left a gap under its English). Kept within these shares.
COLUMN_SHARES = (0.38, 0.62)
# A letter's average width by text font, against Noto Serif's, measured on the corpus
# side by side (at equal widths and size x pitch alone, Naskh columns ended 20 % short).
LETTER_WIDTH = {"Noto Naskh Arabic": 0.8, "Noto Nastaliq Urdu": 0.9}


def column_width(edition: Edition, other: Edition) -> float:
    """The percentage of the side-by-side table's width that `edition`'s column takes."""
    def need(e: Edition) -> float:
        profile = languages.get(e.language)
        letters = sum(len(piece.text) for unit in e.units for row in unit.rows
                      for piece in row)
        size = profile.parallel_font_size_pt
        width = LETTER_WIDTH.get(profile.fonts.text[0], 1.0)
        return max(letters, 1) * width * size * size * profile.line_height_in_columns

    share = need(edition) / (need(edition) + need(other))
    return round(100 * min(max(share, COLUMN_SHARES[0]), COLUMN_SHARES[1]), 1)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("workflow", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(direction=direction, native_name=native_name, row_html=row_html,
                       title_row=title_row,
                       break_addresses=lambda text: Markup(break_addresses(str(escape(text)))),
                       version=__version__, render_inline=render_inline,
                       language_name=language_name, label=label, typography=typography,
                       html_lang=lambda code: languages.get(code).html_lang,
                       column_width=column_width, heading_level=heading_level,
                       own_leading=lambda code: languages.get(code).columns_line_height is not None)
    return env


ENVIRONMENT = _environment()


def render_html(layout: str, editions: list[Edition], build_date: str, page_size: str,
                digits: Mapping[str, str] | None = None, qr_url: str | None = None) -> str:
    """The HTML of one pamphlet: layout is 'single', 'parallel' or 'multilingual'.
    `digits` maps a language to the digits it is printed in (default: its profile's);
    `qr_url`: the web page its colophon's QR code leads to."""
    from workflow.render.qr import qr_code

    template = ENVIRONMENT.get_template(f"{layout}.html.j2")
    first = editions[0]
    digits = dict(digits or {})
    draft = any(e.is_draft for e in editions)
    return template.render(
        date_of=lambda edition: date_text(edition.statement.date, edition.language, digits),
        say=lambda key, language, **values: say(key, language, digits, **values),
        status_of=lambda edition: status_html(edition, digits),
        editions=editions,
        edition=first,
        statement=first.statement,
        draft=draft,
        build_date=build_date,
        page_size=page_size,
        languages=[e.language for e in editions],
        qr=qr_code(qr_url) if qr_url else None,
    )
