"""Helpers shared by the tests: a throw-away project, the CLI run in-process, snapshots."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from workflow.cli import main

REPO = Path(__file__).resolve().parent.parent

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler")
needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")

STATEMENT_EN = """\
---
title: "Solidarity with the caravan"
author: "Alliance of Middle Eastern Socialists"
date: 2018-11-03
language: en
origin: "https://example.org/caravan"
---

## No one is illegal

We express our solidarity with the caravan. The U.S. army has killed thousands.
More than 7000 people walk together.

1. How can we challenge this?
2. What will happen next?

Nov 3, 2018
Alliance of Middle Eastern Socialists
"""


def write_project(root: Path, statements: dict[str, str] | None = None,
                  config: str = "", outputs: tuple[str, ...] | None = ("pdf",)) -> Path:
    """A project in `root`: a pyproject.toml with `config` after [project], and statements
    (by default the caravan statement in English).

    Its plain `build` makes `outputs` (the screen PDFs, which most tests read: the default
    outputs would add the web edition and its share cards to every build), set at the end
    of config's [tool.pamphlet] table, so no setting config writes changes its line; None,
    or a config that sets outputs itself: none added."""
    (root / "source").mkdir(parents=True, exist_ok=True)
    text = f"[project]\nname = 'x'\n\n{config}"
    if outputs is not None and not re.search(r"^outputs\s*=", config, re.M):
        text = with_outputs(text, outputs)
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    for slug, text in (statements or {"caravan": STATEMENT_EN}).items():
        (root / "source" / f"{slug}.md").write_text(text, encoding="utf-8")
    return root


def with_outputs(text: str, outputs: tuple[str, ...]) -> str:
    """`text` (a pyproject.toml) with `outputs` set last in its [tool.pamphlet] table, or
    in a [tool.pamphlet] table added at its end (none where `[tool]` or `[[tool.pamphlet]]`
    makes it)."""
    setting = "outputs = [" + ", ".join(f'"{name}"' for name in outputs) + "]\n"
    lines = text.splitlines(keepends=True)
    if "[tool.pamphlet]\n" not in lines:
        if re.search(r"^\[tool\]|^\[\[tool\.pamphlet\]\]", text, re.M):
            return text  # a table made some other way: what the test is about
        return text + ("" if not text or text.endswith("\n") else "\n") + \
            "\n[tool.pamphlet]\n" + setting
    end = lines.index("[tool.pamphlet]\n") + 1
    while end < len(lines) and not lines[end].startswith("["):
        end += 1
    while lines[end - 1].strip() == "" and not lines[end - 2].startswith("[tool.pamphlet]"):
        end -= 1  # after its last setting, before the blank lines that end it
    if not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    return "".join(lines[:end] + [setting] + lines[end:])


def run(*argv: str) -> tuple[int, str, str]:
    """`pamphlet ARGV` in this process, in the current folder: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` and its bytes: what a refused command must leave alone."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}


def translate_catalog(project, language, translate, flags=()):
    """Every entry of caravan's `language` catalog set to `translate(msgid)`, with `flags`."""
    path = project.po_path("caravan", language)
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = translate(entry.msgid)
        entry.flags = list(flags)
    catalog.save()


def set_titles(project, titles: dict[str, str], slug: str = "caravan") -> None:
    """The title entry of `slug`'s catalog of each language set to `titles[language]`."""
    for language, text in titles.items():
        catalog = polib.pofile(str(project.po_path(slug, language)))
        for entry in catalog:
            if entry.comment.strip() == "title":
                entry.msgstr = text
        catalog.save()


def keeping_numbers(text: str):
    """A fake translation that keeps the source's numbers, so checks pass."""
    return lambda msgid: " ".join([text[:-1], *re.findall(r"\d+", msgid)]) + text[-1]


def mark_machine(project, language, msgid, msgstr):
    """One entry of caravan's `language` catalog as machine output left to review."""
    path = project.po_path("caravan", language)
    catalog = polib.pofile(str(path))
    entry = catalog.find(msgid)
    entry.msgstr = msgstr
    entry.flags.append("fuzzy")
    entry.tcomment = "machine translation: argos en->es translate-en_es 1.0"
    catalog.save()


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(path) -> str:
    """The PDF's text (poppler's pdftotext), without bidi controls, each run of spaces one."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return re.sub(r"\s+", " ", BIDI_CONTROLS.sub("", text))


def squash(text: str) -> str:
    """Text without whitespace: lines break at spaces and after a '/' of a long URL."""
    return re.sub(r"\s+", "", text)


def squashed_pdf_text(path: Path) -> str:
    """The PDF's text, squashed, words hyphenated at a line end (en, es) joined again."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    return squash(re.sub(r"(\w)[-\u2010\u00ad]\s*\n\s*(\w)", r"\1\2", text))


def write_translations(project, language: str, translations: dict[str, str]) -> None:
    """caravan's `language` catalog: `translations` where given, else "Texto" and the numbers."""
    path = project.po_path("caravan", language)
    catalog = polib.pofile(str(path))
    for entry in catalog:
        entry.msgstr = translations.get(entry.msgid, "Texto " + " ".join(
            re.findall(r"\d+", entry.msgid)))
        entry.flags = []
    catalog.save()


def catalog_with_an_error(root: Path) -> None:
    """Update, then give the Spanish entry a number its source does not have: an error of
    `check`."""
    assert run("update")[0] == 0
    catalog = root / "locale" / "es" / "caravan.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('msgid "No one is illegal"\nmsgstr ""',
                                    'msgid "No one is illegal"\nmsgstr "Nadie es ilegal 7"'),
                       encoding="utf-8")


def review(project, persian: str = "ما همبستگی خود را اعلام می‌کنیم.",
           spanish: str = "Texto revisado."):
    """Translate es, ar and fa (every entry `spanish` in es, `persian` in fa) and mark
    them reviewed, numbers kept (checks pass)."""
    from workflow.update import update

    update(project)
    translate_catalog(project, "es", keeping_numbers(spanish))
    translate_catalog(project, "ar", keeping_numbers("نحن نعبر عن تضامننا مع القافلة."))
    translate_catalog(project, "fa", keeping_numbers(persian))
    return project


def assert_patches_undone_on_error(context, patched) -> None:
    """`context()` replaces what `patched()` returns (WeasyPrint functions) while open, and
    puts each back when the block inside raises."""
    before = patched()
    try:
        with context():
            assert all(now is not then for now, then in zip(patched(), before, strict=True))
            raise RuntimeError
    except RuntimeError:
        pass
    assert patched() == before
