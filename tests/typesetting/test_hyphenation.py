"""Hyphenation read back from real PDFs: every line-end hyphen (U+2010 in the text layer)
of an English pamphlet falls where pyphen's US English patterns allow a break."""

from __future__ import annotations

import shutil
import subprocess

import pyphen
import pytest

from tests.conftest import STATEMENT_EN, write_project
from workflow.build import build
from workflow.config import load_project

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")

HYPHEN = "\u2010"  # what WeasyPrint puts at a hyphenated line's end
# Words pyphen's British `en` and US `en_US` patterns break differently (opportun-ities /
# op-por-tu-ni-ties, unrepres-ented / un-rep-re-sent-ed, commen-tat-ors / com-men-ta-tors),
# shifted by one short word per paragraph so that line ends fall on each of them.
WORDS = ("opportunities unrepresented communities commentators responsibilities "
         "participation militarization disappointed extraordinary imperialism")
BODY = "\n\n".join(" ".join(["and"] * shift + WORDS.split() * 2) + "."
                    for shift in range(14))


def line_end_breaks(pdf) -> list[tuple[str, int]]:
    """(word, letters before the break) of each hyphenated line end, in text order."""
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    breaks = []
    for line, following in zip(lines, lines[1:], strict=False):
        if line.endswith(HYPHEN):
            head = line[:-1].split()[-1]
            tail = following.split()[0]
            word = (head + tail).strip(".,;:!?\"“”")
            breaks.append((word, len(head.lstrip("\"“"))))
    return breaks


@pytest.fixture
def english_pdf(tmp_path, monkeypatch):
    statement = STATEMENT_EN + "\n" + BODY + "\n"
    root = write_project(tmp_path / "project", {"caravan": statement},
                         config='[tool.pamphlet]\nlanguages = ["en"]\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    build(project, languages=["en"], layouts=["single"])
    return project.build / "caravan" / "caravan.en.pdf"


def test_paragraphs_break_where_us_english_allows(english_pdf):
    us = pyphen.Pyphen(lang="en_US")
    breaks = line_end_breaks(english_pdf)
    assert len(breaks) >= 5, breaks  # the measure is narrow enough to hyphenate
    wrong = [(word, at) for word, at in breaks if at not in us.positions(word.lower())]
    assert not wrong, f"breaks en_US does not allow: {wrong}"


def test_a_cover_s_second_title_is_never_hyphenated(tmp_path):
    # A side-by-side cover's second title is a <p class="title">: the language's
    # `p:lang(es) { hyphens: auto }` outranked `p.title { hyphens: manual }` by coming
    # later ("mostremos solidari-dad" on the A4 en+es cover).
    from pathlib import Path

    from workflow.render.stylesheet import language_css
    from workflow.render.typeset import render_document

    title = "Opongámonos a la guerra contra Irán, mostremos solidaridad internacionalista " * 3
    html = ('<html lang="en"><head><style>@page { size: A5 } p { width: 40mm }</style></head>'
            '<body><section class="cover"><h1 class="title" lang="en">War</h1>'
            f'<p class="title" lang="es">{title}</p></section></body></html>')
    document, options = render_document(html, Path("."), None, language_css({}, False))
    document.write_pdf(tmp_path / "cover.pdf", **options)
    text = subprocess.run(["pdftotext", str(tmp_path / "cover.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "internacionalista" in text and HYPHEN not in text
