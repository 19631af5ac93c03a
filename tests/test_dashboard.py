"""build/index.html: statements x languages with states, check counts and PDF links."""

from __future__ import annotations

import re

import polib

from tests.helpers import keeping_numbers, translate_catalog
from workflow.build import build
from workflow.update import update


def test_dashboard_after_build(project):
    update(project)
    translate_catalog(project, "es", keeping_numbers("Texto revisado."))
    catalog = polib.pofile(str(project.po_path("caravan", "es")))
    catalog[2].flags.append("fuzzy")
    catalog[2].tcomment = "machine translation: argos en->es x 1.0"
    catalog.find("More than 7000 people walk together.").msgstr = "Sin número."  # an error
    catalog.save()
    build(project, languages=["en", "es"], layouts=["single"])
    html = (project.build / "index.html").read_text(encoding="utf-8")
    es_cell = re.search(r'<td data-language="es">(.*?)</td>', html, re.S).group(1)
    total = len([e for e in catalog if not e.obsolete])
    assert f"{total - 1}/{total} reviewed" in es_cell and "1 machine" in es_cell
    assert 'class="machine"' in es_cell and 'class="reviewed"' in es_cell
    assert "1 error(s)" in es_cell
    assert 'href="caravan/caravan.es.pdf"' in es_cell
    assert 'href="caravan/caravan.en+es.pdf"' not in es_cell  # not built, so no link
    ar_cell = re.search(r'<td data-language="ar">(.*?)</td>', html, re.S).group(1)
    assert "0/" in ar_cell and 'class="untranslated"' in ar_cell
    assert "source language" in re.search(r'<td data-language="en">(.*?)</td>', html, re.S
                                          ).group(1)
