"""Stage locale/ -> locale/: fill untranslated entries from translation memory, then Argos."""

from __future__ import annotations

import csv
import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from workflow.catalog import MACHINE_MARK, active_entries, entry_state
from workflow.config import Project
from workflow.errors import PamphletError
from workflow.fsutil import read_input, read_text, save_merged
from workflow.languages import DIGIT_SYSTEMS, WESTERN_DIGITS, to_ascii_digits
from workflow.models import Model, Route, find_route, installed_models
from workflow.patterns import AUTOLINK, CODE, EMAIL, TAG, URL
from workflow.pofile import format_po, parse_po_bytes, read_po
from workflow.source import read_project_statement
from workflow.update import select_slugs

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Decoding as Argos does it (its defaults for beam, length penalty, unknown words), so our
# output is what `argostranslate.translate()` would give for the same sentence.
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2
# Sentences per CTranslate2 batch; it sorts the inputs by length before batching, and
# spreads the batches over its workers.
BATCH_SIZE = 16
# Segments translated between two saves: large enough to keep batches full, small enough
# that an interrupted run has saved every catalog it had finished.
CHUNK_SIZE = 96
# A runaway hypothesis (a real model looping on a phrase) stops at this many tokens
# beyond twice the source length, instead of CTranslate2's fixed 256. The cap is a
# sentence's own (rounded up to a multiple of the margin, so that sentences of similar
# length share a batch): what else is pending never changes its translation.
DECODING_MARGIN = 16
MAX_DECODING_LENGTH = 512
# Translation memory: similarity (rapidfuzz ratio, 0-100) from which a reviewed
# translation of a similar sentence beats machine translation as a starting point.
MEMORY_CUTOFF = 80.0
MEMORY_MARK = "translation memory:"
# Translator-comment prefix of anything the reviewer must look at in a machine entry.
REVIEW_MARK = "review:"
COPY_MARK = f"{MACHINE_MARK} no model needed (only glossary terms, numbers, links)"
DNT_VALUES = {"yes": True, "": False, "no": False}

Progress = Callable[[int, int], None]


# --- Glossary -------------------------------------------------------------------------


@dataclass(frozen=True)
class Glossary:
    """locale/glossary.csv: a column per language, `dnt` for do-not-translate terms.

    The file is written for people, so only unconditional rows are applied to machine
    output: a row whose source cell carries a usage note, `(adjective)`, `(running text)`,
    or a word form, `migrant(s)`, is left to the reviewer. A parenthesis on both sides,
    `(IMA)`, is part of the term; a note only in the translation is dropped. Alternatives
    `a / b` pair one to one, or all go to a single translation.
    """

    rows: tuple[dict[str, str], ...] = ()
    keep: tuple[str, ...] = ()  # do-not-translate terms, as written in any language

    def terms(self, source: str, target: str) -> dict[str, str]:
        """Source term -> its translation, for one language pair; the first row wins where
        two give the same term."""
        terms: dict[str, str] = {}
        for row in self.rows:
            if row.get(source) and row.get(target):
                for term, translation in _term_pairs(row[source], row[target]):
                    if term.lower() not in map(str.lower, terms):
                        terms[term] = translation
        return terms


_NOTE = re.compile(r"\s*\(([^()]*)\)")
_ALTERNATIVES = re.compile(r"\s+/\s+")


def _term_pairs(source: str, target: str) -> list[tuple[str, str]]:
    if re.search(r"\w\(", source + target):  # a word form: migrant(s), migrante(s)
        return []
    source_notes, target_notes = _NOTE.findall(source), _NOTE.findall(target)
    if source_notes != target_notes:
        if source_notes:  # a usage note: the row applies only in some contexts
            return []
        target = _NOTE.sub("", target).strip()
    sources, targets = _ALTERNATIVES.split(source), _ALTERNATIVES.split(target)
    if len(targets) == 1:
        targets = targets * len(sources)
    if len(targets) != len(sources) or not all(sources) or not all(targets):
        return []
    return list(zip(sources, targets, strict=True))


