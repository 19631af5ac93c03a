"""Property-based tests (hypothesis) of the round trips translators' work goes through, and
brief fuzz targets for the PO reader and the importer.

- any statement survives source file -> segments -> PO catalog -> paragraphs unchanged;
- any catalog the project writes reads back equal and passes `msgfmt --check-format`;
- any catalog a translator hands in (plurals, contexts, obsolete duplicates, a second
  header) is merged losing no translation into one `msgfmt -c` accepts, or refused;
- the PO reader, given anything, returns a catalog that lost nothing, or one-line error;
- the importer, given anything, writes a statement that reads back, or a one-line error.

PAMPHLET_FUZZ_EXAMPLES=N runs each fuzz target N times instead of a brief run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from tests.helpers import REPO, needs_msgfmt
from workflow.catalog.model import PlaceConflict, build_template, is_translated, merge
from workflow.catalog.pofile import format_po, parse_po, read_po, write_po
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.importer import convert_raw, import_file
from workflow.segment import render_body, segment_statement
from workflow.source import format_statement, read_statement

FUZZ_EXAMPLES = int(os.environ.get("PAMPHLET_FUZZ_EXAMPLES", "150"))

# Pieces that stress each stage: Markdown and block markup, sentence ends and abbreviations
# in the four languages, PO escapes (quotes, backslashes, tabs), characters str.splitlines()
# breaks at, bidi controls, joiners, bare URLs.
TRICKY = ["\n", "\n\n", " ", "  ", "\t", ". ", "? ", "! ", "؟ ", "، ", "؛ ", "…", "## ", "1. ",
          "- ", "> ", "* ", "**", "_", "`", "[a](https://x.org/a_b)", "<https://x.org>",
          "info@x.org", "https://x.org/p?q=1.", "Dr. ", "U.S. ", "EE. UU. ", "د. ", '"', "'",
          "\\", "\\n", '\\"', "%s", "%(x)d", "{0}", "#", "#~ ", "msgid ", "«", "»", "\u2028",
          "\u2029", "\x85", "\u200c", "\u200f", "\u202e", "\u2066", "\u2069", "\ufeff", "\u00a0",
          "The", "we", "army", "Solidaridad", "مهاجران", "المهاجرين", "7000", "٣٠", "۱۸"]
TEXT = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=4)), max_size=30
                ).map("".join)
# Front matter values: one line, no leading/trailing space (the reader strips them).
LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
               max_size=30).map(str.strip).filter(bool)


def no_controls(text: str) -> str:
    """Statements refuse C0/C1 controls (source.py); everything else must survive."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", text)


# --- source -> segments -> PO -> paragraphs -------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=TEXT.map(no_controls), title=LINE, language=st.sampled_from(["en", "es", "ar", "fa"]))
@example(body="Uno.\u2028Dos. Tres\u2029cuatro. \u202eSin cerrar.", title="t", language="es")
def test_any_statement_survives_segments_po_and_paragraphs(tmp_path_factory, body, title,
                                                           language):
    assume(body.strip())
    root = tmp_path_factory.mktemp("project")
    (root / "source").mkdir()
    meta = {"title": title, "author": "Author", "date": "2020-01", "language": language}
    statement_path = root / "source" / "s.md"
    statement_path.write_text(format_statement(meta, body), encoding="utf-8")
    statement = read_statement(statement_path)
    assert statement.title == title
    assert statement.body.strip("\n") == body.strip("\n")
    document = segment_statement(statement)
    assert render_body(document) == statement.body  # segments join back byte for byte

    # Through a catalog on disk: each segment "translated" by marking it, read back.
    template = build_template(document, "s", language, "source/s.md")
    catalog = merge(None, template, "en" if language != "en" else "es")
    for entry in catalog:
        entry.msgstr = f"[{entry.msgid}]"
    po_path = root / "locale" / "xx" / "s.po"
    write_po(po_path, catalog)
    translated = {e.msgid: e.msgstr for e in read_po(po_path)}
    assert len(translated) == len(catalog)

    def translate(text: str) -> str:
        return translated.get(text, text)

    expected = render_body(document, lambda s: f"[{s}]" if s in translated else s)
    assert render_body(document, translate) == expected
    # And with the identity translation the statement comes back unchanged.
    assert render_body(document, lambda s: translated[s][1:-1] if s in translated else s
                       ) == statement.body


