"""`pamphlet translate` with real (random-weight) Argos packages: what gets filled and how it
is marked, reviewed entries untouched, idempotence, pivoting, placeholders, memory, offline."""

from __future__ import annotations

import re
import socket

import polib
import pytest

from tests.argos_fixture import built_packages
from tests.helpers import STATEMENT_EN, run, snapshot, write_project
from workflow.catalog.model import MACHINE_MARK, active_entries, entry_state
from workflow.config import load_project
from workflow.errors import PamphletError
from workflow.glossary import Glossary, load_glossary
from workflow.models import install
from workflow.mt import stage
from workflow.mt.engines import Output
from workflow.mt.engines.argos import package_decoder
from workflow.mt.engines.ctranslate2 import Decoder
from workflow.mt.masking import Masker
from workflow.mt.stage import translate
from workflow.update import update

STATEMENT_MARKUP = """\
---
title: "Contact the IMA"
author: "International Migrants Alliance"
date: 2019-05-01
language: en
---

Read **the full call** at https://example.org/call_2019 or write to info@example.org today.

The IMA and the `pamphlet_tool` helped 3,500 migrants in 2019-04-30.

We stand with the [caravan](https://example.org/caravan "Caravan") against neoliberal globalization.
"""

STATEMENT_ES = """\
---
title: "Solidaridad con la caravana"
author: "Alianza"
date: 2018-11-03
language: es
---

Expresamos nuestra solidaridad con la caravana.

Nadie es ilegal en 2018.
"""

STATEMENT_SHARED = """\
---
title: "A second statement"
author: "Alliance of Middle Eastern Socialists"
date: 2019-01-01
language: en
---

We express our solidarity with the caravan.

More than 7000 people walk together!

Borders kill people every single day.
"""


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """An Argos package directory with en->es, es->en and en->ar (so es->ar pivots)."""
    directory = tmp_path_factory.mktemp("argos-packages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARGOS_PACKAGES_DIR", str(directory))
        for archive in built_packages().values():
            install(archive)
    return directory


@pytest.fixture
def project(tmp_path, monkeypatch, installed):
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(installed))
    root = write_project(tmp_path / "project", {
        "caravan": STATEMENT_EN, "markup": STATEMENT_MARKUP, "solidaridad": STATEMENT_ES})
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    return project


def catalog(project, slug, language):
    return polib.pofile(str(project.po_path(slug, language)), wrapwidth=79)


def entries(project, slug, language):
    return list(active_entries(catalog(project, slug, language)))


def edit(project, slug, language, changes):
    """changes: msgid -> callable(entry); saved as `update` would."""
    po = catalog(project, slug, language)
    for entry in active_entries(po):
        if entry.msgid in changes:
            changes[entry.msgid](entry)
    po.save(str(project.po_path(slug, language)))
    update(project)  # normalise the file exactly as the project writes it


def identity(monkeypatch):
    """Make every model echo its input: what comes back is what the masking produced."""
    monkeypatch.setattr(Decoder, "translate",
                        lambda self, texts: [Output(text, 1.0) for text in texts])


def test_fills_every_untranslated_entry_and_marks_it_machine(project):
    report = translate(project, languages=["es"])
    assert report.routes == ["argos en->es translate-en_es 1.0"]
    for slug in ("caravan", "markup"):
        filled = entries(project, slug, "es")
        assert filled
        for entry in filled:
            assert entry.msgstr.strip()
            assert "fuzzy" in entry.flags and entry.previous_msgid is None
            assert re.fullmatch(re.escape(f"{MACHINE_MARK} argos en->es translate-en_es 1.0, "
                                          "confidence ") + r"0\.\d\d, text [0-9a-f]{12}",
                                entry.tcomment.splitlines()[0])
            assert entry_state(entry) == "machine"
    assert report.machine == sum(len(entries(project, s, "es")) for s in ("caravan", "markup"))
    # Other languages were not asked for.
    assert all(not e.msgstr for e in entries(project, "caravan", "ar"))


