"""Text copied out of Arabic and Persian PDFs is the catalog's text: vowel marks with their
letters, ZWNJ kept, brackets and punctuation where they were written (poppler's pdftotext)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import unicodedata

import pikepdf
import pytest

from tests.helpers import keeping_numbers, translate_catalog, write_project
from workflow.build import build
from workflow.config import load_project
from workflow.render.textlayer import _glyph_texts
from workflow.update import update

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
ARABIC = "عزِّزوا الحركة القاعدية للمهاجرين (IMA)، وتصدَّوا للعولمة."
PERSIAN = "ما همبستگی خود را با خیزش‌های منطقه اعلام می‌کنیم: «نه به جنگ»."


def copied(path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    text = unicodedata.normalize("NFC", BIDI_CONTROLS.sub("", text))
    return " ".join(text.split())


def mupdf_copied(path) -> str:
    """What MuPDF (PyMuPDF, installed by hand: not a dependency) copies out, as `copied`."""
    import pymupdf

    with pymupdf.open(path) as doc:
        text = " ".join(page.get_text("text") for page in doc)
    return " ".join(unicodedata.normalize("NFC", BIDI_CONTROLS.sub("", text)).split())


@needs_poppler
def test_arabic_and_persian_copy_out_as_written(project):
    update(project)
    translate_catalog(project, "ar", keeping_numbers(ARABIC))
    translate_catalog(project, "fa", keeping_numbers(PERSIAN))
    build(project, final=True, languages=["ar", "fa"], layouts=["single"])
    folder = project.build / "caravan"
    arabic = copied(folder / "caravan.ar.pdf")
    persian = copied(folder / "caravan.fa.pdf")
    assert unicodedata.normalize("NFC", ARABIC) in arabic
    assert unicodedata.normalize("NFC", PERSIAN) in persian
    assert persian.count("\u200c") >= 2 * persian.count(PERSIAN)  # every ZWNJ


@needs_poppler
def test_side_by_side_pages_copy_out_as_written(project):
    # An English column beside an Arabic one: more Latin letters than Arabic ones, so
    # poppler reads the page left to right and puts the runs of an Arabic line with a
    # comma, a full stop or Latin letters last first, unless the page tips it to the right
    # (an invisible line of RLMs); the English lines then keep their trailing "?".
    short = "ادعموا (IMA)، الآن."  # shorter than the English, as Arabic translations are
    update(project)
    translate_catalog(project, "ar", keeping_numbers(short))
    build(project, final=True, languages=["ar"], layouts=["parallel"])
    text = copied(project.build / "caravan" / "caravan.en+ar.pdf")
    assert short in text
    assert "How can we challenge this?" in text
    assert "What will happen next?" in text


@needs_poppler
def test_an_arabic_line_on_a_mostly_english_page_copies_out_as_written(tmp_path):
    # The cover of a side-by-side edition: the English title and byline have more than
    # twice the Arabic title's letters; read left to right, poppler put the runs of the
    # Arabic title on either side of its comma last first.
    title = "عارضوا الحرب على إيران، وتضامنوا مع الانتفاضات في المنطقة"
    english = ("Oppose War on Iran, Show Solidarity with Uprisings in the Region. "
               "Alliance of Middle Eastern and North African Socialists, January 2020.")
    text = _typeset_copied(tmp_path, f'<p lang="en">{english}</p>'
                                     f'<p lang="ar" dir="rtl">{title}</p>')
    assert title in text and english in text


@needs_poppler
def test_an_english_edition_copies_out_without_marks(project):
    # the marked points after left-to-right line ends are taken out again, and on a page
    # read left to right no LRM is added
    update(project)
    build(project, final=True, languages=["en"], layouts=["single"])
    path = project.build / "caravan" / "caravan.en.pdf"
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "How can we challenge this?" in raw and "\u200e" not in raw
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            assert not [i for i in pikepdf.parse_content_stream(page)
                        if str(i.operator) in ("MP", "DP")]


def test_a_cluster_copies_out_from_its_widest_glyph():
    # beh + fatha drawn as two glyphs (the mark first, right to left): the letter carries
    # both; a ZWNJ, which draws nothing, goes with the letter before it.
    text = "\u0628\u064e\u200c\u0645".encode()  # bytes: beh 0, fatha 2, ZWNJ 4, meem 7
    # glyphs in drawing order, left to right: meem, ZWNJ (draws nothing), fatha, beh
    clusters, ids, widths = [7, 4, 2, 0], [40, 0xFFFFFFF, 13, 12], [480, 0, 0, 500]
    texts = _glyph_texts(text, clusters, ids, widths, rtl=True, empty=0xFFFFFFF)
    assert texts == ["\u0645", "", "", "\u0628\u064e\u200c"]


def _screen_pdf(tmp_path, body: str, lang: str = "", name: str = "out.pdf"):
    """An A5 screen PDF of `body`, the article's HTML (the pipeline: typeset, then the pass
    after writing); `lang`: the document's language."""
    from workflow.pdf.post import finish_screen
    from workflow.render.typeset import typeset

    root = f'<html lang="{lang}">' if lang else "<html>"
    html = f'{root}<body><article class="text">{body}</article></body></html>'
    path = tmp_path / name
    path.write_bytes(finish_screen(typeset(html, tmp_path, None, {}, False), "right"))
    return path


