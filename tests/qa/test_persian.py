"""Persian pasted without zero-width non-joiners: the zwnj check and its word lists."""

from __future__ import annotations

import io
from pathlib import Path

import polib
import pytest

from workflow import languages
from workflow.cli import main
from workflow.languages.zwnj import NON_JOINING, WORD, ZWNJ
from workflow.qa.checks.spelling import zwnj
from workflow.qa.context import make_context
from workflow.qa.registry import CheckFailure

RULES = languages.get("fa").zwnj
ROOT = Path(__file__).resolve().parents[2]


def z(text: str) -> str:
    """Test strings write the ZWNJ as '+' to be readable."""
    return text.replace("+", ZWNJ)


@pytest.mark.parametrize(("fused", "written"), [
    ("بینالمللی", "بین+المللی"),  # fused compound: the word list
    ("جامعههای", "جامعه+های"),  # plural after a silent ه
    ("خیزشهای", "خیزش+های"),  # fused plural hazm and parsivar miss
    ("خیزشهایی", "خیزش+هایی"),
    ("بیسابقهی", "بی+سابقه+ی"),  # compound, then the ezafe after ه
    ("میگویند", "می+گویند"),  # verb prefix
    ("نمیتوانیم", "نمی+توانیم"),
    ("میزنند", "می+زنند"),  # the stem میز does not hide the verb
    ("بزرگترین", "بزرگ+ترین"),
    ("دموکراتیکتر", "دموکراتیک+تر"),
    ("بیانیهای", "بیانیه+ای"),  # indefinite after a silent ه
    ("کردهاند", "کرده+اند"),  # perfect tense
    ("خانهی", "خانه+ی"),
    ("میلیونها", "میلیون+ها"),  # a stem with می still takes the plural's ZWNJ
])
def test_fused_affixes_get_their_zwnj(fused, written):
    assert RULES.fix(fused) == z(written)


@pytest.mark.parametrize("word", [
    # می and ها that belong to the stem
    "میز", "میلیون", "میلیونی", "میلیارد", "میدان", "میدانی", "میان", "میهن", "میلادی",
    "میانمار", "تنها", "تنهایی", "رهایی", "انتهای", "آنها",
    # تر of a noun, ی of a ه that is a consonant
    "دفتر", "دکتر", "کامپیوتر", "ویترین", "بیشتر", "بهترین", "راهی", "کوهی", "آگهی",
    "سازماندهی", "مشابهی", "دادخواهی", "انبوهی",
    # after a letter that never joins, a fused affix prints as with a ZWNJ
    "کشورها", "کردهای", "تهدیدهای", "پیوندهای", "شدیدتر",
    # written right
    "می+گویند", "جامعه+های", "بین+المللی", "بی+سابقه+ی",
])
def test_words_that_need_nothing_are_left_alone(word):
    assert RULES.fixes(z(word)) == [z(word)]


def test_two_readings_are_both_offered():
    assert RULES.fixes("سوریهای") == [z("سوریه+ای"), z("سوری+های")]


def test_affixes_written_after_a_space():
    text = "آنها می گویند که این بیانیه ای برای کتاب ها و بزرگ ترین خیزش است؛ نه تنها این."
    assert RULES.suggestions(text) == [
        ("می گویند", [z("می+گویند")]), ("بیانیه ای", [z("بیانیه+ای")]),
        ("کتاب ها", [z("کتاب+ها")]), ("بزرگ ترین", [z("بزرگ+ترین")])]


def test_the_check_warns_with_suggestions():
    context = make_context("fa")
    with pytest.raises(CheckFailure) as failure:
        zwnj("They say so.", "آنها میگویند که جامعههای بینالمللی ساکت‌اند.", context)
    message = str(failure.value)
    assert "'میگویند': write '" + z("می+گویند") + "' (می|گویند)" in message
    assert "(جامعه|های)" in message and "(بین|المللی)" in message
    zwnj("They say so.", z("آن‌ها می+گویند که جامعه+های بین+المللی ساکت+اند."), context)
    zwnj("They say so.", "Dicen que sí.", make_context("es"))  # no rules: nothing


