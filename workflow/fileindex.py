"""Content digests of input files, remembered by their stat as git's index does: unchanged
files are not read again."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from workflow.fsutil import read_input
from workflow.store import Store

MISSING = "<missing>"
# A digest is remembered only for a file last changed this long before it was read: a
# write in the same clock tick as the read would leave size and mtime as they were
# (git's "racily clean" entries). Any later write gives a newer mtime and a new ctime.
RACY_NS = 2_000_000_000
T = TypeVar("T")


def _stamp(stat: os.stat_result) -> list[int]:
    # ctime and inode too: an editor's save-by-rename, `touch -d` or `cp -p` can restore
    # size and mtime, never the inode and ctime.
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def read_stamped(path: Path, read: Callable[[Path], bytes] = lambda path: read_input(path)
                 ) -> tuple[bytes, list[int] | None]:
    """The file's bytes and the stamp they belong to: stat before the read and again after,
    read again if a write came between; None if it kept changing (nothing to remember)."""
    for _ in range(3):
        try:
            before = _stamp(path.stat())
        except OSError:
            break  # no such file, a dangling link ...: `read` says so in its own words
        data = read(path)
        try:
            if _stamp(path.stat()) == before:
                return data, before
        except OSError:
            return data, None
    return read(path), None


def _valid(key: str, entry: object) -> bool:
    """An entry as `digest` writes it: four stat numbers, a hex digest, maybe facts."""
    return (isinstance(entry, list) and len(entry) in (5, 6)
            and all(type(n) is int for n in entry[:4]) and isinstance(entry[4], str)
            and (len(entry) == 5 or isinstance(entry[5], dict)))


class FileIndex:
    """sha256 digests of files, read only when their stat differs from the one remembered.

    Kept in the `files` table of build/'s store; a missing or damaged index only means
    that every file is read once more. Its digests are what every other table of the store
    is keyed by: the build's fingerprints and the checks' keys.
    """

    def __init__(self, store: Store):
        self.store = store
        self.entries: dict[str, list] = store.table("files", _valid)

    def digest(self, path: Path,
               read: Callable[[Path], tuple[bytes, list[int] | None]] | None = None) -> str:
        """The hex sha256 of the file's bytes, or MISSING if there is no such file.
        `read` reads it when it must be, giving the bytes and the stamp taken with them
        (a Corpus gives its own, which keeps the bytes: read maybe before this stat)."""
        key = str(path)
        try:
            stat = path.stat()
        except FileNotFoundError:
            self.entries.pop(key, None)
            return MISSING
        stamp = _stamp(stat)
        known = self.entries.get(key)
        if isinstance(known, list) and len(known) in (5, 6) and known[:4] == stamp:
            return known[4]
        # links out of the project refused, no FIFOs. The stamp remembered is the one
        # taken with the bytes hashed, never this fresh one: a write between the read and
        # this stat would otherwise leave the new stamp beside the old digest for good.
        data, read_stamp = (read or read_stamped)(path)
        digest = hashlib.sha256(data).hexdigest()
        if read_stamp is not None and time.time_ns() - read_stamp[1] > RACY_NS:
            self.entries[key] = [*read_stamp, digest]
        else:
            self.entries.pop(key, None)
        return digest

    def fact(self, path: Path, name: str, compute: Callable[[], T],
             read: Callable[[Path], tuple[bytes, list[int] | None]] | None = None) -> T:
        """A fact about the file's content (a statement's language, say), computed once
        per content: remembered beside its digest, forgotten when the file changes."""
        self.digest(path, read)
        entry = self.entries.get(str(path))
        facts = entry[5] if entry is not None and len(entry) == 6 else None
        if facts is not None and name in facts:
            return facts[name]
        value = compute()
        if entry is not None:
            if facts is None:
                facts = {}
                entry.append(facts)
            facts[name] = value
        return value
