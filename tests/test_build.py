"""Real renders with WeasyPrint: every layout, RTL text in logical order, glyphs, the gate."""

from __future__ import annotations

import json
import re
import subprocess

import polib
import pytest
from pypdf import PdfReader

from tests.helpers import (
    STATEMENT_EN,
    keeping_numbers,
    mark_machine,
    needs_poppler,
    pdf_text,
    run,
    translate_catalog,
    write_project,
)
from workflow.build import build
from workflow.edition import load_editions
from workflow.errors import PamphletError
from workflow.render.html import render_html
from workflow.store import STORE_FILE
from workflow.update import update


def outputs_recorded(project) -> dict[str, str]:
    """Output -> the fingerprint of its inputs, as build/'s store records it."""
    return json.loads((project.build / STORE_FILE).read_text(encoding="utf-8"))["outputs"]


def test_every_layout_renders(built_reviewed):
    reviewed, report = built_reviewed
    names = sorted(p.name for p in report.written)
    assert names == ["caravan.ar.pdf", "caravan.en+ar.pdf", "caravan.en+es.pdf",
                     "caravan.en+fa.pdf", "caravan.en.pdf", "caravan.es.pdf", "caravan.fa.pdf",
                     "caravan.multilingual.pdf"]
    reader = PdfReader(reviewed.build / "caravan" / "caravan.multilingual.pdf")
    assert len(reader.pages) >= 6
    assert reader.metadata.title == "Solidarity with the caravan"
    assert reader.metadata.author == "Alliance of Middle Eastern Socialists"
    # Each edition's metadata names the author as its cover prints it.
    spanish = PdfReader(reviewed.build / "caravan" / "caravan.es.pdf").metadata
    assert spanish.author == "Texto revisado." and spanish.title == "Texto revisado."
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert outline[0] == "Solidarity with the caravan"
    assert "نحن نعبر عن تضامننا مع القافلة." in outline  # each section's title
    size = reader.pages[0].mediabox
    assert (round(float(size.width) / 72 * 25.4), round(float(size.height) / 72 * 25.4)) == (
        148, 210)


@needs_poppler
def test_arabic_text_in_logical_order(built_reviewed):
    reviewed, _ = built_reviewed
    text = pdf_text(reviewed.build / "caravan" / "caravan.ar.pdf")
    assert "نحن نعبر عن تضامننا مع القافلة." in text