def test_reviewed_and_source_changed_entries_are_left_byte_identical(project):
    def reviewed(entry):
        entry.msgstr = "Expresamos nuestra solidaridad con la caravana."
        entry.tcomment = "checked by Ana"

    def source_changed(entry):
        entry.msgstr = "Más de 7000 personas caminan juntas."
        entry.flags.append("fuzzy")
        entry.previous_msgid = "More than 6000 people walk together."

    edit(project, "caravan", "es", {
        "We express our solidarity with the caravan.": reviewed,
        "More than 7000 people walk together.": source_changed})
    path = project.po_path("caravan", "es")
    before = {e.msgid: str(e) for e in entries(project, "caravan", "es") if e.msgstr}
    assert len(before) == 2
    translate(project, languages=["es"])
    text = path.read_text(encoding="utf-8")
    for block in before.values():
        assert block in text  # the entry's lines, exactly as they were
    states = {e.msgid: entry_state(e) for e in entries(project, "caravan", "es")}
    assert states["We express our solidarity with the caravan."] == "reviewed"
    assert states["More than 7000 people walk together."] == "fuzzy"
    assert set(states.values()) == {"reviewed", "fuzzy", "machine"}


def test_second_run_changes_nothing(project):
    first = translate(project, languages=["es", "ar"])
    assert first.written and first.machine
    before = snapshot(project.root)
    second = translate(project, languages=["es", "ar"])
    assert second.written == [] and second.machine == 0 and second.routes == []
    assert snapshot(project.root) == before


def test_pivot_through_english_and_target_prefix(project):
    report = translate(project, ["solidaridad"], ["en", "ar"])
    assert report.routes == ["argos es->en->ar translate-es_en 1.0 + translate-en_ar 1.0",
                             "argos es->en translate-es_en 1.0"]
    for entry in entries(project, "solidaridad", "ar"):
        assert entry.msgstr and entry_state(entry) == "machine"
        # polib wraps comments at 79 columns like xgettext: compare the words.
        assert " ".join(entry.tcomment.split()).startswith(
            f"{MACHINE_MARK} argos es->en->ar translate-es_en 1.0 + translate-en_ar 1.0")
        assert not entry.msgstr.startswith("__ar__")  # Argos' target prefix is removed
    assert all(entry_state(e) == "machine" for e in entries(project, "solidaridad", "en"))
    # No es->fa route and none through English: the fa catalog needs translate-en_fa.
    with pytest.raises(PamphletError, match="translate-es_fa, or translate-en_fa"):
        translate(project, ["solidaridad"], ["fa"])


def test_engine_sends_argos_target_prefix_and_strips_it(project, installed):
    from workflow.models import find_route

    engine = package_decoder(find_route("en", "ar").steps[0])
    calls = []
    real = engine.translator

    class Recorder:
        def translate_batch(self, tokens, **options):
            calls.append(options)
            return real.translate_batch(tokens, **options)

    engine.translator = Recorder()
    outputs = engine.translate(["We express our solidarity.", "No one is illegal."])
    assert [p for call in calls for p in call["target_prefix"]] == [["__ar__"], ["__ar__"]]
    assert all(c["beam_size"] == 4 and c["replace_unknowns"] is True for c in calls)
    assert len(outputs) == 2 and not any(o.text.startswith("__ar__") for o in outputs)


def test_a_sentence_translates_the_same_whatever_else_is_pending(project, installed):
    from workflow.models import find_route

    engine = package_decoder(find_route("en", "es").steps[0])
    short = "No one is illegal."
    long = " ".join(["We express our solidarity with the caravan of migrants."] * 6)
    assert engine.cap(engine.tokenizer.encode(short, out_type=str)) < engine.cap(
        engine.tokenizer.encode(long, out_type=str))
    alone = engine.translate([short])
    calls = []
    real = engine.translator

    class Recorder:
        def translate_batch(self, tokens, **options):
            calls.append((len(tokens), options["max_decoding_length"]))
            return real.translate_batch(tokens, **options)

    engine.translator = Recorder()
    assert engine.translate([long, short])[1] == alone[0]
    short_cap = engine.cap(engine.tokenizer.encode(short, out_type=str))
    assert (1, short_cap) in calls and len(calls) == 2  # its own cap, its own batch


def test_missing_model_names_the_package_and_writes_nothing(project):
    before = snapshot(project.root)
    with pytest.raises(PamphletError) as error:
        translate(project, ["caravan"])
    message = str(error.value)
    assert "no Argos Translate model for en->fa" in message
    assert "translate-en_fa" in message and "pamphlet models install" in message
    assert snapshot(project.root) == before
    code, _, err = run("translate", "caravan", "--lang", "fa")
    assert code == 2 and "Error: no Argos Translate model for en->fa" in err


