"""The per-language rules of the pamphlet stylesheet, generated from the language profiles.

`styles/pamphlet.css` holds what every language shares; this module writes, for every
profile, its fonts per role (the very stacks the glyph check tests), size and line
height, hyphenation, list and page-number digits, its named page with the running
header and the draft notice in its own words. Generated, never hand-written per language.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflow import languages
from workflow.languages.profile import (
    ARABIC_INDIC_DIGITS,
    LATIN_FONTS,
    PERSIAN_DIGITS,
    WESTERN_DIGITS,
    Profile,
)

COUNTER_STYLES = {WESTERN_DIGITS: "decimal", ARABIC_INDIC_DIGITS: "arabic-indic",
                  PERSIAN_DIGITS: "persian"}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def counter_style(digits: str) -> str:
    return COUNTER_STYLES[digits]


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def families(stack: tuple[str, ...]) -> str:
    return ", ".join(css_string(family) for family in stack)


def page_name(code: str) -> str:
    """The named page of a language's pages: its own page numbers and notices."""
    return f"lang-{code}"


# The loosest line height a profile's `columns_line_height` is set at by the fitting pass:
# poppler joins a line to the block above when its baseline is at most 1.5x the font size
# lower (TextOutputDev.cc, maxLineSpacingDelta); 1.5 itself measured short of it.
COLUMNS_LINE_HEIGHT_MAX = 1.48


def _selectors(template: str, code: str, elements: tuple[str, ...]) -> str:
    return ", ".join(template.format(element=element, code=code) for element in elements)


