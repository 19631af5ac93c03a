"""Copy-out benchmark: how many Arabic, Persian and Urdu segments of the built PDFs a reader
gets back, character for character, when copying text out with poppler (pdftotext) and
MuPDF (mutool; and PyMuPDF's own, newer MuPDF where it is installed).

MuPDF's measure is PyMuPDF's, a current MuPDF: MuPDF reorders right-to-left lines and
reads /ActualText only since 1.24 (2024), and Debian 12's mutool (1.21) copies characters
in the order they are drawn, which for every PDF drawn in visual order (browsers',
WeasyPrint's) is backwards: its row is printed for reference.

Run from a project root after `pamphlet build`: `python benchmarks/bench_copyout.py
[--pdf build/x/x.ar.pdf ...] [--show N]`. PyMuPDF (`pip install pymupdf`, a current MuPDF)
and pdf.js (PDFJS_NODE_MODULES=path/to/node_modules with pdfjs-dist) are measured where
they are installed; they are not dependencies of pamphlet.

A segment counts as right when its printed text
(the catalog's, with the typography and markup the PDF prints) occurs in the extracted text
of its PDF, both in Unicode NFC, whitespace folded, bidi controls (which extractors insert
and no one sees) left out. The running header and page numbers (tagged as pagination
artifacts) are taken out of a copy first, so that a segment running over a page turn is
found whole; the page is otherwise extracted whole (pdftotext's -x/-y/-W/-H crop takes
another code path, which orders right-to-left lines otherwise).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import pikepdf

from workflow.config import load_project
from workflow.edition import Piece, load_editions
from workflow.outputs import plan_outputs
from workflow.render.html import piece_html
from workflow.source import select_slugs

SCRIPTS = ("ar", "fa", "ur")  # the languages written in the Arabic script
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


def expected_segments(project, slug: str, languages: tuple[str, ...],
                      every: bool = False, draft: bool = False) -> list[tuple[str, str]]:
    """(language, printed text) of every Arabic-script segment of an edition (`every`: of
    every language; `draft`: as a draft build prints it, unreviewed text too)."""
    segments = []
    for edition in load_editions(project, slug, list(languages), draft=draft):
        pieces = [edition.title, edition.author]
        pieces += [p for unit in edition.units for row in unit.rows for p in row]
        segments += [(p.language, printed(p)) for p in pieces
                     if (every or p.language in SCRIPTS) and p.text.strip()]
    return segments


def without_pagination(path: Path, folder: Path) -> Path:
    """A copy of the PDF without its pagination artifacts (running header, folios); what
    else is an artifact stays."""
    copy = folder / path.name
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            kept, depth = [], 0
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if depth:
                    depth += {"BDC": 1, "BMC": 1, "EMC": -1}.get(name, 0)
                    continue
                # pagination artifacts only: an invisible line of RLMs (textlayer) stays
                if (name == "BDC" and operands[0] == pikepdf.Name.Artifact
                        and isinstance(operands[1], pikepdf.Dictionary)
                        and operands[1].get("/Type") == pikepdf.Name.Pagination):
                    depth = 1
                    continue
                kept.append(pikepdf.ContentStreamInstruction(operands, operator))
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        pdf.save(copy)
    return copy


def pages(out: str) -> list[str]:
    """The normalised text of each page of an extractor's output (pages end in a form
    feed)."""
    return [normal(page) for page in out.split("\f")]


def poppler_text(path: Path) -> list[str]:
    return pages(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                                capture_output=True, check=True, text=True).stdout)


def mutool_text(path: Path) -> list[str]:
    return pages(subprocess.run(["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(path)],
                                capture_output=True, check=True, text=True).stdout)


def pymupdf_text(path: Path) -> list[str] | None:
    """PyMuPDF's extraction (its MuPDF reorders right-to-left text since 1.24), if
    PyMuPDF is installed."""
    try:
        import pymupdf
    except ImportError:
        return None
    with pymupdf.open(path) as doc:
        return [normal(page.get_text("text")) for page in doc]


def pdfjs_text(path: Path) -> list[str] | None:
    """pdf.js's extraction (Firefox's viewer), if PDFJS_NODE_MODULES names a node_modules
    folder with pdfjs-dist (`npm install pdfjs-dist@4`)."""
    modules = os.environ.get("PDFJS_NODE_MODULES")
    if not modules or not shutil.which("node"):
        return None
    script = Path(__file__).with_name("pdfjs_text.mjs")
    out = subprocess.run(["node", str(script), str(path)], capture_output=True, check=True,
                         text=True, env={**os.environ, "NODE_PATH": modules}).stdout
    return pages(out)


EXTRACTORS = {"pdftotext": poppler_text, "mutool": mutool_text, "pymupdf": pymupdf_text,
              "pdf.js": pdfjs_text}


def found(segment: str, page_texts: list[str], text: str) -> str | None:
    """'whole' if the segment is in the text, 'turn' if it runs over a page turn and each
    part is on its page (in a side-by-side edition the other column's text comes between
    the two), else None."""
    if segment in text:
        return "whole"
    words = segment.split(" ")
    for at in range(1, len(words)):
        before, after = " ".join(words[:at]), " ".join(words[at:])
        for page, following in zip(page_texts, page_texts[1:], strict=False):
            if before in page and after in following:
                return "turn"
    return None


@dataclass
class Tally:
    right: int = 0
    turn: int = 0  # of which over a page turn
    total: int = 0
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # (pdf, language, text)


def measure(paths: list[tuple[Path, str, tuple[str, ...], str]], project, show: int,
            every: bool = False, draft: bool = False) -> dict[str, int]:
    tallies: dict[tuple[str, str, str], Tally] = {}
    versions = {}
    folder = Path(tempfile.mkdtemp(prefix="copyout-"))
    for path, slug, languages, layout in paths:
        segments = expected_segments(project, slug, languages, every, draft)
        if not segments:
            continue
        bare = without_pagination(path, folder)
        for name, extract in EXTRACTORS.items():
            page_texts = extract(bare)
            if page_texts is None:
                continue
            text = " ".join(page_texts)
            versions[name] = True
            for language, segment in segments:
                tally = tallies.setdefault((name, layout, language), Tally())
                tally.total += 1
                where = found(segment, page_texts, text)
                if where:
                    tally.right += 1
                    tally.turn += where == "turn"
                else:
                    tally.wrong.append((path.name, language, segment))
    print(f"{len(paths)} PDF(s) with Arabic-script text; {versions_line()}")
    print(f"{'extractor':10} {'layout':12} {'lang':4} {'right':>6} {'total':>6} {'wrong':>6}"
          f" {'(turn)':>6}")
    wrong: dict[str, int] = {}
    for (name, layout, language), tally in sorted(tallies.items()):
        print(f"{name:10} {layout:12} {language:4} {tally.right:6} {tally.total:6} "
              f"{tally.total - tally.right:6} {tally.turn:6}")
        wrong[name] = wrong.get(name, 0) + tally.total - tally.right
        for pdf, lang, segment in tally.wrong[:show]:
            print(f"    {pdf} [{lang}] {segment[:90]}")
    for name, count in wrong.items():
        print(f"segments copied out wrong by {name}: {count}")
    return wrong


def versions_line() -> str:
    """Which poppler, MuPDF and PyMuPDF measured: they extract right-to-left text
    differently from version to version."""
    found = []
    for command in (["pdftotext", "-v"], ["mutool", "-v"]):
        try:
            out = subprocess.run(command, capture_output=True, text=True)
            found.append((out.stdout + out.stderr).splitlines()[0])
        except (OSError, IndexError):
            pass
    try:
        import pymupdf

        found.append(f"PyMuPDF {pymupdf.__version__} (MuPDF {pymupdf.mupdf_version})")
    except ImportError:
        pass
    return "; ".join(found)


def pdfs(project, only: list[Path]) -> list[tuple[Path, str, tuple[str, ...], str]]:
    """Every screen PDF with Arabic-script text that is built, or only those named."""
    found = []
    for slug in select_slugs(project, None):
        for output in plan_outputs(project, slug):
            if not set(output.languages) & set(SCRIPTS) or not output.path.is_file():
                continue
            if only and output.path.resolve() not in only:
                continue
            found.append((output.path, slug, output.languages, output.layout))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--pdf", type=Path, nargs="*", default=[])
    parser.add_argument("--show", type=int, default=0, help="wrong segments shown per row")
    parser.add_argument("--every-language", action="store_true",
                        help="also the other languages' segments of these PDFs")
    parser.add_argument("--draft", action="store_true",
                        help="the PDFs are drafts: unreviewed translations are printed")
    args = parser.parse_args()
    project = load_project(args.root)
    wrong = measure(pdfs(project, [p.resolve() for p in args.pdf]), project, args.show,
                    args.every_language, args.draft)
    print("segments copied out wrong (pdftotext, the measure of issue 23): "
          f"{wrong.get('pdftotext', 0)}")
    if "pymupdf" in wrong:
        print(f"segments copied out wrong (MuPDF's extraction, current MuPDF): "
              f"{wrong['pymupdf']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
