"""Running the checks on catalogs: findings at the msgid line of each entry, Weblate's
`ignore-<check>` flags honoured, a chosen set of checks (`check --only/--skip`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import workflow.qa.checks  # noqa: F401  (registers every check)
from workflow.catalog.model import Located, active_entries, entry_state, machine_confidence
from workflow.catalog.pofile import read_po_located
from workflow.config import Project
from workflow.corpus import Corpus
from workflow.glossary import Glossary
from workflow.qa import cache
from workflow.qa.checks.spelling import zwnj_problem
from workflow.qa.context import Context, language_rules, make_context
from workflow.qa.registry import CHECKS, ERROR, WARNING, Check, CheckFailure, ignored_by, selected


@dataclass(frozen=True)
class Finding:
    """One problem in one entry, located at the line of its msgid."""

    path: str  # relative to the project root, e.g. locale/ar/slug.po
    line: int
    check: str
    severity: str
    message: str
    state: str = ""  # the entry's review state: reviewed, machine or fuzzy; or SOURCE

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.check}] {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def check_entry(source: str, target: str, context: Context,
                checks: list[Check] | None = None) -> list[tuple[Check, str]]:
    """(check, message) for every check the translation fails, in registry order."""
    failures = []
    for item in CHECKS if checks is None else checks:
        try:
            item.function(source, target, context)
        except CheckFailure as failure:
            failures.append((item, str(failure)))
    return failures


def check_po(path: Path, display_path: str, context: Context,
             located: Located | None = None) -> list[Finding]:
    """Every finding in one PO file (`located`: as read already); untranslated and obsolete
    entries are skipped, and so is every check an entry's flags silence (`#, ignore-numbers`,
    `#, ignore-same`)."""
    catalog, lines = located if located is not None else read_po_located(path)
    findings = []
    for entry in active_entries(catalog):
        state = entry_state(entry)
        if state == "untranslated":
            continue
        ignored = ignored_by(entry.flags)
        checks = [item for item in CHECKS if item.name not in ignored] if ignored else None
        here = (replace(context, machine=True, confidence=machine_confidence(entry))
                if state == "machine" else context)
        for item, message in check_entry(entry.msgid, entry.msgstr, here, checks):
            findings.append(Finding(display_path, lines[entry.linenum or 0], item.name,
                                    item.severity, message, state))
    return findings


MISSING = "missing-catalog"  # a finding of no check: the catalog is not there
SOURCE = "source"  # the state of a finding in a statement's own text, source/SLUG.md
_FIELDS = {"path": str, "line": int, "check": str, "severity": str, "message": str,
           "state": str}


def _cached_findings(cached: object) -> list[Finding] | None:
    """The findings a cache entry holds, or None unless every one is whole and of a known
    check and severity (a `"check": null` would otherwise drop an error unseen)."""
    if not isinstance(cached, list):
        return None
    names = {item.name: item.severity for item in CHECKS}
    findings = []
    for finding in cached:
        if (not isinstance(finding, dict) or finding.keys() != _FIELDS.keys()
                or any(type(finding[k]) is not kind for k, kind in _FIELDS.items())
                or names.get(finding["check"]) != finding["severity"]):
            return None
        findings.append(Finding(**finding))
    return findings


def check_catalog(project: Project, slug: str, language: str,
                  glossary: Glossary | None = None, corpus: Corpus | None = None
                  ) -> list[Finding]:
    """Findings in one statement's catalog for one language (none if it does not exist).
    With `corpus`, its files are read through it (once for the run), and what it found is
    kept when the run saves the corpus; without, this call reads and saves its own."""
    path = project.po_path(slug, language)
    if not path.exists():
        return []
    if corpus is None:
        corpus = Corpus(project)
        try:
            return check_catalog(project, slug, language, glossary, corpus)
        finally:
            corpus.save()
    display = project.relative(path).as_posix()
    key = cache.findings_key(project, path, corpus.language(slug), language, corpus.digest)
    cached = cache.findings_table(corpus.store)
    entry = cached.get(display)
    if entry is not None and entry.get("key") == key:
        findings = _cached_findings(entry.get("findings"))
        if findings is not None:  # else damaged, or written by another version: check again
            return findings
    if glossary is None:
        glossary = corpus.glossary()
    context = replace(make_context(language, corpus.language(slug), glossary),
                      min_confidence=project.machine_translation.min_confidence)
    findings = check_po(path, display, context, corpus.catalog(slug, language))
    cached[display] = {"key": key, "findings": [asdict(f) for f in findings]}
    return findings


def check_source(project: Project, slug: str, corpus: Corpus, keep: tuple[str, ...] = ()
                 ) -> list[Finding]:
    """`zwnj` warnings on a statement's own text, by line of source/SLUG.md (front matter
    too: the title is printed): a Persian statement pasted without ZWNJs prints its
    misspellings in every edition, and its translators copy them."""
    rules = language_rules(corpus.language(slug)).zwnj
    if rules is None:
        return []
    path = project.source_path(slug)
    display = project.relative(path).as_posix()
    text = corpus.data(path).decode("utf-8")
    return [Finding(display, number, "zwnj", WARNING, problem, SOURCE)
            for number, line in enumerate(text.split("\n"), start=1)
            if (problem := zwnj_problem(line, rules, keep))]


def run_checks(project: Project, slugs: list[str] | None = None,
               languages: list[str] | None = None, only: list[str] | None = None,
               skip: list[str] | None = None) -> list[Finding]:
    """Findings in every catalog of the selected statements and languages, in file order,
    of the chosen checks (all, or `only` these, less `skip`)."""
    project.check_languages(languages)
    names = {item.name for item in selected(only, skip)}
    corpus = Corpus(project)
    glossary = corpus.glossary()
    findings = []
    try:
        if "zwnj" in names:  # the statements' own text, where it is in a language selected
            findings += [finding for slug in corpus.slugs(slugs)
                         if not languages or corpus.language(slug) in languages
                         for finding in check_source(project, slug, corpus, glossary.keep)]
        for slug, _, language in corpus.targets(slugs, languages):
            path = project.po_path(slug, language)
            if not path.exists() and not path.is_symlink():  # not "no problems found"
                findings.append(Finding(project.relative(path).as_posix(), 1, MISSING, ERROR,
                                        "no catalog for this configured language: run "
                                        "`pamphlet update`"))
                continue
            findings += [finding for finding in check_catalog(project, slug, language,
                                                              glossary, corpus)
                         if finding.check in names]
        return findings
    finally:  # the digests and findings: the next run checks only the files changed since
        corpus.save()


def summary(findings: list[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {"errors": counts[ERROR], "warnings": counts[WARNING],
            "catalogs": len({f.path for f in findings if f.state != SOURCE}),
            "statements": len({f.path for f in findings if f.state == SOURCE})}
