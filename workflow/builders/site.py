"""The web edition (build/site/): per language an index, statement pages, a feed; sitemap, fonts."""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from markupsafe import Markup

from workflow import languages
from workflow.builders import cards, register
from workflow.builders.base import Builder, Job, Selection
from workflow.config import Project
from workflow.edition import Edition, Piece
from workflow.fsutil import refuse_links
from workflow.outputs import PRINT, folder, plan_outputs

if TYPE_CHECKING:
    from workflow.corpus import Corpus

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SITE_DIR = "site"
FONT_CACHE = ".webfonts"  # in build/: WOFF2 subsets, named by font file and characters
STYLE_PLACEHOLDER = "/*@font-face*/"
PRELOAD_PLACEHOLDER = "<!--preload-->\n"


@dataclass(frozen=True)
class Download:
    """A file the page links to (a PDF, the print bundle), copied into the site."""

    label: Markup
    path: str  # in the site
    data: bytes = field(repr=False)


@dataclass
class Entry:
    """One statement on the site: its editions that are published, by language."""

    slug: str
    source: Edition  # in the statement's own language
    languages: tuple[str, ...]  # every language the project gives it, its own first
    editions: dict[str, Edition]  # the published ones
    quotes: dict[str, Piece]
    downloads: dict[str, list[Download]]

    @property
    def statement(self):
        return self.source.statement

    @property
    def original(self) -> str:
        return self.statement.language


@dataclass(frozen=True)
class SiteSettings:
    site_url: str | None
    date: str
    digits: Mapping[str, str]
    languages: tuple[str, ...]  # the project's, its source language first
    final: bool


# Paths -------------------------------------------------------------------------------


def page_path(language: str, slug: str) -> str:
    return f"{language}/{slug}.html"


def index_path(language: str) -> str:
    return f"{language}/index.html"


