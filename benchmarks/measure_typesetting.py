"""Typesetting measures of issue 23 over every PDF the embedded corpus makes.

Builds, in a temporary copy of the project, every layout in every page size (A5, A4,
letter), screen and print files (crop marks on), with the project's four languages and again
with Urdu, Tagalog and French added; reads the glyph boxes back with MuPDF
(tests/typesetting/glyphs.py) and prints each measure of the issue's "Done when" beside its
target:

    .venv/bin/python benchmarks/measure_typesetting.py            # everything (~30 min)
    .venv/bin/python benchmarks/measure_typesetting.py --sizes A5 --sets base

The seven-language set has no Urdu, Tagalog or French translations in the corpus: each
title is given a long one of its own (three lines in Urdu on an A5 cover), and the body of
the Urdu catalogs is the Persian translation, of the Tagalog and French ones the Spanish
one, as layout stand-ins (same script, similar length), so that Nastaliq and the new
profiles are measured in running text too. They are marked fuzzy: drafts.

Measures another module adds: a module `benchmarks/measure_<name>.py` with a function
`measure(runs) -> list[(label, value, target, ok)]` listed in EXTRA_MEASURES is called with
the same runs (each: set, size, kind, its PDFs) after ours.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyphen
from pypdf import PdfReader

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from tests.typesetting.glyphs import (  # noqa: E402
    HYPHEN,
    Line,
    Page,
    is_blank,
    overlaps,
    read_pages,
    word_spaces,
)
from tests.typesetting.glyphs import leader_gaps as glyph_leader_gaps  # noqa: E402

SIZES = ("A5", "A4", "letter")
EXTRA_MEASURES = ("measure_text_layer",)  # H23t: copy-out and tags, if present
COPYOUT = REPO / "benchmarks" / "bench_copyout.py"  # run in each project after its build
LOOSE, LOOSEST, LOOSE_SHARE = 1.6, 2.0, 0.05
MARGIN_MM = 5.0
MM = 72 / 25.4

# Titles of the added languages: long on purpose (an Urdu title of three lines on A5).
ADDED_TITLES = {
    "ur": "مہاجرین کے عالمی دن کے موقع پر بین الاقوامی اتحادِ مہاجرین کا بیان: ہماری"
          " جدوجہد سرحدوں کے بغیر ایک منصفانہ دنیا کے لیے جاری رہے گی",
    "tl": "Pahayag ng International Migrants Alliance sa Pandaigdigang Araw ng mga Migrante",
    "fr": "Déclaration de l’Alliance internationale des migrants pour la Journée"
          " internationale des migrants",
}
STAND_IN = {"ur": "fa", "tl": "es", "fr": "es"}


# --- Building


def run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{done.stdout}{done.stderr}")


def set_config(root: Path, **values: str) -> None:
    path = root / "pyproject.toml"
    text = path.read_text()
    for key, value in values.items():
        line = f"{key} = {value}"
        pattern = re.compile(rf"^{key} = .*$", re.MULTILINE)
        if pattern.search(text):
            text = pattern.sub(line, text)
        else:
            text = text.replace("[tool.pamphlet]\n", f"[tool.pamphlet]\n{line}\n", 1)
    path.write_text(text)


def make_project(where: Path, kind: str, pamphlet: str) -> Path:
    root = where / kind
    root.mkdir(parents=True)
    for part in ("source", "locale"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    if kind == "seven":
        set_config(root, languages='["en", "es", "ar", "fa", "ur", "tl", "fr"]')
        run([pamphlet, "update"], root)
        fill_added(root)
    return root


def fill_added(root: Path) -> None:
    import polib

    for lang, donor in STAND_IN.items():
        for path in sorted((root / "locale" / lang).glob("*.po")):
            catalog = polib.pofile(str(path))
            given = {e.msgid: e.msgstr for e in polib.pofile(
                str(root / "locale" / donor / path.name)) if e.msgstr}
            for entry in catalog:
                if entry.comment.strip() == "title":
                    entry.msgstr = ADDED_TITLES[lang]
                elif entry.msgid in given:
                    entry.msgstr = given[entry.msgid]
                else:
                    continue
                if "fuzzy" not in entry.flags:
                    entry.flags.append("fuzzy")
            catalog.save(str(path))


@dataclass
class Run:
    set: str
    size: str
    kind: str  # "screen" or "print"
    pdfs: list[Path]
    bundles: list[Path] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    copyout: str = ""  # benchmarks/bench_copyout.py's report on this run's screen PDFs


def build_runs(root: Path, kind: str, size: str, pamphlet: str, jobs: str, keep: Path,
               modes: list[str], variants: list[str]):
    set_config(root, page_size=f'"{size}"', crop_marks="true")
    runs = []
    plan = [("screen", "")] + [("print", variant) for variant in variants]
    for mode, variant in plan:
        if mode not in modes:
            continue
        if variant:
            set_config(root, print_variant=f'"{variant}"')
        run([pamphlet, "build", "-j", jobs, *(["--print"] if variant else ["--to", "pdf"])], root)
        if variant != variants[0] and mode == "print":
            mode = f"print-{variant.replace('/', '')}"
        out = keep / kind / size / mode
        if out.exists():
            shutil.rmtree(out)
        source = root / "build" / "print" if mode.startswith("print") else root / "build"
        pdfs, bundles = [], []
        for slug in sorted(p.name for p in (root / "source").glob("*.md")):
            slug = slug[:-3]
            (out / slug).mkdir(parents=True)
            for pdf in sorted((source / slug).glob("*.pdf")):
                shutil.copy(pdf, out / slug / pdf.name)
                if not pdf.name.endswith(".booklet.pdf"):
                    pdfs.append(out / slug / pdf.name)
            if mode.startswith("print"):
                shutil.copy(source / slug / "manifest.json", out / slug / "manifest.json")
                bundles.append(out / slug)
        languages = re.search(r"^languages = (\[.*\])",
                              (root / "pyproject.toml").read_text(), re.MULTILINE).group(1)
        runs.append(Run(kind, size, mode, pdfs, bundles, json.loads(languages)))
        if mode == "screen" and COPYOUT.is_file():  # copy-out of Arabic script (issue 23.3)
            # --draft: these builds are drafts, and the added languages' catalogs fuzzy
            # (without it the Urdu segments would be expected in English)
            done = subprocess.run([sys.executable, str(COPYOUT), "--draft"], cwd=root,
                                  text=True, capture_output=True)
            runs[-1].copyout = (done.stdout + done.stderr).strip()
    return runs


# --- Reading a PDF


def layout_of(pdf: Path) -> str:
    name = pdf.name
    return "multilingual" if ".multilingual." in name else (
        "parallel" if "+" in name else "single")


def languages_of(pdf: Path, all_languages: list[str]) -> list[str]:
    middle = pdf.name.split(".")[-2]
    return all_languages if middle == "multilingual" else middle.split("+")


FURNITURE_FONTS = ("Sans",)


def is_body(line: Line, page: Page) -> bool:
    """Not the running header, the folio or a crop-mark label."""
    small = line.size <= 8.01 and all(
        "Sans" in g.font for g in line.glyphs if not g.c.isspace())
    return not small and bool(line.logical)


def section_pages(pdf: Path, languages: list[str], pages: int) -> dict[int, str]:
    """Page -> language of a multilingual edition, from its outline (titles in order)."""
    reader = PdfReader(pdf)
    starts = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        starts.append(reader.get_destination_page_number(item))
    starts = starts[:len(languages)]
    owner = {}
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else pages
        for page in range(start, end):
            owner[page] = languages[index]
    return owner


def colophon_page(pdf: Path, pages: int) -> int:
    """The page the colophon starts on: its bookmark is the outline's last top-level
    entry (the last page where there is no outline)."""
    reader = PdfReader(pdf)
    top = [item for item in reader.outline if not isinstance(item, list)]
    return reader.get_destination_page_number(top[-1]) if top else pages - 1


def not_text(pdf: Path, layout: str, pages: int) -> set[int]:
    """The pages that hold no running text: the cover, the contents (multilingual), and from
    the colophon's page to the end (the colophon, a print file's padding, its back cover)."""
    return {0, *range(colophon_page(pdf, pages), pages)} | (
        {1} if layout == "multilingual" else set())


def line_language(line: Line, pdf: Path, langs: list[str], owner: dict[int, str]) -> str:
    if line.rtl:
        return "rtl"
    layout = layout_of(pdf)
    if layout == "single":
        return langs[0]
    if layout == "parallel":
        latin = [lang for lang in langs if lang not in ("ar", "fa", "ur")]
        return latin[0] if len(latin) == 1 else langs[min(line.column, 1)]
    return owner.get(line.page, "")


# --- Measures


@dataclass
class Tally:
    breaks: int = 0
    english_breaks: int = 0
    not_us: list = field(default_factory=list)
    names: list = field(default_factory=list)
    ladders: list = field(default_factory=list)
    page_turns: list = field(default_factory=list)
    fragments: list = field(default_factory=list)
    spacing: dict = field(default_factory=lambda: defaultdict(list))
    cover_faults: list = field(default_factory=list)
    covers: int = 0
    runts: list = field(default_factory=list)
    pages: int = 0
    blank: int = 0
    crop_faults: list = field(default_factory=list)
    booklets: int = 0
    leader_faults: list = field(default_factory=list)
    column_ratios: list = field(default_factory=list)


US = pyphen.Pyphen(lang="en_US")
WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?")


def glossary_names() -> set[str]:
    """The capitalised words of the glossary's terms, as written ("Qassem", "Myanmar")."""
    names = set()
    with open(REPO / "locale" / "glossary.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for column, term in row.items():
                if column not in ("note", "dnt") and term:
                    names.update(w for w in WORD.findall(term) if w[:1].isupper())
    return names


NAMES = glossary_names()


def measure_pdf(pdf: Path, run_: Run, tally: Tally) -> None:
    layout = layout_of(pdf)
    # The columns the stylesheets set: side by side, found on the page (their widths
    # follow the texts); A4 and letter text in two columns about the page's centre.
    columns = "find" if layout == "parallel" else "one" if run_.size == "A5" else "centre"
    pages = read_pages(pdf, columns)
    langs = languages_of(pdf, run_.languages)
    owner = section_pages(pdf, run_.languages, len(pages)) if layout == "multilingual" else {}
    tally.pages += len(pages) if run_.kind == "print" else 0
    body = [[ln for ln in page.lines if is_body(ln, page)] for page in pages]
    if run_.kind == "print":
        tally.blank += sum(is_blank(page) for page in pages)
    special = not_text(pdf, layout, len(pages))
    for index, lines in enumerate(body):
        fuller = max((sum(ln.column == c for ln in lines) for c in (0, 1)), default=0)
        if index not in special and 0 < fuller <= 4:  # in the fuller column
            tally.runts.append(f"{pdf.name} p.{index + 1} ({len(lines)} lines)")
    if run_.kind == "screen":
        cover_faults(pdf, pages, body, layout, langs, tally)
    measure_breaks(pdf, pages, body, layout, langs, owner, run_, tally)
    if layout == "parallel" and run_.kind == "screen":
        # The height each column's text needs: its lines times its line pitch (rows are
        # level, so the page shows the taller one; the shorter leaves gaps).
        heights = [0.0, 0.0]
        for column in (0, 1):
            count, steps = 0, []
            for lines in body[1:-1]:
                own = [ln.baseline for ln in lines if ln.column == column]
                count += len(own)
                steps += [b - a for a, b in zip(own, own[1:], strict=False) if b > a]
            heights[column] = count * sorted(steps)[len(steps) // 2] if steps else 0.0
        if min(heights) > 0:
            tally.column_ratios.append((max(heights) / min(heights), pdf.name))
    measure_spacing(pdf, pages, body, layout, run_, tally, special)


def cover_faults(pdf, pages, body, layout, langs, tally) -> None:
    """Spill: page 2 holds glyphs of a type (font and size) only the cover uses, or
    (multilingual) the contents' links are not all on page 2. Overlap: two lines' ink
    boxes intersect."""
    tally.covers += 1

    def types(lines) -> set[tuple[float, str]]:
        # By font and size: a letter cover's byline is 12 pt, as is a statement's heading
        # (on page 2 only, where the statement has one), in another font.
        return {(round(g.size, 1), g.font.split("+")[-1]) for ln in lines for g in ln.glyphs}

    later = types(ln for page in pages[2:] for ln in page.lines)
    cover_types = types(pages[0].lines) - later
    if layout == "multilingual":
        reader = PdfReader(pdf)
        links = [sum(1 for a in (page.get("/Annots") or [])
                     if a.get_object().get("/Subtype") == "/Link")
                 for page in reader.pages[:3]]
        if links[1] < len(langs) or links[0] or links[2]:
            tally.cover_faults.append(f"{pdf.name}: contents links per page {links}")
        cover_types -= types(pages[1].lines)
    spilled = [ln.logical[:30] for ln in pages[1].lines if types([ln]) & cover_types]
    if spilled:
        tally.cover_faults.append(f"{pdf.name}: cover runs onto page 2: {spilled}")
    for index in (0, 1) if layout == "multilingual" else (0,):
        tally.cover_faults += [f"{pdf.name} {fault}" for fault in overlaps(pages[index])]
        if index == 1:
            leader_gaps(pdf, pages[1], tally)


def leader_gaps(pdf, page, tally) -> None:
    """On the contents page, the space between the last leader dot and the page number:
    at least half an em (the leader's own pitch)."""
    tally.leader_faults += [f"{pdf.name}: {gap:.2f} em from dots to number"
                            for gap in glyph_leader_gaps(page) if gap < 0.5]


def next_line(body, page_index: int, line_index: int, parallel: bool):
    """The line that continues a line: below it in its column, else the top of the next
    column on the page, else the first line of the next page (a page turn)."""
    lines = body[page_index]
    line = lines[line_index]
    for other in lines[line_index + 1:]:
        if other.column == line.column:
            return other, False
    for other in lines[line_index + 1:]:
        if other.column == line.column + 1 and not parallel:
            return other, False
    for later in body[page_index + 1:]:
        same = [ln for ln in later if ln.column == line.column] or later
        if same:
            return same[0], True
    return None, False


def measure_breaks(pdf, pages, body, layout, langs, owner, run_, tally) -> None:
    for p, lines in enumerate(body):
        run_length = defaultdict(int)
        for i, line in enumerate(lines):
            text = line.logical
            if line.rtl or not text.endswith(HYPHEN):
                run_length[line.column] = 0
                continue
            run_length[line.column] += 1
            if run_length[line.column] == 3:
                tally.ladders.append(f"{pdf.name} p.{p + 1}: …{text[-20:]}")
            following, turned = next_line(body, p, i, layout == "parallel")
            if following is None:
                continue
            head_words = WORD.findall(text[:-1])
            tail_words = WORD.findall(following.logical)
            if not head_words or not tail_words:
                continue
            head, tail = head_words[-1], tail_words[0]
            word = head + tail
            tally.breaks += 1
            where = f"{pdf.name} p.{p + 1}: {head}-{tail}"
            if turned and run_.kind == "screen":
                tally.page_turns.append(where)
            rest = following.logical.strip()
            if len(rest.split()) == 1 and len(tail) <= 6:
                tally.fragments.append(where)
            before = text[:-1].rstrip()[:-len(head)].rstrip()
            if not before and i:
                before = lines[i - 1].logical
            mid_sentence = bool(before) and not before.endswith((".", "!", "?", ":", "“", '"'))
            if word in NAMES or (word[:1].isupper() and mid_sentence):
                tally.names.append(where)
            if line_language(line, pdf, langs, owner) == "en":
                tally.english_breaks += 1
                if len(head) not in US.positions(word.lower()):
                    tally.not_us.append(where)


def measure_spacing(pdf, pages, body, layout, run_, tally, special) -> None:
    for p, lines in enumerate(body):
        # Word spaces of running text only: a multilingual edition's contents lines are no
        # justified lines (their leader dots and the gap before the page number read as
        # spaces of 1.1-3.2x, which made a ragged edition's measure fail).
        if p in special:
            continue
        two = bool(pages[p].gutters) and layout != "parallel"
        for line in lines:
            font = line.font
            # Nastaliq is left out: each word sits on a cascading baseline of its own, and
            # its glyphs' advance boxes overlap, so word spaces cannot be read from them.
            if not any(k in font for k in ("Serif", "Naskh")) or "Bold" in font:
                continue
            gaps = word_spaces(line)
            if len(gaps) < 2:
                continue
            mean = sum(gaps) / len(gaps)
            script = "Arabic script" if line.rtl else "Latin"
            measure = f"{run_.size} {layout}{' 2 columns' if two else ''} {script}"
            tally.spacing[measure].append((mean, f"{pdf.name} p.{p + 1}"))


def measure_bundles(run_: Run, tally: Tally) -> None:
    for bundle in run_.bundles:
        manifest = json.loads((bundle / "manifest.json").read_text())
        for entry in manifest["files"]:
            if entry.get("kind") != "booklet":
                continue
            tally.booklets += 1
            media = PdfReader(bundle / entry["file"]).pages[0].mediabox
            w, h = float(media.width) / MM, float(media.height) / MM
            sw, sh = entry["sheet_mm"]
            if w > sw - 2 * MARGIN_MM + 0.05 or h > sh - 2 * MARGIN_MM + 0.05:
                tally.crop_faults.append(f"{entry['file']}: {w:.1f} x {h:.1f} mm on"
                                         f" {entry['sheet']} {sw:g} x {sh:g} mm")


# --- Report


def report(tally: Tally, verbose: bool) -> list[tuple[str, str, str, bool]]:
    rows = []

    def row(label, value, target, ok, examples=()):
        rows.append((label, value, target, ok))
        if verbose and examples:
            for example in list(examples)[:8]:
                print(f"      {example}")

    def listed(label, items, target="0"):
        print(f"{'OK ' if not items else 'NO '} {label}: {len(items)} (target {target})")
        row(label, str(len(items)), target, not items, items)

    print(f"\nline-end hyphens read: {tally.breaks} ({tally.english_breaks} in English text)")
    listed("English breaks en_US does not allow", tally.not_us)
    listed("hyphenated names (glossary or capitalised mid-sentence)", tally.names)
    listed("hyphen ladders over 2 lines", tally.ladders)
    listed("hyphens across a page turn", tally.page_turns)
    print(f"    (paragraphs ending on a hyphenated fragment of <= 6 letters:"
          f" {len(tally.fragments)})")
    print("justified lines: share above 1.6x the normal word space, worst (target <= 5 %,"
          " none above 2.0x, or ragged)")
    for measure in sorted(tally.spacing):
        values = tally.spacing[measure]
        justified = [v for v in values if v[0] > 1.03]
        if not justified:
            print(f"OK  {measure}: ragged ({len(values)} lines, none stretched)")
            rows.append((measure, "ragged", "<= 5 %", True))
            continue
        loose = [v for v in justified if v[0] > LOOSE]
        worst = max(justified)
        share = len(loose) / len(justified)
        ok = share <= LOOSE_SHARE and worst[0] <= LOOSEST
        print(f"{'OK ' if ok else 'NO '} {measure}: {share:.1%} of {len(justified)} above"
              f" 1.6x, worst {worst[0]:.2f}x ({worst[1]})")
        rows.append((measure, f"{share:.1%}, worst {worst[0]:.2f}x", "<= 5 %, <= 2.0x", ok))
    if tally.column_ratios:
        worst = max(tally.column_ratios)
        mean = sum(r for r, _ in tally.column_ratios) / len(tally.column_ratios)
        print(f"    side by side, text height of the taller column / the shorter: mean"
              f" {mean:.2f}, worst {worst[0]:.2f} ({worst[1]})")
    listed(f"covers and contents that spill or overlap (of {tally.covers} PDFs)",
           tally.cover_faults)
    listed("contents lines whose leader dots touch the page number", tally.leader_faults)
    share = tally.blank / tally.pages if tally.pages else 0
    print(f"{'OK ' if share <= 0.10 else 'NO '} blank pages in print files: {tally.blank}"
          f" of {tally.pages} ({share:.1%}; target <= 10 %)")
    rows.append(("blank print pages", f"{share:.1%}", "<= 10 %", share <= 0.10))
    listed("runt pages (1-4 lines)", tally.runts)
    listed(f"booklets with crop marks over the named sheet less {MARGIN_MM:g} mm"
           f" (of {tally.booklets})", tally.crop_faults)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--sets", default="base,seven", help="base: the project's languages;"
                        " seven: with ur, tl, fr added")
    parser.add_argument("--pamphlet", default=str(REPO / ".venv" / "bin" / "pamphlet"),
                        help="the pamphlet to build with (another checkout's, for before/after)")
    parser.add_argument("--jobs", "-j", default="2")
    parser.add_argument("--modes", default="screen,print", help="screen, print or both")
    parser.add_argument("--variants", default="pdf/x-4", help="print variants, comma separated"
                        " (pdf/x-4, pdf/a-2b, pdf/ua-1: the same layout; tags differ)")
    parser.add_argument("--keep", type=Path, help="keep the PDFs here")
    parser.add_argument("--measure-only", type=Path,
                        help="measure PDFs kept by an earlier --keep, build nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="list examples")
    args = parser.parse_args()
    args.pamphlet = str(Path(args.pamphlet).absolute())
    sizes = args.sizes.split(",")
    sets = args.sets.split(",")
    with tempfile.TemporaryDirectory(prefix="measure-typesetting-") as temp:
        keep = args.measure_only or args.keep or Path(temp) / "pdfs"
        runs: list[Run] = []
        for kind in sets:
            root = None if args.measure_only else make_project(Path(temp), kind, args.pamphlet)
            languages = json.loads(re.search(
                r"^languages = (\[.*\])",
                (REPO / "pyproject.toml").read_text(), re.MULTILINE).group(1))
            if kind == "seven":
                languages += list(STAND_IN)
            for size in sizes:
                if root is not None:
                    print(f"building {kind} {size} ...", file=sys.stderr, flush=True)
                    runs += build_runs(root, kind, size, args.pamphlet, args.jobs, keep,
                                      args.modes.split(","), args.variants.split(","))
                else:
                    for mode in args.modes.split(","):
                        out = keep / kind / size / mode
                        pdfs = sorted(p for p in out.glob("*/*.pdf")
                                      if not p.name.endswith(".booklet.pdf"))
                        bundles = sorted(p.parent for p in out.glob("*/manifest.json"))
                        runs.append(Run(kind, size, mode, pdfs, bundles, languages))
        tally = Tally()
        for run_ in runs:
            for pdf in run_.pdfs:
                measure_pdf(pdf, run_, tally)
            measure_bundles(run_, tally)
        print(f"{sum(len(r.pdfs) for r in runs)} PDFs, sets {sets}, sizes {sizes}")
        report(tally, args.verbose)
        for run_ in runs:
            if run_.copyout:
                print(f"\ncopy-out, {run_.set} {run_.size} (benchmarks/bench_copyout.py):")
                print(run_.copyout)
        for name in EXTRA_MEASURES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            for label, value, target, ok in module.measure(runs):
                print(f"{'OK ' if ok else 'NO '} {label}: {value} (target {target})")


if __name__ == "__main__":
    main()
