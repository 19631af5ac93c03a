"""The web builder in the build (share images as jobs, skipped when unchanged), QR codes on
paper, and `pamphlet serve`."""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.request
from dataclasses import replace

import pytest
from PIL import Image

from tests.builders.test_site import font_cache, shared_fonts, translated  # noqa: F401
from workflow.build import build
from workflow.render import qr


def test_build_to_web_sets_cards_once(translated):  # noqa: F811
    report = build(translated, to=["web"], languages=["en", "fa"])
    site = translated.build / "site"
    card = Image.open(site / "fa" / "caravan.card.png")
    portrait = Image.open(site / "fa" / "caravan.portrait.png")
    assert card.size == (1200, 630) and portrait.size == (1080, 1350)
    alt = (site / "fa" / "caravan.card.txt").read_text()
    assert alt.startswith("تصویر برای هم‌رسانی: «") and "۳ نوامبر ۲۰۱۸" in alt
    assert site / "fa" / "caravan.card.png" in report.written
    assert (site / "fa" / "caravan.html").is_file() and (site / "index.html").is_file()
    again = build(translated, to=["web"], languages=["en", "fa"])
    assert again.written == [] and site / "fa" / "caravan.card.png" in again.skipped


def test_card_runs_right_to_left(translated):  # noqa: F811
    """The Persian card's text block is set against the right edge, its band on the right."""
    build(translated, to=["web"], languages=["fa"])
    image = Image.open(translated.build / "site" / "fa" / "caravan.card.png").convert("L")
    width, height = image.size
    band = [image.getpixel((x, height // 2)) for x in (5, width - 5)]
    assert band[1] < 128 < band[0]  # the band, dark red, is on the right
    dark = [x for x in range(width - 200) for y in range(60, 200, 4)
            if image.getpixel((x, y)) < 100]
    assert max(dark) > width - 300  # the quote starts at the right margin


def test_qr_code_is_the_url_at_20_mm_with_its_quiet_zone(tmp_path):
    """Drawn by WeasyPrint and rasterised, the boxes are segno's modules, at >= 20 mm."""
    import weasyprint

    code = qr.qr_code("https://example.org/fa/caravan.html")
    css = ("@page { size: 60mm 60mm; margin: 5mm }"
           " .qr { display: block; position: relative } .qr .module { position: absolute;"
           " background: #000 }")
    pdf = weasyprint.HTML(string=f"<body>{code.html()}</body>").write_pdf(
        stylesheets=[weasyprint.CSS(string=css)])
    (tmp_path / "qr.pdf").write_bytes(pdf)
    dpi = 600
    subprocess.run(["mutool", "draw", "-q", "-r", str(dpi), "-c", "gray", "-o",
                    str(tmp_path / "qr.png"), str(tmp_path / "qr.pdf"), "1"], check=True)
    image = Image.open(tmp_path / "qr.png").convert("L")
    box = Image.eval(image, lambda v: 255 - v).getbbox()  # the dark modules
    left, top, right, bottom = box
    size_mm = (right - left) / dpi * 25.4
    assert size_mm >= qr.MIN_SYMBOL_MM - 0.1
    # the quiet zone: 4 modules of nothing between the page margin (5 mm) and the symbol
    assert (left / dpi * 25.4) - 5 >= 4 * code.module_mm - 0.1
    step = (right - left) / code.count
    for y, row in enumerate(code.modules):
        for x, dark in enumerate(row):
            pixel = image.getpixel((int(left + (x + 0.5) * step), int(top + (y + 0.5) * step)))
            assert (pixel < 128) == dark, (x, y)


def test_colophon_carries_the_qr_code_and_its_url(translated):  # noqa: F811
    project = replace(translated, site_url="https://example.org/s/")
    build(project, languages=["fa"], layouts=["single"])
    text = subprocess.run(["pdftotext", str(project.build / "caravan" / "caravan.fa.pdf"),
                           "-"], capture_output=True, text=True, check=True).stdout
    assert "https://example.org/s/fa/caravan.html" in text.replace("\n", "")
    # without site_url: no QR code, the PDF as before
    plain = replace(translated, build_dir=translated.build_dir.with_name("plain"))
    build(plain, languages=["fa"], layouts=["single"])
    text = subprocess.run(["pdftotext", str(plain.build / "caravan" / "caravan.fa.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "example.org/s" not in text


def test_print_file_qr_is_black_plate_only(translated):  # noqa: F811
    """In a CMYK print file the modules are K only: the preflight passes, and no RGB fill
    is drawn on the colophon page."""
    import pikepdf

    project = replace(translated, site_url="https://example.org/s/")
    report = build(project, languages=["en"], layouts=["single"], final=True,
                   for_print=True)
    assert not report.failures
    pdf = pikepdf.open(project.build / "print" / "caravan" / "caravan.en.pdf")
    content = b"".join(page.obj.Contents.read_bytes() if not isinstance(
        page.obj.Contents, pikepdf.Array) else b"".join(c.read_bytes() for c in
                                                        page.obj.Contents)
        for page in pdf.pages)
    assert b" rg" not in content and b"0 0 0 1 scn" in content


def test_serve_answers_on_loopback_and_remakes_on_save(translated):  # noqa: F811
    from workflow.serve import serve

    events, stop = [], threading.Event()
    thread = threading.Thread(target=serve, args=(translated.root, 0), kwargs={
        "tell": events.append, "stop": stop}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 300
        while not any(e.kind in ("rebuilt", "up to date") for e in events):
            assert time.monotonic() < deadline and thread.is_alive(), events
            time.sleep(0.2)
        url = next(e.text for e in events if e.text.startswith("serving "))[8:]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "fa/caravan.html") as answer:
            assert "<html lang=\"fa\" dir=\"rtl\">" in answer.read().decode()
        count = len(events)
        po = translated.po_path("caravan", "fa")
        po.write_text(po.read_text().replace("خواسته‌هایشان", "خواسته‌های ما"))
        while "خواسته‌های ما" not in urllib.request.urlopen(
                url + "fa/caravan.html").read().decode():
            assert time.monotonic() < deadline, events[count:]
            time.sleep(0.3)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "../pyproject.toml")
    finally:
        stop.set()
        thread.join(timeout=30)
