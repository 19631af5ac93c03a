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
in both paths: the same decoding work per sentence. Importing argostranslate.translate
loads torch, whose OpenMP runtime slows CTranslate2 down in the same process; `pamphlet`
never loads torch, so our path is timed before that import, and again after it.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import socket
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
    parser.add_argument("--argos-threads", type=int,
                        help="ARGOS_INTRA_THREADS for the Argos path (default: Argos' own)")
    args = parser.parse_args()

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


def run(args: argparse.Namespace, work: Path) -> int:
    # Argos reads its settings when first imported: a private directory, nothing in $HOME.
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(work / variable.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    os.environ["ARGOS_BEAM_SIZE"] = "4"
    if args.argos_threads is not None:
        os.environ["ARGOS_INTRA_THREADS"] = str(args.argos_threads)
    refuse_network()

    # ctranslate2.specs (the model builder) imports torch when it can: keep it out until
    # Argos needs it, or our path would be timed with torch loaded after all.
    sys.modules["torch"] = None
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

    machine = ours.MachineTranslator(find_route("en", "es"), max_decoding_length=args.cap)
    machine.translate(["Warm-up."])
    batched, ours_seconds = timed(machine.translate, texts)

    # Argos' translate module imports stanza, hence torch: only now.
    del sys.modules["torch"]
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
    argos.translate("Warm-up.", "en", "es")
    single, argos_seconds = timed(lambda batch: [argos.translate(t, "en", "es") for t in batch],
                                  texts)
    _, torch_seconds = timed(machine.translate, texts)

    comparable = [(mine, theirs) for (mine, problems), theirs in zip(batched, single,
                                                                     strict=True)
                  if not problems]
    same = sum(mine == theirs for mine, theirs in comparable)
    ours_rate, argos_rate = len(texts) / ours_seconds, len(texts) / argos_seconds
    torch_rate = len(texts) / torch_seconds
    engine = machine.engines[0].translator
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores; CTranslate2 "
          f"{ctranslate2.__version__}, compute type {engine.compute_type}")
    print(f"{len(texts)} sentences, beam {settings.beam_size}/{ours.BEAM_SIZE}, length penalty "
          f"0.2, {args.cap} output tokens per sentence (Argos/ours)")
    print(f"ours: {engine.num_translators} worker(s) x 1 thread, batches of {ours.BATCH_SIZE}; "
          f"Argos: inter_threads {settings.inter_threads}, intra_threads "
          f"{settings.intra_threads} (0: CTranslate2's default)")
    print(f"ours, batched:            {ours_rate:7.2f} segments/s ({ours_seconds:.1f} s)")
    print(f"argostranslate.translate: {argos_rate:7.2f} segments/s ({argos_seconds:.1f} s)")
    print(f"ours, batched, torch loaded in the process: {torch_rate:.2f} segments/s")
    print(f"ratio: {ours_rate / argos_rate:.1f}x (target >= 8); "
          f"{torch_rate / argos_rate:.1f}x with both under torch")
    print(f"identical outputs: {same}/{len(comparable)} sentences without placeholders "
          "(random weights give near-ties that batching numerics can flip)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