@needs_poppler
def test_fonts_embedded(built_reviewed):
    reviewed, _ = built_reviewed
    listing = subprocess.run(["pdffonts", str(reviewed.build / "caravan" / "caravan.fa.pdf")],
                             capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert any("Naskh" in row for row in rows)
    assert all(row.split()[-5] == "yes" for row in rows), listing  # the "emb" column


def test_missing_glyph_is_an_error(reviewed):
    translate_catalog(reviewed, "es", lambda m: "Solidaridad ✊ 团结")
    report = build(reviewed, languages=["es"], layouts=["single"])
    [failure] = report.failures
    assert failure.path == reviewed.build / "caravan" / "caravan.es.pdf"
    assert re.search(r"U\+270A.*U\+56E2|U\+56E2.*U\+270A", failure.reason)
    # Named by the catalog lines to fix, not just the file.
    path = reviewed.po_path("caravan", "es")
    first = path.read_text().split("\n").index('msgid "Solidarity with the caravan"') + 1
    assert failure.reason.startswith("locale/es/caravan.po: no font")
    assert f"used in locale/es/caravan.po:{first}" in failure.reason
    assert not (reviewed.build / "caravan" / "caravan.es.pdf").exists()


def test_cli_keep_reports_what_is_held_back(reviewed):
    import io

    from workflow.cli import main

    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    out = io.StringIO()
    argv = ["build", "--final", "--keep", "100", "--lang", "es", "--layout", "single"]
    assert main(argv, stdout=out, stderr=io.StringIO()) == 0
    assert "0 PDF(s) written" in out.getvalue()
    assert "held back 1 PDF(s) of 1 edition(s) not ready for print:" in out.getvalue()
    assert "\n  caravan [es]: 90 % reviewed, under --keep 100: " in out.getvalue()
    err = io.StringIO()
    assert main(["build", "--keep", "80"], stdout=io.StringIO(), stderr=err) != 0
    assert "--keep needs --final" in err.getvalue()


@needs_poppler
def test_draft_mark_and_final_gate(reviewed):
    path = reviewed.po_path("caravan", "es")
    catalog = polib.pofile(str(path))
    entry = catalog[3]
    entry.flags.append("fuzzy")
    entry.tcomment = "machine translation: argos en->es translate-en_es 1.0"
    catalog.save()
    build(reviewed, languages=["es"], layouts=["single"])
    pdf = reviewed.build / "caravan" / "caravan.es.pdf"
    # The draft notice in the edition's language, on the cover and on every page.
    text = pdf_text(pdf)
    assert "BORRADOR: contiene traducción automática sin revisar" in text
    assert text.count("BORRADOR") == 4  # the cover's note, and the top of its 3 pages
    # The report points at the entry's msgid line in the catalog, where an editor looks.
    line = path.read_text().split("\n").index(f'msgid "{entry.msgid}"') + 1
    with pytest.raises(PamphletError, match=rf"caravan \[es\]: 1 machine \(first at "
                                            rf"locale/es/caravan.po:{line}\)"):
        build(reviewed, languages=["es"], layouts=["single"], final=True)
    entry.flags.remove("fuzzy")
    catalog.save()
    build(reviewed, languages=["es"], layouts=["single"], final=True)
    assert "BORRADOR" not in pdf_text(pdf)


def test_unchanged_inputs_skip_and_a_changed_po_rebuilds_its_dependents(reviewed):
    first = build(reviewed)
    assert len(first.written) == 8 and not first.skipped
    again = build(reviewed)
    assert not again.written and len(again.skipped) == 8
    translate_catalog(reviewed, "ar", keeping_numbers("نص جديد."))
    third = build(reviewed)
    assert sorted(p.name for p in third.written) == [
        "caravan.ar.pdf", "caravan.en+ar.pdf", "caravan.multilingual.pdf"]
    assert len(build(reviewed, force=True).written) == 8
    (reviewed.build / "caravan" / "caravan.fa.pdf").unlink()
    assert [p.name for p in build(reviewed).written] == ["caravan.fa.pdf"]


def test_final_refuses_a_check_error(reviewed):
    path = reviewed.po_path("caravan", "es")
    catalog = polib.pofile(str(path))
    entry = catalog.find("More than 7000 people walk together.")
    entry.msgstr = "Más de 700 personas caminan juntas."  # a number changed: an error
    catalog.save()
    with pytest.raises(PamphletError, match=r"caravan \[es\]: 1 check error.*\[numbers\]"):
        build(reviewed, languages=["es"], layouts=["single"], final=True)


def test_final_refuses_what_msgfmt_c_refuses(reviewed):
    """A translation ending in a newline its source lacks: gettext will not compile it, a
    print must not carry its stray line break."""
    path = reviewed.po_path("caravan", "es")
    catalog = polib.pofile(str(path))
    entry = catalog.find("More than 7000 people walk together.")
    entry.msgstr += "\n"
    catalog.save()
    # msgfmt names the line of the msgstr, just after the msgid
    line = path.read_text().split("\n").index(f'msgid "{entry.msgid}"') + 2
    with pytest.raises(PamphletError) as refused:
        build(reviewed, languages=["es"], layouts=["single"], final=True)
    assert ("caravan [es]: msgfmt -c refuses the catalog: 'msgid' and 'msgstr' entries do not"
            f" both end with '\\n' (first at locale/es/caravan.po:{line})") in str(refused.value)


@needs_poppler
def test_keep_prints_partial_editions_without_machine_text(reviewed):
    # The machine output also drops the number: a check error, but in text never printed.
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    with pytest.raises(PamphletError, match=r"caravan \[es\]: 1 machine"):
        build(reviewed, final=True, keep=None)
    report = build(reviewed, languages=["es"], layouts=["single"], final=True, keep=50)
    assert [p.name for p in report.written] == ["caravan.es.pdf"] and not report.held_back
    text = pdf_text(reviewed.build / "caravan" / "caravan.es.pdf")
    assert "More than 7000 people walk together." in text
    assert "Texto automático" not in text and "BORRADOR" not in text
    # The colophon says so, in the edition's language and digits.
    assert "revisada al 90 %; las demás frases se imprimen en el idioma original" in text
    html = render_html("single", load_editions(reviewed, "caravan", ["es"], draft=False),
                       "2026-01-01", "A5")
    assert 'lang="en" dir="ltr">More than 7000\u00a0people walk together.' in html
    assert 'class="mt"' not in html and 'class="untranslated"' not in html  # not marked


@needs_poppler
def test_source_sentences_left_in_persian_text_print_in_order(reviewed):
    first = "We express our solidarity with the caravan."
    second = "The U.S. army has killed thousands."
    catalog = polib.pofile(str(reviewed.po_path("caravan", "fa")))
    for msgid in (first, second):
        catalog.find(msgid).msgstr = ""
    catalog.save()
    build(reviewed, languages=["fa"], layouts=["single"])
    assert f"{first} {second}" in pdf_text(reviewed.build / "caravan" / "caravan.fa.pdf")
    html = render_html("single", load_editions(reviewed, "caravan", ["fa"]), "2026-01-01", "A5")
    # one run, in order (in the paragraph's span.leading: render/stylesheet.py)
    assert '<p lang="fa" dir="rtl" class="lines"><span class="leading">' \
           '<span class="untranslated" lang="en" dir="ltr">' \
           f'<span dir="ltr">{first} {second}</span></span><br>' in html
    # A block left wholly in English is an English block, left to right.
    catalog.find("More than 7000 people walk together.").msgstr = ""
    catalog.save()
    html = render_html("single", load_editions(reviewed, "caravan", ["fa"]), "2026-01-01", "A5")
    assert f'<p lang="en" dir="ltr" class="lines"><span class="untranslated">{first} ' in html


def test_keep_holds_back_every_pdf_of_an_edition_under_the_threshold(reviewed):
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    report = build(reviewed, final=True, keep=100)
    assert sorted(p.name for p in report.held_back) == [
        "caravan.en+es.pdf", "caravan.es.pdf", "caravan.multilingual.pdf"]
    assert all("caravan [es]: " in why and "under --keep 100" in why
               for why in report.held_back.values())
    # the multilingual edition is made of the languages that are ready, and says which
    assert sorted(p.name for p in report.written) == [
        "caravan.ar.pdf", "caravan.en+ar+fa.multilingual.pdf", "caravan.en+ar.pdf",
        "caravan.en+fa.pdf", "caravan.en.pdf", "caravan.fa.pdf"]
    assert not (reviewed.build / "caravan" / "caravan.es.pdf").exists()


def test_keep_removes_what_an_earlier_build_made_of_a_held_back_pdf(reviewed):
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    draft = reviewed.build / "caravan" / "caravan.es.pdf"
    build(reviewed, languages=["es"], layouts=["single"])  # a draft, with the machine text
    assert draft.exists()
    report = build(reviewed, languages=["es"], layouts=["single"], final=True, keep=100)
    assert list(report.held_back) == [draft] and report.removed == [draft]
    assert not draft.exists()
    assert "build/caravan/caravan.es.pdf" not in outputs_recorded(reviewed)


def test_a_held_back_edition_is_removed_only_in_the_layouts_selected(reviewed):
    """--skip-unready --layout single removes the held-back single edition of an earlier
    draft, never the parallel one: that run did not select it."""
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    folder = reviewed.build / "caravan"
    build(reviewed, languages=["es"], layouts=["single", "parallel"])  # drafts
    parallel = folder / "caravan.en+es.pdf"
    single = folder / "caravan.es.pdf"
    assert parallel.exists() and single.exists()
    report = build(reviewed, languages=["es"], layouts=["single"], final=True,
                   skip_unready=True)
    assert report.removed == [single] and not single.exists()
    assert parallel.exists()
    assert "build/caravan/caravan.en+es.pdf" in outputs_recorded(reviewed)


def test_keep_ignores_held_back_languages_and_rounds_down(reviewed):
    catalog = polib.pofile(str(reviewed.po_path("caravan", "fa")))
    for entry in catalog:
        entry.msgstr = ""
    # Its one reviewed entry has a check error (a number dropped), but fa is held back.
    catalog.find("More than 7000 people walk together.").msgstr = "بیش از هفت هزار نفر."
    catalog.save()
    report = build(reviewed, languages=["fa"], layouts=["single"], final=True, keep=50)
    [why] = report.held_back.values()
    assert why.startswith("caravan [fa]: 10 % reviewed, under --keep 50: 9 untranslated")
    (edition,) = load_editions(reviewed, "caravan", ["fa"], draft=False)
    edition.counts = {"reviewed": 199, "machine": 1, "fuzzy": 0, "untranslated": 0}
    assert edition.reviewed_percent == 99 and edition.reaches(99) and not edition.reaches(100)


def test_keep_never_prints_a_language_with_nothing_reviewed(reviewed):
    reviewed.po_path("caravan", "fa").unlink()
    report = build(reviewed, languages=["fa"], layouts=["single"], final=True, keep=0)
    assert [why for why in report.held_back.values()] == [
        "caravan [fa]: nothing reviewed: 10 untranslated (first at locale/fa/caravan.po)"]


def test_keep_checks_source_text_against_the_source_language_fonts(tmp_path):
    from workflow.config import load_project

    statement = ('---\ntitle: "التضامن مع القافلة"\nauthor: "تحالف الاشتراكيين"\n'
                 "date: 2018-11-03\nlanguage: ar\n---\n\nنعلن تضامننا مع القافلة. "
                 "لا أحد غير شرعي.\n")
    project = load_project(write_project(tmp_path / "p", {"bayan": statement}))
    update(project)
    catalog = polib.pofile(str(project.po_path("bayan", "es")))
    for entry in catalog:
        entry.msgstr = "" if entry.msgid == "لا أحد غير شرعي." else "Texto revisado."
    catalog.save()
    # The Arabic sentence left in the Spanish edition is checked against the Arabic fonts.
    report = build(project, languages=["es"], layouts=["single"], final=True, keep=50)
    assert [p.name for p in report.written] == ["bayan.es.pdf"]


def test_keep_still_refuses_a_check_error_in_reviewed_text(reviewed):
    mark_machine(reviewed, "es", "Solidarity with the caravan", "Solidaridad.")
    catalog = polib.pofile(str(reviewed.po_path("caravan", "es")))
    catalog.find("More than 7000 people walk together.").msgstr = "Más de 700 personas."
    catalog.save()
    with pytest.raises(PamphletError, match=r"caravan \[es\]: 1 check error.*\[numbers\]"):
        build(reviewed, languages=["es"], layouts=["single"], final=True, keep=10)


def test_keep_needs_final_and_a_percentage(reviewed):
    for final, keep in ((False, 80), (True, 101), (True, -1)):
        with pytest.raises(PamphletError, match="--keep needs --final"):
            build(reviewed, final=final, keep=keep)


@needs_poppler
def test_arabic_digits_configurable(tmp_path, monkeypatch):
    from workflow.config import load_project

    texts = {}
    for setting in ("arabic-indic", "western"):
        config = f'[tool.pamphlet]\narabic_digits = "{setting}"\n'
        root = write_project(tmp_path / setting, config=config)
        monkeypatch.chdir(root)
        project = load_project(root)
        update(project)
        translate_catalog(project, "ar", keeping_numbers("نحن نعبر عن تضامننا مع القافلة."))
        build(project, languages=["ar"], layouts=["single"])
        texts[setting] = pdf_text(project.build / "caravan" / "caravan.ar.pdf")
    assert "٢٠١٨" in texts["arabic-indic"] and "٢٠١٨" not in texts["western"]
    assert "نوفمبر 2018" in texts["western"]
    assert " ٢ " in texts["arabic-indic"] and " ٢ " not in texts["western"]  # page numbers


def test_a_fetch_attempt_stops_the_build_with_a_clear_error(tmp_path):
    from workflow.render.typeset import render_pdf

    with pytest.raises(PamphletError, match=r"refused to fetch 'file:///etc/passwd'"):
        render_pdf('<p>x</p><img src="file:///etc/passwd">', tmp_path)


# --- Every failure in one run, every core ----------------------------------------------

STATEMENT_ES = """\
---
title: "Solidaridad con la caravana"
author: "Alianza de Socialistas"
date: 2018-11-04
language: es
---

Nadie es ilegal. Más de 7000 personas caminan juntas.
"""


@pytest.fixture
def two_statements(tmp_path, monkeypatch):
    """caravan (English, translated into es/ar/fa) and caravana (Spanish, translated)."""
    from workflow.config import load_project

    root = write_project(tmp_path / "two", {"caravan": STATEMENT_EN, "caravana": STATEMENT_ES})
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    translate_catalog(project, "es", keeping_numbers("Texto revisado."))
    translate_catalog(project, "ar", keeping_numbers("نحن نعبر عن تضامننا مع القافلة."))
    for language, text in (("en", "Reviewed text."), ("ar", "نص مراجع.")):
        catalog = polib.pofile(str(project.po_path("caravana", language)))
        for entry in catalog:
            entry.msgstr = keeping_numbers(text)(entry.msgid)
        catalog.save()
    return project


def plant(project, slug, language, msgid_start, text):
    """Put `text` into the msgstr of the entry whose msgid starts so; its msgid line."""
    path = project.po_path(slug, language)
    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if e.msgid.startswith(msgid_start))
    entry.msgstr = text
    catalog.save()
    return path.read_text(encoding="utf-8").split("\n").index(f'msgid "{entry.msgid}"') + 1


