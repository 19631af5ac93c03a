"""Stage locale/ -> locale/: fill untranslated entries from translation memory, then MT.

Each language pair goes to the engine its route names (workflow/mt/routing.py): Argos
packages, a CTranslate2 model directory or a LibreTranslate server. Whatever the engine,
machine output is fuzzy and marked with engine, route, model, version and confidence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workflow.catalog.model import (
    MACHINE_MARK,
    Catalog,
    Entry,
    active_entries,
    entry_state,
    machine_comment,
    stamp_machine_text,
)
from workflow.catalog.pofile import format_po, layout_like, parse_po_bytes, read_po
from workflow.config import Project
from workflow.corpus import Corpus
from workflow.errors import PamphletError, SystemRefusal
from workflow.fsutil import read_input, save_merged
from workflow.glossary import Glossary, load_glossary
from workflow.limits import MAX_SEGMENT_CHARS
from workflow.models import installed_models
from workflow.mt.engines import Engine, Output
from workflow.mt.masking import Masked, Masker
from workflow.mt.memory import MEMORY_MARK, Fill, Memory, build_memory
from workflow.mt.routing import EngineCache, open_engine
from workflow.patterns import HIDDEN_CONTROL, hidden_control_names

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Segments translated between two saves: large enough to keep batches full, small enough
# that an interrupted run has saved every catalog it had finished.
CHUNK_SIZE = 96
# Translator-comment prefix of anything the reviewer must look at in a machine entry.
REVIEW_MARK = "review:"
COPY_MARK = f"{MACHINE_MARK} no model needed (only glossary terms, numbers, links)"

Progress = Callable[[int, int], None]


class EngineRefused(SystemRefusal):
    """An engine's answer that a catalog could not hold: the run stops, exit 1."""


class MachineTranslator:
    """One pair's engine with markup and glossary protection."""

    def __init__(self, engine: Engine, glossary: Glossary | None = None,
                 source: str = "", target: str = "", digits: str | None = None):
        self.engine = engine
        self.masker = Masker(glossary, source, target, digits)
        self.cleaned: dict[str, list[str]] = {}  # output -> characters removed from it

    def mark(self, confidence: float | None) -> str:
        return machine_comment(self.engine.name, self.engine.description, confidence)

    def translate_masked(self, texts: list[str]) -> list[Output]:
        """The engine's outputs, made safe to write at the boundary: hidden and control
        characters removed (remembered, for the reviewer's comment), and an output longer
        than a catalog may hold refused before anything of it is written."""
        outputs = self.engine.translate(texts)
        safe = []
        for output in outputs:
            names = hidden_control_names(output.text)
            if names:
                output = Output(HIDDEN_CONTROL.sub("", output.text), output.confidence)
                self.cleaned[output.text] = names
            if len(output.text) > MAX_SEGMENT_CHARS:
                raise EngineRefused(
                    f"the {self.engine.name} engine ({self.engine.description}) answered a "
                    f"segment with {len(output.text):,} characters, and a catalog string "
                    f"holds at most {MAX_SEGMENT_CHARS:,}: its answer is refused and nothing "
                    "of it was written")
            safe.append(output)
        return safe

    def translate(self, segments: list[str]) -> list[tuple[str, list[str]]]:
        """(translation, problems for the reviewer) of each segment."""
        masked = [self.masker.mask(segment) for segment in segments]
        done = iter(self.translate_masked([m.text for m in masked if m.needs_translation]))
        results = []
        for segment, one in zip(segments, masked, strict=True):
            text, problems = self.masker.restore(
                next(done).text if one.needs_translation else one.text, one)
            results.append((text, problems + self.masker.hints(segment, text)))
        return results


@dataclass
class CatalogWork:
    path: Path
    source: str
    target: str
    fills: dict[str, Fill] = field(default_factory=dict)
    pending: dict[str, Masked] = field(default_factory=dict)  # msgid -> what MT gets


