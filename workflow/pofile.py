"""Reading and writing PO/POT files with polib: one-line errors, atomic, no churn."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from workflow.errors import PamphletError
from workflow.fsutil import read_text, write_if_changed

# polib silently skips some malformed lines (an unterminated string, for one), which would
# drop a translation on the next write; every line is checked against the PO grammar's
# line shapes first.
_STRING = r'"(?:[^"\\]|\\.)*"'
_VALID_LINE = re.compile(
    rf"^\s*$|^#.*$|^(?:#~\s*)?(?:#\|\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"
    rf"{_STRING}\s*$"
)


def parse_po(text: str, path: Path) -> polib.POFile:
    """Parse PO text; a syntax error becomes `path:line: message`."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not _VALID_LINE.match(line):
            raise PamphletError(f"PO syntax error: cannot read {line.strip()[:40]!r}", path, number)
    try:
        catalog = polib.pofile(text, wrapwidth=79, check_for_duplicates=True)
    except OSError as error:  # polib reports syntax errors as OSError with the line number
        message = str(error)
        match = re.search(r"line (\d+)", message)
        line = int(match.group(1)) if match else None
        detail = re.sub(r"^Syntax error in po file(?: \(line \d+\))?:?\s*", "", message)
        detail = re.sub(r"\s*\(line \d+\)", "", detail).strip()
        raise PamphletError(f"PO syntax error{': ' + detail if detail else ''}", path, line
                            ) from None
    except ValueError as error:  # duplicate entries
        message = str(error)
        line = _line_of_msgid(text, message)
        raise PamphletError(f"invalid catalog: {message}", path, line) from None
    return catalog


def _line_of_msgid(text: str, message: str) -> int | None:
    match = re.search(r'Entry "(.*)" already exists', message, re.S)
    if not match:
        return None
    needle = f'msgid "{match.group(1)}"'
    positions = [m.start() for m in re.finditer(re.escape(needle), text)]
    if len(positions) < 2:
        return None
    return text.count("\n", 0, positions[1]) + 1


def read_po(path: Path) -> polib.POFile:
    return parse_po(read_text(path), path)


def format_po(catalog: polib.POFile) -> str:
    """The file text, ending in one newline; deterministic for equal catalogs."""
    catalog.wrapwidth = 79
    text = str(catalog)  # polib's serialisation: its header order, its line wrapping
    return text.rstrip("\n") + "\n"


def write_po(path: Path, catalog: polib.POFile) -> bool:
    """Atomically write the catalog if its text changed; True if the file was written."""
    return write_if_changed(path, format_po(catalog))


def entry_lines(text: str) -> dict[str, int]:
    """msgid -> line number of its `msgid` line, for messages that point at an entry."""
    catalog = polib.pofile(text, wrapwidth=79)
    return {e.msgid: e.linenum for e in catalog if not e.obsolete}
