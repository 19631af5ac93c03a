"""Catalogs are written exactly as GNU gettext writes them: `msgcat FILE` prints FILE."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import REPO
from workflow.catalog.pofile import format_po, parse_po, read_po
from workflow.catalog.poformat import wrap
from workflow.cli import main

CATALOGS = sorted((REPO / "locale").glob("*.pot")) + sorted((REPO / "locale").glob("*/*.po"))
pytestmark = pytest.mark.skipif(shutil.which("msgcat") is None, reason="needs GNU gettext")


def msgcat(text: str, *options: str) -> str:
    return subprocess.run(["msgcat", *options, "-"], input=text.encode("utf-8"),
                          capture_output=True, check=True).stdout.decode("utf-8")


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_catalog_of_the_repository_is_as_msgcat_prints_it(path):
    text = path.read_text(encoding="utf-8")
    assert msgcat(text) == text
    assert format_po(read_po(path)) == text


def test_wrapping_breaks_after_spaces_and_in_urls_counting_screen_columns():
    url = "https://example.org/" + "/".join(["segment"] * 12) + "?q=1"
    lines = wrap("msgstr", "Lee " + url)
    assert lines[0] == 'msgstr ""' and all(len(line) <= 79 for line in lines)
    assert lines[1].endswith('/"')  # a URL is cut after a slash, as gettext does
    # wide characters take two columns: 40 of them (80 columns) never share one line
    lines = wrap("msgid", "中" * 40)
    assert lines == ['msgid ""', f'"{"中" * 38}"', f'"{"中" * 2}"']


# Pieces gettext's layout reacts to: spaces, escapes, newlines, long URLs, Arabic and
# Persian with their marks, wide characters, a zero-width non-joiner, bidi controls.
PIECES = [" ", "  ", "\t", "\n", "\\", '"', "\\n", "\r", "word", "Solidaridad, ", "7000 ",
          "المهاجرين ", "مهاجران ", "مُهَاجِر", "می\u200cخواهیم ", "«نه به جنگ» ", "؟ ", "، ",
          "https://allianceofmesocialists.org/oppose-war-on-iran-show-solidarity/?x=1&y=2 ",
          "info@example.org", "中文", "\u2066x\u2069", "-", "/", "(a)", "%s", "é"]
STRING = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)
COMMENT = st.lists(st.text(st.sampled_from("abc دمن ۱۲ xyz"), max_size=30).map(str.strip),
                   min_size=1, max_size=3).map("\n".join).filter(lambda c: c[:1].strip())


@st.composite
def catalogs(draw) -> polib.POFile:
    catalog = polib.POFile(check_for_duplicates=False)
    catalog.header = draw(COMMENT)
    catalog.metadata = {
        "Project-Id-Version": "pamphlet s", "Last-Translator": " ".join(draw(COMMENT).split()),
        "Language-Team": "Persian (فارسی) <fa@example.org>", "Language": "ar",
        "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && "
                        "n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
        "X-Generator": "Weblate 5.14"}
    msgids = draw(st.lists(STRING, min_size=1, max_size=6, unique=True))
    for index, msgid in enumerate(msgids):
        plural = draw(st.booleans()) and index % 3 == 0
        entry = polib.POEntry(
            msgid=msgid, msgctxt=draw(st.one_of(st.none(), STRING)),
            tcomment=draw(st.one_of(st.just(""), COMMENT)),
            occurrences=draw(st.lists(st.tuples(st.sampled_from(
                ["source/ima-migrants-day-2016.md", "a.md", "source/x/y/z.md"]),
                st.sampled_from(["", "1", "1234"])), max_size=8, unique=True)),
            previous_msgid=draw(st.one_of(st.none(), STRING)),
            obsolete=index > 0 and draw(st.booleans()))
        if plural:
            entry.msgid_plural = draw(STRING)
            entry.msgstr_plural = {n: draw(st.one_of(st.just(""), STRING)) for n in range(6)}
        else:
            entry.msgstr = draw(st.one_of(st.just(""), STRING))
        translated = entry.msgstr_plural[0] if plural else entry.msgstr
        if entry.obsolete:
            entry.occurrences = []
            if not translated:  # gettext never writes an obsolete entry with no translation
                entry.msgstr_plural = {n: "x" for n in range(6)} if plural else {}
                entry.msgstr = "" if plural else "x"
        flags = draw(st.lists(st.sampled_from(["fuzzy", "no-wrap"]), unique=True))
        entry.flags = [f for f in flags if f != "fuzzy" or translated or entry.obsolete]
        if "fuzzy" in entry.flags and not translated and entry.obsolete:
            entry.flags.remove("fuzzy")
        catalog.append(entry)
    return catalog


def content(catalog: polib.POFile) -> list:
    fields = ("msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr_plural", "tcomment",
              "occurrences", "previous_msgid")
    return [catalog.header, dict(catalog.metadata)] + [
        [getattr(e, f) for f in fields] + [sorted(e.flags), bool(e.obsolete)]
        for e in sorted(catalog, key=lambda e: bool(e.obsolete))]  # obsolete ones last


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalog=catalogs())
def test_generated_catalogs_are_as_msgcat_prints_them(catalog):
    text = format_po(catalog)
    assert msgcat(text) == text
    again = parse_po(text, Path("x.po"))
    assert content(again) == content(catalog)  # and nothing was lost on the way
    assert format_po(again) == text


def test_catalogs_laid_out_by_other_tools_are_left_alone(repo_copy):
    """msgcat at another width, no wrapping at all (Poedit's default): update leaves them."""
    paths = sorted((repo_copy / "locale").glob("*/*.po"))
    for index, path in enumerate(paths):
        text = path.read_text(encoding="utf-8")
        relaid = msgcat(text, "--no-wrap") if index % 2 else msgcat(text, "--width=60")
        assert relaid != text
        path.write_text(relaid, encoding="utf-8")
    before = {p: p.read_bytes() for p in paths}
    assert main(["update", "--check"]) == 0
    assert main(["update"]) == 0
    assert {p: p.read_bytes() for p in paths} == before