# --- any catalog the project writes ---------------------------------------------------

# Any text but C0/C1 controls, which statements refuse (a msgid can hold none) and msgfmt
# rejects in part (U+0004 separates a context in .mo files); tab and newline included.
PO_TEXT = st.text(st.one_of(st.characters(blacklist_categories=("Cs", "Cc")),
                            st.sampled_from("\t\n")), max_size=40)
# A msgid is a segment: one line, stripped. A msgstr may hold line breaks, not at its ends
# (msgfmt requires both or neither to end in "\n"; `pamphlet check` is where a translator
# hears about that).
MSGID = PO_TEXT.map(lambda text: text.replace("\n", " ").strip()).filter(bool)
MSGSTR = PO_TEXT.map(lambda text: text.strip("\n"))
ENTRY = st.fixed_dictionaries({
    "msgid": MSGID,
    "msgstr": MSGSTR,
    "fuzzy": st.booleans(),
    # Comment lines are stripped by polib (trailing spaces of a comment are not kept).
    "tcomment": st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
                        max_size=20).map(str.strip),
    "previous": st.one_of(st.none(), MSGID),
})


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)],
                          capture_output=True, text=True)


@needs_msgfmt
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=st.lists(ENTRY, max_size=8, unique_by=lambda e: e["msgid"]),
       new=st.lists(MSGID, max_size=8, unique=True),
       language=st.sampled_from(["es", "ar", "fa"]))
@example(old=[{"msgid": "a\u2028b", "msgstr": "x\u2028y\x85z", "fuzzy": False, "tcomment": "",
               "previous": None}], new=["a\u2028b"], language="fa")
@example(old=[{"msgid": "gone", "msgstr": "ido", "fuzzy": False, "tcomment": "ends in \\",
               "previous": None}], new=[], language="es")  # msgfmt: `\` ends a line
def test_catalogs_read_back_equal_and_pass_msgfmt(tmp_path_factory, old, new, language):
    """A translator's catalog merged with a new template (kept, fuzzy, obsolete entries),
    written as `update` writes it, reads back equal, byte for byte, and msgfmt accepts it."""
    existing = polib.POFile(wrapwidth=79)
    existing.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for item in old:
        entry = polib.POEntry(msgid=item["msgid"], msgstr=item["msgstr"],
                              tcomment=item["tcomment"])
        if item["fuzzy"]:
            entry.flags.append("fuzzy")
            entry.previous_msgid = item["previous"]
        existing.append(entry)
    template = polib.POFile(wrapwidth=79)
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid in new:
        template.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[("source/s.md", "")]))
    catalog = merge(existing, template, language)
    path = tmp_path_factory.mktemp("po") / "s.po"
    write_po(path, catalog)
    text = format_po(catalog)
    again = read_po(path)
    fields = ("msgid", "msgstr", "flags", "previous_msgid", "tcomment", "occurrences",
              "comment")
    assert [[getattr(e, f) for f in fields] + [bool(e.obsolete)] for e in again] == [
        [getattr(e, f) for f in fields] + [bool(e.obsolete)] for e in catalog]
    assert again.metadata == catalog.metadata
    assert format_po(again) == text  # a second write would change nothing
    result = msgfmt_check(path)
    assert result.returncode == 0, result.stderr


