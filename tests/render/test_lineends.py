"""Ladders' third hyphens, hyphens before a paragraph's short last line and at a page turn
are refused while WeasyPrint breaks the lines: one layout, no relayout with the words kept
whole."""

from __future__ import annotations

import logging
from pathlib import Path

from tests.helpers import assert_patches_undone_on_error
from workflow.render import linebreaks, lineends, typeset
from workflow.render.fitting import HYPHEN, _lines, hyphen_faults, taken_back
from workflow.render.typeset import render_document

WORDS = ("internationalization responsibilities representatives extraordinarily "
         "administrations communications unrepresentative institutionalized")
# Narrow justified paragraphs of long words, each shifted by a short one: WeasyPrint
# hyphenates three and four lines in a row, and leaves "ized." alone on a last line.
HTML = ('<html lang="en"><head><style>@page { size: A4 } p { width: 42mm; hyphens: auto;'
        ' text-align: justify; margin: 0 0 2mm }</style></head><body>'
        + "".join(f"<p>{' '.join(['and'] * shift + WORDS.split())}.</p>" for shift in range(6))
        + "</body></html>")


def paragraphs(document) -> list[list[str]]:
    found: dict[int | None, list[str]] = {}
    for _, owner, text in _lines(document):
        found.setdefault(owner, []).append(text.strip())
    return list(found.values())


def faults(lines: list[str]) -> list[str]:
    """The lines of a paragraph whose hyphen fitting.taken_back takes back."""
    found, run = [], 0
    for index, line in enumerate(lines[:-1]):
        run = run + 1 if line.endswith(HYPHEN) else 0
        last = lines[-1] if index == len(lines) - 2 else None
        if run and taken_back(run, last):
            found.append(line)
    return found


def words(lines: list[str]) -> list[str]:
    return " ".join(line[:-1] + "\0" if line.endswith(HYPHEN) else line
                    for line in lines).replace("\0 ", "").split()


def test_one_layout_leaves_no_ladder_and_no_short_last_line():
    plain = paragraphs(render_document(HTML, Path("."))[0])
    stats: dict[str, int] = {}
    with lineends.refused(stats):
        document, _ = render_document(HTML, Path("."))
    refused = paragraphs(document)
    # WeasyPrint alone makes both faults; broken with the refusals, none, and no relayout
    # is asked for (no page turn on this one page)
    assert any(len(faults(lines)) for lines in plain)
    assert any(line.endswith(HYPHEN) and len(lines) > 1 and lines[-1] == "ized."
               for lines in plain for line in lines[-2:-1])
    assert not [faults(lines) for lines in refused if faults(lines)]
    assert not hyphen_faults(document) and hyphen_faults(render_document(HTML, Path("."))[0])
    assert stats["refused"] >= 4
    # the same words in the same order, hyphens still made where they are no fault
    assert [words(lines) for lines in refused] == [words(lines) for lines in plain]
    assert sum(line.endswith(HYPHEN) for lines in refused for line in lines) >= 10


def turned(shift: int, height: int) -> str:
    """One paragraph over small pages: with the page `height`, the page turns after a
    hyphenated line, the next not fitting (40, 55) or two lines going over for widows (45)."""
    words = " ".join(["and"] * shift + WORDS.split() * 2)
    return (f'<html lang="en"><head><style>@page {{ size: 60mm {height}mm; margin: 5mm }}'
            " p { width: 42mm; hyphens: auto; text-align: justify; margin: 0;"
            f" orphans: 2; widows: 2 }}</style></head><body><p>{words}.</p></body></html>")


def page_turns(document) -> list[str]:
    lines = _lines(document)
    return [text for (page, _, text), (next_page, _, _) in zip(lines, lines[1:], strict=False)
            if next_page != page and text.strip().endswith(HYPHEN)]


def test_no_hyphen_at_a_page_turn_in_one_layout():
    for height in (40, 45, 55):
        plain, _ = render_document(turned(2, height), Path("."))
        stats: dict[str, int] = {}
        with lineends.refused(stats):
            document, _ = render_document(turned(2, height), Path("."))
        assert page_turns(plain), height
        assert not page_turns(document) and not hyphen_faults(document), height
        assert stats["at a page turn"] >= 1
        assert len(document.pages) == len(plain.pages)
        assert [words(lines) for lines in paragraphs(document)] == [
            words(lines) for lines in paragraphs(plain)]


def test_fit_lays_such_documents_out_again_for_no_hyphen(monkeypatch, caplog):
    layouts = []
    real = typeset.render_document

    def counted(*args, **kwargs):
        layouts.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(typeset, "render_document", counted)
    document, _ = typeset.fit(HTML, Path("."), None, {}, draft=False)
    assert len(document.pages) == 1 and not hyphen_faults(document)
    assert len(layouts) == 1
    caplog.set_level(logging.INFO, logger=typeset.log.name)
    for height in (40, 45, 55):
        document, _ = typeset.fit(turned(2, height), Path("."), None, {}, draft=False)
        assert len(document.pages) > 1 and not hyphen_faults(document)
    assert not [r.message for r in caplog.records if r.message.startswith("typeset again")]


def test_refused_breaks_are_cached_apart_from_hyphenated_ones():
    with lineends.refused():
        fresh = paragraphs(render_document(HTML, Path("."))[0])
    stats: dict[str, int] = {}
    with linebreaks.kept(stats):
        hyphenated = paragraphs(render_document(HTML, Path("."))[0])
        with lineends.refused():
            first = paragraphs(render_document(HTML, Path("."))[0])
            misses = stats["misses"]
            again = paragraphs(render_document(HTML, Path("."))[0])
    assert first == again == fresh != hyphenated
    assert stats["misses"] == misses  # the refused breaks came from the cache


def test_weasyprint_is_left_as_it_was():
    import weasyprint.layout.block as block
    import weasyprint.layout.inline as inline

    assert_patches_undone_on_error(lineends.refused, lambda: (
        inline.iter_line_boxes, block.iter_line_boxes, inline.split_text_box))


def test_a_refusal_that_would_leave_a_short_line_is_not_made():
    # WeasyPrint breaks a text box again, 1 px narrower at a time, when the inline box
    # after it does not fit: with "total-" refused, it set "totalitar-" alone on the next
    # line. The ladder is left to the fitting pass, which keeps the word whole everywhere.
    html = ('<html lang="en-US"><head><style>@page { size: A4 } p { width: 230.85px;'
            ' hyphens: auto; hyphenate-limit-chars: 6 3 3; hyphenate-limit-zone: 8%;'
            ' font-family: "Noto Serif"; font-size: 8.5pt; line-height: 1.45; margin: 0 }'
            ' span { hyphens: manual }</style></head><body><p>It is time for us to restate'
            " socialism as a concept of human emancipation not only opposed to the regional"
            " and global capitalist-imperialist powers but also as an affirmative vision"
            " distinguished from the totalitarian regimes that called themselves"
            " <span>Communist</span> in the former <span>Stalinist</span> Soviet Union.</p>"
            "</body></html>")
    plain = paragraphs(render_document(html, Path("."))[0])
    stats: dict[str, int] = {}
    with lineends.refused(stats):
        document, _ = render_document(html, Path("."))
    assert [faults(lines) for lines in plain] == [["mative vision distinguished from the total‐"]]
    assert paragraphs(document) == plain and stats == {"kept": 1}
    assert hyphen_faults(document) == {"totalitarian"}
    assert not [line for lines in paragraphs(document) for line in lines[:-1] if len(line) < 20]
