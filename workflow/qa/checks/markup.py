"""Markup checks: placeholders, Markdown, URLs and e-mail addresses."""

from __future__ import annotations

import re
from collections import Counter

from workflow.patterns import AUTOLINK, CODE, EMAIL, IMAGE, LINK, PLACEHOLDER, TAG, URL
from workflow.qa.context import Context
from workflow.qa.registry import ERROR, CheckFailure, check
from workflow.qa.text import differences, lost_and_added


@check("placeholders", ERROR,
       weblate=("placeholders",))
def placeholders(source: str, target: str, context: Context) -> None:
    """Placeholders such as {name}, {0} or %s must be copied exactly, none added."""
    missing, added = differences(PLACEHOLDER.findall(source), PLACEHOLDER.findall(target))
    problems = lost_and_added(sorted(missing.elements()), sorted(added.elements()))
    if problems:
        raise CheckFailure("placeholder " + "; ".join(problems)
                           + " (copy placeholders exactly as in the source)")


def _markup_counts(text: str) -> Counter:
    text = PLACEHOLDER.sub(" ", CODE.sub(" ", text))
    counts = Counter({"link": len(LINK.findall(text)), "image": len(IMAGE.findall(text)),
                      "autolink <...>": len(AUTOLINK.findall(text))})
    text = URL.sub(" ", EMAIL.sub(" ", AUTOLINK.sub(" ", text)))
    counts["strong emphasis **"] = len(re.findall(r"\*\*", text))
    counts["emphasis *"] = len(re.findall(r"(?<!\*)\*(?!\*)", text))
    counts["strong emphasis __"] = len(re.findall(r"(?<![\w_])__|__(?![\w_])", text))
    counts["emphasis _"] = len(re.findall(r"(?<![\w_])_(?!_)|(?<!_)_(?![\w_])", text))
    counts["strikethrough ~~"] = len(re.findall(r"~~", text))
    return counts


@check("markup", ERROR,
       weblate=("md-syntax", "md-link", "md-reflink"))
def markup(source: str, target: str, context: Context) -> None:
    """Markdown links, emphasis and inline code must be kept, as many as in the source."""
    problems = []
    want, have = _markup_counts(source), _markup_counts(target)
    for kind in want:
        if want[kind] != have[kind]:
            problems.append(f"{kind}: {want[kind]} in the source, {have[kind]} in the "
                            "translation")
    problems += lost_and_added(*differences(CODE.findall(source), CODE.findall(target)),
                                lost="missing or altered:", prefix="inline code ")
    if problems:
        raise CheckFailure("Markdown markup differs, " + "; ".join(problems)
                           + " (keep the markers around the translated words; never "
                           "translate inside `code`)")


def addresses(text: str) -> list[str]:
    found = [m.group(0) for m in URL.finditer(text)]
    found += [m.group(0) for m in EMAIL.finditer(URL.sub(" ", text))]
    return found


@check("urls", ERROR)
def urls(source: str, target: str, context: Context) -> None:
    """URLs and e-mail addresses must be copied unchanged."""
    missing, added = differences(addresses(source), addresses(target))
    problems = lost_and_added(sorted(missing), sorted(added), lost="missing or altered:")
    if problems:
        raise CheckFailure("web or e-mail address " + "; ".join(problems)
                           + " (copy addresses exactly, character for character)")


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
