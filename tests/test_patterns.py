"""One definition of URLs, e-mail addresses and markup, used by segmentation, masking,
import and the checks alike: the four find the same address in the same text."""

from __future__ import annotations

import pytest

from workflow import importer, patterns, segment
from workflow.mt import masking
from workflow.mt.masking import Masker
from workflow.qa import text as qa_text
from workflow.qa.checks.markup import addresses
from workflow.segment import split_sentences

TRICKY = [  # (text, the address in it)
    ("Read https://en.wikipedia.org/wiki/Caravan_(migrants). Then act.",
     "https://en.wikipedia.org/wiki/Caravan_(migrants)"),
    ("بخوانید https://fa.wikipedia.org/wiki/مهاجرت، سپس", "https://fa.wikipedia.org/wiki/مهاجرت"),
    ("(see https://x.org/a?b=1&c=2)", "https://x.org/a?b=1&c=2"),
    ("Go to www.allianceofmesocialists.org/s/. Now.", "www.allianceofmesocialists.org/s/"),
    ("¿Leyeron «https://x.org/declaración»?", "https://x.org/declaración"),
    ("انظر https://example.org/caravan؟", "https://example.org/caravan"),
]


def test_every_stage_uses_the_one_definition():
    assert qa_text.URL is patterns.URL and importer.URL is patterns.URL
    assert patterns.URL.pattern in segment.PROTECTED.pattern
    assert ("text", patterns.URL) in masking._PATTERNS
    assert ("text", patterns.EMAIL) in masking._PATTERNS
    assert ("markup", patterns.TAG) in masking._PATTERNS


@pytest.mark.parametrize(("text", "url"), TRICKY)
def test_segmentation_masking_import_and_checks_find_the_same_address(text, url):
    assert [m.group(0) for m in patterns.URL.finditer(text)] == [url]
    assert addresses(text) == [url]  # the urls check compares these
    masked = Masker().mask(text)  # machine translation never sees it
    assert url not in masked.text and any(item.original == url for item in masked.items)
    # no sentence boundary inside it
    assert any(url in s.text for s in split_sentences(text, "en"))
    if url.startswith("http"):  # import takes the page's address as the origin
        assert importer.convert_raw(f"A title\n\n{text}\n", "en")[0]["origin"] == url
