"""Glossary check: agreed terms rendered as agreed, inflected forms allowed."""

from __future__ import annotations

import re
from functools import cache

from workflow.languages.profile import Profile
from workflow.qa.context import Context, Term
from workflow.qa.registry import WARNING, CheckFailure, check
from workflow.qa.text import WORD, normalise, prose


def fold(text: str, language: Profile) -> str:
    """For finding words: `normalise`, and the letters whose spelling varies in the
    script (in Arabic script hamza seats, ة, Persian and Arabic yeh and kaf, joiners)
    made one."""
    return normalise(text).translate(language.script.fold)


def stem(word: str, language: Profile) -> str:
    """A folded word cut to what its inflected forms share: 'autoritario' -> 'autoritari',
    'المهاجرون' -> 'مهاجر', 'امپریالیستی' -> 'امپریالیست'. Leaves three letters at least."""
    for prefix in language.prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix):]
            break
    for ending in sorted(language.endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[:-len(ending)]
    return word


def renders(text: str, rendering: str, language: Profile) -> bool:
    """True if `text` contains `rendering` in some inflected form: its words with their
    endings and the article free, prefixes such as و ب ل allowed. In a rendering of
    three words or more one may be missing (a verb conjugated, a preposition changed)."""
    text = fold(text, language)
    words = [w for w in WORD.findall(fold(rendering, language)) if len(w) > 2]
    missing = 0
    for word in words:  # short words (de, el, في) are no evidence either way
        cut = re.escape(stem(word, language))
        attached = language.script.affixes_attach or len(cut) >= 5  # antiimperialista
        if not re.search(cut if attached else rf"(?<!\w){cut}", text):
            missing += 1
    return missing <= (1 if len(words) >= 3 else 0)


@cache
def _source_pattern(variant: str) -> re.Pattern:
    """A glossary term in the source: whole words, plural endings allowed; case matters
    only for acronyms and names with several capitals ('US' is not 'us')."""
    flags = 0 if sum(c.isupper() for c in variant) >= 2 else re.IGNORECASE
    body = r"\s+".join(re.escape(part) for part in variant.split())
    ending = r"(?:s|es)?" if variant[-1:].isalnum() else ""
    return re.compile(rf"(?<!\w){body}{ending}(?!\w)", flags)


@check("glossary", WARNING)
def glossary_terms(source: str, target: str, context: Context) -> None:
    """Glossary terms in the source are rendered with the agreed translation."""
    source, target = prose(source), prose(target)  # not inside code or addresses
    by_span: dict[tuple[int, int], list[Term]] = {}
    for term in context.terms:
        for variant in term.source:
            for match in _source_pattern(variant).finditer(source):
                by_span.setdefault(match.span(), []).append(term)
    taken: list[tuple[int, int]] = []
    problems: dict[str, str] = {}
    for (start, end), terms in sorted(by_span.items(), key=lambda i: (i[0][0] - i[0][1],
                                                                      i[0][0])):
        if any(s < end and start < e for s, e in taken):
            continue  # part of a longer term found already
        taken.append((start, end))
        if not any(renders(target, rendering, context.target)
                   for term in terms for rendering in term.target):
            problems.setdefault(source[start:end], " or ".join(
                dict.fromkeys(f"'{term.agreed}'" for term in terms)))
    if problems:
        raise CheckFailure("glossary term not rendered as agreed: " + "; ".join(
            f"'{found}' -> {agreed}" for found, agreed in problems.items()))