def relative(source: str, target: str) -> str:
    """A link from the page at `source` to `target`, both relative to the site: the
    folder can be served from any path, or opened from disk."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def absolute(settings: SiteSettings, path: str) -> str | None:
    if not settings.site_url:
        return None
    return settings.site_url.rstrip("/") + "/" + path


def link(settings: SiteSettings, source: str, target: str) -> str:
    """Absolute where `site_url` is set (canonical, alternates, feeds), else relative."""
    return absolute(settings, target) or relative(source, target)


# Gathering (reads the project) -----------------------------------------------------------


def collect(corpus: Corpus, final: bool, keep: int | None, date: str) -> list[Entry]:
    """Every statement with the editions the review gate publishes: all of them in a draft
    build; under `final` only those ready (reviewed, or above `keep`), as for the PDFs."""
    from workflow.gate import gate_blockers

    project = corpus.project
    entries = []
    for slug in corpus.slugs():
        language = corpus.language(slug)
        langs = (language, *project.target_languages(language))
        editions = corpus.editions(slug, langs, not final)
        source = editions[0]
        published = {e.language: e for e in editions
                     if not final or not gate_blockers([e], keep)}
        quotes = {lang: cards.pull_quote(source, e) for lang, e in published.items()}
        entries.append(Entry(slug, source, langs, published, quotes,
                             _downloads(project, slug, langs, published, date)))
    return entries


def _downloads(project: Project, slug: str, langs: tuple[str, ...],
               published: Mapping[str, Edition], date: str) -> dict[str, list[Download]]:
    """The screen PDFs a build left of each published language, and the print bundle."""
    from workflow.render.html import language_name, say

    found: dict[str, list[Download]] = {lang: [] for lang in published}
    outputs = plan_outputs(project, slug, source_language=langs[0])
    for output in outputs:
        if not output.path.is_file() or not set(output.languages) <= set(published):
            continue
        data = output.path.read_bytes()
        target = f"pdf/{slug}/{output.path.name}"
        if output.layout == "single":
            shown = [output.languages[0]]
        elif output.layout == "parallel":
            shown = [output.languages[1]]
        else:
            shown = list(published)
        for lang in shown:
            if output.layout == "parallel":
                label = say("pdf_parallel", lang, source=language_name(langs[0], lang))
            else:
                label = say(f"pdf_{output.layout}", lang)
            found[lang].append(Download(label, target, data))
    bundle = folder(project, slug, PRINT)
    if (bundle / "manifest.json").is_file() and not bundle.is_symlink():
        data = _zip_folder(bundle, date)
        for lang in published:
            found[lang].append(Download(say("print_bundle", lang),
                                        f"print/{slug}.print.zip", data))
    return found


def _zip_folder(path: Path, date: str) -> bytes:
    """A folder as a ZIP whose bytes depend only on its files (names sorted, the date of
    every entry the build date)."""
    year, month, day = (int(p) for p in date.split("-"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()
                           and not p.name.startswith(".")):
            info = zipfile.ZipInfo(f"{path.name}/{item.relative_to(path).as_posix()}",
                                   date_time=(year, month, day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, item.read_bytes())
    return buffer.getvalue()


# Rendering (pure: entries and settings in, files out) ------------------------------------


def _environment():
    from workflow.render.html import ENVIRONMENT

    return ENVIRONMENT


def _date(edition_or_lang, value: str, settings: SiteSettings) -> str:
    from workflow.render.html import date_text

    return date_text(value, edition_or_lang, settings.digits)


def _say(settings: SiteSettings):
    from workflow.render.html import say

    return lambda key, language, **values: say(key, language, settings.digits, **values)


def render_page(entry: Entry, language: str, settings: SiteSettings) -> str:
    """The HTML of one statement in one language (fonts not yet in it)."""
    from workflow.render.html import status_html

    edition = entry.editions[language]
    path = page_path(language, entry.slug)
    switcher = []
    for lang in entry.languages:
        if lang in entry.editions:
            switcher.append({"lang": lang, "href": relative(path, page_path(lang, entry.slug)),
                             "current": lang == language, "missing": None})
        else:
            switcher.append({"lang": lang, "current": False,
                             "href": relative(path, page_path(entry.original, entry.slug)),
                             "missing": _say(settings)("not_translated", lang)})
    alternates = [(lang, link(settings, path, page_path(lang, entry.slug)))
                  for lang in entry.languages if lang in entry.editions]
    alternates.append(("x-default", link(settings, path, page_path(entry.original,
                                                                    entry.slug))))
    card = cards.cards_of(entry.slug, language)[0]
    quote = entry.quotes[language]
    date = _date(language, entry.statement.date, settings)
    return _environment().get_template("site/page.html.j2").render(
        edition=edition, editions=[edition], statement=entry.statement, language=language,
        path=path, switcher=switcher, alternates=alternates,
        canonical=absolute(settings, path),
        style=relative(path, "style.css"), icon=relative(path, "favicon.svg"),
        feed=relative(path, f"{language}/feed.atom"),
        index=relative(path, index_path(language)),
        description=cards.plain_text(quote),
        card={"url": link(settings, path, card.path), "width": card.size[0],
              "height": card.size[1], "alt": cards.alt_text(edition, quote, date)},
        og_locale=og_locale(language),
        downloads=[(d.label, relative(path, d.path)) for d in entry.downloads[language]],
        draft=edition.is_draft,
        say=_say(settings),
        date_of=lambda e: _date(e.language, e.statement.date, settings),
        status_of=lambda e: status_html(e, settings.digits),
        build_date=settings.date,
    )


def render_index(entries: list[Entry], language: str, settings: SiteSettings) -> str:
    """A language's list of statements, newest first; those not yet in it link the original."""
    path = index_path(language)
    items = []
    for entry in newest_first(entries):
        shown = entry.editions.get(language) or entry.editions.get(entry.original)
        if shown is None:
            continue
        published = language in entry.editions
        items.append({"edition": shown,
                      "href": relative(path, page_path(shown.language, entry.slug)),
                      "missing": None if published else _say(settings)("not_translated",
                                                                      language),
                      "date": _date(language, entry.statement.date, settings)})
    alternates = [(lang, link(settings, path, index_path(lang))) for lang in settings.languages]
    alternates.append(("x-default", link(settings, path, "index.html")))
    switcher = [{"lang": lang, "href": relative(path, index_path(lang)),
                 "current": lang == language, "missing": None} for lang in settings.languages]
    return _environment().get_template("site/index.html.j2").render(
        language=language, items=items, path=path, alternates=alternates,
        canonical=absolute(settings, path), switcher=switcher,
        style=relative(path, "style.css"), icon=relative(path, "favicon.svg"),
        feed=relative(path, f"{language}/feed.atom"), say=_say(settings),
        og_locale=og_locale(language), build_date=settings.date)


