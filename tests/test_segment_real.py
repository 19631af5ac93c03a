"""Sentence cuts met in pasted statements: after a closing quote, around initialisms,
abbreviations before numbers, Persian initials."""

from __future__ import annotations

import pytest

from workflow.segment import split_sentences


def texts(text: str, language: str) -> list[str]:
    return [s.text for s in split_sentences(text, language) if s.text]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("es", "Gritaron «Basta ya.» Luego marcharon hacia la frontera.",
         ["Gritaron «Basta ya.»", "Luego marcharon hacia la frontera."]),
        ("es", "Dijo: “No nos iremos.” Después llegó la policía.",
         ["Dijo: “No nos iremos.”", "Después llegó la policía."]),
        ("ar", "هتف المتظاهرون «كفى.» ثم ساروا نحو الحدود.",
         ["هتف المتظاهرون «كفى.»", "ثم ساروا نحو الحدود."]),
        ("fa", "کارگران گفتند «دیگر بس است.» سپس به سوی مرز رفتند.",
         ["کارگران گفتند «دیگر بس است.»", "سپس به سوی مرز رفتند."]),
    ],
)
def test_a_sentence_closed_inside_quotes_ends_there(language, text, expected):
    assert texts(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "«¿Por qué?» preguntó la madre de uno de ellos."),
        ("en", "“Why?” asked the mother of one of the detainees."),
        ("fa", "«چرا؟» مادر یکی از بازداشت‌شدگان پرسید."),  # only a full stop ends it
    ],
)
def test_a_quoted_question_inside_a_sentence_is_not_cut(language, text):
    assert texts(text, language) == [text]


def test_a_conjunction_after_an_initialism_continues_the_sentence():
    text = "Las políticas migratorias de EE. UU. Y México matan en la frontera. Basta."
    assert texts(text, "es") == [
        "Las políticas migratorias de EE. UU. Y México matan en la frontera.", "Basta."]
    # ... while a sentence may still end with the initialism
    assert texts("Las bombas vienen de EE. UU. El gobierno calla.", "es") == [
        "Las bombas vienen de EE. UU.", "El gobierno calla."]
    assert texts("Troops of the U.S. And its allies left.", "en") == [
        "Troops of the U.S. And its allies left."]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Approx. 3.5 million people have been displaced since 2011."),
        ("en", "The march drew approx. 20,000 people to the border."),
        ("es", "Aprox. 3,5 millones de personas fueron desplazadas."),
    ],
)
def test_an_abbreviation_before_a_number_does_not_end_the_sentence(language, text):
    assert texts(text, language) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "دکتر م. رضایی، سخنگوی کانون، این بازداشت‌ها را محکوم کرد.",
        "سرکوب معترضان در ج.ا. ادامه دارد.",
        "نیروهای امنیتی ج.ا.ا. صدها نفر را بازداشت کردند.",
    ],
)
def test_persian_initials_do_not_end_a_sentence(text):
    assert texts(text + " جملهٔ بعدی.", "fa") == [text, "جملهٔ بعدی."]
