"""Reading and writing PO/POT files with polib: one-line errors, atomic, no churn."""

from __future__ import annotations

import re
from bisect import bisect_left
from pathlib import Path

import polib

from workflow.catalog.poformat import format_catalog, keep_header_layout
from workflow.errors import PamphletError
from workflow.fsutil import decode_text, read_input, read_text, write_if_changed
from workflow.limits import MAX_SEGMENT_CHARS

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


def _polib_parse(text: str) -> tuple[polib.POFile, list[int]]:
    """polib's catalog of `text`, and the line in `text` of each line polib read."""
    # polib appends each continuation line to the string it continues with `+=` on an
    # attribute, which copies the whole string every time: a 2 MB msgstr of short lines
    # took 36 s to read. Each keyword is given its whole string on one line instead.
    # polib skips `#~|` lines, the previous msgid of an obsolete entry: read as `#|` lines
    # they are kept (the entry's `#~` lines make it obsolete all the same).
    joined, numbers = _join_continuations(_OBSOLETE_PREVIOUS.sub("#|", text))
    # polib adds the last entry at the end of the file only if the last line is not a
    # comment, and skips some comment lines (`#,` alone, `#~|`) without ending the entry:
    # a file ending in one lost its last entry. A final comment line ends every entry.
    # (With a newline in it, the text is also never taken for the name of a file to open.)
    content = _PoText(joined + "\n#\n")
    catalog = polib.pofile(content, wrapwidth=79, encoding="utf-8", check_for_duplicates=False)
    numbers += [numbers[-1] + 1, numbers[-1] + 2] if numbers else [1, 2]
    for entry in catalog:
        if entry.linenum:
            entry.linenum = numbers[entry.linenum - 1]
    return catalog, numbers


def _join_continuations(text: str) -> tuple[str, list[int]]:
    """The text with each string's continuation lines joined onto its keyword's line
    (the lines are checked already), and the original number of every line kept."""
    out: list[list[str]] = []
    numbers: list[int] = []
    last = None  # the output line holding the string a continuation line continues
    for number, line in enumerate(text.split("\n"), start=1):
        continued = _CONTINUED.match(line)
        if continued and last is not None:
            out[last].append(line[continued.end():].rstrip()[:-1])
            continue
        if _KEYWORD.match(line):
            last = len(out)
            out.append([line.rstrip()[:-1]])  # closed again once its string is complete
        else:
            if line.strip():
                last = None
            out.append([line])
        numbers.append(number)
    lines = ["".join(pieces) + '"' if _KEYWORD.match(pieces[0]) else pieces[0]
             for pieces in out]
    return "\n".join(lines), numbers


def declared_charset(text: str) -> tuple[str, int] | None:
    """The charset named in the Content-Type header, and the number of its line."""
    match = _CHARSET.search(text)
    if match is None:
        return None
    return match.group(1), text.count("\n", 0, match.start()) + 1


