"""Build benchmark: cold build with one worker and with every core, no-op rebuild, one
changed msgstr, corpus growth, and how soon `pamphlet watch` rebuilds a saved catalog.

Run from the repository root: `python benchmarks/bench_build.py [--rounds 3] [--sizes 50 200]`.
Cold builds run as a user runs them, `python -m workflow build --jobs N` from the shell,
interpreter start included, in alternating rounds (1, auto, auto, 1, ...) so that a shared
machine's changing load falls on both alike. Figures are printed as ratios; absolute
seconds are for the machine named in the output.
"""

from __future__ import annotations

import argparse
import os
import platform
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polib

from workflow.build import build
from workflow.config import load_project
from workflow.render.typeset import RUNT_LINES
from workflow.update import update
from workflow.workers import usable_cores

REPO = Path(__file__).resolve().parent.parent


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def shell(root: Path, *args: str) -> float:
    """Seconds of `python -m workflow ARGS` in `root`, from start to exit."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "workflow", *args], cwd=root, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def copy_repo(target: Path) -> Path:
    target.mkdir()
    shutil.copy(REPO / "pyproject.toml", target)
    shutil.copytree(REPO / "source", target / "source")
    shutil.copytree(REPO / "locale", target / "locale")
    return target


def change_one_msgstr(project, slug: str, language: str) -> polib.POEntry:
    path = project.po_path(slug, language)
    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if e.msgstr)
    entry.msgstr += " "
    catalog.save()
    return entry


def synthetic_corpus(target: Path, size: int) -> Path:
    """`size` statements made from one embedded statement, English only (one PDF each)."""
    target.mkdir()
    (target / "pyproject.toml").write_text('[tool.pamphlet]\nlanguages = ["en", "es"]\n')
    (target / "source").mkdir()
    text = (REPO / "source" / "amenas-oppose-war-on-iran-2020.md").read_text(encoding="utf-8")
    for number in range(size):
        body = text.replace("Our destinies are linked.", f"Our destinies are linked ({number}).")
        (target / "source" / f"statement-{number:03d}.md").write_text(body, encoding="utf-8")
    return target


SPIN = "import time; t = time.process_time(); sum(i * i for i in range(3_000_000))"


def spare_cores() -> float:
    """How many cores the machine gives right now: two CPU-bound processes side by side
    against one alone (2.0: both run at full speed; 1.0: they share one core)."""
    def run(count: int) -> float:
        start = time.perf_counter()
        spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(count)]
        for spinner in spinners:
            spinner.wait()
        return time.perf_counter() - start

    alone = run(1)
    return 2 * alone / run(2)


def cold_builds(root: Path, rounds: int) -> None:
    """Cold builds with --jobs 1 and --jobs auto, alternating, each from an empty build/."""
    times: dict[str, list[float]] = {"1": [], "auto": []}
    ratios = []
    for number in range(rounds):
        order = ("1", "auto") if number % 2 == 0 else ("auto", "1")
        this = {}
        for jobs in order:
            shutil.rmtree(root / "build", ignore_errors=True)
            this[jobs] = shell(root, "build", "--to", "pdf", "--jobs", jobs)
            times[jobs].append(this[jobs])
        ratios.append(this["1"] / this["auto"])
        print(f"  round {number + 1} ({' then '.join(order)}): --jobs 1 {this['1']:6.2f} s,"
              f" --jobs auto {this['auto']:6.2f} s: {ratios[-1]:.2f}x"
              f"   (cores free after it: {spare_cores():.1f} of 2)")
    print(f"  cold build, median of {rounds}: --jobs 1 {statistics.median(times['1']):.2f} s,"
          f" --jobs auto ({usable_cores()} workers) {statistics.median(times['auto']):.2f} s:"
          f" **{statistics.median(ratios):.2f}x** (median of the rounds' ratios)")


def small_builds(root: Path, rounds: int) -> None:
    """One msgstr edited, rebuilt from the shell with --jobs 1 and --jobs auto, alternating:
    whether worker processes pay for their start on three PDFs."""
    project = load_project(root)
    times: dict[str, list[float]] = {"1": [], "auto": []}
    for number in range(rounds):
        for jobs in (("1", "auto") if number % 2 == 0 else ("auto", "1")):
            change_one_msgstr(project, "ima-migrants-day-2016", "ar")
            times[jobs].append(shell(root, "build", "--to", "pdf", "--jobs", jobs))
    one, auto = statistics.median(times["1"]), statistics.median(times["auto"])
    print(f"  one msgstr edited (3 PDFs), from the shell, median of {rounds}: --jobs 1"
          f" {one:.2f} s, --jobs auto {auto:.2f} s: {one / auto:.2f}x")


def watch_latency(root: Path, rounds: int = 3) -> None:
    """Seconds from saving a catalog to `pamphlet watch` saying its PDF is rebuilt."""
    slug, language = "ima-migrants-day-2016", "fa"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    watcher = subprocess.Popen([sys.executable, "-m", "workflow", "watch", slug, "--lang",
                                language], cwd=root, env=env, stdout=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout],
                     daemon=True).start()

    def seen(patterns: list[str]) -> dict[str, float]:
        """When each pattern was first printed, whatever their order."""
        found: dict[str, float] = {}
        while len(found) < len(patterns):
            line = lines.get(timeout=120)
            for pattern in patterns:
                if pattern not in found and re.search(pattern, line):
                    found[pattern] = time.perf_counter()
        return found

    try:
        seen(["watching "])
        project = load_project(root)
        single, pair = [], []
        patterns = [rf"rebuilt .*{slug}\.{language}\.pdf", rf"rebuilt .*\+{language}\.pdf"]
        for _ in range(rounds):
            saved = time.perf_counter()
            change_one_msgstr(project, slug, language)
            found = seen(patterns)
            single.append(found[patterns[0]] - saved)
            pair.append(max(found.values()) - saved)
            time.sleep(0.5)
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait()
    print(f"watch: a saved {language} catalog -> its {language} PDF rebuilt in"
          f" {statistics.median(single):.2f} s, the parallel edition too in"
          f" {statistics.median(pair):.2f} s (median of {rounds}, debounce included)")


def floor_pass(project) -> tuple[float, int, int]:
    """(CPU seconds, PDFs, runt pages) of the floor: one WeasyPrint layout and one PDF
    write per PDF of the corpus, the HTML made beforehand (not timed), no fitting pass."""
    from workflow import builders
    from workflow.build import build_date
    from workflow.builders.base import Selection
    from workflow.corpus import Corpus
    from workflow.render.html import render_html
    from workflow.render.stylesheet import language_css
    from workflow.render.typeset import (
        layout_faults,
        render_document,
        setup,
        two_columns,
        write_document,
    )

    setup()
    corpus, pdf = Corpus(project), builders.get("pdf")
    selection = Selection(page_size=project.page_size, date=build_date())
    pages = []
    for slug in corpus.slugs():
        for job in pdf.plan(corpus, selection, slug):
            work = pdf.load(corpus, selection, job).data
            editions = list(work.editions)
            html = render_html(work.output.layout, editions, work.date, work.page_size,
                               work.digits)
            css = language_css(work.digits, any(e.is_draft for e in editions), 1.0,
                               two_columns(work.page_size))  # as ours' first layout
            pages.append((html, css, work.page_size))
    runts = 0
    start = time.process_time()
    for html, css, size in pages:
        document, options = render_document(html, project.root, None, css, size)
        runts += layout_faults(document, False)[1]
        write_document(document, options)
    return time.process_time() - start, len(pages), runts


def built_runts(project) -> int:
    """Runt pages of the PDFs as the build writes them (the fitting pass's choice), counted
    as the fitting pass counts them: a forced build with the chosen layouts recorded."""
    from workflow.render import typeset

    faults: dict[int, int] = {}
    written: list[int] = []
    real_faults, real_write = typeset.layout_faults, typeset.write_document

    def recording_faults(document, for_print):
        result = real_faults(document, for_print)
        faults[id(document)] = result[1]
        return result

    def recording_write(document, options):
        written.append(faults.get(id(document), 0))
        return real_write(document, options)

    typeset.layout_faults, typeset.write_document = recording_faults, recording_write
    try:
        build(project, force=True, to=["pdf"])
    finally:
        typeset.layout_faults, typeset.write_document = real_faults, real_write
    return sum(written)


def ours_versus_floor(root: Path, rounds: int) -> None:
    """A forced build in this process (--jobs 1) against the floor, CPU seconds, in
    alternating rounds (ours, floor, floor, ours, ...), after one untimed forced build:
    what a process pays once (imports, fonts loaded and shaped the first time, caches)
    would otherwise fall on ours in the odd rounds only (1.46-1.54 against 1.14-1.15 in
    the even rounds of two runs without it)."""
    project = load_project(root)
    start = time.process_time()
    build(project, force=True, to=["pdf"])
    print(f"  warm-up build (untimed in the ratio): {time.process_time() - start:.2f} s CPU")
    ratios, ours_times, floor_times = [], [], []
    for number in range(rounds):
        this: dict[str, float] = {}
        for which in (("ours", "floor") if number % 2 == 0 else ("floor", "ours")):
            if which == "ours":
                start = time.process_time()
                build(project, force=True, to=["pdf"])
                this["ours"] = time.process_time() - start
            else:
                this["floor"], count, floor_runts = floor_pass(project)
        ratios.append(this["ours"] / this["floor"])
        ours_times.append(this["ours"])
        floor_times.append(this["floor"])
        print(f"  round {number + 1}: ours {this['ours']:.2f} s, floor {this['floor']:.2f} s"
              f" ({count} layouts and writes): {ratios[-1]:.2f}")
    print(f"  ours / floor, median of {rounds}: **{statistics.median(ratios):.2f}**"
          f" (ours {statistics.median(ours_times):.2f} s, floor"
          f" {statistics.median(floor_times):.2f} s CPU)")
    print(f"  runt pages (1 to {RUNT_LINES} lines of text): one layout each {floor_runts},"
          f" as built (fitting pass) {built_runts(project)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of cold builds")
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 200])
    parser.add_argument("--cold-only", action="store_true",
                        help="only the cold builds with --jobs 1 and --jobs auto")
    parser.add_argument("--floor-only", action="store_true",
                        help="only ours / floor: a forced build against one layout and one"
                             " write per PDF")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores"
          f" ({usable_cores()} usable), Python {platform.python_version()},"
          f" load average {os.getloadavg()[0]:.2f} at the start")
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_repo(Path(tmp) / "repo")
        print("embedded corpus, ours / floor (CPU seconds in this process, --jobs 1):")
        ours_versus_floor(root, args.rounds)
        if args.floor_only:
            return
        print("embedded corpus, cold build from the shell (interpreter start included):")
        cold_builds(root, args.rounds)
        if args.cold_only:
            print(f"load average {os.getloadavg()[0]:.2f} at the end")
            return
        project = load_project(root)
        cold, report = timed(build, project, force=True)  # in this process, one worker
        noop, noop_report = timed(build, project)
        from_shell = statistics.median(shell(root, "build", "--to", "pdf") for _ in range(5))
        change_one_msgstr(project, "ima-migrants-day-2016", "ar")
        one, one_report = timed(build, project)
        print(f"embedded corpus: {len(report.written)} PDFs")
        print(f"  forced rebuild, in this process, --jobs 1 {cold:8.2f} s")
        print(f"  no-op rebuild     {noop:8.3f} s   forced/no-op = {cold / noop:,.0f}x"
              f"   ({len(noop_report.skipped)} skipped)")
        print(f"  no-op `pamphlet build` from the shell, interpreter start included:"
              f" {from_shell:.3f} s (median of 5)")
        print(f"  one msgstr edited {one:8.2f} s   rebuilt {len(one_report.written)}:"
              f" {', '.join(p.name for p in one_report.written)}")
        print(f"  forced/one-change = {cold / one:.1f}x")
        small_builds(root, args.rounds)
        watch_latency(root)
        previous = None
        for size in args.sizes:
            corpus_root = synthetic_corpus(Path(tmp) / f"corpus-{size}", size)
            corpus = load_project(corpus_root)
            update(corpus)
            first, _ = timed(build, corpus, layouts=["single"], languages=["en"])
            noop, _ = timed(build, corpus, layouts=["single"], languages=["en"])
            source = corpus.source_path("statement-000")
            source.write_text(source.read_text() + "\nOne more line.\n")
            one, rebuilt = timed(build, corpus, layouts=["single"], languages=["en"])
            line = (f"synthetic corpus of {size}: cold {first:.1f} s, no-op {noop:.3f} s,"
                    f" one changed statement {one:.2f} s ({len(rebuilt.written)} rebuilt)")
            if previous:
                line += (f"; vs {previous[0]}: cold x{first / previous[1]:.1f},"
                         f" one-change x{one / previous[2]:.1f}, no-op x{noop / previous[3]:.1f}")
            print(line)
            previous = (size, first, one, noop)
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
