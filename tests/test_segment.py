"""Sentence segmentation in en/es/ar/fa and the exact round trip source -> segments -> body."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.segment import Document, Segment, render_body, segment_body, split_sentences


def texts(text: str, language: str) -> list[str]:
    return [s.text for s in split_sentences(text, language) if s.text]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "The U.S. army has killed thousands. Dr. Smith met No. 5 today. What? Yes!",
         ["The U.S. army has killed thousands.", "Dr. Smith met No. 5 today.", "What?", "Yes!"]),
        ("en", "See [the site. Really](https://example.org/a.b). Mail info@x.org. *Go. Now.* Ok.",
         ["See [the site. Really](https://example.org/a.b).", "Mail info@x.org.",
          "*Go. Now.* Ok."]),
        ("es", "EE. UU. no es el único. El Sr. García llegó a las 5 p. m. a la reunión. "
               "¿Por qué? ¡Basta!",
         ["EE. UU. no es el único.", "El Sr. García llegó a las 5 p. m. a la reunión.",
          "¿Por qué?", "¡Basta!"]),
        ("en", "Pres. Trump met Gen. Kelly and Sen. Warren on Ave. Foch. They left.",
         ["Pres. Trump met Gen. Kelly and Sen. Warren on Ave. Foch.", "They left."]),
        ("es", "El Gral. Pérez vive en la Av. Central, núm. 3. Llegó tarde.",
         ["El Gral. Pérez vive en la Av. Central, núm. 3.", "Llegó tarde."]),
        ("ar", "هل هذا صحيح؟ نعم، هذا صحيح. قال د. أحمد: لا! ثم ذهب؛ وعاد.",
         ["هل هذا صحيح؟", "نعم، هذا صحيح.", "قال د. أحمد: لا!", "ثم ذهب؛ وعاد."]),
        ("fa", "آیا این درست است؟ بله، درست است. ما می‌خواهیم! سپس رفت؛ و برگشت.",
         ["آیا این درست است؟", "بله، درست است.", "ما می‌خواهیم!", "سپس رفت؛ و برگشت."]),
    ],
)
def test_sentences_per_language(language, text, expected):
    assert texts(text, language) == expected


def test_blocks_kinds_levels_and_lines():
    body = "\n## Heading\n\nOne. Two.\nSigned\n\n1. First?\n2. Second\n- bullet\n> quoted\n"
    lead, blocks = segment_body(body, "en", first_line=7)
    assert lead == "\n"
    assert [(b.kind, b.level, b.line) for b in blocks] == [
        ("heading", 2, 8), ("paragraph", 0, 10), ("paragraph", 0, 11), ("item", 1, 13),
        ("item", 2, 14), ("item", 0, 15), ("quote", 0, 16)]
    assert [s.text for s in blocks[1].segments] == ["One.", "Two."]
    assert not blocks[1].breaks_paragraph and blocks[2].breaks_paragraph


def test_bare_url_is_not_translatable():
    assert not Segment("<https://example.org/x>").translatable
    assert not Segment("info@example.org").translatable
    assert Segment("Write to info@example.org.").translatable


def test_translated_render_keeps_markup_and_spacing():
    lead, blocks = segment_body("## Title\n\nA one. B two.\n", "en")
    doc = Document(Segment("t"), lead, blocks)
    assert render_body(doc, str.upper) == "## TITLE\n\nA ONE. B TWO.\n"


BODY_CHARS = st.sampled_from(list("ab .?!،؟؛\n#-1>*[]()") + ["U.S.", "Dr.", "می‌", "ال", " \n\n"])


@settings(max_examples=300, deadline=None)
@given(st.lists(BODY_CHARS, max_size=60).map("".join),
       st.sampled_from(["en", "es", "ar", "fa"]))
def test_round_trip_any_text(body, language):
    lead, blocks = segment_body(body, language)
    assert render_body(Document(Segment("t"), lead, blocks)) == body