def test_lost_placeholders_are_kept_and_flagged(project):
    # Random weights never reproduce `{1}`: every protected span is lost by the model.
    report = translate(project, ["markup"], ["es"])
    by_id = {e.msgid: e for e in entries(project, "markup", "es")}
    entry = by_id["Read **the full call** at https://example.org/call_2019 or write to "
                  "info@example.org today."]
    assert entry_state(entry) == "machine"
    assert entry.msgstr.endswith("https://example.org/call_2019 info@example.org")
    assert "**" not in entry.msgstr
    assert entry.tcomment.splitlines()[1:] == [
        "review: MT lost '**' (dropped)", "review: MT lost '**' (dropped)",
        "review: MT lost 'https://example.org/call_2019' (added at the end)",
        "review: MT lost 'info@example.org' (added at the end)"]
    assert report.flagged >= 3


def test_placeholders_come_back_through_the_whole_stage(project, monkeypatch):
    identity(monkeypatch)
    project.glossary_path.write_text(
        "en,es,ar,fa,dnt,note\n"
        "IMA,,,,yes,our name\n"
        "neoliberal globalization,globalización neoliberal,العولمة النيوليبرالية,,,\n",
        encoding="utf-8")
    report = translate(project, ["markup"], ["es"])
    # The glossary term is the model's to translate (this one copies): the entry says so.
    assert report.flagged == 1
    got = {e.msgid: e.msgstr for e in entries(project, "markup", "es")}
    notes = {e.msgid: e.tcomment for e in entries(project, "markup", "es")}
    assert got["The IMA and the `pamphlet_tool` helped 3,500 migrants in 2019-04-30."] == (
        "The IMA and the `pamphlet_tool` helped 3,500 migrants in 2019-04-30.")
    assert got["Read **the full call** at https://example.org/call_2019 or write to "
               "info@example.org today."] == ("Read **the full call** at "
                                              "https://example.org/call_2019 or write to "
                                              "info@example.org today.")
    msgid = ('We stand with the [caravan](https://example.org/caravan "Caravan") against '
             'neoliberal globalization.')
    assert got[msgid] == msgid
    assert ("review: glossary: 'neoliberal globalization' is 'globalización neoliberal'"
            in notes[msgid])


def test_translation_memory_exact_and_fuzzy(project, monkeypatch):
    write_project(project.root, {"shared": STATEMENT_SHARED})
    update(project)

    def set_reviewed(translation):
        def change(entry):
            entry.msgstr = translation
        return change

    edit(project, "caravan", "es", {
        "We express our solidarity with the caravan.": set_reviewed(
            "Expresamos nuestra solidaridad con la caravana."),
        "More than 7000 people walk together.": set_reviewed(
            "Más de 7000 personas caminan juntas.")})
    calls = []
    report = translate(project, ["shared"], ["es"], progress=lambda *a: calls.append(a))
    assert (report.memory_exact, report.memory_fuzzy) == (1, 1)
    assert calls[-1] == (report.machine + 2, report.machine + 2)
    by_id = {e.msgid: e for e in entries(project, "shared", "es")}
    exact = by_id["We express our solidarity with the caravan."]
    assert exact.msgstr == "Expresamos nuestra solidaridad con la caravana."
    assert entry_state(exact) == "reviewed"
    assert exact.tcomment == "translation memory: exact match from locale/es/caravan.po"
    near = by_id["More than 7000 people walk together!"]
    assert near.msgstr == "Más de 7000 personas caminan juntas."
    assert entry_state(near) == "fuzzy" and near.previous_msgid == (
        "More than 7000 people walk together.")
    assert near.tcomment.startswith("translation memory: 9") and "% match from " in near.tcomment
    assert entry_state(by_id["Borders kill people every single day."]) == "machine"


def test_machine_output_is_never_used_as_memory(project):
    translate(project, ["caravan"], ["es"])
    write_project(project.root, {"shared": STATEMENT_SHARED})
    update(project)
    report = translate(project, ["shared"], ["es"])
    assert (report.memory_exact, report.memory_fuzzy) == (0, 0)
    assert all(entry_state(e) == "machine" for e in entries(project, "shared", "es"))


def test_no_socket_is_opened(project, monkeypatch, installed, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    report = translate(project, ["caravan", "solidaridad"], ["es", "ar", "en"])
    assert report.machine > 0 and len(report.routes) == 4
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "fresh"))
    assert run("models", "install", str(built_packages()["en", "es"]))[0] == 0
    assert run("models", "list")[0] == 0