def test_an_unprintable_character_stops_only_its_pdfs(two_statements):
    project = two_statements
    line = plant(project, "caravan", "ar", "More than 7000", "أكثر من 7000 شخص ✊ معًا.")
    code, out, err = run("build", "--lang", "ar", "--lang", "es")
    assert code == 1, err
    # Every other PDF is made: Spanish of the same statement, all of the other statement.
    built = sorted(p.name for p in project.build.rglob("*.pdf"))
    assert built == ["caravan.en+es.pdf", "caravan.es.pdf", "caravana.ar.pdf",
                     "caravana.es+ar.pdf", "caravana.es.pdf"]
    assert "5 PDF(s) written" in out
    # One group: the two PDFs the character stops, with the catalog line to fix.
    report = out[out.index("not built: 2 PDF(s)"):]
    assert report.count("\n") == 4, report  # heading, statement, reason, dashboard
    assert "  caravan\n    caravan.ar.pdf, caravan.en+ar.pdf: locale/ar/caravan.po: " in report
    assert f"U+270A RAISED FIST; used in locale/ar/caravan.po:{line}" in report
    assert "dashboard: build/index.html" in report
    # The dashboard is written and shows the failure beside the PDFs that exist.
    html = (project.build / "index.html").read_text(encoding="utf-8")
    ar_cell = re.search(r'<td data-language="ar">(.*?)</td>', html, re.S).group(1)
    assert "en+ar not built:" in ar_cell and f"locale/ar/caravan.po:{line}" in ar_cell
    es_cell = re.search(r'<td data-language="es">(.*?)</td>', html, re.S).group(1)
    assert 'href="caravan/caravan.es.pdf"' in es_cell and "not built" not in es_cell
    assert "could not make 2 PDF(s)" in html
    # Fixed: the failures go, from the output and from the dashboard.
    plant(project, "caravan", "ar", "More than 7000", "أكثر من 7000 شخص معًا.")
    code, out, _ = run("build", "--lang", "ar", "--lang", "es")
    assert code == 0 and "2 PDF(s) written, 5 up to date" in out and "not built" not in out
    assert "not built" not in (project.build / "index.html").read_text(encoding="utf-8")


