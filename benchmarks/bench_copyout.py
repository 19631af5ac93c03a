"""Copy-out benchmark: how many Arabic, Persian and Urdu segments of the built PDFs a reader
gets back, character for character, when copying text out with poppler (pdftotext) and
MuPDF (mutool; and PyMuPDF's own, newer MuPDF where it is installed).

Run from a project root after `pamphlet build`: `python benchmarks/bench_copyout.py
[--pdf build/x/x.ar.pdf ...] [--show N]`. A segment counts as right when its printed text
(the catalog's, with the typography and markup the PDF prints) occurs in the extracted text
of its PDF, both in Unicode NFC, whitespace folded, bidi controls (which extractors insert
and no one sees) left out. The running header and page numbers are cropped away, so that a
segment running over a page turn is found whole.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pikepdf

from workflow.config import load_project
from workflow.edition import Piece, load_editions
from workflow.html import piece_html
from workflow.outputs import plan_outputs
from workflow.source import select_slugs

SCRIPTS = ("ar", "fa", "ur")  # the languages written in the Arabic script
MARGIN = 15 * 72 / 25.4  # points cut at the top and bottom: header and folio, not text
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069\u061c"))
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u00ad"))  # <wbr> and soft hyphens
TAG = re.compile(r"<[^>]+>")


def normal(text: str) -> str:
    """NFC, bidi controls and break opportunities removed, whitespace folded."""
    text = unicodedata.normalize("NFC", text).translate(BIDI_CONTROLS).translate(INVISIBLE)
    return " ".join(text.split())


def printed(piece: Piece) -> str:
    """A segment's text as the PDF prints it."""
    return normal(unescape(TAG.sub("", piece_html(piece))))


def expected_segments(project, slug: str, languages: tuple[str, ...]) -> list[tuple[str, str]]:
    """(language, printed text) of every Arabic-script segment of an edition."""
    segments = []
    for edition in load_editions(project, slug, list(languages), draft=False):
        pieces = [edition.title, edition.author]
        pieces += [p for unit in edition.units for row in unit.rows for p in row]
        segments += [(p.language, printed(p)) for p in pieces
                     if p.language in SCRIPTS and p.text.strip()]
    return segments


def page_box(path: Path) -> tuple[float, float]:
    with pikepdf.open(path) as pdf:
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].mediabox)
    return x1 - x0, y1 - y0


def poppler_text(path: Path) -> str:
    width, height = page_box(path)
    crop = ["-x", "0", "-y", f"{MARGIN:.0f}", "-W", f"{width:.0f}",
            "-H", f"{height - 2 * MARGIN:.0f}"]
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *crop, str(path), "-"],
                         capture_output=True, check=True, text=True).stdout
    return normal(out.replace("\f", " "))


def mutool_text(path: Path) -> str:
    """mutool's text output, lines in the header and footer margins left out."""
    xml = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", str(path)],
                         capture_output=True, check=True).stdout
    lines = []
    for page in ElementTree.fromstring(xml).iter("page"):
        height = float(page.get("height"))
        for line in page.iter("line"):
            y0, y1 = (float(v) for v in line.get("bbox").split()[1::2])
            if y1 < MARGIN or y0 > height - MARGIN:
                continue
            lines.append("".join(char.get("c", "") for char in line.iter("char")))
    return normal(" ".join(lines))


def pymupdf_text(path: Path) -> str | None:
    """PyMuPDF's extraction (its MuPDF reorders right-to-left text since 1.24), if
    PyMuPDF is installed."""
    try:
        import pymupdf
    except ImportError:
        return None
    parts = []
    with pymupdf.open(path) as doc:
        for page in doc:
            rect = page.rect
            clip = pymupdf.Rect(rect.x0, rect.y0 + MARGIN, rect.x1, rect.y1 - MARGIN)
            parts.append(page.get_text("text", clip=clip))
    return normal(" ".join(parts))


EXTRACTORS = {"pdftotext": poppler_text, "mutool": mutool_text, "pymupdf": pymupdf_text}


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (pdf, language, text)


def measure(paths: list[tuple[Path, str, tuple[str, ...]]], project, show: int) -> int:
    tallies: dict[tuple[str, str], Tally] = {}
    versions = {}
    for path, slug, languages in paths:
        segments = expected_segments(project, slug, languages)
        if not segments:
            continue
        for name, extract in EXTRACTORS.items():
            text = extract(path)
            if text is None:
                continue
            versions[name] = True
            for language, segment in segments:
                tally = tallies.setdefault((name, language), Tally())
                tally.total += 1
                if segment in text:
                    tally.right += 1
                else:
                    tally.wrong.append((path.name, language, segment))
    print(f"{len(paths)} PDF(s) with Arabic-script text")
    print(f"{'extractor':10} {'lang':4} {'right':>6} {'total':>6} {'wrong':>6}")
    wrong = 0
    for (name, language), tally in sorted(tallies.items()):
        print(f"{name:10} {language:4} {tally.right:6} {tally.total:6} "
              f"{tally.total - tally.right:6}")
        wrong += tally.total - tally.right
        for pdf, lang, segment in tally.wrong[:show]:
            print(f"    {pdf} [{lang}] {segment[:90]}")
    return wrong


def pdfs(project, only: list[Path]) -> list[tuple[Path, str, tuple[str, ...]]]:
    """Every screen PDF with Arabic-script text that is built, or only those named."""
    found = []
    for slug in select_slugs(project, None):
        for output in plan_outputs(project, slug):
            if not set(output.languages) & set(SCRIPTS) or not output.path.is_file():
                continue
            if only and output.path.resolve() not in only:
                continue
            found.append((output.path, slug, output.languages))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--pdf", type=Path, nargs="*", default=[])
    parser.add_argument("--show", type=int, default=0, help="wrong segments shown per row")
    args = parser.parse_args()
    project = load_project(args.root)
    wrong = measure(pdfs(project, [p.resolve() for p in args.pdf]), project, args.show)
    print(f"segments copied out wrong: {wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
