"""What a check may consult besides the two strings: the languages' profiles, the glossary."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflow import languages
from workflow.config import Project
from workflow.glossary import Glossary, load_glossary
from workflow.languages.profile import Profile
from workflow.qa.text import LATIN_WORD


def language_rules(code: str) -> Profile:
    """The rules of a language: its profile."""
    return languages.get(code)


@dataclass(frozen=True)
class Term:
    """One glossary row for a language pair: how the source may write the term and the
    renderings the translation may use (alternatives split at ' / ', notes in brackets
    and '(s)' endings removed)."""

    agreed: str  # the target cell, as in the glossary, for messages
    source: tuple[str, ...]
    target: tuple[str, ...]


@dataclass(frozen=True)
class Context:
    """Everything a check may consult besides the two strings."""

    source: Profile
    target: Profile
    terms: tuple[Term, ...] = ()
    keep: tuple[str, ...] = ()  # do-not-translate terms, and Latin words of agreed terms
    # Of the entry checked, where it is unreviewed machine output (qa/checks/machine.py):
    machine: bool = False
    confidence: float | None = None  # the model's, from its mark (None: n/a)
    min_confidence: float | None = None  # the project's setting


# "(s)" is an optional ending, "(PYD)" part of the name; any other bracket is a note.
GLOSSARY_NOTE = re.compile(r"\s*\((?!e?s\)|[A-Z][A-Z0-9&.-]+\))[^()]*\)")


def cell_variants(cell: str) -> tuple[str, ...]:
    """The ways a glossary cell may appear in text: 'migrant(s) / asylum seeker (noun)' ->
    ('migrant', 'asylum seeker (noun)', 'asylum seeker')."""
    variants: list[str] = []
    for alternative in re.split(r"\s+/\s+", cell):
        for form in (alternative, GLOSSARY_NOTE.sub("", alternative)):
            form = re.sub(r"\(e?s\)", "", form).strip()
            if form and form not in variants:
                variants.append(form)
    return tuple(variants)


def make_context(target: str, source: str = "en", glossary: Glossary | None = None
                 ) -> Context:
    glossary = glossary or Glossary()
    # A note on the source side ("U.S. (adjective)", "you (addressing readers)") says when
    # a row applies, which a check cannot see: such rows guide the translator only.
    terms = tuple(Term(row[target], cell_variants(row[source]), cell_variants(row[target]))
                  for row in glossary.rows if row.get(source) and row.get(target)
                  and not GLOSSARY_NOTE.search(row[source]))
    latin_in_terms = [word for term in terms for variant in term.target
                      for word in LATIN_WORD.findall(variant)]
    keep = tuple(dict.fromkeys([*glossary.keep, *latin_in_terms]))
    return Context(language_rules(source), language_rules(target), terms, keep)


def read_glossary(project: Project) -> Glossary:
    """locale/glossary.csv, or an empty glossary if there is none."""
    return load_glossary(project.glossary_path, project.languages)