def render_root(settings: SiteSettings) -> str:
    """site/index.html: every language's index, each named in its own language."""
    path = "index.html"
    alternates = [(lang, link(settings, path, index_path(lang))) for lang in settings.languages]
    alternates.append(("x-default", link(settings, path, path)))
    return _environment().get_template("site/root.html.j2").render(
        language=settings.languages[0], path=path, alternates=alternates,
        canonical=absolute(settings, path),
        choices=[{"lang": lang, "href": index_path(lang)} for lang in settings.languages],
        style="style.css", icon="favicon.svg", say=_say(settings),
        og_locale=og_locale(settings.languages[0]), build_date=settings.date)


def newest_first(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.statement.date, e.slug), reverse=True)


def og_locale(language: str) -> str:
    """Open Graph's locale (language_TERRITORY): babel's likeliest territory for it."""
    from babel.core import get_global

    likely = get_global("likely_subtags").get(languages.get(language).locale.language, "")
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else language


def feed(entries: list[Entry], language: str, settings: SiteSettings) -> str:
    """An Atom feed (RFC 4287) of the statements published in `language`."""
    path = f"{language}/feed.atom"
    shown = [e for e in newest_first(entries) if language in e.editions]
    say = _say(settings)
    feed_id = absolute(settings, path) or f"urn:pamphlet:feed:{language}"
    updated = _rfc3339(shown[0].statement.date if shown else settings.date)
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">',
             f"<title>{xml_escape(str(say('statements', language)))}</title>",
             f"<id>{xml_escape(feed_id)}</id>", f"<updated>{updated}</updated>",
             f'<link rel="self" href={quoteattr(link(settings, path, path))}/>',
             f'<link rel="alternate" type="text/html" '
             f'href={quoteattr(link(settings, path, index_path(language)))}/>']
    for entry in shown:
        edition = entry.editions[language]
        page = page_path(language, entry.slug)
        lines += ["<entry>",
                  f"<title>{xml_escape(cards.plain_text(edition.title))}</title>",
                  f"<id>{xml_escape(absolute(settings, page) or f'urn:pamphlet:{entry.slug}:{language}')}</id>",  # noqa: E501
                  f'<link rel="alternate" type="text/html" href={quoteattr(link(settings, path, page))}/>',  # noqa: E501
                  f"<updated>{_rfc3339(entry.statement.date)}</updated>",
                  f"<author><name>{xml_escape(cards.plain_text(edition.author))}</name></author>",
                  f"<summary>{xml_escape(cards.plain_text(entry.quotes[language]))}</summary>",
                  "</entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _rfc3339(value: str) -> str:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return datetime(parts[0], parts[1], parts[2]).strftime("%Y-%m-%dT00:00:00Z")


def sitemap(entries: list[Entry], settings: SiteSettings) -> str:
    """sitemap.xml with each page's language alternates (needs `site_url`: a sitemap
    holds absolute URLs only)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
             ' xmlns:xhtml="http://www.w3.org/1999/xhtml">']

    def url(path: str, alternates: list[tuple[str, str]]) -> None:
        lines.append(f"<url><loc>{xml_escape(absolute(settings, path) or '')}</loc>")
        for lang, target in alternates:
            lines.append(f'<xhtml:link rel="alternate" hreflang="{lang}"'
                         f' href={quoteattr(absolute(settings, target) or "")}/>')
        lines.append("</url>")

    indexes = [(lang, index_path(lang)) for lang in settings.languages]
    url("index.html", [*indexes, ("x-default", "index.html")])
    for _, path in indexes:
        url(path, [*indexes, ("x-default", "index.html")])
    for entry in sorted(entries, key=lambda e: e.slug):
        alternates = [(lang, page_path(lang, entry.slug)) for lang in entry.languages
                      if lang in entry.editions]
        alternates.append(("x-default", page_path(entry.original, entry.slug)))
        for lang in entry.languages:
            if lang in entry.editions:
                url(page_path(lang, entry.slug), alternates)
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def stylesheet(settings: SiteSettings) -> str:
    """style.css: the shared rules, then each language's fonts, size and leading (from its
    profile, as the PDFs' per-language rules are)."""
    from workflow.render.stylesheet import counter_style, families

    rules = [files("workflow").joinpath("styles", "site.css").read_text("utf-8")]
    for code in languages.codes():
        profile = languages.get(code)
        ratio = profile.font_size_pt / 10
        # [lang] rather than :lang(): an element inherits its font from its parent (a span
        # of a title keeps the title's face); only an element that names a language
        # takes that language's fonts.
        heading = ":is(h1, h2, h3, .furniture)"
        rules.append(
            f'[lang="{code}"] {{ font-family: {families(profile.font_stack("text"))}; }}\n'
            f'[lang="{code}"] {heading}, {heading}[lang="{code}"], {heading} [lang="{code}"]'
            f' {{ font-family: {families(profile.font_stack("heading"))};'
            f" line-height: {profile.heading_line_height or 1.3:g}; }}\n"
            f"main p:lang({code}), main li:lang({code}), main blockquote:lang({code})"
            f" {{ font-size: {ratio:.3g}em; line-height: {profile.line_height + 0.15:.3g}; }}\n"
            f"ol:lang({code}) {{ list-style-type:"
            f" {counter_style(settings.digits.get(code, profile.digits))}; }}")
    return "\n".join(rules) + "\n"


FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
           '<rect width="16" height="16" rx="2" fill="#b3202a"/>'
           '<path d="M4 3h5a3 3 0 0 1 0 6H6v4H4z" fill="#fff"/></svg>\n')


