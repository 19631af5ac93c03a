"""Typographic rules read back from real PDFs: headings, URLs, quotes, where the colophon and
the sections fall, running headers, the cover and contents, reading direction, page labels.
Text is read with poppler's pdftotext (`-raw`: content order, hyphens kept) and pypdf."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from tests.helpers import (
    BIDI_CONTROLS,
    STATEMENT_EN,
    keeping_numbers,
    review,
    translate_catalog,
    write_project,
)
from workflow import languages
from workflow.build import build
from workflow.config import load_project

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")

LONG_HEADING = "Internationalism against counterrevolutionary militarization and imperialism"
URL = "https://allianceofmesocialists.org/oppose-war-on-iran-show-solidarity-with-uprisings/"
# Words the US patterns hyphenate, set in narrow columns: the body has hyphens to find.
BODY = ("The representatives of international capitalism disregard the extraordinary"
        " responsibilities of governments towards unrepresented communities.")
STATEMENT = STATEMENT_EN.replace("## No one is illegal", f"## {LONG_HEADING}").replace(
    "More than 7000 people walk together.",
    f'More than 7000 people walk together. Read "the other" at {URL} today.') + "\n" + \
    "\n\n".join([BODY] * 12) + "\n"


def raw_lines(path, first: int | None = None, last: int | None = None) -> list[str]:
    command = ["pdftotext", "-raw"]
    if first:
        command += ["-f", str(first), "-l", str(last or first)]
    text = subprocess.run([*command, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [BIDI_CONTROLS.sub("", line).strip() for line in text.splitlines() if line.strip()]


def page_texts(path) -> list[str]:
    return [BIDI_CONTROLS.sub("", page.extract_text() or "").strip()
            for page in PdfReader(path).pages]


def spans(path, page_index: int) -> list[tuple[str, str, float]]:
    """(text, font name, font size in points) of each text run of a page, via pypdf."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip() and font is not None:
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            found.append((text.strip(), str(font.get("/BaseFont", "")), size * scale))

    PdfReader(path).pages[page_index].extract_text(visitor_text=visit)
    return found


def make_english(root):
    project_root = write_project(root, {"caravan": STATEMENT},
                                 config='[tool.pamphlet]\nlanguages = ["en", "es", "ar", "fa"]\n')
    return review(load_project(project_root), spanish='Dijo "el otro" en la calle.')