def load_glossary(path: Path, languages: Iterable[str]) -> Glossary:
    """Read the glossary if there is one; a bad cell is reported with its line."""
    if not path.exists():
        return Glossary()
    reader = csv.DictReader(read_text(path).split("\n"))
    columns = [c.strip() for c in reader.fieldnames or []]
    wanted, languages = list(languages), [lang for lang in languages if lang in columns]
    if not languages:
        raise PamphletError(f"no language column ({', '.join(wanted)}) in the header", path, 1)
    rows, keep = [], []
    for row in reader:
        cells = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                 if isinstance(v, str | None) and k}
        dnt = cells.get("dnt", "").lower()
        if dnt not in DNT_VALUES:
            raise PamphletError(f"dnt must be 'yes' or empty, not {cells['dnt']!r}", path,
                                reader.line_num)
        terms = {lang: cells[lang] for lang in languages if cells.get(lang)}
        if DNT_VALUES[dnt]:
            keep.extend(terms.values())
        else:
            rows.append(terms)
    return Glossary(tuple(rows), tuple(dict.fromkeys(keep)))


# --- Placeholders ---------------------------------------------------------------------


@dataclass(frozen=True)
class Protected:
    """One masked span: what the source had, and what goes back into the translation."""

    original: str
    replacement: str
    kind: str  # "markup" is dropped if MT loses it, "text" is added back at the end
    glue: str = ""  # "right": attached to the next word (opening **), "left": to the previous


@dataclass(frozen=True)
class Masked:
    text: str
    items: tuple[Protected, ...] = ()

    @property
    def needs_translation(self) -> bool:
        return any(c.isalpha() for c in PLACEHOLDER.sub("", self.text))


# `{1}`: the form of placeholder Argos' OPUS-trained models copy through, as they learned
# from software localisation data; found back with spaces or native digits added.
PLACEHOLDER = re.compile(r"[{｛]\s*([0-9٠-٩۰-۹]+)\s*[}｝]")
# Earlier patterns win over later ones where they overlap.
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("text", CODE),  # code span
    ("text", AUTOLINK),
    ("text", PLACEHOLDER),  # the source's own `{1}` must not be taken for ours
    ("link_end", re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")),  # ](url "title")
    ("link_start", re.compile(r"!?\[(?=[^\]\n]*\]\()")),
    ("text", URL),
    ("text", EMAIL),
    ("markup", TAG),  # inline HTML
    ("glossary", None),  # do-not-translate and glossary terms, see _term_pattern
    ("text", re.compile(r"\b\w*[A-Za-z0-9]_\w+\b")),  # identifiers: Argos turns _ into spaces
    ("emphasis", re.compile(r"\*\*|__|~~|\*|_")),
    ("number", re.compile(r"(?<![\w.,٫٬])\d+(?:[.,:/٫٬-]\d+)*(?!\w)")),  # numbers, dates
)
# Arabic-script decimal and group separators, as Latin script writes them.
LATIN_SEPARATORS = str.maketrans({"٫": ".", "٬": ","})


def _term_pattern(terms: Iterable[str]) -> re.Pattern | None:
    ordered = sorted(set(terms), key=lambda t: (-len(t), t))  # longest first
    if not ordered:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)",
                      re.IGNORECASE)


