"""Segments per second: our batched path against argostranslate.translate() per sentence.

Needs the full argostranslate (stanza, torch): `make bench`. Both paths run the same
random-weight model of real Argos size (6+6 layers, d_model 512, 8 heads, ffn 2048, 32k
vocabulary, int8) on the same sentences, with the same beam size (4), length penalty (0.2)
and output-length cap, in one process, fully offline (a socket guard fails on any
connection). What differs is how the model is driven:

- ours: `workflow.translate.MachineTranslator.translate()`, the code `pamphlet translate`
  runs: placeholders masked, every sentence in one `translate_batch` call (batches of 16
  spread over one single-threaded CTranslate2 worker per core), placeholders restored;
- Argos: `argostranslate.translate.translate(sentence, "en", "es")` once per sentence, as a
  caller of its public API does, with Argos' own thread settings (its defaults unless
  `--argos-threads` is given). Two changes make it run offline and decode the same way:
  its sentence splitter (MiniSBD or stanza, which download a model on first use) is
  replaced by one returning the text whole, as our segments are sentences already; and
  its CTranslate2 translator is given the same `max_decoding_length` as ours.

Random weights almost never produce </s>, so every output is exactly `--cap` tokens long
in both paths: the same decoding work per sentence. Both paths run in one process, after
argostranslate.translate has loaded stanza and torch (`pamphlet` itself never loads
them), warmed up, then timed in alternating rounds. The process runs with
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (it re-executes itself to set it): see main().
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the model builder lives with the tests

REAL_SIZE = {"layers": 6, "d_model": 512, "heads": 8, "ffn": 2048}
VOCAB_SIZE = 32000


def refuse_network() -> None:
    def refuse(*args, **kwargs):
        raise RuntimeError("network access attempted during the benchmark")

    for name in ("connect", "connect_ex", "sendto"):
        setattr(socket.socket, name, refuse)
    socket.create_connection = refuse
    socket.getaddrinfo = refuse


def sentences(count: int) -> list[str]:
    """The segments of the statements in source/, in reading order, cycled up to `count`
    (Argos caches only the previous call's text, so a repeat further on is no help)."""
    from workflow.config import load_project
    from workflow.segment import segment_statement
    from workflow.source import read_statement

    project = load_project(ROOT)
    found: list[str] = []
    for slug in project.slugs():
        document = segment_statement(read_statement(project.source_path(slug)))
        found += [s.text for s, _kind, _line in document.segments() if s.translatable]
    found = list(dict.fromkeys(found))
    return list(itertools.islice(itertools.cycle(found), count))


def timed(function, texts: list[str]) -> tuple[list, float]:
    started = time.perf_counter()
    result = function(texts)
    return result, time.perf_counter() - started


class CappedTranslator:
    """Argos' CTranslate2 translator with the benchmark's output-length cap added."""

    def __init__(self, translator, max_decoding_length: int):
        self.translator = translator
        self.max_decoding_length = max_decoding_length

    def translate_batch(self, *args, **kwargs):
        kwargs["max_decoding_length"] = self.max_decoding_length
        return self.translator.translate_batch(*args, **kwargs)


class WholeText:
    """Stands in for Argos' sentence splitter: the segment is one sentence already."""

    def __init__(self, pkg):
        self.pkg = pkg

    def split_sentences(self, text: str) -> list[str]:
        return [text]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--cap", type=int, default=48,
                        help="output tokens per sentence, both paths (default: 48)")
    parser.add_argument("--rounds", type=int, default=4,
                        help="alternating timing rounds: ours on all sentences, Argos on "
                             "a 1/ROUNDS share (default: 4)")
    parser.add_argument("--argos-threads", type=int,
                        help="ARGOS_INTRA_THREADS for the Argos path (default: Argos' own)")
    parser.add_argument("--sweep", action="store_true",
                        help="instead: CTranslate2 alone on the same model, by batch size and "
                             "workers (why batching gains what it gains on this CPU)")
    parser.add_argument("--no-hugepages", action="store_true",
                        help="keep glibc's default malloc (see below)")
    args = parser.parse_args()
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if not args.no_hugepages and "glibc.malloc.hugetlb" not in tunables:
        # Without transparent huge pages for malloc, this VM runs CTranslate2 up to twice
        # as slowly for the first minutes of a process (page faults on fresh memory), which
        # swamps the comparison; with them, both paths are at full speed from the start.
        os.environ["GLIBC_TUNABLES"] = ":".join(filter(None, [tunables,
                                                               "glibc.malloc.hugetlb=1"]))
        os.execv(sys.executable, [sys.executable, *sys.argv])

    work = Path(tempfile.mkdtemp(prefix="bench-translate-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def sweep(model, texts: list[str], cap: int) -> int:
    """Segments/second of bare CTranslate2 (Argos' decoding settings) by batching."""
    import ctranslate2
    import sentencepiece

    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(model.tokenizer_path))
    tokens = [tokenizer.encode(text, out_type=str) for text in texts]
    options = {"beam_size": 4, "length_penalty": 0.2, "max_decoding_length": cap}
    print(f"CTranslate2 {ctranslate2.__version__} alone, {len(texts)} sentences, beam 4, "
          f"{cap} output tokens each; {cpu_name()}, {os.cpu_count()} cores")
    for workers, batch in ((1, 1), (1, 16), (2, 4), (2, 16), (2, 24), (2, 64)):
        translator = ctranslate2.Translator(str(model.model_dir), device="cpu",
                                            inter_threads=workers, intra_threads=1)
        translator.translate_batch(tokens[:8], **options)  # warm-up
        started = time.perf_counter()
        if batch == 1:  # one call per sentence, as argostranslate.translate() makes
            for sentence in tokens:
                translator.translate_batch([sentence], **options)
        else:
            translator.translate_batch(tokens, max_batch_size=batch, **options)
        seconds = time.perf_counter() - started
        print(f"  {workers} worker(s) x 1 thread, batches of {batch:2d}: "
              f"{len(tokens) / seconds:6.2f} segments/s")
    return 0


def run(args: argparse.Namespace, work: Path) -> int:
    # Argos reads its settings when first imported: a private directory, nothing in $HOME.
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(work / variable.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    os.environ["ARGOS_BEAM_SIZE"] = "4"
    if args.argos_threads is not None:
        os.environ["ARGOS_INTRA_THREADS"] = str(args.argos_threads)
    refuse_network()

    from tests.argos_fixture import build_package
    from workflow import translate as ours
    from workflow.models import find_route, install

    texts = sentences(args.sentences)
    print(f"building a random-weight en->es model: {REAL_SIZE}, vocabulary {VOCAB_SIZE}, int8")
    started = time.perf_counter()
    # The largest tokenizer the seed texts allow: closer to the ~1.3 tokens per word of
    # Argos' 32k SentencePiece models than the tests' small one.
    archive = build_package(work, "en", "es", vocab_size=VOCAB_SIZE, tokenizer_size=1100,
                            **REAL_SIZE)
    install(archive)
    print(f"  built and installed in {time.perf_counter() - started:.1f} s "
          f"({archive.stat().st_size / 1e6:.0f} MB)")

    if args.sweep:
        return sweep(find_route("en", "es").steps[0], texts, args.cap)

    import ctranslate2
    from argostranslate import settings
    from argostranslate import translate as argos

    argos.MiniSBDSentencizer = argos.StanzaSentencizer = WholeText
    translation = argos.get_translation_from_codes("en", "es")
    package_translation = translation.underlying
    package_translation.translator = CappedTranslator(ctranslate2.Translator(
        str(package_translation.pkg.package_path / "model"), device=settings.device,
        inter_threads=settings.inter_threads, intra_threads=settings.intra_threads,
        compute_type=settings.compute_type), args.cap)
    machine = ours.MachineTranslator(find_route("en", "es"), max_decoding_length=args.cap)

    def argos_path(batch: list[str]) -> list[str]:
        return [argos.translate(text, "en", "es") for text in batch]

    # Both paths are warmed up, then timed in alternating rounds: the same machine state
    # for both, as this VM's speed drifts.
    machine.translate(texts)
    argos_path(texts[:10])
    slices = [texts[i::args.rounds] for i in range(args.rounds)]
    ours_times, argos_times, single = [], [], [[] for _ in slices]
    for number, part in enumerate(slices):
        batched, seconds = timed(machine.translate, texts)
        ours_times.append(seconds)
        single[number], seconds = timed(argos_path, part)
        argos_times.append(seconds)
        print(f"  round {number + 1}: ours {len(texts) / ours_times[-1]:.2f}, Argos "
              f"{len(part) / seconds:.2f} segments/s")
    single = [single[i % args.rounds][i // args.rounds] for i in range(len(texts))]
    ours_rate = len(texts) / statistics.median(ours_times)
    argos_rate = len(texts) / sum(argos_times)

    comparable = [(mine, theirs) for (mine, problems), theirs in zip(batched, single,
                                                                     strict=True)
                  if not problems]
    same = sum(mine == theirs for mine, theirs in comparable)
    engine = machine.engines[0].translator
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores; CTranslate2 "
          f"{ctranslate2.__version__}, compute type {engine.compute_type}")
    print(f"{len(texts)} sentences, beam {settings.beam_size}/{ours.BEAM_SIZE}, length penalty "
          f"0.2, {args.cap} output tokens per sentence (Argos/ours)")
    print(f"ours: {engine.num_translators} worker(s) x 1 thread, batches of {ours.BATCH_SIZE}; "
          f"Argos: inter_threads {settings.inter_threads}, intra_threads "
          f"{settings.intra_threads} (0: CTranslate2's default)")
    print(f"ours, batched (median of {args.rounds} runs):  {ours_rate:7.2f} segments/s")
    print(f"argostranslate.translate, per sentence:  {argos_rate:7.2f} segments/s "
          f"({len(texts)} sentences in {sum(argos_times):.0f} s)")
    print(f"ratio: {ours_rate / argos_rate:.1f}x (target >= 8)")
    print(f"identical outputs: {same}/{len(comparable)} sentences without placeholders "
          "(random weights give near-ties that batching numerics can flip)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