def with_fonts(html: str, path: str, faces: list, made: Mapping[str, bytes]) -> str:
    """The page with its @font-face rules (each face subset to the characters the page
    shows in the languages that use it), their CSP hash and the preloads of its own."""
    from workflow.render import webfonts

    rules = [webfonts.font_face_css(face, relative(path, f"fonts/{face.file_name}"))
             for face in faces]
    style = "\n".join(rules)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    html = html.replace(STYLE_PLACEHOLDER, style, 1)
    html = html.replace("{csp-style}", f"'sha256-{digest}'", 1)
    # The faces of the page's own text come with the HTML, not after the stylesheet: no
    # text drawn twice, nothing shifted (font-display: block waits for them, briefly).
    language = root_language(html)
    first = {languages.get(language).font_stack(role)[0] for role in webfonts.ROLES}
    preloads = "".join(
        f'<link rel="preload" href="{relative(path, f"fonts/{face.file_name}")}" as="font"'
        f' type="font/woff2" crossorigin>\n'
        for face in faces if face.family in first and (face.weight == 400 or face.family in
                                                       _heading_families(language)))
    return html.replace(PRELOAD_PLACEHOLDER, preloads, 1)


def page_fonts(pages: Mapping[str, str], font_cache: Path | None
               ) -> tuple[dict[str, list], dict[str, bytes]]:
    """The faces of each page and the WOFF2 files: each face cut once to every character
    the site sets in it, then to each page's own."""
    from workflow.render import webfonts

    faces = {path: webfonts.faces(text_by_language(html), bold_text="<strong>" in html)
             for path, html in pages.items()}
    union: dict[tuple[str, int], set[str]] = {}
    for page_faces in faces.values():
        for face in page_faces:
            union.setdefault((face.family, face.weight), set()).update(face.chars)
    made = {}
    for page_faces in faces.values():
        for face in page_faces:
            target = f"fonts/{face.file_name}"
            if target not in made:
                every = "".join(sorted(union[(face.family, face.weight)]
                                       | webfonts.base_chars(face)))
                made[target] = webfonts.subset_woff2(face, font_cache, every)
    return faces, made