# Catalogs as translators and other tools leave them: plural entries, entries with a
# context (the same msgid twice), obsolete entries (perhaps twice), a second header. msgids
# come from a small pool so that they meet the template's and each other's.
POOL = ["One.", "Two.", "Three people.", "Four"]
OLD_ENTRY = st.fixed_dictionaries({
    "kind": st.sampled_from(["plain", "plural", "context"]),
    "msgid": st.one_of(st.sampled_from(POOL), MSGID),
    "msgctxt": st.sampled_from(["banner", "chant", ""]),
    "msgstr": MSGSTR,
    "plural": st.lists(MSGSTR, min_size=2, max_size=3),
    "obsolete": st.booleans(),
})


def old_catalog_text(entries: list[dict], second_header: bool) -> str:
    catalog = polib.POFile(wrapwidth=79, check_for_duplicates=False)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8",
                        "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for item in entries:
        entry = polib.POEntry(msgid=item["msgid"], obsolete=item["obsolete"])
        if item["kind"] == "plural":
            entry.msgid_plural = item["msgid"] + " (many)"
            entry.msgstr_plural = dict(enumerate(item["plural"]))
        else:
            entry.msgstr = item["msgstr"]
        if item["kind"] == "context":
            entry.msgctxt = item["msgctxt"]
        catalog.append(entry)
    if second_header:
        catalog.append(polib.POEntry(msgid="", msgstr="Language: es\n"))
    return str(catalog)


def forms(entry: polib.POEntry) -> tuple:
    return (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))


@needs_msgfmt
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=st.lists(OLD_ENTRY, max_size=7), second_header=st.booleans(),
       new=st.lists(st.one_of(st.sampled_from(POOL), MSGID), max_size=5, unique=True),
       language=st.sampled_from(["es", "ar", "fa"]))
@example(old=[{"kind": "plural", "msgid": "One.", "msgctxt": "", "msgstr": "",
               "plural": ["uno", "unos"], "obsolete": False}], second_header=False, new=[],
         language="ar")
@example(old=[{"kind": "context", "msgid": "One.", "msgctxt": "banner", "msgstr": "a",
               "plural": ["", ""], "obsolete": False},
              {"kind": "context", "msgid": "One.", "msgctxt": "chant", "msgstr": "b",
               "plural": ["", ""], "obsolete": False}], second_header=False, new=["One."],
         language="es")
@example(old=[{"kind": "plain", "msgid": "One.", "msgctxt": "", "msgstr": "a",
               "plural": ["", ""], "obsolete": True}] * 2, second_header=False, new=[],
         language="es")
@example(old=[], second_header=True, new=["One."], language="es")
@example(old=[{"kind": "plural", "msgid": "One.", "msgctxt": "", "msgstr": "",
               "plural": ["", "unos"], "obsolete": False}], second_header=False, new=[],
         language="es")  # gettext's writer drops an obsolete entry whose msgstr[0] is empty
def test_update_loses_no_translation_of_any_catalog(tmp_path_factory, old, second_header, new,
                                                     language):
    """Whatever a translator's catalog holds, `update` either refuses it with one line
    (what msgfmt refuses too: two entries with one msgctxt and msgid, a second header; or a
    plural entry holding a sentence's msgid), or writes a catalog that msgfmt -c accepts
    and that keeps every translation: contexts and plural forms included."""
    text = old_catalog_text(old, second_header)
    keys = [(item["msgctxt"] if item["kind"] == "context" else None, item["msgid"])
            for item in old]
    template = polib.POFile(wrapwidth=79)
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid in new:
        template.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[("source/s.md", "")]))
    conflict = any(item["kind"] == "plural" and item["msgid"] in new for item in old)
    try:
        existing = parse_po(text, Path("old.po"))
        catalog = merge(existing, template, language)
    except PamphletError as error:
        assert "\n" not in str(error) and str(error).startswith("old.po:")
        assert second_header or len(set(keys)) < len(keys), str(error)
        return
    except PlaceConflict:
        assert conflict
        return
    assert not second_header and len(set(keys)) == len(keys) and not conflict
    path = tmp_path_factory.mktemp("po") / "s.po"
    write_po(path, catalog)
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr
    written = read_po(path)
    kept = {(e.msgctxt, e.msgid, bool(e.msgid_plural)): forms(e) for e in written}
    carried = {forms(e) for e in written}
    for entry in existing:
        if not is_translated(entry):
            continue
        if entry.msgid_plural:  # kept whole, every form, under its key
            assert kept[entry.msgctxt, entry.msgid, True] == forms(entry)
        else:  # kept (a context with it), lent to a sentence like it (fuzzy), or obsolete
            assert forms(entry) in carried, entry.msgid
            if (entry.msgctxt, entry.msgid, False) in kept:
                assert kept[entry.msgctxt, entry.msgid, False] == forms(entry)
    assert format_po(read_po(path)) == path.read_text(encoding="utf-8")


