"""Raw pasted text -> draft statement, in all four languages."""

from __future__ import annotations

import pytest
import yaml

from workflow.errors import PamphletError
from workflow.importer import convert_raw, guess_date, import_file

WRAPPED_EN = """\
Oppose War on Iran, Show Solidarity with Uprisings

The most worrisome aspect of these developments is that they might lead to
catastrophic consequences and full-scale war. That would in turn overshadow the
wave of uprisings that have broken out in the region in 2019, from Sudan and
Algeria to Iraq. These are the forces we support.
The joy expressed by some at the death of the criminal reactionary general is
understandable. However, his assassination represents nothing affirmative for
the uprisings. Continue reading

1. How can we challenge prejudices that
promote hatred in the region?
2. What will happen next?

In solidarity,
Alliance of Middle Eastern Socialists
Los Angeles
"""


def test_unwraps_and_finds_paragraphs_and_list():
    meta, body = convert_raw(WRAPPED_EN, "en")
    assert meta["title"] == "Oppose War on Iran, Show Solidarity with Uprisings"
    paragraphs = body.split("\n\n")
    assert paragraphs[0].startswith("The most worrisome") and paragraphs[0].endswith("support.")
    assert "\n" not in paragraphs[0]
    assert paragraphs[1].endswith("for the uprisings.")  # teaser link removed
    assert paragraphs[2] == ("1. How can we challenge prejudices that promote hatred in the "
                             "region?\n2. What will happen next?")
    # A signature keeps its lines, even in text wrapped at a fixed width.
    assert paragraphs[3] == ("In solidarity,\nAlliance of Middle Eastern Socialists\n"
                             "Los Angeles")


def test_arabic_and_persian_and_spanish_dates():
    assert guess_date("صدر في ٣ نوفمبر ٢٠١٨ في بيروت", "ar") == "2018-11-03"
    assert guess_date("۱۸ دسامبر ۲۰۱۶", "fa") == "2016-12-18"
    assert guess_date("Madrid, 3 de noviembre de 2018", "es") == "2018-11-03"
    assert guess_date("Nov 3, 2018", "en") == "2018-11-03"
    # Levantine month names (babel's ar_SY data) and the Solar Hijri calendar of Iran.
    assert guess_date("دمشق، ١٥ كانون الثاني ٢٠٢٠", "ar") == "2020-01-15"
    assert guess_date("تهران، ۲۵ دی ۱۳۹۸", "fa") == "2020-01-15"
    assert guess_date("۲۹ اسفند ۱۴۰۲", "fa") == "2024-03-19"
    assert guess_date("۳۰ اسفند ۱۴۰۲", "fa") is None  # 1402 is no leap year


def test_import_arabic_text(project):
    raw = project.root / "raw.txt"
    raw.write_text("بيان تضامن مع قافلة المهاجرين\n\n٣ نوفمبر ٢٠١٨\n\nنحن نعبر عن تضامننا"
                   " مع القافلة.\nهل يمكننا أن نصمت؟\n\nلا أحد غير شرعي.\n", encoding="utf-8")
    path, missing = import_file(project, raw, "ar", "caravan-ar")
    assert missing == ["author", "origin"]
    # "بيان" is "statement", not a byline word: the author is left for the editor.
    meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
    assert meta["language"] == "ar" and str(meta["date"]) == "2018-11-03"
    assert meta["title"] == "بيان تضامن مع قافلة المهاجرين" and meta["author"] == ""
    with pytest.raises(PamphletError, match="already exists"):
        import_file(project, raw, "ar", "caravan-ar")


def test_import_empty_text_fails(project):
    raw = project.root / "empty.txt"
    raw.write_text("\n\n", encoding="utf-8")
    with pytest.raises(PamphletError, match="empty"):
        import_file(project, raw, "es", "x")
    assert not (project.root / "source" / "x.md").exists()