def test_a_failed_rebuild_keeps_the_earlier_pdf_and_says_so(two_statements):
    project = two_statements
    build(project, languages=["es"], layouts=["single"])
    pdf = project.build / "caravan" / "caravan.es.pdf"
    before = pdf.read_bytes()
    plant(project, "caravan", "es", "More than 7000", "Más de 7000 personas 团结.")
    report = build(project, languages=["es"], layouts=["single"])
    assert [f.path for f in report.failures] == [pdf] and pdf.read_bytes() == before
    html = (project.build / "index.html").read_text(encoding="utf-8")
    assert "es not rebuilt (earlier build):" in html and 'href="caravan/caravan.es.pdf"' in html


def test_an_unreadable_statement_is_a_failure_and_the_others_build(two_statements):
    project = two_statements
    project.source_path("caravana").write_text("---\ntitle: x\n---\nno language\n")
    report = build(project, languages=["es"], layouts=["single"])
    assert [p.name for p in report.written] == ["caravan.es.pdf"]
    [failure] = report.failures
    assert failure.slug == "caravana" and failure.path is None
    assert failure.reason.startswith("source/caravana.md:")
    html = (project.build / "index.html").read_text(encoding="utf-8")
    assert "not built:</strong> source/caravana.md:" in html


def test_final_refusal_is_a_short_table(tmp_path, monkeypatch):
    from workflow.gate import REFUSAL_ROWS

    names = [f"statement-{n}" for n in range(5)]  # 5 x 3 languages: 15 editions not ready
    root = write_project(tmp_path / "many", dict.fromkeys(names, STATEMENT_EN))
    monkeypatch.chdir(root)
    code, out, err = run("build", "--final")
    assert code == 2 and out.strip() == ""
    lines = err.splitlines()
    assert len(lines) <= 24 and max(map(len, lines)) <= 160, err  # a screen
    assert lines[0].startswith("--final refused")
    assert re.search(r"statement\s+lang\s+reviewed\s+problem\s+first lines", lines[1])
    rows = [line for line in lines if line.startswith("statement-")]
    assert len(rows) == REFUSAL_ROWS
    assert re.match(r"statement-0\s+ar\s+0/10\s+10 untranslated\s+locale/ar/statement-0.po$",
                    rows[0])
    assert f"... and {15 - REFUSAL_ROWS} more edition(s) not ready." in err
    assert "`pamphlet status`" in err
    assert not (root / "build").exists()  # refused before writing anything


