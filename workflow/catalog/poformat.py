"""polib catalogs as text laid out exactly as GNU gettext writes them (msgcat, msgmerge).

The layout follows gettext's write-po.c: entries in the same order and shape, strings cut
into one line per `\\n`, long lines broken where libunistring's line breaking allows
(after a space, after `/` in a URL, ...) and at the screen width (wide characters count
two columns, combining marks none). The breaks themselves come from the very function
gettext calls, `ulc_width_linebreaks` of the system's libunistring (which gettext links),
so a catalog written here is what `msgcat` prints for it, and Poedit, Weblate or msgmerge
saving it leave git clean.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

import polib

from workflow.errors import PamphletError

PAGE_WIDTH = 79  # gettext's default --width
_NO_WRAP = 2**31 - 1  # INT_MAX: `#, no-wrap` entries are cut at newlines only
# libunistring's enum of unilbrk.h
_BREAK_UNDEFINED, _BREAK_PROHIBITED, _BREAK_POSSIBLE = 0, 1, 2
# gettext writes these seven as C escapes; a backslash and a quote are escaped too.
_ESCAPES = {"\a": "a", "\b": "b", "\f": "f", "\n": "n", "\r": "r", "\t": "t", "\v": "v"}
# Flags gettext keeps on an obsolete entry (write-po.c: fuzzy, no-wrap and *-format).
_OBSOLETE_FLAGS = ("fuzzy", "no-wrap")


@cache
def _linebreaker():
    names = [ctypes.util.find_library("unistring"), "libunistring.so.5", "libunistring.so.2"]
    for name in filter(None, names):
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        function = library.ulc_width_linebreaks
        function.restype = ctypes.c_int
        function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                             ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
        return function
    raise PamphletError("libunistring, which GNU gettext uses to wrap PO files, was not found:"
                        " install the Debian package gettext (`make system`)")


def _breaks(portion: bytes, overrides: bytes, width: int, start_column: int) -> bytes:
    result = ctypes.create_string_buffer(len(portion))
    _linebreaker()(portion, len(portion), width, start_column, 0, overrides, b"UTF-8", result)
    return result.raw


def _portions(value: str) -> list[str]:
    """gettext's '\\n'-delimited portions: each ends with its newline; at least one."""
    portions: list[str] = []
    start = 0
    while True:
        end = value.find("\n", start)
        if end < 0:
            if start < len(value) or not portions:
                portions.append(value[start:])
            return portions
        portions.append(value[start:end + 1])
        start = end + 1


def _escaped(portion: str) -> tuple[bytes, bytes]:
    """The portion as written between quotes, and a break override for every byte."""
    text, overrides = bytearray(), bytearray()
    for char in portion:
        if char in _ESCAPES or char in '\\"':
            text += b"\\" + _ESCAPES.get(char, char).encode("ascii")
            overrides += bytes((_BREAK_UNDEFINED, _BREAK_PROHIBITED))
        else:
            encoded = char.encode("utf-8")
            text += encoded
            # a character is never cut between its bytes
            overrides += bytes((_BREAK_UNDEFINED,)) + bytes((_BREAK_PROHIBITED,)) * (
                len(encoded) - 1)
    return bytes(text), bytes(overrides)


