"""The `ctranslate2` engine: a CTranslate2 model directory (OPUS-MT/Marian, NLLB, M2M-100),
and the decoder every local engine shares (Argos packages are CTranslate2 models too)."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import PamphletError
from workflow.mt.engines import Output
from workflow.workers import usable_cores

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# Decoding as Argos does it (its defaults for beam, length penalty, unknown words), so our
# output is what `argostranslate.translate()` would give for the same sentence.
BEAM_SIZE = 4
LENGTH_PENALTY = 0.2
# Most sentences per CTranslate2 batch on a CPU. Measured on the 2-core machines of this
# project (benchmarks/bench_translate.py, three runs, 2026-12-01): 2 workers decode more
# per CPU-second with batches of 8 (11.8 segments) than of 16 (10.5), 24 (9.5) or 32 (9.4),
# and were faster by the clock in every run; batching beyond that only copies more decoder
# state as beams are reordered.
CPU_BATCH_SIZE = 8
# On a GPU a batch is one kernel launch per step for all its sentences: the larger the
# better, up to what the run has.
GPU_BATCH_SIZE = 64
# A runaway hypothesis (a real model looping on a phrase) stops at this many tokens
# beyond twice the source length, instead of CTranslate2's fixed 256. The cap is a
# sentence's own (rounded up to a multiple of the margin, so that sentences of similar
# length share a batch): what else is pending never changes its translation.
DECODING_MARGIN = 16
MAX_DECODING_LENGTH = 512
DEVICES = ("auto", "cpu", "cuda")
# Where the converters put the tokenizers: OPUS-MT's own files (ct2-opus-mt-converter,
# copied beside model.bin), or the SentencePiece model of NLLB and M2M-100
# (ct2-transformers-converter --copy_files sentencepiece.bpe.model).
MARIAN_TOKENIZERS = ("source.spm", "target.spm")
SHARED_TOKENIZERS = ("sentencepiece.bpe.model", "sentencepiece.model", "spm.model")
VOCABULARIES = ("shared_vocabulary", "target_vocabulary")
# Language tokens of multilingual models: NLLB's `spa_Latn`, M2M-100's `__es__`.
LANGUAGE_TOKEN = re.compile(r"^(?:[a-z]{3}_[A-Z][a-z]{3}|__[a-z]{2,3}__)$")


@dataclass(frozen=True)
class Placement:
    """Where and how a model runs: device, compute type, parallel workers, batch size."""

    device: str
    compute_type: str
    workers: int  # CTranslate2 inter_threads: batches decoded at the same time
    threads: int  # intra_threads per worker
    batch_size: int  # most sentences per batch

    def batch_for(self, pending: int) -> int:
        """Sentences per batch for a run of `pending` sentences: at most `batch_size`, and
        batches of equal size, about as many for every worker (20 sentences on 2 workers
        with batches of 8: two of 10, not 8 + 8 + 4, where one worker decodes the last one
        while the other waits)."""
        rounds = math.ceil(pending / (self.workers * self.batch_size))  # batches per worker
        return max(1, math.ceil(pending / (self.workers * max(1, rounds))))


def place(device: str = "auto", workers: int | None = None) -> Placement:
    """CUDA when CTranslate2 sees a GPU (`auto`) or is told so, otherwise the CPU.

    CPU: one single-threaded worker per usable core, each decoding its own batch: on the
    2-core machines measured, twice the throughput of one worker with 2 threads (a decoding
    step of one batch does not spread well over threads). GPU: one worker, large batches,
    float16 (int8 weights with float16 activations where the GPU supports it).
    """
    import ctranslate2

    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device == "cuda":
        supported = ctranslate2.get_supported_compute_types("cuda")
        compute = "int8_float16" if "int8_float16" in supported else "float16"
        return Placement("cuda", compute, workers or 1, 1, GPU_BATCH_SIZE)
    return Placement("cpu", "auto", workers or usable_cores(), 1, CPU_BATCH_SIZE)


class Decoder:
    """One CTranslate2 model loaded once with its SentencePiece tokenizer(s), decoding with
    Argos' settings; each output comes with its confidence."""

    def __init__(self, model_dir: Path, source_tokenizer: Path, target_tokenizer: Path,
                 label: str, *, source_prefix: Sequence[str] = (),
                 source_suffix: Sequence[str] = (), target_prefix: Sequence[str] = (),
                 placement: Placement | None = None, max_decoding_length: int | None = None,
                 where: tuple[Path, int | None] | None = None):
        import ctranslate2
        import sentencepiece

        self.label = label
        self.placement = placement or place()
        self.max_decoding_length = max_decoding_length
        self.source_prefix, self.source_suffix = list(source_prefix), list(source_suffix)
        self.prefix = list(target_prefix)
        log.info("loading %s on %s (%s, %d worker(s))", label, self.placement.device,
                 self.placement.compute_type, self.placement.workers)
        try:
            self.translator = ctranslate2.Translator(
                str(model_dir), device=self.placement.device,
                compute_type=self.placement.compute_type,
                inter_threads=self.placement.workers, intra_threads=self.placement.threads)
            self.tokenizer = sentencepiece.SentencePieceProcessor(
                model_file=str(source_tokenizer))
            self.detokenizer = (self.tokenizer if target_tokenizer == source_tokenizer else
                                sentencepiece.SentencePieceProcessor(
                                    model_file=str(target_tokenizer)))
        except (RuntimeError, OSError, ValueError) as error:
            path, line = where or (model_dir, None)
            raise PamphletError(f"cannot load {label} from {model_dir}: {error}", path,
                                line) from None

    def cap(self, tokens: list[str]) -> int:
        """Output tokens a sentence may take: its own length decides, nothing else."""
        if self.max_decoding_length:
            return self.max_decoding_length
        wanted = 2 * len(tokens) + DECODING_MARGIN
        return min(MAX_DECODING_LENGTH, -(-wanted // DECODING_MARGIN) * DECODING_MARGIN)

    def encode(self, text: str) -> list[str]:
        return [*self.source_prefix, *self.tokenizer.encode(text, out_type=str),
                *self.source_suffix]

    def translate(self, texts: list[str]) -> list[Output]:
        """Translate sentences in batches; the output is in the order of the input.

        Sentences are grouped by their length cap, and every group is handed to
        CTranslate2 at once (asynchronously): its workers take batches from all groups, so
        none waits for the longest group to finish before the next one starts.
        """
        tokens = [self.encode(text) for text in texts]
        by_cap: dict[int, list[int]] = {}
        for index, sentence in enumerate(tokens):
            by_cap.setdefault(self.cap(sentence), []).append(index)
        batch = self.placement.batch_for(len(texts))
        pending = []
        for cap, indices in sorted(by_cap.items()):
            group = [tokens[i] for i in indices]
            results = self.translator.translate_batch(
                group,
                target_prefix=[self.prefix] * len(group) if self.prefix else None,
                beam_size=BEAM_SIZE,
                length_penalty=LENGTH_PENALTY,
                replace_unknowns=True,
                max_batch_size=batch,
                max_decoding_length=cap + len(self.prefix),
                return_scores=True,
                asynchronous=True,
            )
            pending.append((cap + len(self.prefix), indices, results))
        outputs = [Output("")] * len(texts)
        for limit, indices, results in pending:
            for index, result in zip(indices, results, strict=True):
                result = result.result()
                hypothesis = result.hypotheses[0]
                outputs[index] = Output(self._detokenize(hypothesis),
                                        self.confidence(result.scores[0], hypothesis, limit))
        return outputs

    def confidence(self, score: float, hypothesis: list[str], limit: int) -> float:
        """The geometric mean of the token probabilities of the hypothesis.

        CTranslate2's score is the sum of the log-probabilities of the generated tokens
        (the end token included, the target prefix not) divided by length ** penalty, where
        the length counts every token of the hypothesis, the prefix included, plus the end
        token if it was reached: undone here, then averaged over the generated tokens.
        """
        finished = len(hypothesis) < limit
        length = len(hypothesis) + finished
        generated = length - len(self.prefix)
        if generated <= 0:
            return 1.0
        return math.exp(score * length ** LENGTH_PENALTY / generated)

    def _detokenize(self, pieces: list[str]) -> str:
        if self.prefix and pieces[:len(self.prefix)] == self.prefix:
            pieces = pieces[len(self.prefix):]
        # Pieces missing from the tokenizer's vocabulary come back with their ▁.
        return self.detokenizer.decode_pieces(pieces).replace("▁", " ").strip()


# --- The ctranslate2 engine: a converted model directory ------------------------------

SETTINGS = ("engine", "model", "version", "source_token", "target_token", "device",
            "workers")


@dataclass(frozen=True)
class ModelDirectory:
    """A CTranslate2 model directory as the converters write it, checked before loading."""

    path: Path
    source_tokenizer: Path
    target_tokenizer: Path
    add_source_eos: bool  # CTranslate2 appends </s> itself (ct2-opus-mt-converter's models)
    vocabulary: frozenset[str]

    @property
    def multilingual(self) -> bool:
        return sum(bool(LANGUAGE_TOKEN.match(token)) for token in self.vocabulary) >= 2


# The small files of a model directory (JSON, vocabularies, tokenizers) are read whole, up
# to this size; model.bin is only ever read by CTranslate2, and in part by model_version.
SMALL_FILE_LIMIT = 256 * 1024 * 1024
IDENTITY_FILES = ("config.json", *(f"{kind}_vocabulary.{ext}" for kind in
                                    ("shared", "source", "target") for ext in ("json", "txt")),
                  *MARIAN_TOKENIZERS, *SHARED_TOKENIZERS)
# model_version reads this much of each end of model.bin, not its gigabytes.
VERSION_SAMPLE = 1024 * 1024


def inspect_model(path: Path, where: tuple[Path, int | None]) -> ModelDirectory:
    """The model's files, or an error naming the route's line.

    A model folder may lie outside the project (models are big and shared, ~/models) and
    may be reached through links: it is only read, never written. Anything in it that is
    not a regular file or a folder (a FIFO, a device) is refused before CTranslate2's
    loader could block on it; the JSON and vocabularies are checked for their types.
    """
    try:
        entries = list(os.scandir(path))
    except OSError as error:
        raise PamphletError(f"cannot list the model directory {path} "
                            f"({error.strerror or error})", *where) from None
    for entry in entries:
        try:
            mode = os.stat(entry.path).st_mode  # through links: what the loader opens
        except OSError:
            continue  # a dangling link: the loader cannot open it either
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            raise PamphletError(f"{entry.path} is not a regular file (a FIFO, a device or a "
                                "socket): a model directory holds plain files", *where)
    if not (path / "model.bin").is_file():
        raise PamphletError(f"no CTranslate2 model in {path} (no model.bin): convert the model "
                            "with ct2-opus-mt-converter or ct2-transformers-converter", *where)
    if all((path / name).is_file() for name in MARIAN_TOKENIZERS):
        source, target = (path / name for name in MARIAN_TOKENIZERS)
    else:
        shared = next((path / n for n in SHARED_TOKENIZERS if (path / n).is_file()), None)
        if shared is None:
            raise PamphletError(
                f"no SentencePiece tokenizer in {path}: copy source.spm and target.spm "
                "(OPUS-MT) or sentencepiece.bpe.model (NLLB, M2M-100) from the original "
                "model beside model.bin", *where)
        source = target = shared
    config: dict = {}
    if (path / "config.json").is_file():
        read = _json(path / "config.json", where)
        if not isinstance(read, dict):
            raise PamphletError(f"{path / 'config.json'} must hold a JSON object, not "
                                f"{type(read).__name__}", *where)
        config = read
    return ModelDirectory(path, source, target, config.get("add_source_eos") is True,
                          frozenset(_target_vocabulary(path, where)))


def _small_file(path: Path, where: tuple[Path, int | None]) -> bytes:
    """A small file of the model directory, whole: a regular file of a sane size."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise PamphletError(f"cannot read {path} ({error.strerror or error})", *where) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PamphletError(f"{path} is not a regular file", *where)
        if info.st_size > SMALL_FILE_LIMIT:
            raise PamphletError(f"{path} is {info.st_size:,} bytes: too large for a "
                                "model's configuration or vocabulary", *where)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return stream.read(SMALL_FILE_LIMIT + 1)
    finally:
        os.close(fd)


def _text(path: Path, where: tuple[Path, int | None]) -> str:
    try:
        return _small_file(path, where).decode("utf-8")
    except UnicodeDecodeError as error:
        raise PamphletError(f"{path} is not UTF-8 (byte {error.start:,}): is it the file "
                            "the converter wrote?", *where) from None


def _json(path: Path, where: tuple[Path, int | None]) -> object:
    try:
        return json.loads(_text(path, where))
    except (ValueError, RecursionError) as error:
        raise PamphletError(f"{path} is not valid JSON: {str(error)[:120]}", *where) from None


def _target_vocabulary(path: Path, where: tuple[Path, int | None]) -> list[str]:
    for name in VOCABULARIES:
        if (path / f"{name}.json").is_file():
            tokens = _json(path / f"{name}.json", where)
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                raise PamphletError(f"{path / f'{name}.json'} must be a JSON list of tokens "
                                    "(strings)", *where)
            return tokens
        if (path / f"{name}.txt").is_file():
            return _text(path / f"{name}.txt", where).split("\n")
    return []


def model_version(path: Path) -> str:
    """A model's identity when the route names no version: a SHA-256 of its small files
    (configuration, vocabularies, tokenizers), of model.bin's size and of its first and
    last megabyte, so two conversions of different weights never share a mark, and a
    model of 20 GB is not read whole on every run."""
    digest = hashlib.sha256()
    for name in IDENTITY_FILES:
        if (path / name).is_file():
            digest.update(name.encode() + b"\0")
            digest.update(_small_file(path / name, (path, None)))
    with open(path / "model.bin", "rb") as weights:
        size = os.fstat(weights.fileno()).st_size
        digest.update(f"model.bin\0{size}\0".encode())
        digest.update(weights.read(VERSION_SAMPLE))
        weights.seek(max(0, size - VERSION_SAMPLE))
        digest.update(weights.read(VERSION_SAMPLE))
    return "sha256:" + digest.hexdigest()[:12]


class CTranslate2Engine:
    """A route's CTranslate2 model directory for one language pair."""

    name = "ctranslate2"

    def __init__(self, source: str, target: str, settings: dict, root: Path,
                 where: tuple[Path, int | None], max_decoding_length: int | None = None,
                 default_device: str = "auto"):
        self.model = check_settings(settings, root, where)
        token = settings.get("target_token", "")
        source_token = settings.get("source_token", "")
        self.version = settings.get("version") or model_version(self.model.path)
        self.description = (f"{source}->{target} {self.model.path.name} {self.version}")
        workers = settings.get("workers")
        placement = place(settings.get("device", default_device), workers)
        # HF tokenizers end the source with </s> (Marian, NLLB, M2M-100); the converters
        # leave that to the caller, except ct2-opus-mt-converter (add_source_eos).
        self.decoder = Decoder(
            self.model.path, self.model.source_tokenizer, self.model.target_tokenizer,
            f"{self.model.path.name} {self.version}",
            source_prefix=[source_token] if source_token else [],
            source_suffix=[] if self.model.add_source_eos else ["</s>"],
            target_prefix=[token] if token else [], placement=placement,
            max_decoding_length=max_decoding_length, where=where)

    def translate(self, texts: list[str]) -> list[Output]:
        return self.decoder.translate(texts)


def check_settings(settings: dict, root: Path, where: tuple[Path, int | None]
                   ) -> ModelDirectory:
    """A ctranslate2 route's settings, checked without loading the model."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise PamphletError(f"unknown setting(s) for the ctranslate2 engine: "
                            f"{', '.join(unknown)} (it takes {', '.join(SETTINGS[1:])})",
                            *where)
    model = settings.get("model")
    if not isinstance(model, str) or not model:
        raise PamphletError("a ctranslate2 route needs `model`, the path of a CTranslate2 "
                            "model directory (relative to the project)", *where)
    for key in ("version", "source_token", "target_token"):
        if not isinstance(settings.get(key, ""), str):
            raise PamphletError(f"{key} must be a string", *where)
    device = settings.get("device", "auto")
    if device not in DEVICES:
        raise PamphletError(f"device must be one of {', '.join(DEVICES)}, not {device!r}",
                            *where)
    workers = settings.get("workers", 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise PamphletError(f"workers must be a whole number from 1, not {workers!r}", *where)
    if "\0" in model:
        raise PamphletError("model holds a NUL character", *where)
    path = root / model
    if not path.is_dir():
        raise PamphletError(f"no such model directory: {model}", *where)
    directory = inspect_model(path, where)
    for key in ("source_token", "target_token"):
        token = settings.get(key)
        if token and directory.vocabulary and token not in directory.vocabulary:
            raise PamphletError(f"{key} {token!r} is not in the vocabulary of {model}",
                                *where)
    if directory.multilingual and not settings.get("target_token"):
        raise PamphletError(f"{model} is a multilingual model: give the target language "
                            "token, e.g. target_token = \"spa_Latn\" (NLLB) or \"__es__\" "
                            "(M2M-100), and source_token for the source", *where)
    return directory
