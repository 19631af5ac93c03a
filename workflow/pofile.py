"""Reading and writing PO/POT files with polib: one-line errors, atomic, no churn."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from workflow.errors import PamphletError
from workflow.fsutil import read_text, write_if_changed
from workflow.poformat import format_catalog

# polib silently skips some malformed lines (an unterminated string, for one), which would
# drop a translation on the next write; every line is checked against the PO grammar's
# line shapes first. Obsolete (`#~`) and previous-source (`#|`) lines hold strings too.
_STRING = r'"(?:[^"\\]|\\.)*"'
_VALID_LINE = re.compile(
    r"^\s*$|^\s*#(?![~|]).*$|^\s*#~\s*$|^\s*#~\|.*$"
    rf"|^\s*(?:#~\s*)?(?:#\|\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"
    rf"{_STRING}\s*$"
)
_KEYWORD = re.compile(r'^\s*(#~\s*)?(#\|\s*)?(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"')
_CONTINUED = re.compile(r'^\s*((?:#~\s*)?(?:#\|\s*)?)"')
# Which keyword may follow which in an entry: [msgctxt] msgid (msgstr | msgid_plural msgstr[N]...)
_NEXT = {
    None: ("msgctxt", "msgid"),
    "msgctxt": ("msgid",),
    "msgid": ("msgstr", "msgid_plural"),
    "msgid_plural": ("msgstr[N]",),
    "msgstr": ("msgctxt", "msgid"),
    "msgstr[N]": ("msgstr[N]", "msgctxt", "msgid"),
}
_CHARSET = re.compile(r'^"Content-Type:[^"\n]*?charset=([^"\\\s;]+)', re.MULTILINE | re.IGNORECASE)
_OBSOLETE_PREVIOUS = re.compile(r'^#~\|(?=[ \t]*(?:(?:msgctxt|msgid|msgid_plural)[ \t]+)?")',
                                re.MULTILINE)
_COMMENT_BACKSLASH = re.compile(r"^(#.*\\)$", re.MULTILINE)
# "CHARSET" is the placeholder of a fresh template (xgettext): nothing else is declared.
UTF8_NAMES = ("utf-8", "utf8", "charset")


class _PoText(str):
    """PO text that polib splits into lines at "\\n" only, as gettext does.

    polib splits text with str.splitlines(), which also breaks at U+2028, U+0085, \\x1c and
    other characters that are plain content inside a PO string: a msgstr holding one was
    silently cut short (only the part after it was kept).
    """

    __slots__ = ()

    def splitlines(self, keepends: bool = False) -> list[str]:
        return self.split("\n")


def _polib_parse(text: str) -> polib.POFile:
    # polib adds the last entry at the end of the file only if the last line is not a
    # comment, and skips some comment lines (`#,` alone, `#~|`) without ending the entry:
    # a file ending in one lost its last entry. A final comment line ends every entry.
    # (With a newline in it, the text is also never taken for the name of a file to open.)
    # polib skips `#~|` lines, the previous msgid of an obsolete entry: read as `#|` lines
    # they are kept (the entry's `#~` lines make it obsolete all the same).
    content = _PoText(_OBSOLETE_PREVIOUS.sub("#|", text) + "\n#\n")
    return polib.pofile(content, wrapwidth=79, encoding="utf-8", check_for_duplicates=False)


def declared_charset(text: str) -> tuple[str, int] | None:
    """The charset named in the Content-Type header, and the number of its line."""
    match = _CHARSET.search(text)
    if match is None:
        return None
    return match.group(1), text.count("\n", 0, match.start()) + 1


def parse_po(text: str, path: Path) -> polib.POFile:
    """Parse PO text; a syntax error becomes `path:line: message`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not _VALID_LINE.match(line):
            raise PamphletError(f"PO syntax error: cannot read {line.strip()[:40]!r}", path, number)
    _check_structure(text, path)
    try:
        catalog = _polib_parse(text)
    except OSError as error:  # polib reports syntax errors as OSError with the line number
        message = str(error)
        match = re.search(r"line (\d+)", message)
        line = int(match.group(1)) if match else None
        detail = re.sub(r"^Syntax error in po file(?: \(line \d+\))?:?\s*", "", message)
        detail = re.sub(r"\s*\(line \d+\)", "", detail).strip()
        raise PamphletError(f"PO syntax error{': ' + detail if detail else ''}", path, line
                            ) from None
    charset = re.search(r"charset=([^\s;]+)", catalog.metadata.get("Content-Type", ""))
    if charset is not None and charset.group(1).lower() not in UTF8_NAMES:
        declared = declared_charset(text)
        raise PamphletError(f"the header declares charset={charset.group(1)}, but catalogs are "
                            "UTF-8: convert the file with `msgconv --to-code=UTF-8`", path,
                            declared[1] if declared else None)
    _check_duplicates(catalog, text, path)
    return catalog