def root_language(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    return found.group(1) if found and found.group(1) in languages.codes() else "en"


def _heading_families(language: str) -> set[str]:
    return {languages.get(language).font_stack("heading")[0]}


class _TextByLanguage(HTMLParser):
    """Text nodes by the language of the element holding them (its nearest `lang`)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
            "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.found: dict[str, set[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        language = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else "en")
        self.stack.append((tag, language or "en"))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] not in ("style", "script"):
            self.found.setdefault(self.stack[-1][1], set()).update(data)


def text_by_language(html: str) -> dict[str, str]:
    """The characters of the page's text (and its title) by the language of the element
    that holds them, as the browser's :lang() sees it."""
    parser = _TextByLanguage()
    parser.feed(html)
    parser.close()
    return {lang: "".join(sorted(chars)) for lang, chars in sorted(parser.found.items())
            if lang in languages.codes()}


def render_site(entries: list[Entry], settings: SiteSettings,
                font_cache: Path | None = None) -> dict[str, bytes]:
    """Every file of the site but the cards, by path in the site."""
    out: dict[str, bytes] = {}
    pages: dict[str, str] = {}

    def page(path: str, html: str) -> None:
        pages[path] = html

    page("index.html", render_root(settings))
    for language in settings.languages:
        page(index_path(language), render_index(entries, language, settings))
        out[f"{language}/feed.atom"] = feed(entries, language, settings).encode()
    for entry in entries:
        for language in entry.editions:
            page(page_path(language, entry.slug), render_page(entry, language, settings))
            for download in entry.downloads[language]:
                out[download.path] = download.data
    faces, fonts = page_fonts(pages, font_cache)
    for path, html in pages.items():
        out[path] = with_fonts(html, path, faces[path], fonts).encode()
    out.update(fonts)
    out["style.css"] = stylesheet(settings).encode()
    out["favicon.svg"] = FAVICON.encode()
    if settings.site_url:
        out["sitemap.xml"] = sitemap(entries, settings).encode()
        out["robots.txt"] = (f"User-agent: *\nAllow: /\n"
                             f"Sitemap: {absolute(settings, 'sitemap.xml')}\n").encode()
    return dict(sorted(out.items()))


# The builder ------------------------------------------------------------------------------


def site_settings(project: Project, final: bool, date: str) -> SiteSettings:
    ordered = (project.source_language,
               *[lang for lang in project.languages if lang != project.source_language])
    return SiteSettings(project.site_url, date,
                        {lang: project.digits(lang) for lang in project.languages},
                        ordered, final)


@dataclass(frozen=True)
class CardWork:
    edition: Edition
    quote: Piece
    date: str


class WebEdition(Builder):
    """build/site/: a job per edition for its share images (set by WeasyPrint in a worker,
    skipped while unchanged); the pages, feeds, fonts and sitemap in finish()."""

    name = "web"
    description = "the web edition in build/site/ with share images (pamphlet serve shows it)"
    preload = ("workflow.builders.cards", "weasyprint")

    def plan(self, corpus: Corpus, selection: Selection, slug: str) -> list[Job]:
        project = corpus.project
        original = corpus.language(slug)
        jobs = []
        for language in (original, *project.target_languages(original)):
            if selection.languages and language not in selection.languages:
                continue
            made = cards.cards_of(slug, language)
            root = project.build / SITE_DIR
            paths = [root / p for card in made for p in (card.path, card.alt_path)]
            jobs.append(Job(self.name, slug, (language,), paths[0], f"card {language}",
                            language, tuple(paths[1:]), None, 1))
        return jobs

    def fingerprint(self, corpus: Corpus, selection: Selection, job: Job) -> str:
        from workflow.render.fonts import fonts_fingerprint

        # the quote is found in the statement's own edition too
        language = job.languages[0]
        original = corpus.language(job.slug)
        source = corpus.project.po_path(job.slug, original)
        return "\0".join([corpus.project.digits(language), fonts_fingerprint(job.languages),
                          corpus.digest(source) if source.exists() else ""])

    def load(self, corpus: Corpus, selection: Selection, job: Job) -> Job:
        from workflow.render.html import date_text

        language = job.languages[0]
        original = corpus.language(job.slug)
        source = corpus.edition(job.slug, original, not selection.final)
        edition = corpus.edition(job.slug, language, not selection.final)
        date = date_text(edition.statement.date, language,
                         {language: corpus.project.digits(language)})
        return replace(job, data=CardWork(edition, cards.pull_quote(source, edition), date))

    def setup_worker(self) -> None:
        from workflow.render.typeset import setup

        setup()

    def render(self, project: Project, job: Job) -> dict[Path, bytes]:
        work: CardWork = job.data
        root = project.build / SITE_DIR
        return {root / name: data for name, data in
                cards.render_cards(work.edition, work.quote, work.date).items()}

    def finish(self, corpus: Corpus, selection: Selection, jobs: list[Job],
               report) -> dict[Path, bytes]:
        """The pages, feeds, fonts, copies of the PDFs and the sitemap, for every statement
        (the site is one whole); what the site no longer holds (a language held back, say)
        is removed, the share images of published editions kept."""
        project = corpus.project
        root = project.build / SITE_DIR
        refuse_links(project.root, root)
        settings = site_settings(project, selection.final, selection.date)
        entries = collect(corpus, selection.final, selection.keep, selection.date)
        wanted = {root / name: data for name, data in
                  render_site(entries, settings, project.build / FONT_CACHE).items()}
        keep = set(wanted)
        for entry in entries:
            for language in entry.editions:
                for card in cards.cards_of(entry.slug, language):
                    keep.update((root / card.path, root / card.alt_path))
        prune(project, root, keep)
        log.info("site: %d file(s) in %s", len(wanted), project.relative(root))
        return wanted


def prune(project: Project, root: Path, keep: set[Path]) -> list[Path]:
    """Remove what `root` holds beyond `keep` (links removed, never followed)."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_symlink() or path.is_file():
            if path not in keep:
                refuse_links(project.root, path.parent)
                path.unlink()
                removed.append(path)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


register(WebEdition())
