"""Everything WeasyPrint-specific: its import without compiler runs, the fetcher that
refuses every URL, the tagging patch, font configuration, our stylesheets, the layout and
the fitting pass (line heights tried against runt pages and wasted print sheets)."""

from __future__ import annotations

import io
import logging
import re
import sys
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from workflow.errors import PamphletError

if TYPE_CHECKING:
    from workflow.pdf.settings import PrintSettings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


@cache
def import_weasyprint() -> None:
    """Import WeasyPrint without its library search spawning compilers.

    WeasyPrint asks cffi for each C library under several names, the first ones for other
    systems; cffi looks a name it cannot load up with ctypes.util.find_library, which runs
    ldconfig, gcc and ld (215 processes, 0.3-0.4 s per build). On Linux the names that
    follow (libpango-1.0.so.0, ...) load directly, so the lookup is skipped; if WeasyPrint
    then fails to load, it is imported again the ordinary way.
    """
    import ctypes.util

    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        return
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except OSError:
        for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = real
    import weasyprint  # noqa: F401, F811


@cache
def _weasyprint():
    """WeasyPrint's font configuration and our parsed stylesheet, made once per process."""
    import_weasyprint()
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    from workflow.render import tagging, textlayer

    tagging.install()  # /Lang on the structure elements of tagged (PDF/UA) files
    textlayer.install()  # Arabic-script text that copies out as written
    font_config = FontConfiguration()
    stylesheet = files("workflow").joinpath("styles", "pamphlet.css").read_text("utf-8")
    css = CSS(string=stylesheet, font_config=font_config, url_fetcher=_fetcher())
    return font_config, css


def _refusing_fetcher():
    """A WeasyPrint URL fetcher that refuses every URL and stops the rendering: pamphlets
    embed nothing from outside (fonts come from fontconfig), so a hostile translation can
    never make the build read a file or the network."""
    import_weasyprint()
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise PamphletError(f"refused to fetch {url!r}: pamphlets load no external files")

        __call__ = fetch

    return RefusingFetcher(fail_on_errors=True)


def __getattr__(name: str):
    # Made on first use, not at import: importing WeasyPrint takes 0.7 s, which a build
    # with nothing to render (and every other command) must not pay.
    if name == "restricted_fetcher":
        globals()[name] = _refusing_fetcher()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _fetcher():
    """restricted_fetcher, through the module so that tests can replace it."""
    return globals().get("restricted_fetcher") or __getattr__("restricted_fetcher")


@cache
def _language_stylesheet(text: str):
    """The generated per-language rules, parsed once per distinct text (a handful: one
    per digits setting, draft or final)."""
    from weasyprint import CSS

    font_config, _ = _weasyprint()
    return CSS(string=text, font_config=font_config, url_fetcher=_fetcher())


@cache
def _size_stylesheet(page_size: str):
    """styles/A4.css or styles/letter.css: type, measure and cover of the larger pages."""
    from weasyprint import CSS

    sheet = files("workflow").joinpath("styles", f"{page_size}.css")
    if not sheet.is_file():
        return None
    font_config, _ = _weasyprint()
    return CSS(string=sheet.read_text("utf-8"), font_config=font_config,
               url_fetcher=_fetcher())


@cache
def two_columns(page_size: str) -> bool:
    """Whether the page size's sheet sets article text in two columns (A4, letter)."""
    sheet = files("workflow").joinpath("styles", f"{page_size}.css")
    return sheet.is_file() and re.search(r"article\.text[^{]*\{[^}]*\bcolumns:\s*2\b",
                                         sheet.read_text("utf-8")) is not None


