"""build/'s own store: the file index, the build state and the check findings in one JSON
file, read once per run and written whole and atomically (damaged or missing: a rebuild)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from workflow.errors import PamphletError
from workflow.fsutil import read_state, write_if_changed

STORE_FILE = ".pamphlet-state.json"
# The store's layout: a store of another format (an older or newer pamphlet) is not read,
# which costs one rebuild and one re-check, never a wrong answer.
FORMAT = 1
# The tables and who keeps them. `files` (fileindex.FileIndex) holds the content digest of
# every input by its stat; it is the one invalidation key: the build's fingerprints
# (`outputs`) and the checks' keys (`checks`) are made of those digests, so a file whose
# digest changed rebuilds what it is in and is checked again, and nothing else does.
TABLES = ("files", "outputs", "failed", "dashboard", "checks")


class Store:
    """The tables of `<build>/.pamphlet-state.json`, each a dict its keeper reads and
    changes in place; `save` writes them all when one changed.

    Read through fsutil.read_state: never through a link or from a FIFO or device, never
    more than its size limit; anything it cannot read is an empty store.
    """

    def __init__(self, path: Path):
        self.path = path
        data = read_state(path)  # None: no store yet, or a damaged one
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            data = {}
        self.tables: dict[str, dict] = {
            name: table if isinstance(table := data.get(name), dict) else {}
            for name in TABLES}
        self._saved = self._text()

    def table(self, name: str, valid: Callable[[str, object], bool]) -> dict:
        """The table `name`, less the entries `valid` refuses (damaged ones, or of another
        version): the dict itself, so its keeper's changes are saved with the store."""
        table = self.tables[name]
        for key in [key for key, value in table.items() if not valid(key, value)]:
            del table[key]
        return table

    def _text(self) -> str:
        return json.dumps({"format": FORMAT, **self.tables}, ensure_ascii=False, indent=0,
                          sort_keys=True)

    def save(self) -> None:
        """Write the store if a table changed since it was read or last written; a build/
        that cannot be written (read-only, or a link out of the project, which is never
        written through) only costs the next run the same work again."""
        text = self._text()
        if text == self._saved:
            return
        try:
            write_if_changed(self.path, text)
        except PamphletError:
            return
        self._saved = text


def strings(key: str, value: object) -> bool:
    """An entry of a table of strings (the build's outputs and failures)."""
    return isinstance(value, str)