def profile_css(profile: Profile, digits: str, draft: bool, leading: float = 1.0,
                columns: bool = False) -> str:
    """The rules of one language; `leading` scales the text's line height (the build's
    fitting pass sets it a few percent either way to keep a page from being a runt);
    `columns`: the page size sets article text in two columns (styles/A4.css)."""
    code = profile.code
    text = families(profile.font_stack("text"))
    heading = families(profile.font_stack("heading"))
    furniture = families(profile.font_stack("furniture"))
    counter = counter_style(digits)
    body = ("p", "li")
    # Only where a profile sets its own: every other language's rules stay as they were.
    in_columns = column_leading(profile, leading) if profile.columns_line_height else ""
    rules = [
        f":lang({code}) {{ font-family: {text}; }}",
        f"{_selectors('{element}:lang({code})', code, body)} {{ font-size: "
        f"{profile.font_size_pt:g}pt; line-height: {round(profile.line_height * leading, 3):g}; }}",
        f"{_selectors('div.parallel {element}:lang({code})', code, ('p', 'li'))} "
        f"{{ font-size: {profile.parallel_font_size_pt:g}pt;{in_columns} }}",
        # Element and class in the selector: more specific than `:lang()` above, so
        # headings keep their family whatever the language of the text around them.
        f"{_selectors('{element}:lang({code})', code, HEADINGS)}, "
        f".cover-title:lang({code}), .byline:lang({code}), .back-block p:lang({code}), "
        f"nav.contents li:lang({code}) {{ font-family: {heading}; hyphens: manual;"
        + (f" line-height: {profile.heading_line_height:g};"
           if profile.heading_line_height else "") + " }",
        f".furniture:lang({code}), .colophon:lang({code}), .colophon :lang({code}), "
        f".back-cover:lang({code}), .back-cover :lang({code}), "
        f".draft-note:lang({code}), nav.contents .contents-heading .furniture:lang({code}) "
        f"{{ font-family: {furniture}; }}",
        f"ol:lang({code}) {{ list-style-type: {counter}; }}",
        # An en space between the leader and the number: in right-to-left lines the last
        # dot touched the number.
        f"nav.contents li:lang({code}) a::after {{ content: leader(\". \") \"\\2002\" "
        f"target-counter(attr(href), page, {counter}); }}",
        f"body:lang({code}), article.section.lang-{code} {{ page: {page_name(code)}; }}",
        # The colophon's page and the back cover have no number: print files move the
        # colophon to the last page, or to the inside back cover.
        f"section.colophon:lang({code}), section.back-cover:lang({code}) "
        f"{{ page: {page_name(code)}-colophon; }}",
        # A shared cover gives every script one visual rank: sizes scaled by the script's
        # text size (Arabic script is set larger for the same legibility).
        # In em of the cover's own size (15pt on A5, larger on A4, smaller with many
        # languages: pamphlet.css and the page-size sheets).
        f"section.cover p.cover-title:lang({code}), "
        f"section.back-cover p.back-title:lang({code}) {{ font-size: "
        f"{profile.font_size_pt / 10:g}em; }}",
        f"section.cover p.byline:lang({code}) {{ font-size: "
        f"{0.6 * profile.font_size_pt / 10:g}em; }}",
    ]
    if profile.heading_line_height:  # titles too, over the cover's own line height
        rules.append(f"section.cover h1.title:lang({code}), section.cover p.title:lang({code}),"
                     f" section.cover p.cover-title:lang({code}), "
                     f"article.section h1.title:lang({code}), "
                     f"section.back-cover p.back-title:lang({code}), "
                     f".furniture-line:lang({code}) "
                     f"{{ line-height: {profile.heading_line_height:g}; }}")
    if columns and in_columns:  # article.text: a single edition, a multilingual one's sections
        rules.append(f"{_selectors('article.text {element}:lang({code})', code, body)} "
                     f"{{{in_columns} }}")
    if columns and profile.line_height_in_columns > COLUMNS_LINE_HEIGHT_MAX:
        # Lines too far apart for poppler to join (Urdu's Nastaliq needs 2.3): in two
        # columns each line is a block of its own and a copy takes one line of each column
        # in turn, so the text of such a language is set in one column.
        rules.append(f"article.text:lang({code}) {{ columns: auto; }}")
    if in_columns:
        # Each run of text is centred on its own font's ascent and descent in a line as
        # tall as the line height: a run all in the Latin fallback (`IMA`, a `)` ending a
        # line; Noto Serif's ascent less descent is 0.34 em over Naskh's) stood 0.17 em
        # higher and made its line that much taller than the others, over poppler's 1.5.
        # The text of a paragraph is in one span (templates/macros.html.j2, own_leading)
        # of line height 0, so that only the paragraph's own sets each line's height.
        where = (['article.text {element}:lang({code})'] if columns else []) + \
            ['div.parallel {element}:lang({code})']
        rules.append(", ".join(_selectors(f"{w} > span.leading", code, body) for w in where)
                     + " { line-height: 0; }")
        # So do a heading's (its text in span.leading too): set at 1.5, as Kufi wants, the
        # line with a run in the fallback font (the colon of "...للمهاجرين: تصدّوا") was
        # taller still, poppler cut the heading after it, and a copy put the other
        # column's lines (the English beside, the next column) between its lines.
        if profile.heading_line_height:
            height = min(profile.heading_line_height, COLUMNS_LINE_HEIGHT_MAX)
            rules.append(", ".join(_selectors(w, code, HEADINGS) for w in where)
                         + f" {{ line-height: {height:g}; }}")
            rules.append(", ".join(_selectors(f"{w} > span.leading", code, HEADINGS)
                                   for w in where) + " { line-height: 0; }")
    if profile.hyphenation:
        # pyphen's dictionary by the profile's locale: `lang="en"` alone loads British
        # patterns, and our English is US English. `!important`, on every element of the
        # language: WeasyPrint turns an element's `lang` attribute into an author-level
        # `-weasy-lang`, and our sheets are user sheets (render(stylesheets=...)), so a
        # normal declaration lost on each element that carries `lang` itself (every <p>)
        # and won only where the language was inherited (<li> inside <ul lang>).
        rules.append(f":lang({code}) {{ -weasy-lang: {css_string(profile.hyphenation)}"
                     " !important; }")
        rules.append(f"{_selectors('{element}:lang({code})', code, body)} {{ hyphens: auto; }}")
        # A title set as a <p> (a side-by-side cover's second one) is a title: never
        # hyphenated, over the rule above.
        rules.append(f"p.title:lang({code}) {{ hyphens: manual; }}")
    if profile.rtl:
        # A URL or address is Latin text: set in the Latin text face, every character of
        # it. The script's face has its own "-" and ".", which broke it into runs of two
        # fonts (heavier dots, and MuPDF copied a URL whose last line started with the
        # script's "-" out with a space in it).
        rules.append(f".url:lang({code}) {{ font-family: "
                     f"{families((*LATIN_FONTS.text, *profile.font_stack('text')))}; }}")
        # The running header's margin box takes the document's direction: a right-to-left
        # title there is isolated (RLI ... PDI), which Pango honours.
        rules.append(f"h1.title:lang({code}), .running-title:lang({code}) "
                     '{ string-set: doctitle "\\2067" content(text) "\\2069"; }')
    margin = [f"@bottom-center {{ content: counter(page, {counter}); "
              f"font-family: {furniture}; }}",
              f"@top-center {{ font-family: {furniture}; }}"]
    if draft:
        # Colour and size are in pamphlet.css (and cmyk.css for print).
        margin.append(f"@top-right {{ content: {css_string(profile.furniture['draft_notice'])};"
                      f" font-family: {furniture}; }}")
        # The running header beside it: half the measure, 2 mm clear of the notice, which
        # has the rest (a quarter each side, on a few lines); without a fixed width a long
        # title took the line and left the notice its narrowest (fitting.header_faults).
        margin.append("@top-center { width: 50%; margin: 0 2mm; }")
    rules.append(f"@page {page_name(code)} {{ {' '.join(margin)} }}")
    none = "@top-center { content: none; } @bottom-center { content: none; }"
    rules.append(f"@page {page_name(code)}:first {{ {none} }}")
    rules.append(f"@page {page_name(code)}:blank {{ {none} }}")
    rules.append(f"@page {page_name(code)}-colophon {{ {' '.join(margin[2:])} {none} }}")
    return "\n".join(rules)


