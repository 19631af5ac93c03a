"""The generated per-language rules: Arabic-script line height in columns."""

from __future__ import annotations

import re

from tests.helpers import translate_catalog
from workflow import languages
from workflow.render.stylesheet import (
    COLUMNS_LINE_HEIGHT_MAX,
    language_css,
    profile_css,
    section_leading_css,
)
from workflow.render.typeset import two_columns
from workflow.update import update

# poppler's TextPage::coalesce joins lines whose baselines are at most 1.5x the font size
# apart (maxLineSpacingDelta); 1.5 itself measured short of it (rounding of the line boxes).
POPPLER_LINE_JOIN = 1.5


def line_height(css: str, selector: str) -> float:
    """The line height of the rule whose selector list starts with `selector`."""
    rule = re.search(rf"^{re.escape(selector)}[^{{]*\{{[^}}]*line-height: ([\d.]+)", css, re.M)
    assert rule, f"no line height for {selector}"
    return float(rule.group(1))


def test_arabic_script_in_columns_is_set_tight_enough_for_poppler_to_join_its_lines():
    for code in ("ar", "fa"):
        profile = languages.get(code)
        for leading in (1.0, 0.93, 1.04, 1.08):  # the fitting pass's line heights
            one = profile_css(profile, profile.digits, False, leading)
            two = profile_css(profile, profile.digits, False, leading, columns=True)
            for css in (one, two):
                assert line_height(css, f"div.parallel p:lang({code})") < POPPLER_LINE_JOIN
            assert line_height(two, f"article.text p:lang({code})") < POPPLER_LINE_JOIN
            # one column keeps its looser leading; the rule above is only for columns
            assert "article.text" not in one
            assert line_height(one, f"p:lang({code})") == round(1.7 * leading, 3)
        tighter = profile_css(profile, profile.digits, False, 0.93, columns=True)
        assert line_height(tighter, f"article.text p:lang({code})") == round(1.45 * 0.93, 3)
        # looser too, so that the fitting pass can fill a runt page, up to the cap; the
        # rest goes under each paragraph (a page of a Persian section at 1.45 kept its 36
        # lines a column at 1.48, and 4 lines were left for the next)
        spaces = []
        for looser in (1.04, 1.08):
            css = profile_css(profile, profile.digits, False, looser, columns=True)
            assert 1.45 < line_height(css, f"article.text p:lang({code})") \
                == COLUMNS_LINE_HEIGHT_MAX < POPPLER_LINE_JOIN
            rule = re.search(rf"^article.text p:lang\({code}\)[^{{]*{{[^}}]*}}", css, re.M)
            spaces.append(float(re.search(r"padding-bottom: ([\d.]+)em", rule.group(0))[1]))
        assert 0 < spaces[0] < spaces[1]
        assert "padding" not in profile_css(profile, profile.digits, False, 1.0, columns=True)


def test_languages_without_a_column_line_height_get_the_same_rules_in_columns():
    for profile in languages.all_profiles():
        # Latin scripts (Urdu's Nastaliq needs 2.3: one column, below)
        if profile.columns_line_height is None and profile.code != "ur":
            assert profile_css(profile, profile.digits, True, 1.04) == \
                profile_css(profile, profile.digits, True, 1.04, columns=True)
    assert languages.get("ur").columns_line_height is None


def test_the_page_sizes_that_set_two_columns_get_the_column_rules():
    assert two_columns("A4") and two_columns("letter") and not two_columns("A5")
    assert "article.text p:lang(ar)" in language_css({}, False, columns=True)
    assert "article.text p:lang(ar)" not in language_css({}, False)


def test_a_section_refitted_against_a_runt_keeps_the_column_line_height():
    # The multilingual edition's per-section line heights come after the language rules.
    for leading in (1.04, 1.08, 0.93):
        two = section_leading_css({"ar": leading, "fa": leading, "en": leading}, columns=True)
        one = section_leading_css({"ar": leading}, columns=False)
        for code in ("ar", "fa"):
            assert line_height(two, f"article.section.lang-{code} p") < POPPLER_LINE_JOIN
        assert line_height(two, "article.section.lang-en p") == round(1.45 * leading, 3)
        assert ("padding-bottom" in two) == (leading > 1)
        assert line_height(one, "article.section.lang-ar p") == round(1.7 * leading, 3)


def test_a_line_with_a_latin_run_is_no_taller_in_columns(project):
    # A run set all in the Latin fallback (Noto Serif: `IMA`, a `)` ending a line) is
    # centred on Serif's ascent and descent, 0.17 em higher than Naskh's: its line stood
    # that much lower than the line height, over poppler's 1.5x, until the text of the
    # paragraph had line height 0 in a span of its own and the paragraph's alone counted.
    from weasyprint.formatting_structure import boxes

    from workflow.edition import load_editions
    from workflow.render.html import render_html
    from workflow.render.typeset import render_document

    sentence = ("إننا نعارض جميع الإمبرياليين والمستبدين (IMA) العالميين منهم والإقليميين "
                "(TPP) وفي جميع هذه الحالات نرى اللاجئين يجردون من إنسانيتهم. ")
    update(project)
    translate_catalog(project, "ar", lambda msgid: sentence * 4)
    html = render_html("single", load_editions(project, "caravan", ["ar"], draft=True),
                       "2026-11-23", "A4")
    assert '<span class="leading">' in html
    document, _ = render_document(html, project.root, None,
                                  language_css({}, False, columns=True), "A4")
    steps, latin, size = set(), 0, 11 * 4 / 3  # the text's 11 pt in CSS px
    for page in document.pages[1:]:
        paragraphs: dict[int, list[float]] = {}  # baselines by paragraph (in a column)
        todo = [(page._page_box, None)]
        while todo:
            box, parent = todo.pop()
            if isinstance(box, boxes.LineBox):
                if parent.element_tag in ("p", "li") and parent.style["font_size"] == size:
                    paragraphs.setdefault(id(parent), []).append(
                        box.position_y + box.baseline)
                    latin += any(getattr(child, "element_tag", None) == "span"
                                 and child.element.get("dir") == "ltr"
                                 for child in box.descendants())
            else:
                todo.extend((child, box) for child in getattr(box, "children", ()))
        for baselines in paragraphs.values():
            baselines.sort()
            steps.update(round(b - a, 2) for a, b in zip(baselines, baselines[1:], strict=False))
    assert latin > 10 and steps
    assert max(steps) <= round(COLUMNS_LINE_HEIGHT_MAX * size, 2) < POPPLER_LINE_JOIN * size


def test_a_language_too_loose_for_poppler_is_set_in_one_column():
    # Urdu's Nastaliq needs 2.3: every line a block for poppler, and two columns of them
    # copy out interleaved (A4 single ur 46 of 158 segments right; 55 in one column).
    assert languages.get("ur").line_height_in_columns > COLUMNS_LINE_HEIGHT_MAX
    two, one = language_css({}, False, columns=True), language_css({}, False)
    assert "article.text:lang(ur) { columns: auto; }" in two
    assert "columns:" not in one
    for code in ("en", "ar", "fa"):
        assert f"article.text:lang({code}) {{ columns" not in two
