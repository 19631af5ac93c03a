"""Tagged screen PDFs: how many of the built ones lack a structure tree, DisplayDocTitle, a
/Lang on the sections of each language they print, or an outline whose first heading is
H1 and that never skips a level.

Run from a project root after `pamphlet build`: `python benchmarks/check_tags.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from workflow.config import load_project
from workflow.languages import get as profile
from workflow.outputs import plan_outputs
from workflow.source import select_slugs

HEADINGS = {f"/H{n}": n for n in range(1, 7)}


def elements(node, lang=None):
    """(structure type, language) of each element of the tag tree, in reading order."""
    if isinstance(node, Array):
        for kid in node:
            yield from elements(kid, lang)
    elif isinstance(node, Dictionary):
        if Name.S in node:
            lang = str(node.Lang) if Name.Lang in node else lang
            yield str(node.S), lang
        if Name.K in node:
            yield from elements(node.K, lang)


def problems(path: Path, languages: tuple[str, ...]) -> list[str]:
    found = []
    with pikepdf.open(path) as pdf:
        if Name.StructTreeRoot not in pdf.Root:
            return ["no structure tree"]
        preferences = pdf.Root.get(Name.ViewerPreferences, Dictionary())
        if preferences.get(Name.DisplayDocTitle) is not True:
            found.append("no DisplayDocTitle")
        tags = list(elements(pdf.Root.StructTreeRoot.K, str(pdf.Root.get(Name.Lang, ""))))
    levels = [HEADINGS[kind] for kind, _ in tags if kind in HEADINGS]
    if levels and levels[0] != 1:
        found.append(f"first heading H{levels[0]}")
    found += [f"H{a} then H{b}" for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    tagged = {lang for kind, lang in tags if kind in ("/P", "/H1", "/H2", "/LI", "/LBody")}
    found += [f"no element in {lang}" for lang in languages
              if profile(lang).html_lang not in tagged]
    return found


def main() -> int:
    project = load_project(Path.cwd())
    checked = bad = 0
    for slug in select_slugs(project, None):
        for output in plan_outputs(project, slug):
            if not output.path.is_file():
                continue
            checked += 1
            found = problems(output.path, output.languages)
            if found:
                bad += 1
                print(f"{project.relative(output.path)}: {'; '.join(found)}")
    print(f"{checked} screen PDF(s) checked, {bad} without a structure tree, "
          "DisplayDocTitle, /Lang per language or an ordered outline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