@needs_msgfmt
def test_catalogs_of_the_embedded_statements_pass_msgfmt(tmp_path):
    """The real thing: `update` on the six embedded statements."""
    from workflow.update import update

    root = tmp_path / "repo"
    shutil.copytree(REPO / "source", root / "source")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    update(load_project(root))
    for path in sorted((root / "locale").rglob("*.po*")):
        result = msgfmt_check(path)
        assert result.returncode == 0, result.stderr


# --- fuzz: the PO reader --------------------------------------------------------------

PO_KEYWORD = st.sampled_from(["msgid ", "msgstr ", "msgctxt ", "msgid_plural ", "msgstr[0] ",
                              "msgstr[1] ", "#~ msgid ", "#~ msgstr ", "#| msgid ", "#, fuzzy",
                              "# ", "#: ", "#. ", "", "#~ ", " msgid ", "msgid\t", "#~| msgid "])
PO_CHARS = st.text(st.sampled_from(list('ab \\"\tn#~|,:') + ["\u2028", "\x85", "\x0c", "é", "\r",
                                                            "\x00", "\ufeff"]), max_size=6)
PO_LINE = st.builds(lambda keyword, text, quoted: f'{keyword}"{text}"' if quoted
                    else f"{keyword}{text}", PO_KEYWORD, PO_CHARS, st.booleans())
VALID_PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '#, fuzzy\n#| msgid "Old"\nmsgid "One"\nmsgstr "Uno"\n\nmsgid "Two\\n"\n"lines"\n'
            'msgstr ""\n"Dos\\n"\n"líneas"\n\n#~ msgid "Gone"\n#~ msgstr "Ido"\n')


def keyword_lines(text: str) -> int:
    """msgid lines of entries (not `#|` previous ones), obsolete or not."""
    return len(re.findall(r'^\s*(?:#~\s*)?msgid\s+"', text, re.MULTILINE))


def check_po_reader(text: str) -> None:
    try:
        catalog = parse_po(text, Path("fuzz.po"))
    except PamphletError as error:
        assert str(error).startswith("fuzz.po") and "\n" not in str(error), str(error)
        return
    # Nothing dropped: every string of every entry line is in the catalog read (the header's
    # strings become metadata, so files with a `msgid ""` are left to the round trip below).
    if not re.search(r'^\s*(?:#~\s*)?msgid\s+""', text, re.MULTILINE):
        fields = "\0".join(value for e in catalog for value in (
            e.msgctxt or "", e.msgid, e.msgid_plural, e.msgstr, *e.msgstr_plural.values()))
        for line in text.split("\n"):
            if re.match(r"\s*#(?!~)|\s*#~\s*\|", line):
                continue  # comments, `#|` and `#~|` previous strings
            for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', line):
                assert polib.unescape(literal) in fields, (literal, line)
    again = parse_po(format_po(catalog), Path("again.po"))
    assert format_po(again) == format_po(catalog)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.one_of(st.lists(PO_LINE, max_size=12).map("\n".join),
                 st.integers(0, len(VALID_PO)).map(lambda cut: VALID_PO[:cut]),
                 st.text(max_size=60)))