@pytest.fixture
def english(tmp_path, monkeypatch):
    """The project, translated and not built: for tests that change it or build it."""
    monkeypatch.chdir(tmp_path)
    return make_english(tmp_path / "project")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The same project with every screen PDF built once, for the tests that only read
    them (each built its own before: the multilingual one four times)."""
    project = make_english(tmp_path_factory.mktemp("built") / "project")
    report = build(project)
    assert len(report.written) == 8 and not report.failures
    return project


def test_headings_are_sans_and_never_hyphenated_while_the_body_is(built):
    pdf = built.build / "caravan" / "caravan.en+es.pdf"
    # WeasyPrint's line-end hyphen is U+2010 (HYPHEN) in the text layer.
    lines = [line.replace("\u2010", "-") for line in raw_lines(pdf)]
    heading_words = set(LONG_HEADING.split())
    # The heading is set on several lines in the narrow column, none ending in a hyphen.
    heading_lines = [line for line in lines if set(line.split()) <= heading_words
                     or any(w.rstrip("-") and LONG_HEADING.find(w.rstrip("-")) >= 0
                            and len(w) > 6 and w.endswith("-") for w in line.split()[-1:])
                     and set(line.split()[:-1]) <= heading_words]
    assert len(heading_lines) >= 2, lines[:20]
    assert not any(line.endswith("-") for line in heading_lines), heading_lines
    # ... while body text in the same columns is hyphenated (so the rule is not vacuous),
    # with US patterns and at least 3 letters either side of the break.
    broken = [line.split()[-1] for line in lines if re.search(r"[a-z]-$", line)]
    assert broken, "no hyphenated body line: the test would prove nothing"
    assert all(len(word.rstrip("-")) >= 3 for word in broken), broken
    assert "repres-" not in broken and "Americ-" not in broken
    runs = spans(pdf, 1)
    heading_fonts = {font for text, font, _ in runs if set(text.split()) <= heading_words}
    assert heading_fonts and all("Sans" in font for font in heading_fonts), heading_fonts


def test_urls_print_intact_and_never_end_a_line_in_a_hyphen_or_dot(built):
    pdf = built.build / "caravan" / "caravan.en+es.pdf"
    # pdftotext copies a URL broken over lines out whole (textlayer._broken_urls: in
    # /ActualText spans); the lines as drawn are pypdf's, which reads the glyphs
    assert any(URL in line for line in raw_lines(pdf)), "the URL must copy out on one line"
    lines = [BIDI_CONTROLS.sub("", line).strip() for page in PdfReader(pdf).pages
             for line in (page.extract_text() or "").splitlines()]
    assert URL in "".join(lines), "the URL must read back with nothing inserted"
    pieces = [line for line in lines if line and URL.find(line.split()[-1]) > 0
              or line.startswith(("allianceof", "oppose-", "show-", "uprisings"))]
    broken = False
    for line in lines:  # wherever the URL is broken, the break precedes / . or -
        last = line.split()[-1] if line.split() else ""
        if last and URL.startswith(last) and last != URL:
            broken = True
            assert last.endswith("//") or last[-1] not in "/.-", (last, pieces)
    # Wider than the narrow column even at the fitting pass's smallest URL size
    # (fitting.URL_FLOOR), it breaks there: the test would prove nothing otherwise.
    assert broken, "the URL must be broken in the narrow column"


def test_typographic_quotes_per_language(english):
    # Long enough for running headers, which repeat the (quoted) title.
    translate_catalog(english, "es", keeping_numbers(
        'Dijo "el otro" en la calle, ' + "y la calle respondió " * 12 + "."))
    build(english, languages=["en", "es"], layouts=["single"])
    en = " ".join(raw_lines(english.build / "caravan" / "caravan.en.pdf"))
    es_pages = page_texts(english.build / "caravan" / "caravan.es.pdf")
    assert len(es_pages) >= 4
    es = " ".join(es_pages)
    assert "\u201cthe other\u201d" in en and '"' not in en
    assert es.count("«el otro»") > len(es_pages) and '"' not in es


def test_number_and_its_word_share_a_line(built):
    html_space = "7000\u00a0people"
    text = subprocess.run(["pdftotext", "-raw", str(built.build / "caravan" /
                                                      "caravan.en.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert html_space in text or "7000 people" in text.replace("\u00a0", " ")
    assert not re.search(r"\b7000\n", text)


@pytest.mark.parametrize("for_print", [False, True])
def test_colophon_on_the_last_page_and_sections_on_a_new_page(english, for_print):
    build(english, layouts=["multilingual"], for_print=for_print)
    where = english.build / ("print/caravan" if for_print else "caravan")
    pdf = where / "caravan.multilingual.pdf"
    texts = page_texts(pdf)
    colophon = languages.get("en").furniture["colophon"]
    reader = PdfReader(pdf)
    starts = {item.title: reader.get_destination_page_number(item) + 1
              for item in reader.outline if not isinstance(item, list)}
    at = starts[colophon]
    assert texts[at - 1].startswith(colophon) and not any(t.startswith(colophon)
                                                          for t in texts[:at - 1])
    # Last, or (print) followed by padding and a back cover of its own, the last page.
    assert at == len(texts) or for_print and texts[-1] and not any(texts[at:-1])
    sections = [title for title in starts if title != colophon]
    assert len(sections) == 4, starts
    # A section opens on the page after the last one's end, left or right: no blank page
    # before it (a recto start cost a blank page per section).
    assert all(texts[starts[title] - 2] for title in sections), starts
    if for_print:  # blank pages: only the padding to a multiple of 4, before the last page
        assert len(texts) % 4 == 0
        for index in (i for i, t in enumerate(texts) if not t):
            following = next(i for i in range(index, len(texts)) if texts[i])
            assert following == len(texts) - 1
    # The colophon bookmark is at the top level, not under the last language.
    assert any(item.title == colophon for item in reader.outline if not isinstance(item, list))


def test_running_header_not_on_a_section_s_opening_page(built):
    pdf = built.build / "caravan" / "caravan.multilingual.pdf"
    reader = PdfReader(pdf)
    starts = [reader.get_destination_page_number(item) for item in reader.outline
              if not isinstance(item, list)][:4]
    for index in starts:
        runs = spans(pdf, index)
        small = [text for text, _, size in runs if size < 7.5]  # header 7pt, number 8pt
        assert not small, (index, small)
    follower = spans(pdf, starts[0] + 1)
    assert any(size < 7.5 for _, _, size in follower), "no running header at all"


def test_multilingual_cover_gives_every_script_the_same_rank(built):
    runs = spans(built.build / "caravan" / "caravan.multilingual.pdf", 0)
    arabic = [size for text, _, size in runs if re.search("[\u0600-\u06ff]", text)]
    latin = [size for text, _, size in runs if re.search("[A-Za-z]", text)]
    assert max(arabic) >= max(latin)  # the titles: Arabic script no smaller than Latin
    cover = page_texts(built.build / "caravan" / "caravan.multilingual.pdf")[0]
    assert "November 3, 2018" in cover  # the date is on the cover


def test_contents_has_leaders_a_number_column_and_capitalised_names(built):
    text = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(
        built.build / "caravan" / "caravan.multilingual.pdf"), "-"], capture_output=True,
        text=True, check=True).stdout
    lines = [BIDI_CONTROLS.sub("", line).rstrip() for line in text.splitlines()]
    entries = [line for line in lines if re.search(r"(?:\. ){5,}", line)]
    assert len(entries) == 4, lines
    latin = [line for line in entries if re.search("[A-Za-z]", line[:8])]
    assert all(re.search(r"\.\s+[0-9]+$", line) for line in latin), latin
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "2", "-l", "2", str(
        built.build / "caravan" / "caravan.multilingual.pdf"), "-"], capture_output=True,
        text=True, check=True).stdout
    # Where the Latin entries' page numbers end: one column, at the measure's end.
    numbers = [float(x) for x, word in re.findall(r'xMax="([\d.]+)"[^>]*>([35])</word>', boxes)]
    assert len(numbers) == 2 and abs(numbers[0] - numbers[1]) < 1, numbers
    assert any(line.strip().startswith("Español") for line in entries), entries


def test_screen_pdfs_read_right_to_left_and_carry_page_labels(built):
    for lang, direction in (("en", None), ("fa", "/R2L")):
        root = PdfReader(built.build / "caravan" / f"caravan.{lang}.pdf").trailer["/Root"]
        assert root.get("/ViewerPreferences", {}).get("/Direction") == direction
        assert root["/PageLabels"]["/Nums"][1]["/S"] == "/D"


def test_print_build_leaves_the_screen_pdfs_alone(english):
    build(english, languages=["en", "fa"])
    screen = {p.name: p.read_bytes() for p in (english.build / "caravan").glob("*.pdf")}
    report = build(english, languages=["en", "fa"], for_print=True)
    assert {p.name: p.read_bytes() for p in (english.build / "caravan").glob("*.pdf")} == screen
    assert all(p.parent == english.build / "print" / "caravan" for p in report.written)
    for name in screen:
        page = PdfReader(english.build / "caravan" / name).pages[0]
        assert page.mediabox == page.trimbox  # no bleed
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, 419.53, 595.28], abs=0.1)
    html = (english.build / "index.html").read_text(encoding="utf-8")
    assert 'href="caravan/caravan.fa.pdf"' in html  # both kinds, each named for what it is
    assert 'href="print/caravan/caravan.fa.pdf">print fa' in html
    assert 'href="print/caravan/caravan.fa.booklet.pdf">booklet fa' in html
    assert 'href="print/caravan/README.txt">print bundle' in html


def test_a_title_kept_together_keeps_its_heading_font(english):
    translate_catalog(english, "fa", keeping_numbers(
        "با جنگ علیه ایران مخالفت کنید، با خیزش‌های منطقه همبستگی نشان دهید."))
    build(english, languages=["fa"], layouts=["single"])
    runs = spans(english.build / "caravan" / "caravan.fa.pdf", 0)
    title = [(text, font) for text, font, size in runs
             if size > 15 and re.search("[\u0600-\u06ff]", text)]
    assert len(title) >= 2, runs  # more than one run: the no-break groups are spans
    assert all("Kufi" in font for _, font in title), title


@pytest.mark.parametrize("language", ["ar", "ur"])
def test_a_url_in_right_to_left_text_is_set_in_the_latin_face(tmp_path, language):
    # The script's face has its own "-" and "." (Noto Nastaliq Urdu both, Noto Naskh
    # Arabic the dot): a URL in Arabic or Urdu text was set in two faces, with heavier
    # dots, and MuPDF copied one whose last line started with Nastaliq's "-" out with a
    # space in it. Every character of a URL is in the Latin text face.
    from tests.typesetting.glyphs import read_pages
    from workflow.pdf.post import finish_screen
    from workflow.render.html import break_addresses, wrap_ltr_runs
    from workflow.render.typeset import typeset

    words = {"ar": "اقرأوا البيان على", "ur": "اس بیان کو پڑھیں"}[language]
    url = "https://www.allianceofmesocialists.org/statement-on-the-caravan/"
    html = break_addresses(wrap_ltr_runs(f"{words} {url}"))
    path = tmp_path / "out.pdf"
    path.write_bytes(finish_screen(typeset(
        f'<html lang="{language}"><body><article class="text">'
        f'<p lang="{language}" dir="rtl">{html}</p></article></body></html>',
        tmp_path, None, {}, False), "right"))
    glyphs = [g for page in read_pages(path) for line in page.lines for g in line.glyphs
              if g.c in "-./:" and g.c]
    assert len(glyphs) >= 8
    assert all("Serif" in g.font for g in glyphs), {g.font for g in glyphs}
