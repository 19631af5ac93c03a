"""The generated per-language rules: Arabic-script line height in columns."""

from __future__ import annotations

import re

from workflow import languages
from workflow.render.stylesheet import language_css, profile_css, section_leading_css
from workflow.render.typeset import two_columns

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


def test_languages_without_a_column_line_height_get_the_same_rules_in_columns():
    for profile in languages.all_profiles():
        if profile.columns_line_height is None:  # Latin scripts; Urdu's Nastaliq needs 2.3
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
        assert line_height(one, "article.section.lang-ar p") == round(1.7 * leading, 3)