def render_document(html: str, base: Path, printing: PrintSettings | None = None,
                    language_css: str = "", page_size: str = "A5"):
    """WeasyPrint's laid-out Document of the HTML with our stylesheets (pamphlet.css, then
    the rules generated from the language profiles, same origin, so the cascade is
    specificity and order), and the write_pdf() options to go with it."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    font_config, css = _weasyprint()
    stylesheets: list = [css]
    # Screen PDFs are tagged as the pdf/ua-1 print variant is (each element's /Lang too):
    # a screen reader reads their structure, headings and languages.
    options: dict = {"pdf_tags": True}
    if language_css:
        stylesheets.append(_language_stylesheet(language_css))
    if _size_stylesheet(page_size):
        stylesheets.append(_size_stylesheet(page_size))
    if printing:  # bleed, the PDF variant, a CMYK output intent for PDF/X
        from workflow.pdf.prepress import render_options

        extra, options = render_options(printing)
        stylesheets += extra
    try:
        document = HTML(string=html, base_url=str(base), url_fetcher=_fetcher()).render(
            stylesheets=stylesheets, font_config=font_config, **options)
    except FatalURLFetchingError as error:
        raise PamphletError(f"{error.__cause__ or error}") from None
    return document, options


def write_document(document, options: dict) -> bytes:
    buffer = io.BytesIO()
    document.write_pdf(buffer, **options)
    return buffer.getvalue()


def render_pdf(html: str, base: Path, printing: PrintSettings | None = None,
               language_css: str = "") -> bytes:
    """A PDF of the HTML with our stylesheets (see render_document)."""
    return write_document(*render_document(html, base, printing, language_css))


# The fitting pass: line heights tried, in order, when a layout leaves a runt (a page of
# text with this many lines or fewer) or, for print, one page over a multiple of 4.
LEADINGS = (1.0, 0.965, 1.04, 0.93, 1.08)
RUNT_LINES = 4


def _text_lines(page) -> int | None:
    """Lines of text on a laid-out page, in its fuller column (a page of two columns with
    a list item in one and a URL in the other is a runt too), its margin boxes (header,
    number) left out; None for the contents page, whose few lines are its design."""
    from weasyprint.formatting_structure import boxes

    middle = page._page_box.margin_width() / 2
    # (box, its column, whether it is in a cell): a column of text is the side of the
    # middle its block starts on (a line box is only as wide as its text and set at its
    # start, so a short right-to-left or centred line starts right of the middle in one
    # column too); side by side, each cell of a row is a column of its own, wherever the
    # cells meet (their widths follow the texts: a wide Urdu column starts left of the
    # middle, and its lines were counted with the other column's)
    counts, todo = [0, 0], [(page._page_box, 0, False)]
    while todo:
        box, column, in_cell = todo.pop()
        if isinstance(box, boxes.MarginBox):
            continue
        if getattr(box, "element_tag", None) == "nav":
            return None
        if isinstance(box, boxes.LineBox):
            counts[column] += any(
                isinstance(child, (boxes.TextBox, boxes.InlineBox)) for child in box.children)
            continue
        if isinstance(box, boxes.TableRowBox):
            todo.extend((cell, min(index, 1), True) for index, cell in enumerate(box.children))
            continue
        if isinstance(box, boxes.BlockContainerBox) and not in_cell:
            column = int(box.position_x >= middle)
        todo.extend((child, column, in_cell) for child in getattr(box, "children", ()))
    return max(counts)


def runt_pages(document) -> list[int]:
    """Indexes of the runt pages: pages of text, not the cover, the contents, the colophon
    or the back cover, with 1 to RUNT_LINES lines in their fuller column."""
    runts = []
    for index, page in enumerate(document.pages[1:], 1):
        if (page._page_box.page_type.name or "").endswith("-colophon"):
            continue
        lines = _text_lines(page)
        if lines is not None and 0 < lines <= RUNT_LINES:
            runts.append(index)
    return runts


def layout_faults(document, for_print: bool) -> tuple[int, int]:
    """(sheets a print booklet needs, runt pages): less is better (see runt_pages)."""
    return (-(-len(document.pages) // 4) if for_print else 0), len(runt_pages(document))


# The blank pages a print file of this many pages (its colophon on a page of its own) is
# left with at best, by its page count modulo 4: the colophon under the text's end takes
# one fewer when it fits there (not counted on), the back cover on a page of its own one
# more (see arranged).
PADDING_AT_BEST = {0: 0, 1: 2, 2: 1, 3: 0}


def _section_language(page) -> str | None:
    """The language of the multilingual edition's section (`<article class="text section
    lang-xx">`) a laid-out page holds; None for a page of no section."""
    todo = [page._page_box]
    while todo:
        box = todo.pop()
        element = getattr(box, "element", None)
        if element is not None and element.tag == "article":
            classes = (element.get("class") or "").split()
            if "section" in classes:
                return next((c[len("lang-"):] for c in classes if c.startswith("lang-")), None)
        todo.extend(getattr(box, "children", ()))
    return None