def wrap(keyword: str, value: str, prefix: str = "", wrap_lines: bool = True,
         page_width: int = PAGE_WIDTH) -> list[str]:
    """The lines of one keyword and its string, as gettext's wrap() in write-po.c."""
    lines: list[str] = []
    first_line = True
    portions = _portions(value)
    for index, portion in enumerate(portions):
        more = index < len(portions) - 1
        text, overrides = _escaped(portion)
        if portion.endswith("\n"):  # never break just before the final "\n"
            overrides = overrides[:-2] + bytes((_BREAK_PROHIBITED,)) + overrides[-1:]
        after_break = len(prefix) + 1
        width = (page_width if wrap_lines else _NO_WRAP) - 1 - after_break
        while True:
            start = len(prefix) + (len(keyword) + 1 if first_line else 0) + 1 - after_break
            breaks = _breaks(text, overrides, width, start) if text else b""
            if first_line and text and (more or start > width or _BREAK_POSSIBLE in breaks):
                lines.append(f'{prefix}{keyword} ""')
                first_line = False
                continue
            break
        head = f"{prefix}{keyword} " if first_line else prefix
        first_line = False
        pieces, begin = [], 0
        for position, kind in enumerate(breaks):
            if kind == _BREAK_POSSIBLE:
                pieces.append(text[begin:position])
                begin = position
        pieces.append(text[begin:])
        lines.append(head + '"' + pieces[0].decode("utf-8") + '"')
        lines.extend(f'{prefix}"{piece.decode("utf-8")}"' for piece in pieces[1:])
    return lines


def _comment_lines(marker: str, text: str) -> list[str]:
    return [f"{marker} {line}" if line else marker for line in text.split("\n")]


def _reference_lines(occurrences: list[tuple[str, str]], page_width: int) -> list[str]:
    """`#:` lines filled up to the page width, as message_print_comment_filepos."""
    if not occurrences:
        return []
    lines, line, column = [], "#:", 2
    for name, number in dict.fromkeys(occurrences):  # gettext drops repeated references
        while name.startswith("./"):
            name = name[2:]
        reference = f"{name}:{number}" if number else name
        width = len(reference) + 1
        if column > 2 and column + width > page_width:
            lines.append(line)
            line, column = "#:", 2
        if " " in name or "\t" in name:  # gettext isolates a name with spaces (U+2068/9)
            reference = f"\u2068{name}\u2069" + (f":{number}" if number else "")
        line += " " + reference
        column += width
    lines.append(line)
    return lines


def _flags_line(flags: list[str], translated: bool, obsolete: bool) -> list[str]:
    # gettext writes fuzzy first and drops it on an entry with no translation
    others = [f for f in flags if f != "fuzzy"]
    if obsolete:
        others = [f for f in others if f in _OBSOLETE_FLAGS or f.endswith("-format")]
    shown = (["fuzzy"] if "fuzzy" in flags and translated else []) + others
    return ["#, " + ", ".join(dict.fromkeys(shown))] if shown else []


def _msgstrs(entry: polib.POEntry) -> list[tuple[str, str]]:
    if entry.msgid_plural:
        return [(f"msgstr[{index}]", entry.msgstr_plural[index])
                for index in sorted(entry.msgstr_plural)]
    return [("msgstr", entry.msgstr)]


def entry_lines(entry: polib.POEntry, page_width: int = PAGE_WIDTH) -> list[str]:
    """One entry (active or obsolete) as gettext's message_print(_obsolete)."""
    msgstrs = _msgstrs(entry)
    translated = bool(msgstrs[0][1])
    if entry.obsolete and not any(value for _, value in msgstrs):
        # gettext drops an obsolete entry without a translation; it looks at msgstr[0]
        # only, which would drop a plural one whose other forms are translated
        return []
    do_wrap = "no-wrap" not in entry.flags
    lines = []
    if entry.tcomment:
        lines += _comment_lines("#", entry.tcomment)
    if entry.comment:
        lines += _comment_lines("#.", entry.comment)
    lines += _reference_lines(entry.occurrences, page_width)
    lines += _flags_line(entry.flags, translated, entry.obsolete)
    previous_prefix = "#~| " if entry.obsolete else "#| "
    for keyword, value in (("msgctxt", entry.previous_msgctxt),
                           ("msgid", entry.previous_msgid),
                           ("msgid_plural", entry.previous_msgid_plural)):
        if value is not None:
            lines += wrap(keyword, value, previous_prefix, do_wrap, page_width)
    prefix = "#~ " if entry.obsolete else ""
    fields = [("msgctxt", entry.msgctxt)] if entry.msgctxt is not None else []
    fields.append(("msgid", entry.msgid))
    if entry.msgid_plural:
        fields.append(("msgid_plural", entry.msgid_plural))
    for keyword, value in fields + msgstrs:
        lines += wrap(keyword, value, prefix, do_wrap, page_width)
    return lines


