"""Hyphens a typesetter would take back, read back from real PDFs: names, ladders, page
turns; and the HTML stage's spans that keep words whole."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.conftest import STATEMENT_EN, write_project
from workflow.build import build
from workflow.config import load_project
from workflow.render.html import keep_names_whole, keep_words_whole

HYPHEN = "\u2010"
# Long words with many US break points, and names, in a narrow measure (side by side):
# without the fitting pass they hyphenate in ladders, across page turns and as names.
WORDS = ("internationalization responsibilities Oppenheimer representatives Washington"
         " extraordinarily administrations Constantinople communications Mediterranean"
         " unrepresentative institutionalized")


def test_names_are_wrapped_whole_outside_tags_and_entities():
    html = keep_names_whole('pro-Iranian forces of Qassem &amp; <a href="Myanmar">Sal</a>')
    assert html == ('pro-<span class="name">Iranian</span> forces of'
                    '<span class="name"> Qassem</span> &amp; <a href="Myanmar">Sal</a>')


def test_names_break_lines_where_plain_text_does():
    # WeasyPrint 70 took back a line's text to its first break where a name's span after
    # a space did not fit at the line's end: "Faced" alone, then "with the current
    # simultaneous attacks on", then "Blacks," (letter en+ur).
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    text = ("Faced with the current simultaneous attacks on Blacks, Latinos, women, gays,"
            " lesbians, transgender people, Muslims and Jews, we cannot separate them.")

    def lines(body: str, width: int) -> list[str]:
        page = HTML(string=f'<html lang="en"><body style="font: 10pt Noto Serif"><p style="width:'
                    f' {width}px">{body}</p></body></html>').render().pages[0]
        found, todo = [], [page._page_box]
        while todo:
            box = todo.pop()
            if isinstance(box, boxes.LineBox):
                found.append("".join(t.text for t in box.descendants()
                                     if isinstance(t, boxes.TextBox)).strip())
            else:
                todo.extend(reversed(getattr(box, "children", ())))
        return found

    wrapped = keep_names_whole(text)
    assert wrapped.count('class="name"') == 3
    differ = [width for width in range(200, 420, 2) if lines(wrapped, width) != lines(text, width)]
    assert not differ


def test_words_kept_whole_only_in_the_body():
    html = "<html><head><title>movement</title></head><body><p>a movement, movements</p>"
    assert keep_words_whole(html, {"movement"}) == (
        '<html><head><title>movement</title></head><body><p>a <span class="whole">movement'
        "</span>, movements</p>")


def page_lines(pdf) -> list[list[str]]:
    count = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    pages = []
    for number in range(1, count + 1):
        text = subprocess.run(["pdftotext", "-raw", "-f", str(number), "-l", str(number),
                               str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        pages.append([line.strip() for line in text.splitlines() if line.strip()])
    return pages


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")
def test_no_ladders_page_turn_hyphens_or_hyphenated_names(tmp_path, monkeypatch):
    body = "\n\n".join(" ".join(["and"] * shift + WORDS.split() * 3) + "."
                       for shift in range(16))
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN + "\n" + body + "\n"},
                         config='[tool.pamphlet]\nlanguages = ["en"]\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    build(project, languages=["en"], layouts=["single"])
    pages = page_lines(project.build / "caravan" / "caravan.en.pdf")
    hyphens = 0
    for number, lines in enumerate(pages[1:-1], start=2):  # the text pages
        text = [line for line in lines if not line.isdigit()]  # the folio
        run = 0
        for index, line in enumerate(text):
            run = run + 1 if line.endswith(HYPHEN) else 0
            hyphens += line.endswith(HYPHEN)
            assert run < 3, f"ladder on page {number}: {text[index - 2:index + 1]}"
            if line.endswith(HYPHEN):
                head = line[:-1].split()[-1]
                assert not head[:1].isupper(), f"name hyphenated on page {number}: {line}"
        assert not text[-1].endswith(HYPHEN), f"hyphen at the turn of page {number}"
    assert hyphens >= 10  # the measure still hyphenates


def _address_boxes(document):
    """(width, width of the block it is set in) of each piece of each address."""
    from weasyprint.formatting_structure import boxes

    found = []
    for page in document.pages:
        todo = [(page._page_box, 0.0)]
        while todo:
            box, room = todo.pop()
            if isinstance(box, boxes.BlockContainerBox):
                room = box.width
            element = getattr(box, "element", None)
            if (isinstance(box, boxes.InlineBox) and element is not None
                    and "url" in (element.get("class") or "").split()):
                found.append((box.width, room))
                continue
            todo.extend((child, room) for child in getattr(box, "children", ()))
    return found


def test_a_url_is_fitted_in_its_own_measure_or_left_to_break(tmp_path):
    # The same URL in a wide measure (set whole, smaller) and in one too narrow for it at
    # any size the fitting pass allows (left to break at its break points): the fitted
    # size of the one must not make the other overflow its column.
    from workflow.render.html import break_addresses
    from workflow.render.typeset import fit

    url = ("https://www.allianceofmesocialists.org/statement-from-alliance-of-middle-eastern"
           "-socialists-on-the-migrant-caravan/")  # fits the wide measure at 0.85
    html = (f'<html lang="en"><body><article class="text"><p>{break_addresses(url)}</p>'
            f'<div style="width: 25mm"><p>{break_addresses(url)}</p></div>'
            "</article></body></html>")
    document, _ = fit(html, tmp_path, None, {}, False)
    pieces = _address_boxes(document)
    wide = [(width, room) for width, room in pieces if room > 200]
    narrow = [width for width, room in pieces if room < 100]
    assert len(wide) == 1 and wide[0][0] <= wide[0][1]  # whole, on one line
    assert len(narrow) > 1 and sum(narrow) > wide[0][0]  # broken, at its own size


def test_a_url_is_never_set_under_the_floor(tmp_path):
    # A URL that would fit its line only under URL_FLOOR of its size breaks at its break
    # points, at its own size: legible before copied whole.
    from weasyprint.formatting_structure import boxes

    from workflow.render.html import break_addresses
    from workflow.render.typeset import fit

    url = ("https://www.allianceofmesocialists.org/statement-from-alliance-of-middle-eastern"
           "-socialists-in-solidarity-with-the-latin-american-migrant-caravan-headed/")
    html = (f'<html lang="en"><body><article class="text"><p>{break_addresses(url)}</p>'
            "</article></body></html>")
    document, _ = fit(html, tmp_path, None, {}, False)
    assert len(_address_boxes(document)) > 1  # broken over lines
    sizes, todo = set(), [document.pages[0]._page_box]
    while todo:
        box = todo.pop()
        if isinstance(box, boxes.TextBox):
            sizes.add(round(box.style["font_size"], 2))
        todo.extend(getattr(box, "children", ()))
    assert sizes == {round(10 * 4 / 3, 2)}  # 10 pt, the paragraph's, in px


def test_a_short_address_is_set_whole_from_the_first_layout(tmp_path, monkeypatch):
    # A short URL that the text before it leaves no room for goes whole to the next line
    # in the first layout, as the fitting pass would set it one layout later.
    from workflow.render import typeset as module
    from workflow.render.html import break_addresses

    text = "We stand with all who walk to the line, and with all who take them in " * 2
    html = (f'<html lang="en"><body><article class="text"><p>{text}{"word " * 7}'
            f'{break_addresses("https://allianceofmesocialists.org/")} today.</p>'
            "</article></body></html>")
    broken, _ = module.render_document(html, tmp_path)
    assert len(_address_boxes(broken)) > 1  # left to itself, it breaks at the line end
    layouts = []
    real = module.render_document
    monkeypatch.setattr(module, "render_document",
                        lambda *args, **kwargs: layouts.append(1) or real(*args, **kwargs))
    document, _ = module.fit(html, tmp_path, None, {}, False)
    pieces = _address_boxes(document)
    assert len(pieces) == 1 and pieces[0][0] <= pieces[0][1]  # whole, on one line
    assert len(layouts) == 1


def test_a_short_address_too_wide_for_its_column_breaks(tmp_path):
    # Set whole from the start, a short address wider than its column even at URL_FLOOR
    # of its size is let break again at its break points, not left to overflow.
    from workflow.render.html import break_addresses
    from workflow.render.typeset import fit

    html = ('<html lang="en"><body><article class="text"><div style="width: 40mm"><p>'
            f'{break_addresses("https://allianceofmesocialists.org/")}</p></div>'
            "</article></body></html>")
    document, _ = fit(html, tmp_path, None, {}, False)
    pieces = _address_boxes(document)
    assert len(pieces) > 1 and all(width <= room + 0.01 for width, room in pieces)