def test_interrupted_run_keeps_finished_catalogs(project, monkeypatch):
    monkeypatch.setattr(stage, "CHUNK_SIZE", 4)
    before = snapshot(project.root)
    calls = []

    def interrupt(done, total):
        calls.append(done)
        if len(calls) == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        translate(project, ["caravan", "markup"], ["es"], progress=interrupt)
    after = snapshot(project.root)
    changed = [name for name in after if after[name] != before[name]]
    assert changed == ["locale/es/caravan.po"]  # finished and saved whole
    assert all(entry_state(e) == "machine" for e in entries(project, "caravan", "es"))
    assert all(not e.msgstr for e in entries(project, "markup", "es"))
    report = translate(project, ["caravan", "markup"], ["es"])
    assert report.unchanged == [project.po_path("caravan", "es")]
    assert all(entry_state(e) == "machine" for e in entries(project, "markup", "es"))


def test_progress_reaches_the_total(project):
    calls = []
    translate(project, ["caravan"], ["es", "ar"], progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == calls[-1][1] > 0
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_cli_translate(project):
    code, out, err = run("translate", "caravan", "--lang", "es")
    assert code == 0, err
    assert "model: argos en->es translate-en_es 1.0" in out
    assert "1 catalog(s) written, 0 unchanged" in out
    code, out, _ = run("translate", "caravan", "--lang", "es")
    assert code == 0 and "0 machine-translated" in out and "0 catalog(s) written" in out


def test_bad_requests(project, tmp_path):
    with pytest.raises(PamphletError, match="unknown language 'de'"):
        translate(project, languages=["de"])
    project.po_path("markup", "es").unlink()
    with pytest.raises(PamphletError, match="run `pamphlet update` first"):
        translate(project, ["markup"], ["es"])


# --- Masking, restoring and the glossary, without models ------------------------------


def roundtrip(text, glossary=None, output=None, source="en", target="es"):
    masker = Masker(glossary, source, target)
    masked = masker.mask(text)
    return masked, masker.restore(masked.text if output is None else output(masked.text),
                                  masked)


def test_masking_hides_what_mt_breaks_and_restores_it():
    text = ("See **this** and _that_ at <https://a.org/x> or https://b.org/a_b?c=1, "
            "mail me@x.org, run `make test`, file_name, ![logo](img.png) and 1,000.5 people.")
    masked, (restored, problems) = roundtrip(text)
    for kept in ("**", "https://", "me@x.org", "make test", "file_name", "img.png", "1,000.5"):
        assert kept not in masked.text
    assert "this" in masked.text and "logo" in masked.text
    assert (restored, problems) == (text, [])


def test_restore_tolerates_spacing_and_native_digits_and_reports_the_rest():
    masker = Masker()
    masked = masker.mask("Stop **the war** in 2020 at https://x.org now.")
    assert masked.text == "Stop {1} the war {2} in {3} at {4} now."
    restored, problems = masker.restore("أوقفوا { ١ } الحرب {٢ } في {۳} الآن {9} {3}.", masked)
    assert restored == "أوقفوا **الحرب** في 2020 الآن. https://x.org"
    assert problems == ["MT added '{9}' (removed)", "MT repeated '2020' (removed)",
                        "MT lost 'https://x.org' (added at the end)"]
    restored, problems = masker.restore("Alto la guerra en {3} en {4}.", masked)
    assert restored == "Alto la guerra en 2020 en https://x.org."
    assert problems == ["MT lost '**' (dropped)"] * 2


def test_source_braces_and_text_without_words():
    masked, (restored, problems) = roundtrip("Use {1} here")
    assert masked.text == "Use {1} here" and masked.items[0].original == "{1}"
    assert restored == "Use {1} here" and not problems
    assert not Masker().mask("2018 — https://x.org").needs_translation


def test_only_do_not_translate_terms_are_masked():
    glossary = Glossary(rows=({"en": "global compact", "es": "pacto mundial"},),
                        keep=("IMA", "TPP"))
    masked, (restored, problems) = roundtrip(
        "The IMA rejects the Global Compact and the TPP, not ima.", glossary)
    # A glossary term is left to the model, whose output is checked for its translation.
    assert [i.original for i in masked.items] == ["IMA", "TPP"]
    assert restored == "The IMA rejects the Global Compact and the TPP, not ima."
    assert not problems


def test_glossary_terms_in_arabic_script_are_words_not_names():
    # "التضامن".islower() is False: once taken for a name and masked, every entry got a
    # review note. Now the term is the model's to translate, and the output is checked.
    glossary = Glossary(rows=({"ar": "التضامن", "en": "solidarity", "fa": "همبستگی"},))
    masker = Masker(glossary, "ar", "en")
    masked = masker.mask("التضامن مع المهاجرين.")
    assert masked.items == () and masked.text == "التضامن مع المهاجرين."
    assert masker.hints("التضامن مع المهاجرين.", "Solidarity with migrants.") == []
    assert masker.hints("التضامن مع المهاجرين.", "Unity with migrants.") == [
        "glossary: 'التضامن' is 'solidarity'"]
    # Matched as a word, not inside another one.
    assert Masker(glossary, "fa", "en").hints("ناهمبستگی", "x") == []


def test_numbers_come_back_in_the_target_digits():
    for target_digits, source, expected in (
            ("0123456789", "بیش از ۳۸ نفر و ۲٫۵ میلیون", "More than 38 and 2.5 million"),
            ("٠١٢٣٤٥٦٧٨٩", "بیش از ۳۸ نفر", "أكثر من ٣٨"),
            ("۰۱۲۳۴۵۶۷۸۹", "More than 38 people, https://x.org/2020", "بیش از ۳۸ نفر"),
    ):
        masker = Masker(digits=target_digits)
        masked = masker.mask(source)
        numbers = [item.replacement for item in masked.items if item.original[0].isdigit()]
        output = {"0": "More than {1} and {2} million", "٠": "أكثر من {1}",
                  "۰": "بیش از {1} نفر {2}"}[target_digits[0]]
        restored, _ = masker.restore(output, masked)
        assert restored.startswith(expected), (restored, numbers)
    # Digits the model writes itself are rewritten too; a URL keeps its own.
    masker = Masker(digits="٠١٢٣٤٥٦٧٨٩")
    masked = masker.mask("See https://x.org/2020 today")
    assert masker.restore("انظر {1} في 2020", masked)[0] == "انظر https://x.org/2020 في ٢٠٢٠"


def test_glossary_csv(tmp_path):
    path = tmp_path / "glossary.csv"
    assert load_glossary(path, ["en", "es"]) == Glossary()
    path.write_text("\ufeffen,es,ar,fa,dnt,note\nIMA,,,,yes,\n"
                    "migrant worker,trabajador migrante,,,,\n", encoding="utf-8")
    glossary = load_glossary(path, ["en", "es", "ar", "fa"])
    assert glossary.keep == ("IMA",)
    assert glossary.terms("en", "es") == {"migrant worker": "trabajador migrante"}
    assert glossary.terms("en", "ar") == {}
    path.write_text("en,es,dnt\nIMA,,maybe\n", encoding="utf-8")
    with pytest.raises(PamphletError, match=r"glossary.csv:2: dnt must be 'yes'"):
        load_glossary(path, ["en", "es"])
    path.write_text("en,es,dnt\nwar,guerra,\nWar,conflicto,\n", encoding="utf-8")
    assert load_glossary(path, ["en", "es"]).terms("en", "es") == {"war": "guerra"}
    path.write_text("term,note\nx,y\n", encoding="utf-8")
    with pytest.raises(PamphletError, match=r"glossary.csv:1: no language column"):
        load_glossary(path, ["en", "es"])


def test_only_unconditional_glossary_rows_are_applied():
    rows = [
        ("International Migrants Alliance (IMA)", "Alianza Internacional de Migrantes (IMA)"),
        ("air strikes / air raids", "ataques aéreos"),
        ("Sunni / Shia", "suní (pl. suníes) / chií (pl. chiíes)"),
        ("militarism", "militarismo (settled; used in two statements)"),
        ("you (addressing readers)", "ustedes"),
        ("migrant(s)", "migrante(s)"),
        ("ISIS", "ISIS / Estado Islámico"),
    ]
    glossary = Glossary(rows=tuple({"en": en, "es": es} for en, es in rows))
    assert glossary.terms("en", "es") == {
        "International Migrants Alliance (IMA)": "Alianza Internacional de Migrantes (IMA)",
        "air strikes": "ataques aéreos", "air raids": "ataques aéreos",
        "Sunni": "suní", "Shia": "chií", "militarism": "militarismo"}
    masker = Masker(glossary, "en", "es")
    masked = masker.mask("Air strikes and militarism hurt Sunni and Shia alike.")
    assert masked.text == "Air strikes and militarism hurt Sunni and Shia alike."
    assert masker.hints("Sunni and Shia alike.", "suníes y chiíes") == []
    assert masker.hints("Militarism kills.", "El militarismo mata.") == []
    assert masker.hints("Militarism kills.", "La guerra mata.") == [
        "glossary: 'militarism' is 'militarismo'"]


def test_the_project_glossary_loads():
    from tests.helpers import REPO

    glossary = load_glossary(REPO / "locale" / "glossary.csv", ["en", "es", "ar", "fa"])
    assert {"IMA", "TPP"} <= set(glossary.keep)
    assert glossary.terms("en", "es")["neoliberal globalization"] == "globalización neoliberal"
