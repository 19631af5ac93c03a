"""msgmerge semantics (kept / fuzzy / obsolete), headers and review states."""

from __future__ import annotations

from pathlib import Path

import polib

from workflow.catalog.model import MACHINE_MARK, build_template, entry_state, merge
from workflow.catalog.pofile import format_po, parse_po
from workflow.segment import Document, Segment, segment_body


def template_of(body: str, title: str = "Title") -> polib.POFile:
    lead, blocks = segment_body(body, "en")
    return build_template(Document(Segment(title), lead, blocks), "s", "en", "source/s.md")


def test_template_dedups_and_orders_and_skips_urls():
    template = template_of("Stop the war. Stop the war.\n\n<https://example.org>\n\nEnd.\n")
    assert [e.msgid for e in template] == ["Title", "Stop the war.", "End."]
    assert template[0].comment == "title"
    assert template[1].occurrences == [("source/s.md", "")]


def test_merge_keeps_exact_fuzzies_changed_obsoletes_removed():
    old = merge(None, template_of("We demand justice now. Borders kill.\n\nGone forever.\n"), "es")
    for entry in old:
        entry.msgstr = {"Title": "Título", "We demand justice now.": "Exigimos justicia ya.",
                        "Borders kill.": "Las fronteras matan.",
                        "Gone forever.": "Desaparecido."}[entry.msgid]
    new = merge(old, template_of("We demand justice today. Borders kill.\n"), "es")
    by_id = {e.msgid: e for e in new if not e.obsolete}
    assert by_id["Borders kill."].msgstr == "Las fronteras matan."
    assert "fuzzy" not in by_id["Borders kill."].flags
    changed = by_id["We demand justice today."]
    assert changed.msgstr == "Exigimos justicia ya." and "fuzzy" in changed.flags
    assert changed.previous_msgid == "We demand justice now."
    obsolete = [e for e in new if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [("Gone forever.", "Desaparecido.")]
    text = format_po(new)
    assert '#| msgid "We demand justice now."' in text
    assert '#~ msgid "Gone forever."' in text


def test_merge_revives_obsolete_and_keeps_translator_header_fields():
    old = merge(None, template_of("Gone forever.\n"), "ar")
    old[1].msgstr = "ذهب إلى الأبد."
    old.metadata["Last-Translator"] = "Leila <l@example.org>"
    old.metadata["X-Generator"] = "Poedit 3.4"
    middle = merge(old, template_of("Something else entirely different.\n"), "ar")
    assert [e.msgid for e in middle if e.obsolete] == ["Gone forever."]
    back = merge(middle, template_of("Gone forever.\n"), "ar")
    entry = next(e for e in back if e.msgid == "Gone forever.")
    assert not entry.obsolete and entry.msgstr == "ذهب إلى الأبد."
    assert back.metadata["Last-Translator"] == "Leila <l@example.org>"
    assert back.metadata["X-Generator"] == "Poedit 3.4"
    assert back.metadata["Language"] == "ar"
    assert back.metadata["Plural-Forms"].startswith("nplurals=6;")


def test_merge_is_idempotent_text():
    template = template_of("One sentence. Another one.\n")
    once = merge(None, template, "fa")
    twice = merge(parse_po(format_po(once), Path("x.po")), template, "fa")
    assert format_po(once) == format_po(twice)


def test_states():
    assert entry_state(polib.POEntry(msgid="a")) == "untranslated"
    assert entry_state(polib.POEntry(msgid="a", msgstr="b")) == "reviewed"
    machine = polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"],
                            tcomment=f"{MACHINE_MARK} argos en->es 1.0")
    assert entry_state(machine) == "machine"
    assert entry_state(polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"])) == "fuzzy"
    machine.previous_msgid = "old"  # machine output whose source then changed
    assert entry_state(machine) == "fuzzy"


def test_states_survive_a_polib_round_trip():
    entry = polib.POEntry(msgid="a", msgstr="b", flags=["fuzzy"],
                          tcomment=f"{MACHINE_MARK} argos en->es 1.0")
    catalog = polib.POFile()
    catalog.append(entry)
    again = parse_po(format_po(catalog), Path("x.po"))
    assert entry_state(again[0]) == "machine"