def header_msgstr(metadata: dict[str, str]) -> str:
    """The header entry's msgstr: one `Name: value` line per field, in the catalog's order."""
    lines = []
    for name, value in metadata.items():
        first, *rest = value.split("\n")
        lines.append(f"{name}: {first}")
        lines.extend(rest)
    return "\n".join(lines) + "\n" if lines else ""


def format_catalog(catalog: polib.POFile, page_width: int = PAGE_WIDTH) -> str:
    """The whole file, as `msgcat` would print it; ends in one newline."""
    blocks: list[list[str]] = []
    header = []
    if catalog.header:
        # a header comment line starting with ',' or ':' keeps a space after '#', or it
        # would read back as the header's flags or references
        header += [f"# {line}" if line else "#" for line in catalog.header.split("\n")]
    msgstr = header_msgstr(catalog.metadata)
    # The header entry is written even when empty: without it polib (not gettext) would
    # read the first entry's comments as the file's header comment.
    fuzzy = bool(catalog.metadata_is_fuzzy) and bool(msgstr)
    header += ["#, fuzzy"] if fuzzy else []
    header += wrap("msgid", "", "", True, page_width)
    header += wrap("msgstr", msgstr, "", True, page_width)
    blocks.append(header)
    blocks += [entry_lines(e, page_width) for e in catalog if not e.obsolete]
    blocks += [entry_lines(e, page_width) for e in catalog if e.obsolete]
    return "\n\n".join("\n".join(block) for block in blocks if block) + "\n"


_UNESCAPES = {**{code: char for char, code in _ESCAPES.items()}, "\\": "\\", '"': '"'}


def _unquote(line: str) -> str:
    """The text of one `"..."` string line, escapes undone."""
    body, out, index = line.strip()[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            out.append(_UNESCAPES.get(body[index + 1], body[index + 1]))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _header_fields(lines: list[str]) -> tuple[int, int, list[tuple[str, list[str]]]] | None:
    """Where the header's field lines are (first and end line index) and each field (a
    `\\n`-ended portion of its msgstr) with the lines it is written on; None unless the
    text starts with a header entry written `msgstr ""` and then one string per line."""
    end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    start = next((i for i in range(end) if lines[i].startswith("msgstr ")), None)
    if (start is None or start == 0 or not lines[start - 1].startswith('msgid ""')
            or lines[start].rstrip() != 'msgstr ""'):
        return None
    fields: list[tuple[str, list[str]]] = []
    text, written = "", []
    for line in lines[start + 1:end]:
        if not (line.startswith('"') and line.rstrip().endswith('"') and len(line) > 1):
            return None
        text += _unquote(line)
        written.append(line)
        if text.endswith("\n"):
            fields.append((text, written))
            text, written = "", []
    if written:
        fields.append((text, written))
    return start + 1, end, fields


def keep_header_layout(new_text: str, old_text: str) -> str:
    """`new_text` with each header field whose content is unchanged written on the lines
    the old file had for it: a tool that breaks the header's long lines otherwise
    (Translate Toolkit 3.16, Poedit) sees no churn in the fields it wrote when an entry
    changes. Only the header: entries are laid out as gettext does."""
    new_lines = new_text.split("\n")
    new, old = _header_fields(new_lines), _header_fields(old_text.split("\n"))
    if new is None or old is None:
        return new_text
    start, end, fields = new
    previous = dict(old[2])
    kept = [line for text, written in fields for line in previous.get(text, written)]
    return "\n".join(new_lines[:start] + kept + new_lines[end:])