class Masker:
    """Replaces what MT must not touch by numbered placeholders, and puts it back.

    Only do-not-translate terms are masked: a glossary term put in as its translation
    would lose its agreement, article or Arabic/Persian affixes in the sentence, so the
    output is checked for it instead (`hints`). Numbers come back in `digits`, the digits
    of the target language (Persian ۳۸ is 38 in English and ٣٨ in Arabic).
    """

    def __init__(self, glossary: Glossary | None = None, source: str = "", target: str = "",
                 digits: str | None = None):
        glossary = glossary or Glossary()
        self.keep = set(glossary.keep)
        self.digits = digits
        self.checks = glossary.terms(source, target) if source and target else {}
        self.term_pattern = _term_pattern(self.keep)
        self.check_pattern = _term_pattern(self.checks)

    def mask(self, text: str) -> Masked:
        spans: list[tuple[int, int, Protected]] = []
        for kind, pattern in _PATTERNS:
            pattern = self.term_pattern if kind == "glossary" else pattern
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                start, end = match.span()
                if start == end or any(s < end and start < e for s, e, _ in spans):
                    continue
                item = self._protect(kind, match.group(0), text, start, end)
                if item is not None:
                    spans.append((start, end, item))
        spans.sort(key=lambda span: span[0])
        pieces, items, cursor = [], [], 0
        for number, (start, end, item) in enumerate(spans, start=1):
            before = text[cursor:start]
            # A space between a placeholder and a word keeps the word whole for the
            # tokenizer; `glue` takes it out again on the way back.
            pad_left = " " if before and before[-1].isalnum() else ""
            pad_right = " " if end < len(text) and text[end].isalnum() else ""
            pieces.append(f"{before}{pad_left}{{{number}}}{pad_right}")
            items.append(item)
            cursor = end
        pieces.append(text[cursor:])
        return Masked("".join(pieces), tuple(items))

    def _protect(self, kind: str, found: str, text: str, start: int, end: int
                 ) -> Protected | None:
        if kind == "link_start":
            return Protected(found, found, "markup", "right")
        if kind == "link_end":
            return Protected(found, found, "text", "left")
        if kind == "emphasis":
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            if before.isalnum() and after.isalnum():  # snake_case or 2*3: not markup
                return None
            if after.isspace() and before.isspace():  # a lone star: keep it, unattached
                return Protected(found, found, "markup")
            closing = after.isspace() or (before.isalnum() and not after.isalnum())
            return Protected(found, found, "markup", "left" if closing else "right")
        if kind == "glossary":
            if found not in self.keep:  # a do-not-translate term in other case: not it
                return None
            return Protected(found, found, "text")
        if kind == "number":
            return Protected(found, self.write_digits(found), "text")
        return Protected(found, found, kind)

    def write_digits(self, text: str) -> str:
        """Digits (and Arabic-script separators, for Latin-script digits) as the target
        language writes them."""
        if self.digits is None:
            return text
        if self.digits == WESTERN_DIGITS:
            text = text.translate(LATIN_SEPARATORS)
        table = {ord(d): self.digits[value] for system in DIGIT_SYSTEMS
                 for value, d in enumerate(system)}
        return text.translate(table)

    def hints(self, source: str, translation: str) -> list[str]:
        """Glossary words of the source whose agreed translation is not in the output."""
        if self.check_pattern is None:
            return []
        by_lower = {term.lower(): term for term in self.checks}
        found = dict.fromkeys(by_lower[m.group(0).lower()]
                              for m in self.check_pattern.finditer(source))
        lowered = translation.lower()
        return [f"glossary: {term!r} is {self.checks[term]!r}" for term in found
                if self.checks[term].lower() not in lowered]

    def restore(self, output: str, masked: Masked) -> tuple[str, list[str]]:
        """The translation with every placeholder replaced, and what the reviewer must check:
        lost text is added at the end, lost markup dropped, repeats removed; digits the
        model wrote itself come out in the target's digits too."""
        items = masked.items
        problems: list[str] = []
        seen: set[int] = set()

        def token(number: int) -> str:
            # Private-use characters, never in real text, and no digits in them: the
            # model's own digits are rewritten around the tokens.
            return f"\ue000{chr(0xF0000 + number)}\ue001"

        removed = "\ue002"

        def substitute(match: re.Match) -> str:
            number = int(to_ascii_digits(match.group(1)))
            if not 1 <= number <= len(items):
                problems.append(f"MT added {match.group(0)!r} (removed)")
                return removed
            if number in seen:
                problems.append(f"MT repeated {items[number - 1].original!r} (removed)")
                return removed
            seen.add(number)
            return token(number)

        text = re.sub(r"\s*" + removed, "", PLACEHOLDER.sub(substitute, output))
        for number, item in enumerate(items, start=1):
            if item.glue == "right":
                text = re.sub(re.escape(token(number)) + r"\s+", token(number), text)
            elif item.glue == "left":
                text = re.sub(r"\s+" + re.escape(token(number)), token(number), text)
        for number, item in enumerate(items, start=1):
            if number in seen:
                continue
            if item.kind == "markup":
                problems.append(f"MT lost {item.original!r} (dropped)")
            else:
                problems.append(f"MT lost {item.original!r} (added at the end)")
                text = f"{text.rstrip()} {token(number)}"
        text = self.write_digits(text)
        for number, item in enumerate(items, start=1):
            text = text.replace(token(number), item.replacement)
        return re.sub(r"[ \t]{2,}", " ", text).strip(), problems


# --- Models ---------------------------------------------------------------------------