def parse_po(text: str, path: Path) -> polib.POFile:
    """Parse PO text; a syntax error becomes `path:line: message`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > 4 * MAX_SEGMENT_CHARS:  # refused before any regular expression runs
            raise PamphletError(f"a line of {len(line):,} characters: a PO string holds one "
                                f"sentence (at most {MAX_SEGMENT_CHARS:,} characters)",
                                path, number)
        if not _VALID_LINE.match(line):
            raise PamphletError(f"PO syntax error: cannot read {line.strip()[:40]!r}", path, number)
    _check_structure(text, path)
    try:
        catalog, numbers = _polib_parse(text)
    except OSError as error:  # polib reports syntax errors as OSError with the line number
        message = str(error)
        match = re.search(r"line (\d+)", message)
        at: int | None = int(match.group(1)) if match else None
        joined = _join_continuations(text)[1]
        if at is not None and 0 < at <= len(joined):
            at = joined[at - 1]
        detail = re.sub(r"^Syntax error in po file(?: \(line \d+\))?:?\s*", "", message)
        detail = re.sub(r"\s*\(line \d+\)", "", detail).strip()
        raise PamphletError(f"PO syntax error{': ' + detail if detail else ''}", path, at
                            ) from None
    charset = re.search(r"charset=([^\s;]+)", catalog.metadata.get("Content-Type", ""))
    if charset is not None and charset.group(1).lower() not in UTF8_NAMES:
        declared = declared_charset(text)
        raise PamphletError(f"the header declares charset={charset.group(1)}, but catalogs are "
                            "UTF-8: convert the file with `msgconv --to-code=UTF-8`", path,
                            declared[1] if declared else None)
    _check_duplicates(catalog, text, path)
    _check_sizes(catalog, path)
    return catalog


def _check_sizes(catalog: polib.POFile, path: Path) -> None:
    """A string holds one sentence: a longer one is refused (every later stage, from the
    checks to typesetting, would take minutes over a megabyte of text)."""
    for entry in catalog:
        strings = [entry.msgctxt or "", entry.msgid, entry.msgid_plural, entry.msgstr,
                   *entry.msgstr_plural.values()]
        longest = max(len(string) for string in strings)
        if longest > MAX_SEGMENT_CHARS:
            raise PamphletError(f"a string of {longest:,} characters: a PO string holds one "
                                f"sentence (at most {MAX_SEGMENT_CHARS:,} characters)", path,
                                entry.linenum or None)


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
    """msgfmt's rule: no two entries, obsolete ones included, share msgctxt and msgid
    (checked in one pass: polib's own check takes quadratic time on a large catalog), and
    one header. A second `msgid ""` would be written back as `#~ msgid ""`, and a merge
    that kept one of two obsolete duplicates would lose the other's translation."""
    # polib numbers each entry from the line it starts on, except the file's first (0).
    first = len(text) - len(text.lstrip())
    first_line = text.count("\n", 0, first) + 1
    seen: dict[tuple[str | None, str], int] = {}
    for entry in catalog:
        key = (entry.msgctxt, entry.msgid)
        line = entry.linenum or first_line
        if key == (None, ""):
            header = _second_header_line(text) or line
            raise PamphletError('a second header (`msgid ""`): a catalog has one; merge its '
                                "fields into the first and delete this one", path, header)
        if key in seen:
            what = "obsolete entry" if entry.obsolete else "entry"
            context = f" (msgctxt {entry.msgctxt!r})" if entry.msgctxt is not None else ""
            raise PamphletError(f"invalid catalog: {what} {entry.msgid[:60]!r}{context} already "
                                f"exists (line {seen[key]}): merge the two", path, line)
        seen[key] = line


_EMPTY_MSGID = re.compile(r'^[ \t]*(?:#~[ \t]*)?msgid[ \t]+""[ \t]*$')
_STRING_LINE = re.compile(r'^[ \t]*(?:#~[ \t]*)?"')


def _second_header_line(text: str) -> int | None:
    """The line of the second `msgid ""` with no string after it (a header's msgid)."""
    lines = text.split("\n")
    found = 0
    for number, line in enumerate(lines, start=1):
        if _EMPTY_MSGID.match(line) and not (number < len(lines)
                                             and _STRING_LINE.match(lines[number])):
            found += 1
            if found == 2:
                return number
    return None


def read_po(path: Path) -> polib.POFile:
    """Read a UTF-8 catalog: every problem is reported with its line, nothing is dropped."""
    return _read_po(path)[1]


def read_po_located(path: Path) -> tuple[polib.POFile, dict[int, int]]:
    """read_po(), and the line of each entry's msgid (see msgid_lines) for messages."""
    text, catalog = _read_po(path)
    return catalog, msgid_lines(text, catalog)


def msgid_lines(text: str, catalog: polib.POFile) -> dict[int, int]:
    """polib's entry line (where its comments start) -> the line of its `msgid`
    (`#~ msgid` for an obsolete entry): found by bisection, in linear time overall."""
    active: list[int] = []
    obsolete: list[int] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("msgid "):
            active.append(number)
        elif line.startswith("#~ msgid "):
            obsolete.append(number)
    result: dict[int, int] = {}
    for entry in catalog:  # every entry read from a file has its line
        linenum = entry.linenum or 0
        starts = obsolete if entry.obsolete else active
        index = bisect_left(starts, max(linenum, 1))
        result[linenum] = starts[index] if index < len(starts) else linenum
    return result


def header_field_line(path: Path, name: str) -> int | None:
    """The line of a header field (`"Plural-Forms: ..."`), for messages about it."""
    pattern = re.compile(rf'^\s*"{re.escape(name)}:', re.IGNORECASE)
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if pattern.match(line):
            return number
    return None


def _read_po(path: Path) -> tuple[str, polib.POFile]:
    return parse_po_bytes(read_input(path), path)


def parse_po_bytes(data: bytes, path: Path) -> tuple[str, polib.POFile]:
    """The text and catalog of a file's bytes, as read_po() reads them."""
    try:
        text = decode_text(data, path)
        return text, parse_po(text, path)
    except PamphletError as error:
        if "not valid UTF-8" not in error.message:
            raise
        charset = declared_charset(data.decode("latin-1"))
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
    return same_data(path.read_bytes(), new_text, path)


def same_data(data: bytes, new_text: str, path: Path) -> bool:
    """same_content() of a file's bytes as read."""
    if data == new_text.encode("utf-8"):
        return True
    if data.startswith(b"\xef\xbb\xbf") or b"\r" in data:
        return False
    try:
        return format_po(parse_po(decode_text(data, path), path)) == new_text
    except PamphletError:
        return False


def layout_like(text: str, previous: bytes | None) -> str:
    """The new text of a catalog, its header fields that did not change kept on the lines
    the file had for them (poformat.keep_header_layout); a file with a BOM or CRLF line
    ends, or not UTF-8, is written plain."""
    if not previous or previous.startswith(b"\xef\xbb\xbf") or b"\r" in previous:
        return text
    try:
        return keep_header_layout(text, previous.decode("utf-8"))
    except UnicodeDecodeError:
        return text


def write_po(path: Path, catalog: polib.POFile) -> bool:
    """Atomically write the catalog if its content changed; True if the file was written."""
    text = format_po(catalog)
    if path.exists() and same_content(path, text):
        return False
    return write_if_changed(path, text)