@pytest.mark.slow
def test_pdfs_are_the_same_bytes_whatever_the_number_of_jobs(two_statements, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    project = two_statements
    first = build(project, jobs=1)
    assert len(first.written) == 16 and not first.failures
    state = outputs_recorded(project)
    one = {p: p.read_bytes() for p in first.written}
    done = []
    second = build(project, jobs=2, force=True,
                   progress=lambda output, failure, n, total: done.append((n, total)))
    assert second.written == first.written  # in plan order, whatever order they finished in
    assert {p: p.read_bytes() for p in second.written} == one
    assert outputs_recorded(project) == state
    assert done == [(n, 16) for n in range(1, 17)]


def test_a_build_with_nothing_to_do_reads_no_input(reviewed, monkeypatch):
    """Inputs are hashed only when their size or mtime changed (git's index); the
    dashboard is made again only when something it shows changed."""
    import os

    build(reviewed, languages=["es"], layouts=["single"])
    for path in [*reviewed.sources.glob("*.md"), *reviewed.locale.rglob("*.po")]:
        os.utime(path, (1_600_000_000, 1_600_000_000))  # long unchanged: not racily clean
    assert not build(reviewed, languages=["es"], layouts=["single"]).written
    page = reviewed.build / "index.html"
    page.write_text("left alone", encoding="utf-8")
    import workflow.fileindex
    import workflow.fsutil

    read, real = [], workflow.fsutil.read_input
    for module in (workflow.fsutil, workflow.fileindex):  # every input is read through it
        monkeypatch.setattr(module, "read_input", lambda path: read.append(path.name)
                            or real(path))
    report = build(reviewed, languages=["es"], layouts=["single"])
    assert report.skipped and not report.written
    assert not [name for name in read if name.endswith((".po", ".md"))], read
    assert page.read_text(encoding="utf-8") == "left alone"
    translate_catalog(reviewed, "es", keeping_numbers("Texto nuevo."))  # the dashboard shows it
    assert [p.name for p in build(reviewed, languages=["es"], layouts=["single"]).written] == [
        "caravan.es.pdf"]
    assert "caravan" in page.read_text(encoding="utf-8")


def test_a_plain_build_makes_what_outputs_names(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p", outputs=("md",))
    monkeypatch.chdir(root)
    assert run("update")[0] == 0
    code, out, err = run("build")
    assert code == 0, err
    assert sorted(p.name for p in (root / "build" / "caravan").iterdir()) == [
        f"caravan.{lang}.md" for lang in ("ar", "en", "es", "fa")]
    code, _, err = run("build", "--to", "pdf", "--lang", "en", "--layout", "single")
    assert code == 0 and (root / "build" / "caravan" / "caravan.en.pdf").is_file(), err


def test_an_unknown_builder_in_outputs_is_one_line_naming_its_line(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p", config='[tool.pamphlet]\noutputs = ["pdf", "epub"]\n')
    monkeypatch.chdir(root)
    assert run("update")[0] == 0
    code, out, err = run("build")
    assert code == 2 and err == ("Error: pyproject.toml:5: outputs names no builder 'epub'"
                                 " (builders: pdf, print, md, web)\n")
    assert not (root / "build").exists()  # refused before anything was written
    code, _, err = run("build", "--to", "md")  # --to chooses for this run: outputs unused
    assert code == 0, err
