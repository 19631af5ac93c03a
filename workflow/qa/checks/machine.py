"""Checks of unreviewed machine translations: the source copied, a low model confidence."""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from workflow.languages import to_ascii_digits
from workflow.qa.context import Context
from workflow.qa.registry import WARNING, CheckFailure, check
from workflow.qa.text import normalise, prose, without_terms

# A machine output this similar to its source (rapidfuzz ratio, 0-100) is the source copied
# with a word or two changed: Argos' en->ar does that for about a quarter of sentences.
COPY_SIMILARITY = 90.0


@check("machine-copy", WARNING)
def machine_copy(source: str, target: str, context: Context) -> None:
    """A machine translation that copies its source, though it has words to translate."""
    if not context.machine:
        return
    if not re.search(r"[^\W\d_]", without_terms(prose(source), context.keep)):
        return  # only numbers, addresses or do-not-translate terms
    # Numbers come back in the target's digits: a copy with ٧٠٠٠ for 7000 is still a copy.
    copied = fuzz.ratio(normalise(to_ascii_digits(source)), normalise(to_ascii_digits(target)))
    if copied >= COPY_SIMILARITY:
        raise CheckFailure("the machine translation copies its source: translate it, or "
                           "route this language pair to another engine in "
                           "[tool.pamphlet.machine_translation]")


@check("confidence", WARNING)
def low_confidence(source: str, target: str, context: Context) -> None:
    """A machine translation whose model confidence is under `min_confidence`."""
    minimum, confidence = context.min_confidence, context.confidence
    if not context.machine or minimum is None or confidence is None:
        return
    if confidence < minimum:
        raise CheckFailure(f"model confidence {confidence:.2f} is below min_confidence "
                           f"{minimum:g}: review this one first")
