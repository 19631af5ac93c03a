"""Catalog scale benchmark: `check` and `status` on catalogs of 1k..64k obsolete entries, and
reading a catalog whose one msgstr is 0.25..10 MB of short lines.

Run from the repository root: `python benchmarks/bench_catalogs.py [--quick]`.
The README promises linear time: the figures are printed per entry (or per MB) and as a
ratio to the smallest size, so growth shows as a ratio far from 1. The polib comparison
(its own parser on the same text) runs in alternating rounds with ours, as this VM's
speed drifts.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from pathlib import Path

import polib

from tests.conftest import write_project
from workflow.catalog.pofile import _PoText, parse_po
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.qa import run_checks
from workflow.status import collect_status
from workflow.store import STORE_FILE
from workflow.update import update


def timed(function, *args, **kwargs) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def project_with_obsolete(root: Path, count: int):
    """The caravan statement, its Spanish catalog translated, plus `count` obsolete ones."""
    project = load_project(write_project(root))
    update(project)
    path = project.po_path("caravan", "es")
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = "ES " + entry.msgid
    text = str(catalog) + "".join(
        f'\n#~ msgid "Removed sentence number {i}."\n#~ msgstr "Frase quitada {i}."\n'
        for i in range(count))
    path.write_text(text, encoding="utf-8")
    return project


def bench_entries(sizes: list[int]) -> None:
    print("catalogs with many obsolete entries (check: read + locate + checks; status: read)")
    print(f"{'entries':>8} {'check s':>9} {'us/entry':>9} {'status s':>9} {'us/entry':>9}")
    base = None
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            project = project_with_obsolete(Path(folder) / "p", size)
            (project.build / STORE_FILE).unlink(missing_ok=True)  # nothing cached
            check = timed(run_checks, project, None, None)
            status = timed(collect_status, project, None, None)
        per = (check / size * 1e6, status / size * 1e6)
        base = base or per
        print(f"{size:>8} {check:>9.2f} {per[0]:>9.1f} {status:>9.2f} {per[1]:>9.1f}"
              f"   (x{per[0] / base[0]:.2f}, x{per[1] / base[1]:.2f} per entry vs smallest)")


def one_long_msgstr(megabytes: float) -> str:
    lines = int(megabytes * 1e6 / 8)
    return ('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "One sentence."\nmsgstr ""\n' + '"palabra\\n"\n' * lines)


def bench_strings(sizes: list[float], polib_sizes: list[float], rounds: int) -> None:
    print("\none msgstr of short lines: ours refuses it (over 10,000 characters) after reading;"
          " polib alone parses it")
    print(f"{'MB':>6} {'ours s':>8} {'s/MB':>7} {'polib s':>8} {'s/MB':>7}")
    for size in sizes:
        text = one_long_msgstr(size)
        ours, theirs = [], []
        for _ in range(rounds):  # alternating rounds
            start = time.perf_counter()
            try:
                parse_po(text, Path("big.po"))
            except PamphletError:
                pass
            ours.append(time.perf_counter() - start)
            if size in polib_sizes:
                theirs.append(timed(polib.pofile, _PoText(text + "\n#\n"), wrapwidth=79,
                                    encoding="utf-8", check_for_duplicates=False))
        best = min(ours)
        polib_text = (f"{min(theirs):>8.2f} {min(theirs) / size:>7.2f}" if theirs
                      else f"{'-':>8} {'-':>7}")
        print(f"{size:>6g} {best:>8.2f} {best / size:>7.2f} {polib_text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, one round")
    args = parser.parse_args()
    print(f"{platform.machine()}, {platform.python_implementation()} "
          f"{platform.python_version()}, polib {polib.__version__}")
    if args.quick:
        bench_entries([1000, 4000])
        bench_strings([0.25, 1], [0.25], 1)
    else:
        bench_entries([1000, 4000, 16000, 64000])
        bench_strings([0.25, 0.5, 1, 2, 4, 10], [0.25, 0.5, 1], 2)


if __name__ == "__main__":
    main()