def _check_structure(text: str, path: Path) -> None:
    """Every entry complete, keywords in order: polib silently accepts an entry with no
    msgstr, so a file cut short would lose its last translation without a word."""
    state, obsolete, start, channel = None, False, 0, None
    for number, line in enumerate(text.split("\n"), start=1):
        continued = _CONTINUED.match(line)
        if continued:  # a string continues the last keyword's, on the same kind of line
            if re.sub(r"\s", "", continued.group(1)) != channel:
                raise PamphletError("PO syntax error: a string with no msgid or msgstr before it",
                                    path, number)
            continue
        match = _KEYWORD.match(line)
        if match is None:
            channel = channel if not line.strip() else None
            continue
        channel = re.sub(r"\s", "", (match.group(1) or "") + (match.group(2) or ""))
        if match.group(2):  # `#| msgid`: the previous source text, a comment
            continue
        keyword = re.sub(r"\[\d+\]$", "[N]", match.group(3))
        is_obsolete = bool(match.group(1))
        new_entry = keyword in ("msgctxt", "msgid") and state in (None, "msgstr", "msgstr[N]")
        if keyword not in _NEXT[state] or (not new_entry and is_obsolete != obsolete):
            expected = " or ".join(_NEXT[state])
            raise PamphletError(f"PO syntax error: {match.group(3)} where {expected} was expected",
                                path, number)
        if new_entry:
            start = number
        state, obsolete = keyword, is_obsolete
    if state in ("msgctxt", "msgid", "msgid_plural"):
        raise PamphletError(f"the entry at line {start} has no msgstr: the file is cut short "
                            "(restore it from version control)", path, start)


def _check_duplicates(catalog: polib.POFile, text: str, path: Path) -> None:
    """polib's rule (an entry may not repeat the msgctxt and msgid of an earlier active
    entry) in one pass: polib's own check takes quadratic time on a large catalog."""
    # polib numbers each entry from the line it starts on, except the file's first (0).
    first = len(text) - len(text.lstrip())
    first_line = text.count("\n", 0, first) + 1
    active: dict[tuple[str | None, str], int] = {}
    for entry in catalog:
        key = (entry.msgctxt, entry.msgid)
        line = entry.linenum or first_line
        if key in active:
            raise PamphletError(f"invalid catalog: entry {entry.msgid[:60]!r} already exists "
                                f"(line {active[key]}): merge the two", path, line)
        if not entry.obsolete:
            active[key] = line


def read_po(path: Path) -> polib.POFile:
    """Read a UTF-8 catalog: every problem is reported with its line, nothing is dropped."""
    return _read_po(path)[1]


def read_po_located(path: Path) -> tuple[polib.POFile, dict[int, int]]:
    """read_po(), and the line of each entry's msgid (see msgid_lines) for messages."""
    text, catalog = _read_po(path)
    return catalog, msgid_lines(text, catalog)


def msgid_lines(text: str, catalog: polib.POFile) -> dict[int, int]:
    """polib's entry line (where its comments start) -> the line of its `msgid`."""
    lines = text.split("\n")
    result = {}
    for entry in catalog:
        number = entry.linenum
        while number <= len(lines) and not lines[number - 1].startswith("msgid "):
            number += 1
        result[entry.linenum] = number if number <= len(lines) else entry.linenum
    return result


def header_field_line(path: Path, name: str) -> int | None:
    """The line of a header field (`"Plural-Forms: ..."`), for messages about it."""
    pattern = re.compile(rf'^\s*"{re.escape(name)}:', re.IGNORECASE)
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if pattern.match(line):
            return number
    return None


def _read_po(path: Path) -> tuple[str, polib.POFile]:
    try:
        text = read_text(path)
        return text, parse_po(text, path)
    except PamphletError as error:
        if "not valid UTF-8" not in error.message:
            raise
        charset = declared_charset(path.read_bytes().decode("latin-1"))
        if charset is None or charset[0].lower() in UTF8_NAMES:
            raise
        raise PamphletError(f"the file is in {charset[0]}, but catalogs are UTF-8: convert it "
                            "with `msgconv --to-code=UTF-8`", path, error.line) from None


def format_po(catalog: polib.POFile) -> str:
    """The file text as GNU gettext writes it (msgcat prints it unchanged); deterministic."""
    text = format_catalog(catalog)
    # gettext reads a backslash at the end of a line as "continued on the next line": a
    # comment ending in one swallows the entry's msgid and msgfmt fails. A space after it
    # is dropped again when the file is read.
    return _COMMENT_BACKSLASH.sub(r"\1 ", text)


def same_content(path: Path, new_text: str) -> bool:
    """True if the file holds what new_text holds, whatever its line layout (an editor's
    wrapping, Weblate's, msgcat's): such a file is never rewritten. A BOM or CRLF line
    ends are not kept: the next write makes the file plain UTF-8 with LF."""
    data = path.read_bytes()
    if data == new_text.encode("utf-8"):
        return True
    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return False
    try:
        return format_po(parse_po(read_text(path), path)) == new_text
    except PamphletError:
        return False


def write_po(path: Path, catalog: polib.POFile) -> bool:
    """Atomically write the catalog if its content changed; True if the file was written."""
    text = format_po(catalog)
    if path.exists() and same_content(path, text):
        return False
    return write_if_changed(path, text)
