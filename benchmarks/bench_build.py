"""Build benchmark: cold build, no-op rebuild, one changed msgstr, and corpus growth.

Run from the repository root: `python benchmarks/bench_build.py [--sizes 50 200]`.
Figures are printed as ratios; absolute seconds are for the machine named in the output.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import polib

from workflow.build import build
from workflow.config import load_project
from workflow.update import update

REPO = Path(__file__).resolve().parent.parent


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def copy_repo(target: Path) -> Path:
    target.mkdir()
    shutil.copy(REPO / "pyproject.toml", target)
    shutil.copytree(REPO / "source", target / "source")
    shutil.copytree(REPO / "locale", target / "locale")
    return target


def change_one_msgstr(project, slug: str, language: str) -> None:
    path = project.po_path(slug, language)
    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if e.msgstr)
    entry.msgstr += " "
    catalog.save()


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 200])
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores,"
          f" Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as tmp:
        project = load_project(copy_repo(Path(tmp) / "repo"))
        cold, report = timed(build, project)
        noop, noop_report = timed(build, project)
        change_one_msgstr(project, "ima-migrants-day-2016", "ar")
        one, one_report = timed(build, project)
        print(f"embedded corpus: {len(report.written)} PDFs")
        print(f"  cold build        {cold:8.2f} s")
        print(f"  no-op rebuild     {noop:8.3f} s   cold/no-op = {cold / noop:,.0f}x"
              f"   ({len(noop_report.skipped)} skipped)")
        print(f"  one msgstr edited {one:8.2f} s   rebuilt {len(one_report.written)}:"
              f" {', '.join(p.name for p in one_report.written)}")
        print(f"  cold/one-change = {cold / one:.1f}x")
        previous = None
        for size in args.sizes:
            root = synthetic_corpus(Path(tmp) / f"corpus-{size}", size)
            corpus = load_project(root)
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
                         f" one-change x{one / previous[2]:.1f}")
            print(line)
            previous = (size, first, one)


if __name__ == "__main__":
    main()
