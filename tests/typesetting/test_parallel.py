"""Side by side, each column as wide as its text needs for the two to end level."""

from __future__ import annotations

import re

from tests.conftest import STATEMENT_EN, write_project
from tests.helpers import keeping_numbers, translate_catalog
from workflow.config import load_project
from workflow.edition import load_editions
from workflow.render.html import render_html
from workflow.update import update


def widths(project, languages) -> list[float]:
    editions = load_editions(project, "caravan", languages, draft=True)
    html = render_html("parallel", editions, "2026-11-23", "A5")
    first = re.search(r'<div class="pair">(.*?)</div>\s*</div>', html, re.S).group(0)
    return [float(w) for w in re.findall(r'class="column[^"]*"[^>]*style="width: ([\d.]+)%"',
                                          first)]


def test_nastaliq_gets_the_wider_column_and_equal_texts_equal_ones(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN},
                         config='[tool.pamphlet]\nlanguages = ["en", "es", "ur"]\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    # The same number of letters in each: only size and line pitch differ.
    translate_catalog(project, "es", lambda msgid: msgid)
    translate_catalog(project, "ur", keeping_numbers("ہم قافلے کے ساتھ یکجہتی کا اظہار کرتے ہیں۔"))
    en, es = widths(project, ["en", "es"])
    assert en + es == 100 and abs(en - es) < 2
    en, ur = widths(project, ["en", "ur"])
    # Urdu: 9.5 pt on a 2.3 line height against English 8.5 pt on 1.45.
    assert en + ur == 100 and ur > 55, (en, ur)