@example('msgid "a"\nmsgstr "b"\n\nmsgid "c"\n')  # cut short after a msgid: an error
@example('msgid "a"\nmsgstr "x\u2028y"\n')  # polib alone would keep only "y"
@example('# : a header comment\nmsgid ""\nmsgstr ""\n')  # polib wrote it back as `#:`
@example('#~ msgid "a"\n#~ msgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n')  # one "a" was lost
@example('msgid ""\nmsgstr ""\n\nmsgid ""\nmsgstr "x"\n')  # a second header: written as #~
@example('msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "y"\nmsgid "a"\nmsgstr "c"\n')
@example('msgid "a"\nmsgid_plural "as"\nmsgstr[0] ""\n"b\\n"\n"c"\nmsgstr[1] "d"\n')
def test_fuzz_po_reader(text):
    check_po_reader(text)


@pytest.mark.parametrize("cut", [len(VALID_PO) - n for n in (1, 5, 9, 14, 30, 60)])
def test_truncated_catalogs_are_errors_or_complete(cut):
    """A catalog cut anywhere either still holds every entry it shows, or is an error."""
    text = VALID_PO[:cut]
    try:
        catalog = parse_po(text, Path("cut.po"))
    except PamphletError:
        return
    assert len(catalog) == keyword_lines(text) - 1


# --- fuzz: the importer ---------------------------------------------------------------

RAW = st.lists(st.one_of(st.sampled_from(
    ["\n", "\n\n", "\r\n", "\x0c", "\u2028", "\x85", "\x00", "\x1b", "\ufeff", "\t", " ", ". ",
     "? ", "1. ", "• ", "- ", "by Alliance", "por la Alianza", "بقلم التحالف", "Continue reading",
     "3 de noviembre de 2018", "Nov 3, 2018", "٣ نوفمبر ٢٠١٨", "https://x.org/a.", '"', "\\",
     "---", "...", "#", "Title Here", "We stand with them", "\u202e", "\u200c"]),
    st.text(max_size=5)), max_size=40).map("".join)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=RAW, language=st.sampled_from(["en", "es", "ar", "fa"]))
@example(raw="Title\x85with a break\n\nBody \x00text.\x0cNext page.", language="en")
@example(raw="Title with \uffff and \\ and \"\n\nBody.", language="es")  # YAML escapes
def test_fuzz_importer(tmp_path_factory, raw, language):
    """Whatever is pasted: a one-line error, or a statement that `update` can read once
    its editor has filled the empty fields (the importer leaves what it cannot guess)."""
    try:
        meta, body = convert_raw(raw, language)
    except PamphletError as error:
        assert "\n" not in str(error)
        return
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "".join(meta.values()) + body)
    filled = {**meta, **{k: meta[k] or "X" for k in ("title", "author")},
              "date": meta["date"] or "2020-01"}
    root = tmp_path_factory.mktemp("import")
    (root / "source").mkdir()
    path = root / "source" / "s.md"
    path.write_text(format_statement(filled, body), encoding="utf-8")
    statement = read_statement(path)
    assert (statement.title, statement.author) == (filled["title"].strip(),
                                                   filled["author"].strip())
    assert statement.body.strip("\n") == body.strip("\n")


def test_import_writes_only_source_slug(tmp_path, monkeypatch):
    """Slugs are checked: no name from the text or the command line leaves source/."""
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    project = load_project(root)
    raw = tmp_path / "raw.txt"
    raw.write_text("../../Escape Title\n\nBody text here.\n", encoding="utf-8")
    for slug in ("../evil", "/tmp/evil", "a/b", ".hidden", "UPPER"):
        with pytest.raises(PamphletError, match="invalid slug"):
            import_file(project, raw, "en", slug)
    path, _, _ = import_file(project, raw, "en")
    assert path.parent == project.sources and path.name == "escape-title.md"
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [
        "escape-title.md", "pyproject.toml", "raw.txt"]
