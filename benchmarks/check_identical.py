"""Byte-identical check: build every PDF of the embedded corpus with SOURCE_DATE_EPOCH fixed
and compare their sha256 with a saved reference, so that a restructuring that must not
change any output can be checked at each step.

Run from the repository root:
  python benchmarks/check_identical.py --save     # record the reference (before changing)
  python benchmarks/check_identical.py            # compare with it (exit 1 on a difference)
`--print` adds the print files (build --print: PDFs and booklets). The build runs in a
temporary copy of pyproject.toml, source/ and locale/, as `python -m workflow build`;
`--rev REV` builds with the code of a commit (git archive), so work can go on meanwhile.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "benchmarks" / "identical-reference.json"
EPOCH = "1700000000"  # 2023-11-14: any fixed date; the colophons print it


def build_hashes(print_files: bool, jobs: str, rev: str | None = None) -> dict[str, str]:
    """sha256 of every PDF a cold build of the corpus writes, by path under build/."""
    with tempfile.TemporaryDirectory(prefix="pamphlet-identical-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        shutil.copy(REPO / "pyproject.toml", root)
        shutil.copytree(REPO / "source", root / "source")
        shutil.copytree(REPO / "locale", root / "locale")
        code = REPO
        if rev is not None:
            code = Path(tmp) / "code"
            code.mkdir()
            archive = subprocess.run(["git", "archive", rev, "workflow"], cwd=REPO,
                                     check=True, capture_output=True).stdout
            subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
        env = {**os.environ, "PYTHONPATH": str(code), "SOURCE_DATE_EPOCH": EPOCH}
        runs = [["build", "--to", "pdf", "--jobs", jobs]]
        if print_files:
            runs.append(["build", "--print", "--jobs", jobs])
        for args in runs:
            done = subprocess.run([sys.executable, "-m", "workflow", *args], cwd=root, env=env,
                                  capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"`pamphlet {' '.join(args)}` failed ({done.returncode}):\n"
                         f"{done.stdout}{done.stderr}")
        build = root / "build"
        return {path.relative_to(build).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in sorted(build.rglob("*.pdf"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--save", action="store_true", help="record the reference")
    parser.add_argument("--print", action="store_true", help="also the print files")
    parser.add_argument("--jobs", default="auto")
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--rev", help="build with the code of this commit")
    args = parser.parse_args()
    hashes = build_hashes(args.print, args.jobs, args.rev)
    if args.save:
        saved = {}
        if args.reference.exists():
            saved = json.loads(args.reference.read_text())
        if not args.print:  # keep the print files' reference recorded earlier
            saved = {k: v for k, v in saved.items() if k.startswith("print/")}
        saved.update(hashes)
        args.reference.write_text(json.dumps(saved, indent=1, sort_keys=True) + "\n")
        print(f"saved {len(hashes)} PDF hashes to {args.reference}")
        return 0
    reference = json.loads(args.reference.read_text())
    if not args.print:
        reference = {k: v for k, v in reference.items() if not k.startswith("print/")}
    differ = sorted(k for k in reference.keys() & hashes.keys() if reference[k] != hashes[k])
    missing = sorted(reference.keys() - hashes.keys())
    extra = sorted(hashes.keys() - reference.keys())
    for label, names in (("differs", differ), ("missing", missing), ("new", extra)):
        for name in names:
            print(f"{label}: {name}")
    same = len(reference) - len(differ) - len(missing)
    print(f"{same}/{len(reference)} PDFs byte-identical"
          + (f", {len(extra)} new" if extra else ""))
    return 1 if differ or missing or extra else 0


if __name__ == "__main__":
    sys.exit(main())
