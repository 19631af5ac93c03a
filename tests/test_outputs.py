"""Which editions a build makes: multilingual editions of the languages chosen or ready, the
print run beside the screen files, --skip-unready for a print deadline, and a build that
makes nothing says why."""

from __future__ import annotations

import polib
import pytest

from tests.helpers import mark_machine, run
from workflow.build import build
from workflow.gate import FinalRefused


def test_a_multilingual_edition_of_the_languages_chosen(reviewed):
    code, out, _ = run("build", "-l", "en,es,fa", "--final", "--layout", "multilingual")
    assert code == 0 and "1 PDF(s) written" in out
    made = sorted(p.name for p in (reviewed.build / "caravan").glob("*.pdf"))
    assert made == ["caravan.en+es+fa.multilingual.pdf"]  # never over the complete one
    # all of them: the complete edition, under its usual name
    assert run("build", "-l", "en,es,ar,fa", "--layout", "multilingual")[0] == 0
    assert (reviewed.build / "caravan" / "caravan.multilingual.pdf").exists()
    # a proofing run of some languages does not typeset a multilingual edition unasked
    report = build(reviewed, languages=["en", "es"])
    assert not any("multilingual" in p.name for p in report.written + report.skipped)


def test_a_build_that_makes_nothing_says_why(reviewed):
    code, out, _ = run("build", "-l", "es", "--layout", "multilingual")
    assert code == 0
    assert "0 PDF(s) written" in out
    assert "nothing to build: a multilingual edition needs two languages or more" in out
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    code, out, _ = run("build", "-l", "es", "--layout", "single", "--final", "--keep", "100")
    assert code == 0
    assert "nothing to build: every output asked for was held back" in out


def test_keep_builds_the_multilingual_edition_of_the_ready_languages(reviewed):
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    complete = reviewed.build / "caravan" / "caravan.multilingual.pdf"
    build(reviewed, layouts=["multilingual"])  # a draft with the machine text
    assert complete.exists()
    report = build(reviewed, layouts=["multilingual"], final=True, keep=100)
    assert [p.name for p in report.written] == ["caravan.en+ar+fa.multilingual.pdf"]
    assert list(report.held_back) == [complete] and not complete.exists()  # the draft went
    assert list(report.held_editions) == [("caravan", "es")]


def test_the_print_run_leaves_the_screen_pdfs_alone(reviewed):
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    build(reviewed, languages=["en", "es"], layouts=["single"])  # screen drafts
    screen = {p: p.read_bytes() for p in (reviewed.build / "caravan").glob("*.pdf")}
    assert {p.name for p in screen} == {"caravan.en.pdf", "caravan.es.pdf"}

    code, out, _ = run("build", "-l", "en,es", "--layout", "single", "--final", "--keep",
                       "100", "--print")
    assert code == 0
    assert {p: p.read_bytes() for p in (reviewed.build / "caravan").glob("*.pdf")} == screen
    bundle = reviewed.build / "print" / "caravan"
    assert sorted(p.name for p in bundle.glob("*.pdf")) == [
        "caravan.en.booklet.pdf", "caravan.en.pdf"]
    # a summary, not a line per file
    lines = out.strip().splitlines()
    assert lines == ["1 PDF(s) written, 0 up to date in build/",
                     "held back 1 PDF(s) of 1 edition(s) not ready for print:",
                     lines[2], "1 booklet(s) written; print bundle(s): build/print/caravan/"]
    assert lines[2].startswith("  caravan [es]: 90 % reviewed, under --keep 100")


def test_skip_unready_builds_the_editions_that_are_ready(reviewed):
    mark_machine(reviewed, "es", "More than 7000 people walk together.", "Texto automático.")
    catalog = polib.pofile(str(reviewed.po_path("caravan", "fa")))  # a check error
    catalog.find("More than 7000 people walk together.").msgstr = "بیش از هفت هزار نفر."
    catalog.save()
    with pytest.raises(FinalRefused) as refused:
        build(reviewed, layouts=["single"], final=True)
    assert {(b.slug, b.language) for b in refused.value.blockers} == {
        ("caravan", "es"), ("caravan", "fa")}
    code, _, err = run("build", "--layout", "single", "--final")
    assert code == 2 and "--skip-unready" in err

    code, out, _ = run("build", "--layout", "single", "--final", "--skip-unready")
    assert code == 0
    made = sorted(p.name for p in (reviewed.build / "caravan").glob("*.pdf"))
    assert made == ["caravan.ar.pdf", "caravan.en.pdf"]
    assert "held back 2 PDF(s) of 2 edition(s) not ready for print:" in out
    assert "\n  caravan [es]: 1 machine (first at locale/es/caravan.po:" in out
    assert "\n  caravan [fa]: 1 check error(s) (first at locale/fa/caravan.po:" in out
    code, _, err = run("build", "--skip-unready")
    assert code == 2 and "--skip-unready needs --final" in err
