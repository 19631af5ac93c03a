"""The review gate of `build --final`: which editions may go to print, which refuse the
build, and which --keep holds back, whatever the builders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workflow.errors import PamphletError

if TYPE_CHECKING:
    from workflow.builders.base import Job
    from workflow.corpus import Corpus
    from workflow.edition import Edition

# Rows of the --final refusal shown by the command line: the rest is for `pamphlet status`.
REFUSAL_ROWS = 12


@dataclass(frozen=True)
class Blocker:
    """Why one edition (a statement in one language) may not go to print."""

    slug: str
    language: str
    reviewed: int
    total: int
    problem: str  # "2 machine, 1 fuzzy", "3 check error(s)", ...
    lines: tuple[str, ...]  # the first catalog lines to look at
    catalog: str

    def __str__(self) -> str:
        return (f"{self.slug} [{self.language}]: {self.problem}"
                f" (first at {', '.join(self.lines) or self.catalog})")


class FinalRefused(PamphletError):
    """`build --final` refused: every edition that is not ready, as Blockers."""

    def __init__(self, blockers: list[Blocker]):
        self.blockers = blockers
        shown = "; ".join(str(b) for b in blockers[:3])
        more = f"; and {len(blockers) - 3} more" if len(blockers) > 3 else ""
        super().__init__(f"--final refused: {shown}{more}")


def gate_blockers(editions: list[Edition], keep: int | None = None, limit: int = 3
                  ) -> list[Blocker]:
    """Why these editions may not go to print: unreviewed segments (beyond `keep` percent
    reviewed, for a partial edition), where they are."""
    blockers = []
    for edition in editions:
        if edition.reaches(keep):
            continue
        states = ", ".join(f"{n} {state}" for state, n in edition.counts.items()
                           if n and state != "reviewed")
        lines = [f"{edition.catalog_path}:{line}"
                 for line in dict.fromkeys(edition.unreviewed_lines)][:limit]
        short = ""
        if keep is not None:
            short = (f"{edition.reviewed_percent} % reviewed, under --keep {keep}: "
                     if edition.counts["reviewed"] else "nothing reviewed: ")
        blockers.append(Blocker(edition.statement.slug, edition.language,
                                edition.counts["reviewed"], sum(edition.counts.values()),
                                short + states, tuple(lines), edition.catalog_path or ""))
    return blockers


def gate_problems(editions: list[Edition], keep: int | None = None, limit: int = 3
                  ) -> list[str]:
    """gate_blockers(), each as one line."""
    return [str(blocker) for blocker in gate_blockers(editions, keep, limit)]


def final_gate(corpus: Corpus, jobs: list[Job], keep: int | None
               ) -> tuple[list[Blocker], dict[tuple[str, str], str]]:
    """(what refuses the whole --final build, editions held back below `keep`), over the
    editions the jobs show, whatever their builders.

    Check errors in printed text always refuse. Without `keep` every unreviewed segment
    refuses; with it, an edition under the threshold is held back (po4a's --keep) and one
    above it prints its unreviewed segments in the source language, so the check errors of
    those entries do not matter.
    """
    from workflow.qa import check_catalog
    from workflow.qa.msgfmt import msgfmt_errors

    project = corpus.project
    blockers: list[Blocker] = []
    held: dict[tuple[str, str], str] = {}
    for slug in dict.fromkeys(job.slug for job in jobs):
        langs = sorted({lang for job in jobs if job.slug == slug for lang in job.languages})
        editions = {e.language: e for e in corpus.editions(slug, langs, draft=False)}
        for edition in editions.values():
            for blocker in gate_blockers([edition], keep):
                if keep is None:
                    blockers.append(blocker)
                else:
                    held[(slug, edition.language)] = str(blocker)
        for lang in langs:
            if (slug, lang) in held:  # none of its text is printed
                continue
            errors = [f for f in check_catalog(project, slug, lang, corpus=corpus)
                      if f.severity == "error" and (keep is None or f.state == "reviewed")]
            if errors:
                edition = editions[lang]
                blockers.append(Blocker(
                    slug, lang, edition.counts["reviewed"], sum(edition.counts.values()),
                    f"{len(errors)} check error(s)",
                    tuple(f"{f.path}:{f.line} [{f.check}]" for f in errors[:3]),
                    edition.catalog_path or ""))
            # what GNU gettext would refuse to compile does not go to print either
            path = project.po_path(slug, lang)
            refused = msgfmt_errors(path) if path.exists() else []
            if refused:
                edition = editions[lang]
                blockers.append(Blocker(
                    slug, lang, edition.counts["reviewed"], sum(edition.counts.values()),
                    f"msgfmt -c refuses the catalog: {refused[0][1]}",
                    tuple(f"{project.relative(path)}:{line}" for line, _ in refused[:3]),
                    edition.catalog_path or ""))
    return blockers, held