def running_css(titles: Mapping[str, str]) -> str:
    """Running titles by language, where the title is too long for the running header's
    one line (fitting.header_faults): set for the title's string, over the rules above
    (same specificity, later). A right-to-left one isolated as the title is."""
    rules = []
    for code, title in sorted(titles.items()):
        value = css_string(title)
        if languages.get(code).rtl:
            value = f'"\\2067" {value} "\\2069"'
        rules.append(f"h1.title:lang({code}), .running-title:lang({code}) "
                     f"{{ string-set: doctitle {value}; }}")
    return "".join("\n" + rule for rule in rules)


def language_css(digits: Mapping[str, str], draft: bool, leading: float = 1.0,
                 columns: bool = False) -> str:
    """The rules of every language with a profile; `digits` says which digits a language
    prints here (the project's `arabic_digits`), default its profile's; `columns`: text
    set in two columns (profile_css)."""
    return "\n".join(profile_css(profile, digits.get(profile.code, profile.digits), draft,
                                 leading, columns) for profile in languages.all_profiles())


def column_line_height(profile: Profile, leading: float) -> float:
    """A profile's text line height in columns at the fitting pass's `leading`: as its
    other text's, but never over COLUMNS_LINE_HEIGHT_MAX."""
    own = profile.line_height_in_columns
    return round(min(own * leading, max(own, COLUMNS_LINE_HEIGHT_MAX)), 3)


# Where the fitting pass sets a column line height looser than COLUMNS_LINE_HEIGHT_MAX, the
# rest goes under each paragraph instead, as much as this many of its lines would have
# taken: the looser try moves text onto the next page as it is meant to (against a runt
# page), and poppler's join is unharmed (it starts a block at each paragraph anyway).
PARAGRAPH_LINES = 4


def column_leading(profile: Profile, leading: float) -> str:
    """The CSS declarations of a profile's text in columns at the fitting pass's
    `leading`: its line height (column_line_height), and below each paragraph the rest."""
    height = column_line_height(profile, leading)
    rest = round(PARAGRAPH_LINES * (profile.line_height_in_columns * leading - height), 3)
    return f" line-height: {height:g};" + (f" padding-bottom: {rest:g}em;" if rest > 0 else "")


def section_leading_css(leadings: Mapping[str, float], columns: bool = False) -> str:
    """Line heights of single sections of a multilingual edition, over their language's
    own (the fitting pass sets one a few percent either way against a runt page at the
    section's end); `columns`: text set in two columns (profile_css)."""
    def rules(code: str, leading: float) -> str:
        profile = languages.get(code)
        if columns and profile.columns_line_height:
            return column_leading(profile, leading)
        return f" line-height: {round(profile.line_height * leading, 3):g};"

    return "".join(
        f"\narticle.section.lang-{code} p, article.section.lang-{code} li {{"
        f"{rules(code, leading)} }}"
        for code, leading in sorted(leadings.items()))
