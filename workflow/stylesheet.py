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
    PERSIAN_DIGITS,
    WESTERN_DIGITS,
    Profile,
)

COUNTER_STYLES = {WESTERN_DIGITS: "decimal", ARABIC_INDIC_DIGITS: "arabic-indic",
                  PERSIAN_DIGITS: "persian"}
# Body text size in the side-by-side layout, relative to the profile's own size.
PARALLEL_SCALE = 0.85
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


def _selectors(template: str, code: str, elements: tuple[str, ...]) -> str:
    return ", ".join(template.format(element=element, code=code) for element in elements)


def profile_css(profile: Profile, digits: str, draft: bool) -> str:
    """The rules of one language."""
    code = profile.code
    text = families(profile.font_stack("text"))
    heading = families(profile.font_stack("heading"))
    furniture = families(profile.font_stack("furniture"))
    counter = counter_style(digits)
    body = ("p", "li", "blockquote")
    rules = [
        f":lang({code}) {{ font-family: {text}; }}",
        f"{_selectors('{element}:lang({code})', code, body)} {{ font-size: "
        f"{profile.font_size_pt:g}pt; line-height: {profile.line_height:g}; }}",
        f"{_selectors('table.parallel {element}:lang({code})', code, ('p', 'li'))} "
        f"{{ font-size: {profile.font_size_pt * PARALLEL_SCALE:g}pt; }}",
        # Element and class in the selector: more specific than `:lang()` above, so
        # headings keep their family whatever the language of the text around them.
        f"{_selectors('{element}:lang({code})', code, HEADINGS)}, "
        f".title:lang({code}), .cover-title:lang({code}), .byline:lang({code}), "
        f"nav.contents li:lang({code}) {{ font-family: {heading}; "
        f"line-height: {profile.heading_line_height:g}; hyphens: manual; }}",
        f".furniture:lang({code}), .colophon:lang({code}), .colophon :lang({code}), "
        f".draft-note:lang({code}), nav.contents h2 .furniture:lang({code}) "
        f"{{ font-family: {furniture}; }}",
        f"ol:lang({code}) {{ list-style-type: {counter}; }}",
        f"nav.contents li:lang({code}) a::after {{ content: \" \" target-counter(attr(href), "
        f"page, {counter}); }}",
        f"body:lang({code}), article.section.lang-{code} {{ page: {page_name(code)}; }}",
    ]
    if profile.hyphenation:
        # pyphen's dictionary by the profile's locale: `lang="en"` alone loads British
        # patterns, and our English is US English.
        rules.append(f"{_selectors('{element}:lang({code})', code, body)} {{ hyphens: auto;"
                     f" -weasy-lang: {css_string(profile.hyphenation)}; }}")
    if profile.rtl:
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
    rules.append(f"@page {page_name(code)} {{ {' '.join(margin)} }}")
    rules.append(f"@page {page_name(code)}:first {{ @top-center {{ content: none; }} "
                 "@bottom-center { content: none; } }")
    return "\n".join(rules)


def language_css(digits: Mapping[str, str], draft: bool) -> str:
    """The rules of every language with a profile; `digits` says which digits a language
    prints here (the project's `arabic_digits`), default its profile's."""
    return "\n".join(profile_css(profile, digits.get(profile.code, profile.digits), draft)
                     for profile in languages.all_profiles())