def _typeset_copied(tmp_path, body: str) -> str:
    """pdftotext's text of an A5 screen PDF of `body`."""
    return copied(_screen_pdf(tmp_path, body))


URDU = "این اقدام امپریالیستی ایالات متحده برای توانمند کردن مردم عراق انجام نشد."


@needs_poppler
def test_nastaliq_words_with_a_raised_first_glyph_copy_out_whole(tmp_path):
    # Nastaliq steps each word down to its last letter; in "کردن" and "متحده" even the
    # glyph drawn first is raised, and poppler put the word's span (or its first letter)
    # on a line of its own ("ک" over "ردن") unless the span starts on the baseline.
    text = _typeset_copied(tmp_path, f'<p lang="ur" dir="rtl">{URDU}</p>')
    assert unicodedata.normalize("NFC", URDU) in text


URDU_PARAGRAPHS = (
    "این کاروان نافرمانی مردم در برابر تحمیل‌های نئولیبرال است و چالشی است پیش روی"
    " دولت‌ها، نه‌تنها در آمریکای مرکزی بلکه در سراسر جهان، تا به خواسته‌های مردم گوش"
    " فرادهند.",
    "ما خواستار آنیم که دولت ایالات متحده تهدیدهایش علیه مهاجران را پس بگیرد و در عوض"
    " به خواسته‌ها گوش فرادهد و راه‌هایی عادلانه برای پاسخ به دادخواهی مهاجران بیابد.")


@needs_poppler
def test_nastaliq_lines_copy_out_as_one_line_each(tmp_path):
    # Nastaliq draws a word's first and last glyphs with offsets that their kerning takes
    # back: a span from glyph to glyph left gaps between words wider than poppler's column
    # spacing, and it read the two words on either side as the ends of two columns.
    body = "".join(f'<p lang="ur" dir="rtl">{text}</p>' for text in URDU_PARAGRAPHS)
    text = _typeset_copied(tmp_path, body)
    for paragraph in URDU_PARAGRAPHS:
        assert unicodedata.normalize("NFC", paragraph) in text


# Wider than an A5 line at 10 pt, narrower at 8 (the fitting pass's floor, URL_FLOOR).
LONG_URL = ("https://www.allianceofmesocialists.org/statement-on-the-latin-american-"
            "migrant-caravan/")


@needs_poppler
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_url_that_does_not_fit_its_line_copies_out_unbroken(tmp_path, language):
    # An extractor writes a line break at every line end (and drops a "-" ending one):
    # a URL is set whole on one line, smaller where it is wider than the measure.
    from workflow.render.html import break_addresses, wrap_ltr_runs

    # (Arabic words enough for poppler to read the page right to left, as on any page of
    # an Arabic edition: on a page of more Latin letters than Arabic ones it reads left
    # to right, and the URL's full stop, at the line's left end, comes out first.)
    words = {"en": "Read the statement and share it with comrades everywhere at",
             "ar": "اقرأوا البيان وانشروه بين الرفاق في كل مكان على"}[language]
    html = f"{words} {LONG_URL} now."
    html = break_addresses(wrap_ltr_runs(html) if language == "ar" else html)
    direction = "rtl" if language == "ar" else "ltr"
    text = _typeset_copied(tmp_path, f'<p lang="{language}" dir="{direction}">{html}</p>')
    assert LONG_URL in text.split()


# Wider than an A5 line even at the fitting pass's floor (URL_FLOOR): it still breaks.
WIDEST_URL = ("https://www.allianceofmesocialists.org/statement-from-alliance-of-middle-"
              "eastern-socialists-in-solidarity-with-the-latin-american-migrant-caravan-"
              "headed-for-the-u-s/")


@needs_poppler
@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("after", [".", " now."])
def test_a_url_broken_over_lines_copies_out_whole(tmp_path, language, after):
    # Every extractor writes a line break at each line end: a URL too wide to be set whole
    # copies out whole from its last line (an /ActualText span), the text after it
    # following it, on either side of it in an Arabic line ("." on the left, " now" on
    # the right: an empty piece between them cut the line in two).
    from workflow.render.html import break_addresses, wrap_ltr_runs

    words = {"en": "Read the statement and share it with comrades everywhere at",
             "ar": "اقرأوا البيان وانشروه بين الرفاق في كل مكان على"}[language]
    html = f"{words} {WIDEST_URL}{after}"
    html = break_addresses(wrap_ltr_runs(html) if language == "ar" else html)
    direction = "rtl" if language == "ar" else "ltr"
    text = _typeset_copied(tmp_path, f'<p lang="{language}" dir="{direction}">{html}</p>'
                                     f'<p lang="{language}" dir="{direction}">{words}</p>')
    assert f"{words} {WIDEST_URL}{after} {words}" in text


@needs_poppler
@pytest.mark.parametrize("language, pairs", [
    ("ar", "في آذار/مارس وأيلول/سبتمبر، انتقادات/مخاوف المهاجرين/اللاجئين"),
    ("fa", "شکاف‌های طبقاتی/قومی/مذهبی و گروه‌های سلفی-جهادی و افراد مهاجر/پناهنده‌ای")],
    ids=["ar", "fa"])
