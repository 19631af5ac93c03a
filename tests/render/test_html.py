"""The HTML stage: structure, lang/dir on every block, escaping, left-to-right runs."""

from __future__ import annotations

import re

import pytest

from tests.helpers import translate_catalog
from workflow import languages
from workflow.edition import load_editions
from workflow.render.html import render_html, wrap_ltr_runs
from workflow.update import update


@pytest.fixture
def translated(project):
    update(project)
    translate_catalog(project, "ar", lambda msgid: "نص عربي مع ISIS و 12 000 لاجئ.")
    return project


def html_of(project, layout, languages, draft=True):
    editions = load_editions(project, "caravan", languages, draft=draft)
    return render_html(layout, editions, "2026-11-23", "A5")


def test_every_block_has_lang_and_dir(translated):
    html = html_of(translated, "single", ["ar"])
    blocks = re.findall(r"<(p|h\d|ol|ul|blockquote|section|article)\b([^>]*)>", html)
    assert blocks
    for tag, attributes in blocks:
        if "colophon" in attributes:
            continue
        assert 'dir="' in attributes and 'lang="' in attributes, (tag, attributes)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<ol lang="ar" dir="rtl">' in html


def test_ltr_runs_wrapped_once():
    assert wrap_ltr_runs("مع ISIS و 12 000 لاجئ") == (
        'مع <span dir="ltr">ISIS</span> و <span dir="ltr">12 000</span> لاجئ')
    assert wrap_ltr_runs('<a href="https://x.org">سلام</a>') == '<a href="https://x.org">سلام</a>'
    assert wrap_ltr_runs("(PYD) حزب") == '(<span dir="ltr">PYD</span>) حزب'
    # A URL with a query and a fragment is one run, not three that bidi would reorder.
    assert wrap_ltr_runs("راجع https://example.org/a?b=1#top الآن") == (
        'راجع <span dir="ltr">https://example.org/a?b=1#top</span> الآن')


def test_translation_cannot_inject_html(project):
    update(project)
    hostile = ('<script>alert(1)</script><img src="file:///etc/passwd"> '
               '[x](file:///etc/passwd) [y](javascript:alert(1)) <b style="x">b</b>')
    translate_catalog(project, "es", lambda msgid: hostile)
    html = html_of(project, "single", ["es"])
    assert "<script>" not in html and "<img" not in html and "<b " not in html
    assert "&lt;script&gt;" in html
    assert 'href="file:' not in html and 'href="javascript:' not in html


def test_untranslated_falls_back_to_source_with_its_own_direction(project):
    update(project)
    html = html_of(project, "single", ["fa"])
    assert '<span class="untranslated" lang="en" dir="ltr"><span dir="ltr">' in html
    assert languages.get("fa").furniture["draft_notice"] in html


def test_parallel_puts_rtl_on_the_right(translated):
    html = html_of(translated, "parallel", ["en", "ar"])
    first_row = html.split('<div class="pair">')[1]
    assert first_row.index('lang="en"') < first_row.index('lang="ar"')


def test_multilingual_cover_and_contents(translated):
    html = html_of(translated, "multilingual", ["en", "es", "ar", "fa"])
    assert html.count('class="cover-title') == 4
    for language in ("en", "es", "ar", "fa"):
        assert f'href="#section-{language}"' in html and f'id="section-{language}"' in html


def test_a_number_keeps_its_word_and_addresses_break_before_separators():
    from workflow.render.html import break_addresses, typography

    assert typography("for 3 billion and ٤ ملايين at 12:30 in", "en") == (
        "for 3\u00a0billion and ٤\u00a0ملايين at 12:30 in")
    assert break_addresses("see https://a.org/b-c now") == (
        'see <span class="url"><span class="nobr">https://</span><wbr><span class="nobr">a'
        '</span><wbr><span class="nobr">.org</span><wbr><span class="nobr">/b</span><wbr>'
        '<span class="nobr">-c</span></span> now')
    # Before a separator, never after one (a line-end "-" reads as a hyphenation), and
    # after the scheme's // and an e-mail's @.
    pieces = re.findall(r'<span class="nobr">([^<]*)</span>',
                        break_addresses("mail x_y@ex-ample.org/"))
    assert pieces == ["x", "_y@", "ex", "-ample", ".org"]


def test_words_joined_by_a_slash_or_hyphen_stay_on_one_line_in_arabic_script():
    from workflow.edition import Piece
    from workflow.render.html import piece_html

    def html(text, language):
        return piece_html(Piece(text, "", language, "reviewed"))

    assert html("في أوائل آذار/مارس ٢٠١٦", "ar") == (
        'في أوائل <span class="nobr">آذار/مارس</span> ٢٠١٦')
    persian = html("شکاف‌های طبقاتی/قومی/مذهبی و", "fa")
    assert '<span class="nobr">طبقاتی/قومی/مذهبی</span>' in persian
    assert '<span class="nobr">مهاجر/پناهنده‌ای</span>' in html("افراد مهاجر/پناهنده‌ای", "fa")
    assert '<span class="nobr">سلفی-جهادی</span>' in html("گروه‌های سلفی-جهادی", "fa")
    # never a number, a URL's piece, or a Latin pair (a Latin line may break after "/")
    assert "nobr" not in html("في ١٢/٣ و 12/3", "ar")
    assert "nobr" not in html("criticisms/concerns of migrant/refugee families", "en")
    assert html("https://a.org/b-c", "ar").count("nobr") == 5


def test_title_lines_keep_short_words_and_the_last_two_words_together():
    from workflow.edition import Piece
    from workflow.render.html import title_row

    def title(text, language):
        return str(title_row((Piece(text, "", language, "reviewed"),), language))

    assert title("Show Solidarity with Uprisings in the Region", "en") == (
        'Show Solidarity with Uprisings <span class="nobr">in the Region</span>')
    persian = title("با خیزش‌های منطقه همبستگی نشان دهید", "fa")
    assert '<span class="nobr">نشان دهید</span>' in persian  # the compound verb stays whole
    assert title("Hello world", "en") == "Hello world"