def _persian_texts() -> list[str]:
    return [entry.msgstr for path in sorted((ROOT / "locale" / "fa").glob("*.po"))
            for entry in polib.pofile(str(path)) if entry.msgstr]


def test_no_false_positive_on_the_reviewed_persian_catalogs():
    texts = _persian_texts()
    assert len(texts) > 100
    assert [(text, found) for text in texts if (found := RULES.suggestions(text))] == []


def test_zwnjs_removed_from_the_catalogs_come_back():
    """Every word of the Persian catalogs whose ZWNJ shows (after a joining letter), fused:
    most come back exactly, and none comes back with a reading that is not offered."""
    words = {w for text in _persian_texts() for w in WORD.findall(text) if any(
        char == ZWNJ and w[i - 1] not in NON_JOINING for i, char in enumerate(w))}
    restored = [w for w in words if RULES.fix(w.replace(ZWNJ, "")) == w]
    offered = [w for w in words if w in RULES.fixes(w.replace(ZWNJ, ""))]
    assert len(restored) >= 0.7 * len(words)  # 190 of 264 when written; compounds aside
    assert len(offered) >= len(restored)


PASTED = """\
---
title: "همبستگی با کارگران: بیانیه ای"
author: شورای همبستگی
date: 2022-12-03
language: fa
---

کارگران میگویند که جامعههای بینالمللی ساکت‌اند. نشانی: https://example.org/میگویند

این اعتراض بیسابقهی است.
"""


def test_check_warns_of_a_persian_source_without_zwnj(project_dir):
    """`check` warns on the statement's own text as on a translation: import only notes it
    once, and the PDF would print the misspellings."""
    def check(*args: str) -> tuple[int, list[str]]:
        out = io.StringIO()
        code = main(["check", "strike", *args], stdout=out, stderr=io.StringIO())
        return code, [line for line in out.getvalue().splitlines() if "source/" in line
                      or " error(s), " in line]

    (project_dir / "source" / "strike.md").write_text(PASTED, encoding="utf-8")
    assert main(["update", "-q"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    code, lines = check("--only", "zwnj")
    assert code == 0  # warnings, not errors
    assert lines == [
        "source/strike.md:2: [zwnj] warning: zero-width non-joiner (U+200C, at each |) "
        "missing: 'بیانیه ای': write 'بیانیه‌ای' (بیانیه|ای)",
        "source/strike.md:8: [zwnj] warning: zero-width non-joiner (U+200C, at each |) "
        "missing: 'میگویند': write 'می‌گویند' (می|گویند); 'جامعههای': write 'جامعه‌های' "
        "(جامعه|های); 'بینالمللی': write 'بین‌المللی' (بین|المللی)",  # not the URL's
        "source/strike.md:10: [zwnj] warning: zero-width non-joiner (U+200C, at each |) "
        "missing: 'بیسابقهی': write 'بی‌سابقه‌ی' (بی|سابقه|ی)",
        "0 error(s), 3 warning(s) in 0 catalog(s) and 1 source statement(s)"]
    assert check("--only", "numbers")[1] == []  # another check chosen
    assert not any("source/" in line for line in check("--lang", "es")[1])
    assert check("--only", "zwnj", "--strict")[0] == 1
    assert check("--only", "zwnj", "-o", "failing")[0] == 0  # no PO entry to extract
    assert not (project_dir / "failing").exists() or not any(
        (project_dir / "failing").rglob("*.po"))
    # The same text written with its ZWNJs: nothing to say
    written = (PASTED.replace("بیانیه ای", "بیانیه‌ای").replace("میگویند که", "می‌گویند که")
               .replace("جامعههای", "جامعه‌های").replace("بینالمللی", "بین‌المللی")
               .replace("بیسابقهی", "بی‌سابقه‌ی"))
    (project_dir / "source" / "strike.md").write_text(written, encoding="utf-8")
    assert check("--only", "zwnj") == (0, [])