def typeset(html: str, base: Path, printing: PrintSettings | None, digits: dict,
            draft: bool, page_size: str = "A5") -> bytes:
    """The PDF of the HTML, laid out for its pages (see fit); the layouts of one PDF break
    each line of text once (render/linebreaks.py)."""
    from workflow.render.linebreaks import kept

    with kept():
        document, options = fit(html, base, printing, digits, draft, page_size)
    return write_document(document, options)


def fit(html: str, base: Path, printing: PrintSettings | None, digits: dict,
        draft: bool, page_size: str = "A5"):
    """The laid-out Document of the HTML and its write options. When the first layout leaves a runt
    page, or, for print, blank pages of padding that no arrangement of its end fills, the
    line height is tried a few percent tighter, then looser, then more so, and the layout
    with the fewest sheets, runts and blank pages wins, the first of equals. A runt left at
    the end of one section of a multilingual edition is then fitted in that section alone
    (`fit_sections`), and the end of a print file arranged last (`arranged`). Each layout
    is fitted first (cover, contents, hyphens: `fitted`)."""
    from workflow.render.fitting import (
        FRONT_SCALES,
        front_css,
        front_spills,
        header_faults,
        hyphen_faults,
        smaller_scale,
        url_faults,
    )
    from workflow.render.html import (
        fit_urls,
        keep_words_whole,
        section_alone,
        short_addresses,
    )
    from workflow.render.lineends import refused
    from workflow.render.stylesheet import language_css, running_css, section_leading_css

    scales = {"cover": 1.0, "contents": 1.0}
    whole: set[str] = set()
    # URLs set whole, at this share of their size: the short ones from the start
    urls: dict[tuple[int, str], float] = dict.fromkeys(short_addresses(html), 1.0)
    sections: dict[str, float] = {}  # line heights of single sections (multilingual)
    running: dict[str, str] = {}  # running titles cut to the header's one line, by language
    columns = two_columns(page_size)
    extra = [""]  # how the end of a print file is arranged: see `arranged`

    def render(leading: float, alone: str | None = None):
        """The layout at `leading` as fitted so far; `alone`: only the section in this
        language (html.section_alone), None where there is none."""
        edition = fit_urls(keep_words_whole(html, whole), urls)
        text = edition if alone is None else section_alone(edition, alone)
        if text is None:
            return None, {}
        # Ladders' third hyphens, those before a short last line and at a page turn are
        # refused while the lines are broken: hyphen_faults finds what that missed.
        with refused():
            return render_document(text, base, printing,
                                   language_css(digits, draft, leading, columns)
                                   + front_css(scales)
                                   + section_leading_css(sections, columns)
                                   + running_css(running) + extra[0],
                                   page_size)

    def fitted(leading: float):
        """The layout at `leading`, its cover and contents set smaller until each fits
        its page, words whose hyphen a typesetter would take back kept whole, and running
        titles too long for the header's one line cut (fitting.header_faults)."""

        document, options = render(leading)
        for _ in range(len(FRONT_SCALES) + 3):
            spills = {part: share for part, share in front_spills(document).items()
                      if scales[part] > FRONT_SCALES[-1]}
            for part, share in spills.items():
                scales[part] = smaller_scale(scales[part], share)
            words = hyphen_faults(document) - whole
            whole.update(words)
            broken = url_faults(document, urls)
            urls.update(broken)
            for place in [place for place, scale in broken.items() if not scale]:
                del urls[place]  # whole, it would be smaller than URL_FLOOR: it breaks
            # (a title whose first word alone overruns the line is cut no further)
            headers = {code: title for code, title in header_faults(document).items()
                       if running.get(code) != title}
            running.update(headers)
            if not spills and not words and not broken and not headers:
                break
            log.info("typeset again: %s", ", ".join(
                [f"{part} at {scales[part]:g}" for part in sorted(spills)]
                + [f"{word} whole" for word in sorted(words)]
                + [f"{url} at {scale:g}" if scale else f"{url} broken"
                   for (_, url), scale in sorted(broken.items())]
                + [f"running title {title}" for title in sorted(headers.values())]))
            document, options = render(leading)
        return document, options

    def padding(document) -> int:
        return PADDING_AT_BEST[len(document.pages) % 4] if printing is not None else 0

    # the best layout so far, by (faults, padding, the first of equals): only it is kept
    # (a laid-out document is large: five of a 19-page edition were held at once)
    best: tuple | None = None
    for index, leading in enumerate(LEADINGS):
        document, options = fitted(leading)
        faults = layout_faults(document, printing is not None)
        if index == 0 and faults[1]:
            # A multilingual edition's runts, each at the end of a section: each section
            # fitted alone first, as most of the edition keeps its pages.
            document, options, faults = sections_alone(
                document, options, faults, leading, sections, render, fitted,
                printing is not None)
        rank = (faults, padding(document), index)
        if best is None or rank < best[0]:
            best = (rank, document, options)
        del document, options
        if faults[1] == 0 and rank[1] == 0:
            break
    assert best is not None
    (faults, _, index), document, options = best
    if index:
        log.info("line height x %g: %s", LEADINGS[index],
                 "no runt page" if not faults[1] else "fewer sheets or blank pages")
    if faults[1]:
        document, options = fit_sections(document, options, LEADINGS[index], sections,
                                         fitted, printing is not None)
    if printing is not None:
        document, options = arranged(document, options, LEADINGS[index], extra, fitted)
    return document, options


