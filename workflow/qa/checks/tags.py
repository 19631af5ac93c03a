"""Raw HTML/XML tags: a translation may not add any (they print as literal text)."""

from __future__ import annotations

from collections import Counter

from workflow.qa.patterns import CODE, TAG
from workflow.qa.registry import ERROR, CheckFailure, check


def tags_in(text: str) -> Counter:
    return Counter(m.group(0) for m in TAG.finditer(CODE.sub(" ", text)))


@check("tags", ERROR, weblate=("xml-tags",))
def tags(source: str, target: str, context) -> None:
    """No HTML or XML tag the source does not have: pamphlets print them as text."""
    added = tags_in(target) - tags_in(source)
    if added:
        shown = ", ".join(f"'{tag[:40]}'" for tag in added)
        raise CheckFailure(f"tag(s) not in the source: {shown} (they would print as text; "
                           "use Markdown for emphasis and links)")
