"""The entries that fail checks, as PO files to fix and merge back (pofilter -o, pomerge)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from workflow.catalog.model import Catalog, Entry
from workflow.catalog.pofile import format_po, read_po_located
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fsutil import check_writable, write_if_changed
from workflow.qa.runner import SOURCE, Finding

# Where a finding is named in the extracted entry: an extracted comment (`#.`), as
# pofilter notes them; `pomerge --mergecomments=no` merges the translations back only.
NOTE = "pamphlet check"


def write_failing_entries(project: Project, findings: list[Finding], folder: Path
                          ) -> list[Path]:
    """Write DIR/LL/SLUG.po for each catalog with findings: its header and the failing
    entries, each with what failed. `pomerge --mergecomments=no -t locale -i DIR -o
    locale` brings the fixed entries back (the folder mirrors locale/). Returns the files
    written."""
    folder = folder if folder.is_absolute() else Path.cwd() / folder
    if folder.resolve() == project.locale.resolve():
        raise PamphletError(f"{folder}: the failing entries would overwrite the catalogs;"
                            " choose another folder")
    by_catalog: dict[str, dict[int, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in findings:
        if finding.state != SOURCE:  # a statement's own line is fixed in source/, no PO
            by_catalog[finding.path][finding.line].append(finding)
    written = []
    for display, lines in by_catalog.items():
        source = project.root / display
        catalog, msgid_lines = read_po_located(source)
        extract = Catalog(wrapwidth=79, check_for_duplicates=False)
        extract.header = catalog.header
        extract.metadata = dict(catalog.metadata)
        for entry in catalog:
            failing = lines.get(msgid_lines.get(entry.linenum or 0, -1))
            if entry.obsolete or not failing:
                continue
            notes = [f"{NOTE} [{f.check}] {f.severity}: {f.message}" for f in failing]
            comment = "\n".join(filter(None, [entry.comment, *notes]))
            extract.append(Entry(
                msgid=entry.msgid, msgstr=entry.msgstr, msgctxt=entry.msgctxt,
                tcomment=entry.tcomment, comment=comment, flags=list(entry.flags),
                occurrences=list(entry.occurrences), previous_msgid=entry.previous_msgid))
        target = folder / Path(display).relative_to(project.locale_dir)
        # the project's one rule, before anything is made: a link anywhere from the
        # project's root down (`-o linked/out`, a linked build/) is refused, not followed
        check_writable(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_if_changed(target, format_po(extract))
        written.append(target)
    return written