@dataclass
class TranslateReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    machine: int = 0
    memory_exact: int = 0
    memory_fuzzy: int = 0
    flagged: int = 0  # machine entries with a `review:` comment
    routes: list[str] = field(default_factory=list)


def translate(project: Project, slugs: list[str] | None = None,
              languages: list[str] | None = None, progress: Progress | None = None
              ) -> TranslateReport:
    """Fill every untranslated entry of the selected catalogs.

    Reviewed translations of the same or a similar sentence come first; the rest is
    machine-translated, each model loaded once and all segments of a language pair sent
    in large batches. Machine output is fuzzy and carries a `machine translation:` comment;
    entries with a translation are never touched. Each catalog is saved as soon as it is
    complete, so an interrupted run keeps everything finished so far.
    """
    project.check_languages(languages)
    glossary = load_glossary(project.glossary_path, project.languages)
    jobs = _catalog_jobs(project, slugs, languages)
    catalogs = {path: read_po(path) for path, _, _ in jobs}
    memories: dict[tuple[str, str], Memory] = {}
    maskers: dict[tuple[str, str], Masker] = {}
    works = []
    for path, source, target in jobs:
        pair = (source, target)
        if pair not in memories:
            memories[pair] = build_memory(project, source, target, catalogs)
            maskers[pair] = Masker(glossary, source, target, project.digits(target))
        works.append(_plan(path, source, target, catalogs[path], memories[pair], maskers[pair]))

    # Every engine is opened (models loaded, servers asked for their languages) before
    # anything is written: a missing model or an unreachable server fails the run early.
    models = installed_models()
    pairs = sorted({(w.source, w.target) for w in works if w.pending})
    cache = EngineCache()
    translators = {pair: MachineTranslator(open_engine(project, *pair, models, cache),
                                           glossary, *pair, digits=project.digits(pair[1]))
                   for pair in pairs}

    report = TranslateReport(routes=[f"{translators[pair].engine.name} "
                                     f"{translators[pair].engine.description}"
                                     for pair in pairs])
    total = sum(len(w.fills) for w in works) + sum(
        len({m.text for w in works if (w.source, w.target) == pair for m in w.pending.values()})
        for pair in pairs)
    done = sum(len(w.fills) for w in works)  # translation memory: found while planning
    for work in works:
        if not work.pending:
            _finish(project, work, report)
    if progress:
        progress(done, total)
    for pair in pairs:
        group = [w for w in works if (w.source, w.target) == pair and w.pending]
        done = _machine_translate(project, translators[pair], group, report, progress, done,
                                  total)
    return report


def _catalog_jobs(project: Project, slugs: list[str] | None, languages: list[str] | None
                  ) -> list[tuple[Path, str, str]]:
    jobs = []
    for slug, source, target in Corpus(project).targets(slugs, languages):
        path = project.po_path(slug, target)
        if not path.exists():
            raise PamphletError("no such catalog: run `pamphlet update` first",
                                project.relative(path))
        jobs.append((path, source, target))
    return jobs


def _plan(path: Path, source: str, target: str, catalog: Catalog, memory: Memory,
          masker: Masker) -> CatalogWork:
    work = CatalogWork(path, source, target)
    for entry in active_entries(catalog):
        if entry_state(entry) != "untranslated":
            continue
        if entry.msgid_plural:  # statements have none; a hand-made one is left to people
            log.warning("%s: skipping plural entry %r", path, entry.msgid[:40])
            continue
        fill = memory.lookup(entry.msgid)
        if fill is not None:
            work.fills[entry.msgid] = fill
        else:
            work.pending[entry.msgid] = masker.mask(entry.msgid)
    return work


