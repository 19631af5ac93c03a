"""Fluency checks: repetitions (machine translation looping), length, untranslated copies."""

from __future__ import annotations

import re

from workflow.qa.context import Context
from workflow.qa.registry import ERROR, WARNING, CheckFailure, check
from workflow.qa.text import NOT_IN_WORD, WORD, normalise, prose, quote_list, without_terms


def _repeats(text: str) -> list[tuple[str, int, int]]:
    """(phrase, words in it, times in a row) for every immediate repetition of words;
    punctuation in between ("migrants, migrants") is no repetition."""
    found = []
    for clause in NOT_IN_WORD.split(prose(text)):
        words = [normalise(w) for w in WORD.findall(clause)]
        index = 0
        while index < len(words):
            best = None
            for size in range(1, 7):
                phrase = words[index:index + size]
                if len(phrase) < size:
                    break
                times = 1
                while words[index + times * size:index + (times + 1) * size] == phrase:
                    times += 1
                if times > 1 and (best is None or size * times > best[1] * best[2]):
                    best = (" ".join(phrase), size, times)
            if best is None:
                index += 1
                continue
            if not best[0].replace(" ", "").isdigit():
                found.append(best)
            index += best[1] * best[2]
    return found


CLAUSE_END = re.compile(r"[.!?;:,\u060C\u061B\u061F\u2026]+")  # with ، ؛ ؟ …


def _repeated_clauses(text: str) -> list[tuple[str, int]]:
    """(clause, times in a row) for every clause of two or more words that comes again
    straight after itself across punctuation: 'the caravan arrived. The caravan arrived.'"""
    clauses = [" ".join(normalise(w) for w in WORD.findall(part))
               for part in CLAUSE_END.split(prose(text))]
    clauses = [clause for clause in clauses if clause]
    found, index = [], 0
    while index < len(clauses):
        times = 1
        while index + times < len(clauses) and clauses[index + times] == clauses[index]:
            times += 1
        if times > 1 and " " in clauses[index]:
            found.append((clauses[index], times))
        index += times
    return found


@check("repeated-words", WARNING,
       weblate=("duplicate",))
def repeated_words(source: str, target: str, context: Context) -> None:
    """A word twice in a row ('the the'), unless the source repeats words too."""
    if _repeats(source):
        return
    doubled = [phrase for phrase, size, times in _repeats(target) if size == 1 and times == 2]
    if doubled:
        raise CheckFailure(f"word twice in a row: {quote_list(doubled)} (remove one, unless "
                           "the repetition is meant)")


@check("repeated-phrase", ERROR)
def repeated_phrase(source: str, target: str, context: Context) -> None:
    """A phrase repeated in a row, or a word three times: machine translation looping."""
    if _repeats(source) or _repeated_clauses(source):
        return
    looping = [f"'{phrase}' {times} times" for phrase, size, times in _repeats(target)
               if size > 1 or times > 2]
    looping += [f"'{clause}' {times} times" for clause, times in _repeated_clauses(target)]
    if looping:
        raise CheckFailure(f"repeated in a row: {', '.join(looping)} (machine translation "
                           "loops like this; keep one)")


# Below this many characters of source, lengths vary too much to say anything (a title
# "IMA on GCM" rightly grows threefold when the acronyms are spelled out).
LENGTH_MIN_SOURCE = 40


LENGTH_TOLERANCE = 2.0  # factor either way from the expected length


@check("length", WARNING)
def length(source: str, target: str, context: Context) -> None:
    """The translation is not far shorter or longer than the source usually gives."""
    source_length = len(prose(source).strip())
    if source_length < LENGTH_MIN_SOURCE:
        return
    expected = source_length * context.target.length_factor / context.source.length_factor
    actual = len(prose(target).strip())
    if actual * LENGTH_TOLERANCE < expected:
        raise CheckFailure(f"translation is {actual} characters where about {expected:.0f} "
                           "are usual: is part of the sentence missing?")
    if actual > expected * LENGTH_TOLERANCE:
        raise CheckFailure(f"translation is {actual} characters where about {expected:.0f} "
                           "are usual: is something added or repeated?")


@check("unchanged", WARNING,
       weblate=("same",))
def unchanged(source: str, target: str, context: Context) -> None:
    """The translation is the source copied, though it has words to translate."""
    if source.strip() != target.strip():
        return
    if not re.search(r"[^\W\d_]", without_terms(prose(source), context.keep)):
        return  # only numbers, addresses or do-not-translate terms
    raise CheckFailure("translation is identical to the source (fine for a name that "
                       "stays as it is; otherwise translate it)")
