"""The web edition's files, without a browser: pages, the gate, alternates, feeds, fonts."""

from __future__ import annotations

import re
from dataclasses import replace

import polib
import pytest

from tests.helpers import mark_machine, review
from workflow.builders import site
from workflow.update import update


@pytest.fixture
def translated(project):
    return review(project, persian="خواسته‌هایشان عادلانه است.")


@pytest.fixture(scope="module")
def font_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("webfonts")


@pytest.fixture(autouse=True)
def shared_fonts(font_cache, monkeypatch):
    """Subsets are named by font file and characters: one cache serves every test."""
    monkeypatch.setattr(site, "FONT_CACHE", str(font_cache))


def files_of(project, final=False, keep=None, site_url=None):
    from workflow.corpus import Corpus

    project = replace(project, site_url=site_url)
    settings = site.site_settings(project, final, "2026-01-02")
    return site.render_site(site.collect(Corpus(project), final, keep, "2026-01-02"),
                            settings, project.build / site.FONT_CACHE)


def test_pages_language_direction_switcher_and_relative_links(translated):
    files = files_of(translated)
    assert {"index.html", "en/index.html", "fa/caravan.html", "fa/feed.atom",
            "style.css"} <= set(files)
    page = files["fa/caravan.html"].decode()
    assert page.startswith('<!DOCTYPE html>\n<html lang="fa" dir="rtl">')
    assert '<a href="../en/caravan.html" lang="en" dir="ltr" hreflang="en">English</a>' in page
    assert ">فارسی</a>" in page and ">العربية</a>" in page and ">Español</a>" in page
    assert 'hreflang="x-default" href="../en/caravan.html"' in page
    # no address of another host but the statement's origin, shown as a link
    assert re.findall(r'(?:href|src|content)="(https?://[^"]+)', page) == [
        "https://example.org/caravan"]
    assert "خواسته‌هایشان" in page  # ZWNJ kept
    assert 'og:image:width" content="1200"' in page and "og:image:alt" in page


def test_every_font_is_a_local_woff2_subset(translated):
    files = files_of(translated)
    page = files["fa/caravan.html"].decode()
    urls = re.findall(r'url\("([^"]+)"\)', page)
    assert urls and all(u.startswith("../fonts/") and u.endswith(".woff2") for u in urls)
    for url in urls:
        data = files[url[3:]]
        assert data[:4] == b"wOF2" and len(data) < 120_000
    # the content security policy allows exactly this style element
    assert "'sha256-" in page and "script-src" not in page


def test_site_url_gives_absolute_canonical_alternates_and_sitemap(translated):
    files = files_of(translated, site_url="https://example.org/s/")
    page = files["ar/caravan.html"].decode()
    assert '<link rel="canonical" href="https://example.org/s/ar/caravan.html">' in page
    assert 'hreflang="es" href="https://example.org/s/es/caravan.html"' in page
    assert 'content="https://example.org/s/ar/caravan.card.png"' in page
    sitemap = files["sitemap.xml"].decode()
    assert sitemap.count("<loc>") == 1 + 4 + 4
    assert 'hreflang="x-default" href="https://example.org/s/en/caravan.html"' in sitemap
    assert "sitemap.xml" not in files_of(translated)  # no site_url: no absolute URLs


def test_final_gate_holds_a_language_back_and_the_switcher_marks_it(translated):
    mark_machine(translated, "es", "More than 7000 people walk together.", "Texto automático.")
    drafted = files_of(translated)
    assert "es/caravan.html" in drafted
    assert "BORRADOR" in drafted["es/caravan.html"].decode()  # the draft notice
    final = files_of(translated, final=True)
    assert "es/caravan.html" not in final
    page = final["fa/caravan.html"].decode()
    assert ('<a href="../en/caravan.html" lang="es" dir="ltr" hreflang="es">Español</a>'
            ' <span class="missing" lang="es" dir="ltr">(aún no traducido)</span>') in page
    assert 'hreflang="es"' not in page.split("</head>")[0]
    assert "BORRADOR" not in page
    # above the threshold, published with the unreviewed sentence in English
    kept = files_of(translated, final=True, keep=50)["es/caravan.html"].decode()
    assert "More than 7000\u00a0people walk together." in kept  # English typography


def test_files_are_deterministic(translated):
    assert files_of(translated) == files_of(translated)


def test_feed_is_atom_newest_first(translated):
    from tests.conftest import STATEMENT_EN

    older = STATEMENT_EN.replace("2018-11-03", "2016-01-05").replace("caravan", "older")
    (translated.sources / "older.md").write_text(older)
    update(translated)
    files = files_of(translated, final=True)
    feed = files["en/feed.atom"].decode()
    assert feed.startswith('<?xml version="1.0" encoding="utf-8"?>\n'
                           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">')
    assert feed.index('href="caravan.html"') < feed.index('href="older.html"')
    assert "<updated>2018-11-03T00:00:00Z</updated>" in feed
    index = files["en/index.html"].decode()
    assert index.index('href="caravan.html"') < index.index('href="older.html"')
    # Spanish: the older statement is not translated: listed, marked, the original linked
    es_index = files["es/index.html"].decode()
    assert 'href="../en/older.html"' in es_index and "aún no traducido" in es_index
    assert 'href="older.html"' not in files["es/feed.atom"].decode()


def test_quote_names_a_sentence_or_is_refused(translated):
    from workflow.errors import PamphletError

    path = translated.source_path("caravan")
    text = path.read_text().replace("language: en\n", "language: en\nquote: \"thousands\"\n")
    path.write_text(text)
    from workflow.corpus import Corpus

    entries = site.collect(Corpus(translated), False, None, "2026-01-02")
    assert "thousands" in entries[0].quotes["en"].text
    path.write_text(text.replace('quote: "thousands"', 'quote: "not there"'))
    with pytest.raises(PamphletError, match="is in no sentence") as error:
        site.collect(Corpus(translated), False, None, "2026-01-02")
    assert error.value.line == 6


def test_catalog_untouched_by_site(translated):
    before = polib.pofile(str(translated.po_path("caravan", "fa"))).__unicode__()
    files_of(translated)
    assert polib.pofile(str(translated.po_path("caravan", "fa"))).__unicode__() == before
