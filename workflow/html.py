"""Stage editions -> HTML: jinja2 templates, safe inline Markdown, bidi-correct runs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape
from itertools import groupby

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from workflow import __version__, languages
from workflow.edition import Edition, Piece
from workflow.languages import direction, native_name
from workflow.stylesheet import language_css

# Raw HTML in a translation is shown as text (html=False escapes it); markdown-it refuses
# javascript:, vbscript:, file: and data: links itself; we allow only web and mail links.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
    ["image", "html_inline"]
)
SAFE_LINK = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_markdown.validateLink = lambda url: bool(SAFE_LINK.match(url.strip()))

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
    pieces, cursor = [], 0
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
    open_controls: list[str] = []
    for char in text:
        if char in BIDI_OPENERS:
            open_controls.append(BIDI_OPENERS[char])
        elif char == PDF and open_controls and open_controls[-1] == PDF:
            open_controls.pop()
        elif char == PDI and PDI in open_controls:
            while open_controls.pop() != PDI:
                pass
    return text + "".join(reversed(open_controls))


STATE_CLASSES = {"machine": "mt", "fuzzy": "mt", "untranslated": "untranslated"}


def piece_html(piece: Piece) -> str:
    """One segment's inline HTML, its left-to-right runs wrapped if it is right-to-left."""
    html = render_inline(close_bidi_controls(piece.text))
    return wrap_ltr_runs(html) if direction(piece.language) == "rtl" else html


def row_html(pieces: tuple[Piece, ...], language: str) -> Markup:
    """A line of segments in the flow of a `language` paragraph.

    Consecutive segments in one language and state share one element: WeasyPrint resolves
    bidi per element, so English sentences left in a Persian paragraph, each in its own
    element, would be laid out right to left as a sequence and print out of order.
    """
    parts = []
    for (piece_language, css), run in groupby(
            pieces, key=lambda p: (p.language, STATE_CLASSES.get(p.state))):
        run = list(run)
        html = "".join(piece_html(p) + (" " if p.tail else "") for p in run[:-1])
        html += piece_html(run[-1])
        attributes = f' class="{css}"' if css else ""
        if piece_language != language:
            attributes += f' lang="{piece_language}" dir="{direction(piece_language)}"'
            if direction(language) == "rtl" and direction(piece_language) == "ltr":
                html = f'<span dir="ltr">{html}</span>'
        if attributes:
            html = f"<span{attributes}>{html}</span>"
        parts.append(html + (" " if run[-1].tail else ""))
    return Markup("".join(parts))


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
               source=native_name(edition.statement.language))


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("workflow", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(direction=direction, native_name=native_name, row_html=row_html,
                       version=__version__, render_inline=render_inline,
                       html_lang=lambda code: languages.get(code).html_lang)
    return env


ENVIRONMENT = _environment()


def render_html(layout: str, editions: list[Edition], build_date: str, page_size: str,
                digits: Mapping[str, str] | None = None) -> str:
    """The HTML of one pamphlet: layout is 'single', 'parallel' or 'multilingual'.
    `digits` maps a language to the digits it is printed in (default: its profile's)."""
    template = ENVIRONMENT.get_template(f"{layout}.html.j2")
    first = editions[0]
    digits = dict(digits or {})
    draft = any(e.is_draft for e in editions)
    return template.render(
        language_css=Markup(language_css(digits, draft)),  # ours, from the profiles
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
    )
