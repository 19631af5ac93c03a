"""The web edition in a real browser: Debian's chromium loads it from `pamphlet serve` in a
network namespace with only loopback up; network log, DOM text against the catalogs,
axe-core, Lighthouse, and screenshots at phone and desktop widths (kept to look at)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

import polib
import pytest

from workflow.catalog.model import entry_state
from workflow.cli import main
from workflow.render.html import render_inline, typography

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}/"
# Screenshots land here to be looked at (and one is in docs/images/).
SHOTS = REPO / "build" / "test-screenshots"

SLUG = "port-workers-solidarity-2025"
STATEMENT = """---
title: "Solidarity with the Workers of the Port"
author: "Harbour Solidarity Network"
date: 2025-05-04
language: en
quote: "Solidarity across borders"
---

We stand with the dock workers who went on strike on 3 May.

Their demands are fair: safe work, fair pay and the right to organise.

Solidarity across borders is our strength.
"""
# Written by hand for this test; the Persian keeps its ZWNJ (خواسته‌هایشان, سازمان‌یابی).
TRANSLATIONS = {
    "es": ["Solidaridad con los trabajadores del puerto", "Red de Solidaridad del Puerto",
           "Estamos con los trabajadores portuarios que se declararon en huelga el 3 de mayo.",
           "Sus demandas son justas: trabajo seguro, salario justo y derecho a organizarse.",
           "La solidaridad sin fronteras es nuestra fuerza."],
    "ar": ["تضامنًا مع عمال الميناء", "شبكة التضامن مع الميناء",
           "نقف إلى جانب عمال الموانئ الذين أضربوا عن العمل في ٣ أيار/مايو.",
           "مطالبهم عادلة: عمل آمن وأجر عادل والحق في التنظيم.",
           "التضامن عبر الحدود هو قوتنا."],
    "fa": ["همبستگی با کارگران بندر", "شبکهٔ همبستگی بندر",
           "ما در کنار کارگران بارانداز هستیم که در ۳ مه دست به اعتصاب زدند.",
           "خواسته‌هایشان عادلانه است: کار ایمن، دستمزد منصفانه و حق سازمان‌یابی.",
           "همبستگی فراتر از مرزها نیروی ماست."],
    "ur": ["بندرگاہ کے مزدوروں سے یکجہتی", "بندرگاہ یکجہتی نیٹ ورک",
           "ہم ان گودی مزدوروں کے ساتھ کھڑے ہیں جنہوں نے 3 مئی کو ہڑتال کی۔",
           "ان کے مطالبات منصفانہ ہیں: محفوظ کام، مناسب اجرت اور تنظیم سازی کا حق۔",
           "سرحدوں کے پار یکجہتی ہماری طاقت ہے۔"],
}
ENGLISH = ["Solidarity with the Workers of the Port", "Harbour Solidarity Network",
           "We stand with the dock workers who went on strike on 3 May.",
           "Their demands are fair: safe work, fair pay and the right to organise.",
           "Solidarity across borders is our strength."]
LANGUAGES = ["en", "es", "ar", "fa", "ur"]
CORPUS_PAGE = "ima-migrants-day-2016"
CORPUS = (CORPUS_PAGE, "asis-call-for-solidarity-2016")


def pamphlet(root: Path, *argv: str) -> None:
    import os

    previous = Path.cwd()
    os.chdir(root)
    try:
        code = main(list(argv))
    finally:
        os.chdir(previous)
    assert code == 0, argv


def make_project(root: Path) -> Path:
    """The embedded corpus, Urdu added, and one statement translated into every language."""
    # Two statements of the corpus (Arabic and Persian catalogs with every kind of text
    # the corpus has), not six: the cards of each edition are set once, and this test
    # stays under three minutes.
    shutil.copytree(REPO / "locale", root / "locale", ignore=lambda folder, names: [
        n for n in names if n.endswith((".po", ".pot")) and n.rsplit(".", 1)[0] not in CORPUS])
    (root / "source").mkdir()
    for slug in CORPUS:
        shutil.copy(REPO / "source" / f"{slug}.md", root / "source")
    (root / "pyproject.toml").write_text(
        '[tool.pamphlet]\nlanguages = ["en", "es", "ar", "fa", "ur"]\nsource_language = "en"\n'
        f'site_url = "{BASE}"\n')
    (root / "source" / f"{SLUG}.md").write_text(STATEMENT)
    pamphlet(root, "update")
    for language, texts in TRANSLATIONS.items():
        path = root / "locale" / language / f"{SLUG}.po"
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = texts[ENGLISH.index(entry.msgid)]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalog.save()
    return root


@pytest.fixture(scope="module")
def browsed(tmp_path_factory):
    """The project built (--final --keep 100: a language not reviewed is not published),
    served and browsed; the results of run.mjs."""
    if not Path(CHROMIUM).exists() or not (HERE / "node_modules" / "lighthouse").is_dir():
        pytest.fail("chromium or tests/browser/node_modules missing: run `make test`, which"
                    " installs them (apt chromium, npm ci in tests/browser)")
    work = tmp_path_factory.mktemp("browser")
    root = make_project(work / "project")
    started = time.monotonic()
    pamphlet(root, "build", "--final", "--keep", "100", SLUG, "--layout", "single",
             "--jobs", "1", "--to", "pdf,web")
    built = time.monotonic() - started
    site = root / "build" / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    shots = [{"name": f"{lang}-{width}", "path": f"{lang}/{SLUG}.html", "width": width}
             for lang in LANGUAGES for width in (390, 1280)]
    shots += [{"name": f"{lang}-corpus-{width}", "path": f"{lang}/{CORPUS_PAGE}.html",
               "width": width} for lang in ("ar", "fa") for width in (390, 1280)]
    shots.append({"name": "ar-index-390", "path": "ar/index.html", "width": 390})
    lighthouse = [p for lang in ("en", "ar", "fa")
                  for p in (f"{lang}/index.html", f"{lang}/{CORPUS_PAGE}.html")]
    spec = {"work": str(work), "project": str(root), "port": PORT, "base": BASE,
            "pamphlet": str(Path(sys.executable).with_name("pamphlet")),
            "chromium": CHROMIUM, "profile": str(work / "chromium-profile"),
            "pages": pages, "axe": pages, "shots": shots, "lighthouse": lighthouse,
            "screenshots": str(SHOTS), "results": str(work / "results.json")}
    (work / "spec.json").write_text(json.dumps(spec))
    done = subprocess.run(
        ["unshare", "-n", "--", "sh", "-c",
         f'ip link set lo up && exec "{sys.executable}" "{HERE / "harness.py"}"'
         f' "{work / "spec.json"}"'], capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads((work / "results.json").read_text())
    results["seconds"]["build"] = round(built, 1)
    # What was measured, beside the screenshots: to look at, and to quote
    (SHOTS / "results.json").write_text(json.dumps(
        {"lighthouse": results["lighthouse"], "seconds": results["seconds"],
         "axe": {p: v.get("axe") for p, v in results["pages"].items()}}, indent=1))
    return root, results


def test_no_request_leaves_loopback(browsed):
    _, results = browsed
    assert results["requests"]
    outside = sorted({url for url in results["requests"] if not url.startswith(BASE)
                      and not url.startswith("data:")})
    assert outside == []


def test_pages_declare_language_and_direction(browsed):
    _, results = browsed
    for lang in LANGUAGES:
        page = results["pages"][f"{lang}/{SLUG}.html"]
        assert page["lang"] == lang
        assert page["dir"] == ("rtl" if lang in ("ar", "fa", "ur") else "ltr")
        assert page["errors"] == []


def test_fonts_are_self_hosted_and_load(browsed):
    _, results = browsed
    fonts = set(results["pages"][f"ur/{SLUG}.html"]["fonts"])
    assert "Noto Nastaliq Urdu" in fonts
    assert "Noto Naskh Arabic" in set(results["pages"][f"fa/{SLUG}.html"]["fonts"])


def test_axe_finds_no_violation(browsed):
    _, results = browsed
    found = {path: page["axe"] for path, page in results["pages"].items() if page.get("axe")}
    assert found == {}


def test_lighthouse_scores(browsed):
    _, results = browsed
    assert len(results["lighthouse"]) == 6
    for path, run in results["lighthouse"].items():
        scores = run["scores"]
        assert run["runtimeError"] is None, (path, run["runtimeError"])
        for category in ("accessibility", "seo", "best-practices"):
            assert scores[category] == 1, (path, category, run["failing"])
        assert scores["performance"] >= 0.95, (path, scores, run["failing"])


def test_switcher_marks_unpublished_language(browsed):
    """Urdu is not reviewed for the corpus statements: not published, marked, and its link
    leads to the original."""
    root, results = browsed
    assert not (root / "build" / "site" / "ur" / f"{CORPUS_PAGE}.html").exists()
    switcher = {item["lang"]: item for item in results["pages"][f"fa/{CORPUS_PAGE}.html"]
                ["switcher"]}
    assert switcher["ur"]["href"] == f"../en/{CORPUS_PAGE}.html"
    assert "ابھی ترجمہ نہیں ہوا" in switcher["ur"]["text"]
    assert switcher["fa"]["href"] == f"{CORPUS_PAGE}.html"


def expected_text(text: str, language: str) -> str:
    """A catalog's text as a page shows it: the language's typography, Markdown gone."""
    html = render_inline(typography(text, language))
    return unescape(re.sub(r"<[^>]+>", "", html))


def test_dom_text_is_the_catalog_text(browsed):
    """Every reviewed translation of every catalog is in its page's DOM text exactly,
    ZWNJ and letter order included (what a reader copies out)."""
    root, results = browsed
    checked = zwnj = 0
    for path, page in results["pages"].items():
        language, name = path.split("/") if "/" in path else (None, path)
        if language is None or name == "index.html":
            continue
        po = root / "locale" / language / name.replace(".html", ".po")
        text = re.sub(r"[ \t\r\n]+", " ", page["main"])
        if not po.exists():
            continue
        for entry in polib.pofile(str(po)):
            if entry.obsolete or entry_state(entry) != "reviewed" or entry.msgctxt:
                continue
            wanted = re.sub(r"[ \t\r\n]+", " ", expected_text(entry.msgstr, language))
            assert wanted in text, (path, entry.linenum, wanted)
            checked += 1
            zwnj += "\u200c" in wanted
    assert checked > 150 and zwnj > 20


def test_screenshots_taken(browsed):
    _, results = browsed
    names = {Path(p).stem for p in results["screenshots"]}
    assert {f"{lang}-{w}" for lang in LANGUAGES for w in (390, 1280)} <= names