class Engine:
    """One Argos package loaded once: its CTranslate2 model and SentencePiece tokenizer,
    driven directly (Argos' own translate() splits sentences with a downloaded model and
    turns every `_` of the output into a space)."""

    def __init__(self, model: Model, max_decoding_length: int | None = None,
                 workers: int | None = None):
        import ctranslate2
        import sentencepiece

        if not model.tokenizer_path.is_file():
            raise PamphletError(f"{model.label} has no sentencepiece.model: not supported, get "
                                "a newer version of the package", model.path)
        log.info("loading %s (%s->%s)", model.label, model.from_code, model.to_code)
        self.model = model
        self.max_decoding_length = max_decoding_length
        try:
            # One single-threaded worker per core, each decoding its own batch: on the
            # 2-core machines measured, twice the throughput of one worker with 2 threads.
            self.translator = ctranslate2.Translator(
                str(model.model_dir), device="cpu", compute_type="auto",
                inter_threads=workers or os.cpu_count() or 1, intra_threads=1)
            self.tokenizer = sentencepiece.SentencePieceProcessor(
                model_file=str(model.tokenizer_path))
        except (RuntimeError, OSError, ValueError) as error:
            raise PamphletError(f"cannot load {model.label}: {error}", model.path) from None
        self.prefix = [model.target_prefix] if model.target_prefix else []

    def cap(self, tokens: list[str]) -> int:
        """Output tokens a sentence may take: its own length decides, nothing else."""
        if self.max_decoding_length:
            return self.max_decoding_length
        wanted = 2 * len(tokens) + DECODING_MARGIN
        return min(MAX_DECODING_LENGTH, -(-wanted // DECODING_MARGIN) * DECODING_MARGIN)

    def translate(self, texts: list[str]) -> list[str]:
        """Translate sentences in batches; the output is in the order of the input."""
        tokens = [self.tokenizer.encode(text, out_type=str) for text in texts]
        by_cap: dict[int, list[int]] = {}
        for index, sentence in enumerate(tokens):
            by_cap.setdefault(self.cap(sentence), []).append(index)
        outputs = [""] * len(texts)
        for cap, indices in sorted(by_cap.items()):
            group = [tokens[i] for i in indices]
            results = self.translator.translate_batch(
                group,
                target_prefix=[self.prefix] * len(group) if self.prefix else None,
                beam_size=BEAM_SIZE,
                length_penalty=LENGTH_PENALTY,
                replace_unknowns=True,
                max_batch_size=BATCH_SIZE,
                max_decoding_length=cap + len(self.prefix),
            )
            for index, result in zip(indices, results, strict=True):
                outputs[index] = self._detokenize(result.hypotheses[0])
        return outputs

    def _detokenize(self, pieces: list[str]) -> str:
        if self.prefix and pieces[:len(self.prefix)] == self.prefix:
            pieces = pieces[len(self.prefix):]
        # Pieces missing from the tokenizer's vocabulary come back with their ▁.
        return self.tokenizer.decode_pieces(pieces).replace("▁", " ").strip()


class MachineTranslator:
    """A route (one model, or two through English) with markup and glossary protection."""

    def __init__(self, route: Route, glossary: Glossary | None = None,
                 engines: dict[Path, Engine] | None = None,
                 max_decoding_length: int | None = None, workers: int | None = None,
                 digits: str | None = None):
        self.route = route
        self.masker = Masker(glossary, route.from_code, route.to_code, digits)
        engines = {} if engines is None else engines
        self.engines = []
        for model in route.steps:
            if model.path not in engines:
                engines[model.path] = Engine(model, max_decoding_length, workers)
            self.engines.append(engines[model.path])

    @property
    def mark(self) -> str:
        return f"{MACHINE_MARK} argos {self.route.description}"

    def translate_masked(self, texts: list[str]) -> list[str]:
        for engine in self.engines:
            texts = engine.translate(texts)
        return texts

    def translate(self, segments: list[str]) -> list[tuple[str, list[str]]]:
        """(translation, problems for the reviewer) of each segment."""
        masked = [self.masker.mask(segment) for segment in segments]
        done = iter(self.translate_masked([m.text for m in masked if m.needs_translation]))
        results = []
        for segment, one in zip(segments, masked, strict=True):
            text, problems = self.masker.restore(
                next(done) if one.needs_translation else one.text, one)
            results.append((text, problems + self.masker.hints(segment, text)))
        return results


# --- Translation memory ---------------------------------------------------------------


@dataclass
class Memory:
    """Reviewed translations of one language pair, from every catalog of the project."""

    exact: dict[str, tuple[str, str]] = field(default_factory=dict)  # msgid -> msgstr, where
    _choices: list[str] | None = None

    def lookup(self, msgid: str) -> Fill | None:
        if msgid in self.exact:
            msgstr, where = self.exact[msgid]
            return Fill(msgstr, [f"{MEMORY_MARK} exact match from {where}"], fuzzy=False,
                        source="memory_exact")
        if self._choices is None:
            self._choices = list(self.exact)
        match = process.extractOne(msgid, self._choices, scorer=fuzz.ratio,
                                   score_cutoff=MEMORY_CUTOFF)
        if match is None:
            return None
        msgstr, where = self.exact[match[0]]
        return Fill(msgstr, [f"{MEMORY_MARK} {match[1]:.0f}% match from {where}"], fuzzy=True,
                    previous_msgid=match[0], source="memory_fuzzy")


def build_memory(project: Project, source: str, target: str,
                 catalogs: dict[Path, polib.POFile]) -> Memory:
    memory = Memory()
    directory = project.locale / target
    for path in sorted(directory.glob("*.po")) if directory.is_dir() else []:
        catalog = catalogs.get(path) or read_po(path)
        if catalog.metadata.get("X-Source-Language", project.source_language) != source:
            continue
        where = project.relative(path).as_posix()
        for entry in active_entries(catalog):
            if entry_state(entry) == "reviewed" and not entry.msgid_plural:
                memory.exact.setdefault(entry.msgid, (entry.msgstr, where))
    return memory


# --- The stage ------------------------------------------------------------------------


@dataclass
class Fill:
    msgstr: str
    comments: list[str]
    fuzzy: bool = True
    previous_msgid: str | None = None
    source: str = "machine"  # machine, memory_exact or memory_fuzzy
    flagged: bool = False


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
    jobs = _catalog_jobs(project, select_slugs(project, slugs), languages)
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

    # Every model is found before anything is written: a missing one fails the run early.
    models = installed_models()
    pairs = sorted({(w.source, w.target) for w in works if w.pending})
    routes = {pair: find_route(*pair, models=models) for pair in pairs}

    report = TranslateReport(routes=[routes[pair].description for pair in pairs])
    total = sum(len(w.fills) for w in works) + sum(
        len({m.text for w in works if (w.source, w.target) == pair for m in w.pending.values()})
        for pair in pairs)
    done = sum(len(w.fills) for w in works)  # translation memory: found while planning
    for work in works:
        if not work.pending:
            _finish(project, work, report)
    if progress:
        progress(done, total)
    engines: dict[Path, Engine] = {}
    for pair in pairs:
        group = [w for w in works if (w.source, w.target) == pair and w.pending]
        translator = MachineTranslator(routes[pair], glossary, engines,
                                       digits=project.digits(pair[1]))
        done = _machine_translate(project, translator, group, report, progress, done, total)
    return report


def _catalog_jobs(project: Project, slugs: list[str], languages: list[str] | None
                  ) -> list[tuple[Path, str, str]]:
    jobs = []
    for slug in slugs:
        source = read_project_statement(project, slug).language
        for target in project.target_languages(source):
            if languages and target not in languages:
                continue
            path = project.po_path(slug, target)
            if not path.exists():
                raise PamphletError("no such catalog: run `pamphlet update` first",
                                    project.relative(path))
            jobs.append((path, source, target))
    return jobs


def _plan(path: Path, source: str, target: str, catalog: polib.POFile, memory: Memory,
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
    results: dict[str, str] = {}
    copies = {m.text for w in group for m in w.pending.values() if not m.needs_translation}
    results.update((text, text) for text in copies)
    done += len(copies)
    finished = 0
    for start in range(0, len(queue) + 1, CHUNK_SIZE):
        chunk = queue[start:start + CHUNK_SIZE]
        if chunk:
            log.info("translating %d segment(s) %s", len(chunk), translator.route.description)
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


def _machine_fill(translator: MachineTranslator, msgid: str, masked: Masked, output: str
                  ) -> Fill:
    msgstr, problems = translator.masker.restore(output, masked)
    problems += translator.masker.hints(msgid, msgstr)
    mark = translator.mark if masked.needs_translation else COPY_MARK
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
        return format_po(catalog).encode("utf-8") if counts else data

    if save_merged(work.path, read_input(work.path), fill):
        report.written.append(work.path)
        log.info("wrote %s", project.relative(work.path))
    else:
        report.unchanged.append(work.path)
    for source, count in counts.items():
        setattr(report, source, getattr(report, source) + count)


def _apply(entry: polib.POEntry, fill: Fill) -> None:
    ours = (MACHINE_MARK, MEMORY_MARK, REVIEW_MARK)
    kept = [line for line in (entry.tcomment or "").splitlines() if not line.startswith(ours)]
    entry.tcomment = "\n".join(kept + fill.comments)
    entry.msgstr = fill.msgstr
    entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
    if fill.fuzzy:
        entry.flags.insert(0, "fuzzy")
    entry.previous_msgid = fill.previous_msgid
