"""`pamphlet update` merges as `msgmerge --previous` does: scripted edits of a statement,
then the same kept, fuzzy (with the same translation and `#|`), obsolete and untranslated
entries as GNU msgmerge makes of the old catalog and the new template."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from workflow.catalog.model import similarity
from workflow.catalog.pofile import parse_po, read_po
from workflow.cli import main

SLUG = "ima-migrants-day-2016"
pytestmark = pytest.mark.skipif(shutil.which("msgmerge") is None, reason="needs GNU gettext")

CHANGED = ("Capitalist crisis spells disaster for migrants.",
           "Capitalist crisis spells disaster for migrants everywhere.")
# 0.68 like the old sentence: msgmerge offers it (threshold 0.6), rapidfuzz >= 70 did not
REWRITTEN = ("Both lead to displacement of millions and flexibilization of labor including "
             "migrant labor.",
             "Both lead to the displacement of millions of people and to flexible labor.")
# 0.59 like the old sentence: under msgmerge's threshold, a new untranslated entry
REPLACED = ("Grassroots migrants have already made great strides in exposing the real cause of "
            "discplacement and the neoliberal agenda on migration.",
            "Migrants at the grassroots keep uncovering why people are displaced, and what "
            "neoliberals plan.")
DELETED = ("These are happening despite the 26th year existence of the United Nation "
           "Convention on the Rights of Migrants and Their Families.")
UNCHANGED = ("In 2018, the UN is set to uphold a global compact for safe, orderly and regular "
             "migration.")
SIMILAR = "In 2019, the UN is set to uphold a global compact for safe and regular migration."
UNRELATED = "Bread and roses for everyone."
SPLIT = ("While such will answer some concerns of migrants, it will not resolve the larger "
         "economic, political and social issues of migration.",
         "Such will answer some concerns of migrants. It will not resolve the larger economic, "
         "political and social issues of migration.")
MOVED = ("It may even be used to further restrict borders and legitimise the criminalization "
         "undocumented migrants.")


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def first_edits(text: str) -> str:
    for old, new in (CHANGED, REWRITTEN, REPLACED, SPLIT):
        text = edit(text, old, new)
    text = edit(text, DELETED, "")
    text = edit(text, UNCHANGED, f"{UNCHANGED} {SIMILAR} {UNRELATED}")
    text = edit(text, MOVED, "")
    return text.rstrip("\n") + f"\n\n{MOVED}\n"


def second_edits(text: str) -> str:
    """The deleted sentence and the first change restored."""
    text = edit(text, CHANGED[1], f"{CHANGED[0]} {DELETED}")
    return text


def states(text: str) -> dict[str, tuple]:
    """msgid -> (state, translation, previous msgid) of every entry of a catalog."""
    result = {}
    for entry in parse_po(text, Path("x.po")):
        if entry.obsolete:
            result[entry.msgid] = ("obsolete", entry.msgstr, None)
        elif not entry.msgstr:
            result[entry.msgid] = ("untranslated", "", None)
        elif "fuzzy" in entry.flags:
            result[entry.msgid] = ("fuzzy", entry.msgstr, entry.previous_msgid)
        else:
            result[entry.msgid] = ("kept", entry.msgstr, None)
    return result


def update_and_msgmerge(root: Path, language: str, change) -> tuple[dict, dict]:
    source = root / "source" / f"{SLUG}.md"
    po_path = root / "locale" / language / f"{SLUG}.po"
    old = po_path.read_text(encoding="utf-8")
    source.write_text(change(source.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["update", SLUG]) == 0
    old_path = root / "old.po"
    old_path.write_text(old, encoding="utf-8")
    theirs = subprocess.run(["msgmerge", "--previous", "--quiet", "-o", "-", str(old_path),
                             str(root / "locale" / f"{SLUG}.pot")],
                            capture_output=True, text=True, check=True).stdout
    return states(po_path.read_text(encoding="utf-8")), states(theirs)


@pytest.mark.parametrize("language", ["es", "ar", "fa"])
def test_update_keeps_fuzzies_and_obsoletes_what_msgmerge_does(repo_copy, language):
    assert 0.6 < similarity(*REWRITTEN) < 0.7 and similarity(*REPLACED) < 0.6
    old = read_po(repo_copy / "locale" / language / f"{SLUG}.po")
    translation = {e.msgid: e.msgstr for e in old}

    ours, theirs = update_and_msgmerge(repo_copy, language, first_edits)
    assert ours == theirs
    assert ours[CHANGED[1]] == ("fuzzy", translation[CHANGED[0]], CHANGED[0])
    assert ours[REWRITTEN[1]] == ("fuzzy", translation[REWRITTEN[0]], REWRITTEN[0])
    assert ours[REPLACED[1]][0] == "untranslated" and ours[REPLACED[0]][0] == "obsolete"
    assert ours[DELETED] == ("obsolete", translation[DELETED], None)
    assert ours[UNCHANGED] == ("kept", translation[UNCHANGED], None)
    assert ours[SIMILAR] == ("fuzzy", translation[UNCHANGED], UNCHANGED)  # lent, still kept
    assert ours[UNRELATED][0] == "untranslated"
    # split: the longer half is still 60 % like the whole sentence, the shorter is not
    assert ours[SPLIT[1][SPLIT[1].index("It "):]] == ("fuzzy", translation[SPLIT[0]], SPLIT[0])
    assert ours["Such will answer some concerns of migrants."][0] == "untranslated"
    assert ours[MOVED] == ("kept", translation[MOVED], None)

    ours, theirs = update_and_msgmerge(repo_copy, language, second_edits)
    assert ours == theirs
    assert ours[DELETED] == ("kept", translation[DELETED], None)  # revived from `#~`
    # back to the first wording: offered from the fuzzy entry, `#|` still the old source
    assert ours[CHANGED[0]] == ("fuzzy", translation[CHANGED[0]], CHANGED[0])