def _machine_translate(project: Project, translator: MachineTranslator,
                       group: list[CatalogWork], report: TranslateReport,
                       progress: Progress | None, done: int, total: int) -> int:
    """Translate the group's segments in chunks, saving each catalog once it is complete."""
    queue = list(dict.fromkeys(m.text for w in group for m in w.pending.values()
                               if m.needs_translation))
    results: dict[str, Output] = {}
    copies = {m.text for w in group for m in w.pending.values() if not m.needs_translation}
    results.update((text, Output(text)) for text in copies)
    done += len(copies)
    finished = 0
    for start in range(0, len(queue) + 1, CHUNK_SIZE):
        chunk = queue[start:start + CHUNK_SIZE]
        if chunk:
            log.info("translating %d segment(s): %s %s", len(chunk), translator.engine.name,
                     translator.engine.description)
            results.update(zip(chunk, translator.translate_masked(chunk), strict=True))
            done += len(chunk)
        while finished < len(group) and all(m.text in results
                                            for m in group[finished].pending.values()):
            work = group[finished]
            for msgid, masked in work.pending.items():
                work.fills[msgid] = _machine_fill(translator, msgid, masked,
                                                  results[masked.text])
            _finish(project, work, report)
            finished += 1
        if progress:
            progress(done, total)
    return done


def _machine_fill(translator: MachineTranslator, msgid: str, masked: Masked, output: Output
                  ) -> Fill:
    msgstr, problems = translator.masker.restore(output.text, masked)
    problems += translator.masker.hints(msgid, msgstr)
    if output.text in translator.cleaned:
        problems.append(f"the engine's output held {', '.join(translator.cleaned[output.text])}"
                        " (hidden or control characters), removed here")
    if len(msgstr) > MAX_SEGMENT_CHARS:  # restored placeholders made it longer
        raise EngineRefused(f"a machine translation of {len(msgstr):,} characters: a "
                            f"catalog string holds at most {MAX_SEGMENT_CHARS:,}; nothing of "
                            "it was written")
    mark = translator.mark(output.confidence) if masked.needs_translation else COPY_MARK
    comments = [mark] + [f"{REVIEW_MARK} {problem}" for problem in problems]
    return Fill(msgstr, comments, flagged=bool(problems))


def _finish(project: Project, work: CatalogWork, report: TranslateReport) -> None:
    """Apply the fills to the catalog as it is on disk now and save it if it changed.

    The file is read again: a translator may have saved it since the run started, and
    only entries still untranslated are filled. A save made while this one is written is
    merged too (fsutil.save_merged): it is never overwritten.
    """
    counts: dict[str, int] = {}

    def fill(data: bytes | None) -> bytes:
        if data is None:
            raise PamphletError("the catalog was removed while `translate` ran: run "
                                "`pamphlet update`, then translate again", work.path)
        catalog = parse_po_bytes(data, work.path)[1]
        counts.clear()
        for entry in active_entries(catalog):
            fill = work.fills.get(entry.msgid)
            if (fill is None or not fill.msgstr or entry_state(entry) != "untranslated"
                    or entry.msgid_plural or entry.msgctxt is not None):
                continue
            _apply(entry, fill)
            key = "flagged" if fill.source == "machine" and fill.flagged else None
            counts[fill.source] = counts.get(fill.source, 0) + 1
            if key:
                counts[key] = counts.get(key, 0) + 1
        # Nothing filled: the file stays as it is, in whatever layout its editor gave it.
        return layout_like(format_po(catalog), data).encode("utf-8") if counts else data

    if save_merged(work.path, read_input(work.path), fill):
        report.written.append(work.path)
        log.info("wrote %s", project.relative(work.path))
    else:
        report.unchanged.append(work.path)
    for source, count in counts.items():
        setattr(report, source, getattr(report, source) + count)


def _apply(entry: Entry, fill: Fill) -> None:
    ours = (MACHINE_MARK, MEMORY_MARK, REVIEW_MARK)
    kept = [line for line in (entry.tcomment or "").splitlines() if not line.startswith(ours)]
    # the machine's text is recorded by its digest: a person's later edit shows (catalog.py)
    entry.tcomment = stamp_machine_text("\n".join(kept + fill.comments), fill.msgstr)
    entry.msgstr = fill.msgstr
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    if fill.fuzzy:
        entry.flags.insert(0, "fuzzy")
    entry.previous_msgid = fill.previous_msgid