def test_words_joined_by_a_slash_or_hyphen_copy_out_joined(tmp_path, language, pairs):
    # A line broken after the slash or hyphen joining two Arabic-script words copied out
    # with a space after it ("آذار/ مارس"): such words are set on one line, as one word.
    from workflow.edition import Piece
    from workflow.render.html import piece_html

    paragraph = " ".join([pairs] * 8)
    html = piece_html(Piece(paragraph, "", language, "reviewed"))
    text = _typeset_copied(tmp_path, f'<p lang="{language}" dir="rtl">{html}</p>')
    assert unicodedata.normalize("NFC", paragraph) in text


@needs_poppler
def test_two_columns_of_arabic_copy_out_column_by_column(tmp_path, monkeypatch):
    # A4 sets the text in two balanced columns. poppler joins a line to the block above
    # only when its baseline is at most 1.5x the font size lower; at the single column's
    # 1.7 every Arabic line was a block of its own and the copy took one line from each
    # column in turn, so no paragraph of more than a line came out whole.
    root = write_project(tmp_path / "project", config='[tool.pamphlet]\npage_size = "A4"\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    # A Latin run (the fallback font's taller line, unless the paragraph's line height
    # alone counts: span.leading) in a line between others: "(IMA)", "(TPP)".
    paragraph = " ".join(["إننا نعارض جميع الإمبرياليين والمستبدين، العالميين منهم "
                          "والإقليميين، وفي جميع هذه الحالات نرى اللاجئين يجردون من إنسانيتهم.",
                          ARABIC, "التضامن مع الانتفاضات الشعبية (TPP) في منطقة الشرق الأوسط "
                          "وشمال أفريقيا وفي كل مكان آخر."])  # four lines or more in a column
    update(project)
    translate_catalog(project, "ar", keeping_numbers(paragraph))
    build(project, final=True, languages=["ar"], layouts=["single"])
    text = copied(project.build / "caravan" / "caravan.ar.pdf")
    whole = unicodedata.normalize("NFC", paragraph[:-1])
    # 9 entries, all whole here (one across the column break); 5 with the Latin runs'
    # lines taller, 3 at the single column's 1.7
    assert text.count(whole) >= 8


HEADING = "عزّزوا الحركة القاعدية للمهاجرين: تصدّوا للعولمة النيوليبرالية والتهجير القسري!"


@needs_poppler
@pytest.mark.parametrize("layout", ["single", "parallel"])
def test_a_heading_over_lines_copies_out_whole_beside_other_text(tmp_path, monkeypatch,
                                                                  layout):
    # A4: two columns, and the English beside in the side-by-side edition. A heading's
    # lines were each a block of their own for poppler (1.5 apart, the line with the
    # fallback font's colon taller still), and a copy took the other column's lines, or
    # the English heading, between them.
    root = write_project(tmp_path / "project", config='[tool.pamphlet]\npage_size = "A4"\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    translate_catalog(project, "ar", lambda msgid: HEADING if msgid == "No one is illegal"
                      else keeping_numbers(ARABIC)(msgid))
    build(project, final=True, languages=["ar"], layouts=[layout])
    name = "caravan.ar.pdf" if layout == "single" else "caravan.en+ar.pdf"
    path = project.build / "caravan" / name
    assert unicodedata.normalize("NFC", HEADING) in copied(path)
    # poppler's blocks of page 2: the heading's lines (12 pt Kufi, taller than the text's)
    # are one block, whatever comes beside them
    layout_xml = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox-layout",
                                 str(path), "-"], capture_output=True, text=True,
                                check=True).stdout
    heights = [[float(bottom) - float(top) for top, bottom in re.findall(
        r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', block)]
        for block in layout_xml.split("<block")[1:]]
    assert sum(any(h > 21 for h in block) for block in heights) == 1
    assert max(len(block) for block in heights if any(h > 21 for h in block)) == 2


# Noto Naskh draws lam-alef ("لا") as an alef that advances by nothing, then the lam where
# the alef is; the last line sticks out left of the others, ending in one
LAM_ALEF = ["الحرب على إيران", "عارضوا الحرب على إيران",
            "وتضامنوا مع الانتفاضات في المنطقة، لا"]


def _lam_alef_pdf(tmp_path):
    """The screen PDF of the lines of LAM_ALEF as one paragraph, close enough for poppler
    to read them as one block (as lines in columns are)."""
    return _screen_pdf(tmp_path, '<p lang="ar" dir="rtl" style="line-height: 1.4">'
                                 f'{"<br>".join(LAM_ALEF)}</p>', "ar")


@needs_poppler
def test_a_lam_alef_at_a_line_end_copies_out_whole(tmp_path):
    # poppler took the alef, first of its word and drawn where the lam is, for a word of
    # its own starting where the lam's does; the lam's word, over half an em wide, was
    # ordered first, and the alef's, overlapping it, went to a line of its own: "، ا\nل"
    assert " ".join(LAM_ALEF) in copied(_lam_alef_pdf(tmp_path))


def test_no_letter_that_advances_by_nothing_starts_a_word_where_the_next_glyph_is(tmp_path):
    # the cause, wherever "لا" is on its line: its alef's text goes with the lam, and the
    # alef itself is drawn after the line, copying out as nothing
    drawn = [line for line in _drawn_at(_lam_alef_pdf(tmp_path)) if line]
    assert any("ل" in text for line in drawn for _, text in line)
    for line in drawn:
        for at, (x, text) in enumerate(line[:-1]):
            starts = at == 0 or not line[at - 1][1].strip()
            assert not (starts and text and unicodedata.category(text[0]).startswith("L")
                        and abs(line[at + 1][0] - x) < 1e-3), (text, line[at + 1][1])


@pytest.mark.skipif(importlib.util.find_spec("pymupdf") is None,
                    reason="PyMuPDF (a current MuPDF) is not installed")
def test_a_lam_alef_at_a_line_end_copies_out_whole_with_mupdf(tmp_path):
    assert unicodedata.normalize("NFC", " ".join(LAM_ALEF)) in mupdf_copied(
        _lam_alef_pdf(tmp_path))


# Two rows of a side-by-side edition, Urdu beside English (the Persian stand-in text)
BESIDE = [
    ("This statement was read at a Los Angeles rally in solidarity with the Latin American"
     " migrant caravan on November 3, 2018.",
     "این بیانیه در ۳ نوامبر ۲۰۱۸ در تجمعی در لس‌آنجلس که در همبستگی با کاروان مهاجران"
     " آمریکای لاتین برگزار شده بود، خوانده شد."),
    ("We, the Alliance of Middle Eastern Socialists, express our solidarity with the caravan"
     " of migrant/refugee families and individuals who are coming to the United States border"
     " from Honduras, El Salvador and Guatemala, fleeing poverty, violence, persecution and"
     " authoritarian regimes.",
     "ما، اتحاد سوسیالیست‌های خاورمیانه، همبستگی خود را با کاروان خانواده‌ها و افراد"
     " مهاجر/پناهنده‌ای اعلام می‌کنیم که در گریز از فقر، خشونت، آزار و رژیم‌های اقتدارگرا،"
     " از هندوراس، السالوادور و گواتمالا به سوی مرز ایالات متحده می‌آیند."),
]


@needs_poppler
def test_urdu_lines_beside_english_copy_out_paragraph_by_paragraph(tmp_path):
    # Nastaliq's lines (2.3 apart) are further apart than poppler joins into a block: each
    # was a block of its own, and poppler put the English paragraph beside after the first
    # line of the Urdu one. An invisible line half-way between keeps them one block.
    pairs = "".join(
        f'<div class="pair"><div class="column" lang="en"><p lang="en">{english}</p></div>'
        f'<div class="column" lang="ur" dir="rtl"><p lang="ur" dir="rtl"'
        f' style="font-size: 9.5pt">{urdu}</p></div></div>' for english, urdu in BESIDE)
    text = _typeset_copied(tmp_path, f'<div class="parallel" dir="ltr">{pairs}</div>')
    for _, urdu in BESIDE:
        assert unicodedata.normalize("NFC", urdu) in text


def test_a_page_without_right_to_left_text_is_not_decoded(tmp_path, monkeypatch):
    # The direction pass decodes every glyph of a page to count its letters; a page none of
    # whose fonts copies out a right-to-left letter (every page of an English edition) is
    # read left to right whatever the count, and left as it is, undecoded.
    from workflow.pdf.post import finish_screen
    from workflow.render import textlayer
    from workflow.render.typeset import typeset

    decoded: list[int] = []
    real = textlayer._text_objects

    def counting(out, by_name):
        decoded.append(1)
        return real(out, by_name)

    # and the lam-alef pass (_untied) reads where each glyph is only in a text object
    # that draws a letter advancing by nothing: a line of Arabic without lam-alef is not
    untied: list[int] = []
    real_untied = textlayer._untied_object

    def untying(body, by_name):
        untied.append(1)
        return real_untied(body, by_name)

    monkeypatch.setattr(textlayer, "_text_objects", counting)
    monkeypatch.setattr(textlayer, "_untied_object", untying)
    for lang, direction, text in (("en", "ltr", "Solidarity with the caravan."),
                                  ("ar", "rtl", "التضامن مع القافلة."),
                                  ("ar", "rtl", "لا للحرب على إيران.")):
        html = (f'<html lang="{lang}"><body><article class="text">'
                f'<p lang="{lang}" dir="{direction}">{text}</p></article></body></html>')
        decoded.clear()
        untied.clear()
        finish_screen(typeset(html, tmp_path, None, {}, False), "right")
        assert bool(decoded) == (lang == "ar"), lang
        assert bool(untied) == ("لا" in text), text


# Vowel marks at a word's start, inside it and at its end, a paragraph ending on a
# letter with a mark (the glyph drawn first on its last line) and one ending on "!".
VOWELLED = ("عزِّزوا الحركة وتصدَّوا للعولمة معًا، فالأزمة تُترجَم إلى ترتيبات أكثر مرونةً "
            "وتقيَّد حقوق العمال في التنظيم والتجمُّع حتى حدّ")
ENDING = "لا للحرب على إيران!"


def _shown_texts(path) -> list[list[tuple[str, int]]]:
    """What MuPDF reads of each text object of a PDF, in drawing order: (text, width) of
    each glyph drawn, its text the /ActualText of a span around it alone, else its
    ToUnicode entry; a glyph in an empty span copies out as nothing."""
    from workflow.render.textlayer import _CidFont, _widths

    objects: list[list[tuple[str, int]]] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            resources = page.Resources.get("/Font", {})
            font = widths = None
            actual: list[str | None] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name == "BT":
                    objects.append([])
                elif name == "Tf":  # WeasyPrint's fonts are all Type0 (CIDFontType2)
                    font = _CidFont(resources[str(operands[0])])
                    widths = _widths(font.dictionary.DescendantFonts[0].get("/W"))
                elif name == "BDC":
                    text = operands[1].get("/ActualText") if isinstance(
                        operands[1], pikepdf.Dictionary) else None
                    actual.append(None if text is None else str(text))
                elif name == "EMC" and actual:
                    actual.pop()
                elif name == "TJ" and font is not None and widths is not None:
                    for item in operands[0]:
                        if isinstance(item, pikepdf.String):
                            raw = bytes(item)
                            for at in range(0, len(raw), 2):
                                code = int.from_bytes(raw[at:at + 2], "big")
                                span = next((t for t in reversed(actual) if t is not None),
                                            None)
                                text = font.text(code) if span is None else span
                                objects[-1].append((text, widths.get(code, 1000)))
    return objects


def _vowelled_pdf(tmp_path):
    """The screen PDF of two Arabic paragraphs, VOWELLED and ENDING."""
    return _screen_pdf(tmp_path, f'<p lang="ar" dir="rtl">{VOWELLED}</p>'
                                 f'<p lang="ar" dir="rtl">{ENDING}</p>', "ar")


def test_no_glyph_that_advances_copies_out_starting_with_a_mark(tmp_path):
    # MuPDF adds a mark where its pen is and does not advance it (stext-device.c): a
    # letter whose text starts with its marks (reversed, as an extractor reverses the
    # line) left the next glyph a space away ("ع زِّزوا", "جنب هٔ") and, drawn first on
    # its line, went to the line before. The marks go on a carrier that draws nothing.
    path = _vowelled_pdf(tmp_path)
    objects = [shown for shown in _shown_texts(path) if any(t for t, _ in shown)]
    marked = [(text, width) for shown in objects for text, width in shown
              if text and unicodedata.category(text[0]) == "Mn"]
    assert marked and all(width == 0 for _, width in marked)
    # and every line box starts with a right-to-left character (MuPDF takes a mark or
    # a neutral at a text object's start for left to right: "!" came out first), drawn
    # by a glyph that has a width: poppler orders a line's words by their left edges, and
    # a carrier at the line's left end, tied with its letter, came out after it ("أش ّد")
    for shown in objects:
        first, width = next((text, width) for text, width in shown if text)
        assert unicodedata.bidirectional(first[0]) in ("R", "AL", "AN"), first
        assert width > 0, first
    with_marks = "".join(text for shown in objects for text, _ in shown)
    assert unicodedata.normalize("NFC", BIDI_CONTROLS.sub("", with_marks)[::-1]).count(
        unicodedata.normalize("NFC", ENDING)) == 1


@pytest.mark.skipif(importlib.util.find_spec("pymupdf") is None,
                    reason="PyMuPDF (a current MuPDF) is not installed")
def test_vowelled_arabic_copies_out_as_written_with_mupdf(tmp_path):
    # The same with MuPDF itself (PyMuPDF, not a dependency: installed by hand)
    path = _vowelled_pdf(tmp_path)
    text = mupdf_copied(path)
    for paragraph in (VOWELLED, ENDING):
        assert unicodedata.normalize("NFC", paragraph) in text
    assert unicodedata.normalize("NFC", VOWELLED) in copied(path)  # and poppler's too


NUMBERED = "این بیانیه در ۳ نوامبر ۲۰۱۸ در تجمعی در لس‌آنجلس خوانده شد."


def _drawn_at(path) -> list[list[tuple[float, str]]]:
    """(x in text space, text) of each glyph of each text object, in drawing order."""
    from workflow.render.textlayer import _CidFont

    objects: list[list[tuple[float, str]]] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            resources = page.Resources.get("/Font", {})
            font, size, x = None, 0.0, 0.0
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name == "BT":
                    objects.append([])
                elif name == "Tm":
                    x = float(operands[4])
                elif name == "Tf":
                    font, size = _CidFont(resources[str(operands[0])]), float(operands[1])
                elif name == "TJ" and font is not None:
                    for item in operands[0]:
                        if not isinstance(item, pikepdf.String):
                            x -= float(item) / 1000 * size
                            continue
                        raw = bytes(item)
                        for at in range(0, len(raw), 2):
                            code = int.from_bytes(raw[at:at + 2], "big")
                            objects[-1].append((x, font.text(code)))
                            x += font.width(code) / 1000 * size
    return objects


def test_a_right_to_left_line_draws_its_runs_right_to_left(tmp_path):
    # MuPDF reverses each right-to-left run of a line where it is and keeps the runs in
    # drawing order: a Persian line drawn left to right with a number inside copied out
    # "۲ در منطقهٔ۰۱۹". Drawn right to left run by run, it reads them in order; the page
    # looks the same and poppler, which orders a line by position, reads it as before.
    from workflow.pdf.post import finish_screen
    from workflow.render.typeset import typeset

    html = ('<html lang="fa"><body><article class="text">'
            f'<p lang="fa" dir="rtl">{NUMBERED}</p></article></body></html>')
    path = tmp_path / "out.pdf"
    path.write_bytes(finish_screen(typeset(html, tmp_path, None, {}, False), "right"))
    line = next(shown for shown in _drawn_at(path) if any("۲" in t for _, t in shown))
    first_digit = next(at for at, (_, text) in enumerate(line) if "۲" in text)
    # a glyph right of the number ("در", before it in the sentence) is drawn before it
    assert any(x > line[first_digit][0] for x, text in line[:first_digit] if text.strip())
    assert unicodedata.normalize("NFC", NUMBERED) in copied(path)


@pytest.mark.skipif(importlib.util.find_spec("pymupdf") is None,
                    reason="PyMuPDF (a current MuPDF) is not installed")
def test_a_persian_line_with_numbers_copies_out_in_order_with_mupdf(tmp_path):
    from workflow.pdf.post import finish_screen
    from workflow.render.typeset import typeset

    html = ('<html lang="fa"><body><article class="text">'
            f'<p lang="fa" dir="rtl">{NUMBERED}</p></article></body></html>')
    path = tmp_path / "out.pdf"
    path.write_bytes(finish_screen(typeset(html, tmp_path, None, {}, False), "right"))
    text = mupdf_copied(path)
    assert unicodedata.normalize("NFC", NUMBERED) in text


# A paragraph whose last line is one word, a word ending in a mark (hamza above), a number
URDU_WORDS = (
    URDU_PARAGRAPHS[0],
    "در سال ۲۰۱۹ در منطقهٔ خاورمیانه و شمال آفریقا، از سودان و الجزایر تا عراق، لبنان و"
    " ایران، خیزش‌هایی به راه افتاده‌اند که با امپریالیسم مخالفت کرده‌اند و مقاومت.")


def _nastaliq_pdf(tmp_path):
    return _screen_pdf(tmp_path, "".join(f'<p lang="ur" dir="rtl">{text}</p>'
                                         for text in URDU_WORDS), "ur")


def _word_spans(path) -> list[dict]:
    """Each /ActualText span over a Nastaliq word's glyphs as MuPDF reads it: its text,
    the glyphs drawn in it outside the sequence whose /ActualText is empty ((text,
    width, font size)), the advance of the glyphs inside that one, and the glyph drawn
    after it."""
    from workflow.render.textlayer import _CidFont

    spans: list[dict] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            resources = page.Resources.get("/Font", {})
            font, size = None, 0.0
            stack: list[dict | None] = []
            after: dict | None = None  # the span just closed, waiting for its next glyph
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name == "Tf":
                    font, size = _CidFont(resources[str(operands[0])]), float(operands[1])
                elif name == "BDC":
                    text = operands[1].get("/ActualText") if isinstance(
                        operands[1], pikepdf.Dictionary) else None
                    if text is not None and str(text) == "" and stack and stack[-1]:
                        stack[-1]["hidden"] = True
                        stack.append(None)
                    elif text is not None and str(operands[0]) == "/Span":
                        stack.append({"text": str(text), "carriers": [], "advance": 0.0,
                                      "hidden": False, "next": None, "size": size})
                    else:
                        stack.append(None)
                elif name == "EMC" and stack:
                    span = stack.pop()
                    if span is not None:
                        spans.append(span)
                        after = span
                elif name == "TJ" and font is not None:
                    outer = next((s for s in reversed(stack) if s is not None), None)
                    hidden = bool(stack) and stack[-1] is None and outer is not None
                    for item in operands[0]:
                        if not isinstance(item, pikepdf.String):
                            if hidden:
                                outer["advance"] -= float(item)
                            continue
                        raw = bytes(item)
                        for at in range(0, len(raw), 2):
                            code = int.from_bytes(raw[at:at + 2], "big")
                            drawn = (font.text(code), font.width(code), size)
                            if hidden:
                                outer["advance"] += font.width(code)
                            elif outer is not None:
                                outer["carriers"].append(drawn)
                            elif after is not None:
                                after["next"] = drawn
                                after = None
    return [span for span in spans if span["hidden"]]


def test_a_nastaliq_word_copies_out_from_one_glyph_as_wide_as_it(tmp_path):
    # MuPDF gives each glyph of an /ActualText span one of its characters, where that
    # glyph is drawn: a Nastaliq word's glyphs, on a slope and overlapping, came out a
    # space or a line apart ("م ه اجرا ن"). A word's span is read from one glyph on the
    # baseline, as wide as the word, that copies out as its text (its leading marks from
    # a carrier before it: MuPDF does not advance over a mark), the glyphs one sees in a
    # sequence with an empty /ActualText, which poppler, reading /ActualText on a Span
    # only, takes as part of the word; then an RLM, so that a line of one word is seen
    # drawn in visual order, as the others are.
    from workflow.render.textlayer import PADDING_RUN

    spans = _word_spans(_nastaliq_pdf(tmp_path))
    assert len(spans) > 40
    for span in spans:
        carriers = span["carriers"]
        assert "".join(text for text, _, _ in carriers) == span["text"]
        # its leading marks on carriers of their own, then the word's (MuPDF 1.21, the
        # preflight's renderer, warns of a ToUnicode entry over PADDING_RUN characters:
        # the rest of a longer word on carriers that advance by nothing)
        word = next(at for at, (text, _, _) in enumerate(carriers)
                    if unicodedata.category(text[0]) != "Mn")
        assert carriers[word][1] == round(span["advance"])
        assert carriers[word][2] == span["size"]
        assert all(width == 0 for at, (_, width, _) in enumerate(carriers) if at != word)
        assert all(len(text) <= PADDING_RUN for text, _, _ in carriers)
        assert span["next"] == ("\u200f", 0, span["size"])
    assert any(unicodedata.category(span["carriers"][0][0][0]) == "Mn" for span in spans)
    assert any(len(span["text"]) > PADDING_RUN for span in spans)


@needs_poppler
@pytest.mark.skipif(importlib.util.find_spec("pymupdf") is None,
                    reason="PyMuPDF (a current MuPDF) is not installed")
def test_nastaliq_copies_out_as_written_with_mupdf(tmp_path):
    path = _nastaliq_pdf(tmp_path)
    text = mupdf_copied(path)
    for paragraph in URDU_WORDS:
        assert unicodedata.normalize("NFC", paragraph) in text
        assert unicodedata.normalize("NFC", paragraph) in copied(path)  # poppler too



def test_a_word_is_cut_into_pieces_mupdf_reads_from_one_entry_each():
    from workflow.render.textlayer import PADDING_RUN, _pieces

    word = "نگران‌کننده‌ترینننن"  # 19 characters, "ن" four times at its end
    pieces = _pieces(word)
    assert "".join(pieces) == word and all(len(piece) <= PADDING_RUN for piece in pieces)
    assert all(a[-1] != b[0] for a, b in zip(pieces, pieces[1:], strict=False))
    assert _pieces("و") == ["و"]



# A Latin run in brackets, Arabic-Indic digits (bidi class AN) and Persian ones (EN) inside
# a line and at its ends; a paragraph whose last line is a number and its full stop, and
# one of a number alone.
NUMBERS = {
    "ar": ("بيان التحالف الدولي للمهاجرين (IMA) بمناسبة يوم المهاجرين لعام ٢٠١٦، "
           "وفي عام ٢٠١٨ من المقرر أن تعتمد الأمم المتحدة ميثاقًا يخص أكثر من ١٢ مليون "
           "لاجئ و٧٠٠٠ شخص في القافلة منذ ٣ تشرين الثاني/نوفمبر ٢٠١٨"),
    "fa": ("اتحاد بین‌المللی مهاجران (IMA) به مناسبت روز جهانی مهاجران ۲۰۱۶ و پیمان "
           "تجارت آزاد (TPP) در سال ۲۰۱۸ درباره بیش از ۱۲ میلیون پناهنده و ۷۰۰۰ نفر "
           "در کاروان از ۳ نوامبر ۲۰۱۸"),
}
ALONE = {"ar": ("٢٠١٨.", "٢٠١٩"), "fa": ("۲۰۱۸.", "۲۰۱۹")}


def _numbers_pdf(tmp_path, language: str):
    """The screen PDF of NUMBERS[language] and ALONE[language], each a paragraph."""
    body = "".join(f'<p lang="{language}" dir="rtl">{text}</p>'
                   for text in (NUMBERS[language], *ALONE[language]))
    return _screen_pdf(tmp_path, body, language, f"{language}.pdf")


def _as_mupdf_orders(path) -> list[str]:
    """Each text object's text as MuPDF (1.24+) orders a line: each glyph's direction
    from the first character of its ToUnicode text (guess_bidi_level in pdf-op-run.c:
    R, AL, AN right to left; L, EN, ES, ET and the bidi controls other than LRM/RLM left
    to right; a neutral, mark or space that of the glyph drawn before it, left to right
    at BT), each stretch of right-to-left characters then reversed where it is
    (stext-device.c, reverse_bidi_line); an /ActualText span's text on its first glyph."""
    from workflow.render.textlayer import _CidFont

    def level(text: str, before: int) -> int:
        kind = unicodedata.bidirectional(text[0]) if text else "ON"
        if kind in ("R", "AL", "AN"):
            return 1
        return before if kind in ("CS", "NSM", "BN", "B", "S", "WS", "ON") else 0

    lines: list[str] = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            resources = page.Resources.get("/Font", {})
            font, chars, now = None, [], 0
            spans: list[str | None] = []
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name == "BT":
                    chars, now = [], 0
                elif name == "ET":
                    text, at = "", 0
                    while at < len(chars):
                        end = at + 1
                        while end < len(chars) and chars[end][1] == chars[at][1]:
                            end += 1
                        stretch = "".join(c for c, _ in chars[at:end])
                        text += stretch[::-1] if chars[at][1] else stretch
                        at = end
                    lines.append(text)
                elif name == "Tf":
                    font = _CidFont(resources[str(operands[0])])
                elif name == "BDC":
                    actual = operands[1].get("/ActualText") if isinstance(
                        operands[1], pikepdf.Dictionary) else None
                    spans.append(None if actual is None else str(actual))
                elif name == "EMC" and spans:
                    spans.pop()
                elif name == "TJ" and font is not None:
                    for item in operands[0]:
                        if isinstance(item, pikepdf.String):
                            raw = bytes(item)
                            for at in range(0, len(raw), 2):
                                own = font.text(int.from_bytes(raw[at:at + 2], "big"))
                                now = level(own, now)
                                span = next((t for t in reversed(spans) if t is not None),
                                            None)
                                if span is not None:  # its text once, on its first glyph
                                    spans[-1], own = "", span
                                chars += [(char, now) for char in own]
    return lines


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_numbers_and_latin_runs_read_in_order_as_mupdf_orders_a_line(tmp_path, language):
    # MuPDF gives each glyph a direction from its text's first character and reverses the
    # right-to-left characters of a line where they are. An Arabic-Indic digit (AN) read
    # right to left and was reversed with the Arabic around it (٢٠١٩ -> ٩١٠٢); the RLM
    # before a Latin run made its first letter right to left ("( IMA)": a line break
    # before it); a space starting a run drawn after a number read left to right, and
    # came out on the number's other side ("عام٢٠١٩"). A number or Latin run starts with
    # an RLE (right to left for poppler, as the RLM was; left to right for MuPDF), each
    # further Arabic-Indic digit with an LRM, and a glyph whose direction MuPDF would
    # take from the one drawn before it otherwise than its run's with an RLM or LRM.
    path = _numbers_pdf(tmp_path, language)
    text = " ".join(unicodedata.normalize("NFC", BIDI_CONTROLS.sub("", " ".join(
        _as_mupdf_orders(path)))).split())
    for paragraph in (NUMBERS[language], *ALONE[language]):
        assert unicodedata.normalize("NFC", paragraph) in text


@needs_poppler
@pytest.mark.parametrize("language", ["ar", "fa"])
def test_numbers_and_latin_runs_copy_out_in_order(tmp_path, language):
    # The same with poppler: an RLE is right to left for it, as the RLM was
    text = copied(_numbers_pdf(tmp_path, language))
    for paragraph in (NUMBERS[language], *ALONE[language]):
        assert unicodedata.normalize("NFC", paragraph) in text


@pytest.mark.skipif(importlib.util.find_spec("pymupdf") is None,
                    reason="PyMuPDF (a current MuPDF) is not installed")
@pytest.mark.parametrize("language", ["ar", "fa"])
def test_numbers_and_latin_runs_copy_out_in_order_with_mupdf(tmp_path, language):
    text = mupdf_copied(_numbers_pdf(tmp_path, language))
    for paragraph in (NUMBERS[language], *ALONE[language]):
        assert unicodedata.normalize("NFC", paragraph) in text


def test_letters_are_counted_as_poppler_counts_them():
    # poppler reads a page in the direction of most of its letters, an RLE among its
    # right-to-left ones (UnicodeTypeTable.cc), as the RLM it replaces before a number or
    # a Latin run: the invisible line that tips a page (_direct) is no longer than needed
    from workflow.render.textlayer import _kinds

    assert _kinds("\u202b\u0662\u200e\u0660") == (1, 1, 2, 0)  # RLE 2 LRM 0: L, R, #, seen


def test_a_url_copied_out_whole_keeps_the_mark_before_its_run():
    # The piece of a broken URL that copies out as all of it (_broken_urls) keeps the
    # mark its first glyph's text starts with: an RLE where the piece starts a line with
    # a letter in right-to-left text (an RLM before a "-"), which keeps poppler from
    # taking the space before the URL into its run
    from workflow.render.textlayer import Drawn, one_span

    for mark, first in (("\u202b", "w"), ("\u200f", "-")):
        drawn = one_span([Drawn(5, mark + first, True), Drawn(6), Drawn(7, None, True)],
                         "https://www.example.org/a-long-one")
        assert drawn[0].opens == mark + "https://www.example.org/a-long-one"


def test_a_glyph_given_a_mark_before_its_text_keeps_its_width(tmp_path):
    # _level_as_drawn draws a glyph under a character id that copies out with an RLM or
    # LRM before its text: as wide as the one it replaces, a carrier (of a letter's
    # marks) advancing by nothing, or the glyphs after it would be drawn elsewhere
    from workflow.render.textlayer import _CidFont

    with pikepdf.open(_vowelled_pdf(tmp_path)) as pdf:
        fonts = pdf.pages[0].Resources.Font
        font = _CidFont(next(fonts[name] for name in fonts.keys()))
        carrier = font.carrier("\u064e")
        assert carrier is not None and font.width(carrier) == 0
        assert font.width(font.retexted(carrier, "\u200f\u064e")) == 0
        letter = next(code for code in range(1, font.first) if font.width(code) > 0)
        assert font.width(font.retexted(letter, "\u200fx")) == font.width(letter)