def sections_alone(document, options, faults: tuple[int, int], leading: float,
                   sections: dict[str, float], render, fitted, for_print: bool):
    """The first layout of a multilingual edition whose runt pages each end a section:
    each such section laid out alone (`render(leading, language)`, a few of the edition's
    pages) at the other line heights in turn, until one leaves it no runt; then the whole
    edition with those, kept where it has fewer runt pages and no more sheets. A try of
    the whole edition at another line height costs as much as the first layout, and most
    often moves the runt to another section."""
    found_in = [_section_language(document.pages[runt]) for runt in runt_pages(document)]
    languages = [language for language in found_in if language is not None]
    if not languages or len(languages) < len(found_in):
        return document, options, faults
    chosen: dict[str, float] = {}
    for language in dict.fromkeys(languages):
        for other in LEADINGS:
            if other == leading:
                continue
            sections[language] = other
            alone, _ = render(leading, language)
            del sections[language]
            # its first page is the empty one before the section (html.section_alone)
            if alone is not None and not runt_pages(alone):
                chosen[language] = other
                break
    if not chosen:
        return document, options, faults
    sections.update(chosen)
    candidate, candidate_options = fitted(leading)
    found = layout_faults(candidate, for_print)
    if found[0] <= faults[0] and found[1] < faults[1]:
        log.info("%s at line height %s alone: %d runt page(s) fewer", ", ".join(chosen),
                 ", ".join(f"x {chosen[language]:g}" for language in chosen),
                 faults[1] - found[1])
        return candidate, candidate_options, found
    for language in chosen:
        del sections[language]
    return document, options, faults


