"""The translated Markdown builder: structure kept, front matter translated, the --final
gate and --keep as for the PDFs, raw HTML refused."""

from __future__ import annotations

import polib
import pytest

from tests.helpers import STATEMENT_EN
from workflow.build import build
from workflow.gate import FinalRefused
from workflow.update import update

SPANISH = {
    "Solidarity with the caravan": "Solidaridad con la caravana",
    "Alliance of Middle Eastern Socialists": "Alianza de Socialistas de Oriente Medio",
    "No one is illegal": "Nadie es ilegal",
    "We express our solidarity with the caravan.":
        "Expresamos nuestra solidaridad con la caravana.",
}


def translate(project, language: str, table: dict[str, str], state: str = "reviewed") -> None:
    """Translate the entries in `table` (the others stay untranslated); `state` machine
    marks them as unreviewed machine output."""
    path = project.po_path("caravan", language)
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            entry.flags = ["fuzzy"] if state == "machine" else []
            entry.tcomment = "machine translation (argos)" if state == "machine" else ""
    catalog.save()


def markdown(project, language: str) -> str:
    return (project.build / "caravan" / f"caravan.{language}.md").read_text(encoding="utf-8")


@pytest.fixture
def updated(project):
    update(project)
    return project


def test_statement_in_each_language_with_its_structure_kept(updated):
    translate(updated, "es", SPANISH)
    report = build(updated, to=["md"])
    assert sorted(p.name for p in report.written) == [
        "caravan.ar.md", "caravan.en.md", "caravan.es.md", "caravan.fa.md"]
    assert markdown(updated, "en") == STATEMENT_EN  # the source, as written
    spanish = markdown(updated, "es")
    assert spanish.startswith('---\ntitle: "Solidaridad con la caravana"\n'
                              'author: "Alianza de Socialistas de Oriente Medio"\n'
                              "date: 2018-11-03\nlanguage: es\n"
                              'origin: "https://example.org/caravan"\n---\n\n')
    assert "\n## Nadie es ilegal\n\n" in spanish
    # a translated sentence beside an untranslated one of the same line, then a line break
    assert ("Expresamos nuestra solidaridad con la caravana. The U.S. army has killed"
            " thousands.\nMore than 7000") in spanish
    assert "\n1. How can we challenge this?\n2. What will happen next?\n" in spanish
    assert not any(p.suffix == ".pdf" for p in updated.build.rglob("*"))  # --to md only


def test_draft_uses_unreviewed_translations_final_only_reviewed(updated):
    translate(updated, "es", {"No one is illegal": "Nadie es ilegal"})
    translate(updated, "es", {"Solidarity with the caravan": "Solidaridad (máquina)"},
              state="machine")
    build(updated, languages=["es"], to=["md"])
    assert "Solidaridad (máquina)" in markdown(updated, "es")
    with pytest.raises(FinalRefused) as refused:
        build(updated, languages=["es"], to=["md"], final=True)
    assert {b.language for b in refused.value.blockers} == {"es"}


def test_final_with_keep_prints_reviewed_text_and_holds_back_the_rest(updated):
    catalog = polib.pofile(str(updated.po_path("caravan", "es")))
    every = {e.msgid: ("¿" if e.msgid.endswith("?") else "") + f"[es] {e.msgid}"
             for e in catalog}
    machine = "We express our solidarity with the caravan."
    translate(updated, "es", {k: v for k, v in every.items() if k != machine})
    translate(updated, "es", {machine: "Expresamos (máquina)."}, state="machine")
    translate(updated, "ar", {"No one is illegal": "لا أحد غير شرعي"})
    build(updated, to=["md"])  # drafts of every language, to be removed or replaced
    report = build(updated, to=["md"], final=True, keep=50)
    spanish = markdown(updated, "es")
    assert "## [es] No one is illegal" in spanish
    assert machine in spanish and "máquina" not in spanish  # unreviewed: the source text
    # Arabic (one segment of many reviewed) and Persian (none) are held back, and the
    # drafts an earlier build left of them are gone.
    held = sorted(p.name for p in report.held_back)
    assert held == ["caravan.ar.md", "caravan.fa.md"]
    assert not (updated.build / "caravan" / "caravan.ar.md").exists()
    assert updated.build / "caravan" / "caravan.fa.md" in report.removed


def test_raw_html_in_a_translation_is_refused_at_its_line(updated):
    translate(updated, "es", {"No one is illegal": 'Nadie <img src=x onerror="alert(1)">'})
    report = build(updated, languages=["es"], to=["md"])
    [failure] = report.failures
    path = updated.po_path("caravan", "es")
    line = path.read_text().split("\n").index('msgid "No one is illegal"') + 1
    assert failure.reason.startswith(f"locale/es/caravan.po:{line}: raw HTML")
    assert not (updated.build / "caravan" / "caravan.es.md").exists()


def test_unchanged_inputs_are_not_rebuilt_a_changed_catalog_is(updated):
    build(updated, to=["md"])
    again = build(updated, to=["md"])
    assert not again.written and len(again.skipped) == 4
    translate(updated, "es", {"No one is illegal": "Nadie es ilegal"})
    third = build(updated, to=["md"])
    assert [p.name for p in third.written] == ["caravan.es.md"]


def test_the_dashboard_links_every_builders_outputs(updated):
    build(updated, languages=["es"], layouts=["single"], to=["pdf,md"])
    page = (updated.build / "index.html").read_text(encoding="utf-8")
    assert 'href="caravan/caravan.es.md"' in page and 'href="caravan/caravan.es.pdf"' in page


def test_the_command_line_chooses_builders_with_to(updated):
    import io

    from workflow.cli import main

    out = io.StringIO()
    assert main(["build", "--to", "md", "--lang", "es"], stdout=out, stderr=io.StringIO()) == 0
    assert "0 PDF(s), 1 Markdown file(s) written" in out.getvalue()
    assert not list(updated.build.rglob("*.pdf"))
    err = io.StringIO()
    assert main(["build", "--to", "md,epub"], stdout=io.StringIO(), stderr=err) == 2
    from workflow import builders

    assert f"no builder 'epub' (known: {', '.join(builders.names())})" in err.getvalue()
    assert {"pdf", "print", "md"} <= set(builders.names())