def fit_sections(document, options, leading: float, sections: dict[str, float], fitted,
                 for_print: bool):
    """A runt page in a section of a multilingual edition (its last few lines alone on a
    page): that section alone set a few percent tighter or looser. Sections open on a
    new page, so the others keep their pages; kept where it leaves fewer runt pages and
    no more sheets."""
    faults = layout_faults(document, for_print)
    for runt in runt_pages(document):
        language = _section_language(document.pages[runt])
        if language is None or language in sections:
            continue
        for other in LEADINGS:
            if other == leading:
                continue
            sections[language] = other
            candidate, candidate_options = fitted(leading)
            found = layout_faults(candidate, for_print)
            if found[0] <= faults[0] and found[1] < faults[1]:
                log.info("section %s at line height x %g: one runt page fewer", language,
                         other)
                document, options, faults = candidate, candidate_options, found
                break
            del sections[language]
    return document, options


def arranged(document, options, leading: float, extra: list[str], fitted):
    """The end of a print file arranged for as few blank pages of padding as can be. One
    page over a multiple of 4 (cover, three pages of text, colophon): the colophon under
    the text's end, if it fits there whole (at this line height or a tighter one), saves a
    sheet and 3 blank pages. Else, where padding is left, the back cover takes a page of
    its own, the last, after the colophon's (the inside back cover): a blank page fewer.
    It is what the colophon's page is otherwise: the organisation, the title, where to
    read it, the imprint."""
    from workflow.render.fitting import FRONT_SCALES, smaller_scale

    pages = len(document.pages)
    runts = layout_faults(document, True)[1]
    if pages % 4 == 1:
        # The text's last page may be too full for it: a tighter line height makes room.
        tighter = sorted((t for t in LEADINGS if t < leading), reverse=True)
        for each in (leading, *tighter):
            extra[0] = SHARED_COLOPHON
            shared, shared_options = fitted(each)
            if len(shared.pages) % 4 == 0 and layout_faults(shared, True)[1] <= runts:
                log.info("colophon under the text at line height x %g: %d pages", each,
                         len(shared.pages))
                return shared, shared_options
    scale = 1.0
    while pages % 4:
        # Set smaller, like the cover, while it runs onto a second page (many languages).
        extra[0] = BACK_COVER + f"\n:root {{ --back-scale: {scale:g}; }}"
        backed, backed_options = fitted(leading)
        count, backed_runts = len(backed.pages), layout_faults(backed, True)[1]
        if (-count % 4 < -pages % 4 and -(-count // 4) == -(-pages // 4)
                and backed_runts <= runts):
            log.info("back cover on a page of its own: %d pages", count)
            return backed, backed_options
        share = _back_cover_share(backed)
        log.info("back cover at %g: %d pages, %d runt pages", scale, count, backed_runts)
        if share is None or scale <= FRONT_SCALES[-1]:
            break
        scale = smaller_scale(scale, share)
        log.info("back cover again at %g", scale)
    return document, options


def _back_cover_share(document) -> float | None:
    """The share of the back cover's height that its first page holds, where it runs onto
    a second page; None where it fits (or is not there)."""
    held, room = 0.0, None
    for page in document.pages:
        todo = [page._page_box]
        while todo:
            box = todo.pop()
            classes = getattr(getattr(box, "element", None), "get", lambda _: None)("class")
            if "back-cover" in (classes or "").split():
                held += sum(child.margin_height() for child in getattr(box, "children", ()))
                room = box.height if room is None else room
                continue
            todo.extend(getattr(box, "children", ()))
    if room is None or held <= room:
        return None
    return room / held


# The colophon on the last page of text, below it, kept whole (see arranged).
SHARED_COLOPHON = ("\nsection.colophon { page: auto !important; break-before: auto !important;"
                   " break-inside: avoid; margin-top: 10mm; }")
# The back cover on a page of its own after the colophon's (see arranged): the origin,
# the QR code and the imprint move from the colophon to it.
BACK_COVER = ("\nsection.back-cover { display: flex; }"
              "\nsection.colophon .entry.origin, section.colophon .qr-block,"
              " section.colophon .imprint { display: none; }")


def setup() -> None:
    """What every rendering process makes once per build (or, a worker, once): the
    stylesheet and WeasyPrint's fonts, and a store of line breaks its PDFs share, emptied."""
    from workflow.render.linebreaks import share

    _weasyprint()
    share()
