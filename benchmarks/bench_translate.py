"""Segments per second of `pamphlet translate`'s engines beside every peer, in one run.

Needs the full argostranslate (stanza, torch) and the LibreTranslate virtualenv:
`make bench-translate`. Every path runs the same random-weight model of real Argos size
(6+6 layers, d_model 512, 8 heads, ffn 2048, 32k vocabulary, int8) on the same sentences
with the same decoding (beam 4, length penalty 0.2, `--cap` output tokens: random weights
never choose </s>, so every path does exactly the same decoding work), timed in alternating
rounds in one process (this VM's speed drifts, and other processes share its cores):

- ours: `MachineTranslator.translate()` with the `argos` engine, the code `pamphlet
  translate` runs (masking, one asynchronous `translate_batch` per length cap, workers and
  batch size chosen from the core count, restoring);
- ours, `ctranslate2` engine: the same weights as a CTranslate2 model directory (the
  package's model/ and sentencepiece.model), routed as `engine = "ctranslate2"`;
- the ceiling: CTranslate2 alone on the same model, swept over workers x batch size
  (examples, and tokens), nothing else in the way: what this machine can do;
- Argos per sentence: `argostranslate.translate()` once per sentence, with its default
  threads and with one thread (its best setting differs between machines);
- Argos batch: the whole text in one `argostranslate.translate()` call, its batch
  (`ARGOS_BATCH_SIZE`, in tokens) large enough for all of it;
- LibreTranslate: one `/translate` request with `q` a list, to a real server on 127.0.0.1
  (its own virtualenv) with the same package. The benchmark runs in a network namespace of
  its own with only loopback up (it re-executes itself under `unshare -n` as root).

Argos' and LibreTranslate's sentence splitters (which download a model) are replaced by
ones that keep each segment whole, as our segments are sentences already, and their
CTranslate2 calls get the same output cap as ours.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the model builders live with the tests

REAL_SIZE = {"layers": 6, "d_model": 512, "heads": 8, "ffn": 2048}
VOCAB_SIZE = 32000
# LibreTranslate's CTranslate2 calls get the benchmark's output cap (see the docstring).
LT_CAP = """\
import os, ctranslate2
_cap = int(os.environ["BENCH_MAX_DECODING_LENGTH"])
_translate_batch = ctranslate2.Translator.translate_batch
def _capped(self, *args, **kwargs):
    kwargs["max_decoding_length"] = _cap
    return _translate_batch(self, *args, **kwargs)
ctranslate2.Translator.translate_batch = _capped
"""


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


def cpu_name() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


class CappedTranslator:
    """Argos' CTranslate2 translator with the benchmark's output-length cap added."""

    def __init__(self, translator, max_decoding_length: int):
        self.translator = translator
        self.max_decoding_length = max_decoding_length

    def translate_batch(self, *args, **kwargs):
        kwargs["max_decoding_length"] = self.max_decoding_length
        return self.translator.translate_batch(*args, **kwargs)


class KnownSentences:
    """Stands in for Argos' sentence splitter: the segments are sentences already (a whole
    text joined for the batch mode is split back into them)."""

    pieces: dict[str, list[str]] = {}

    def __init__(self, pkg):
        self.pkg = pkg

    def split_sentences(self, text: str) -> list[str]:
        return self.pieces.get(text, [text])


def in_network_namespace() -> bool:
    """Re-executed under `unshare -n` with loopback up: no packet can leave 127.0.0.1."""
    return os.environ.get("BENCH_NETNS") == "1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--cap", type=int, default=48,
                        help="output tokens per sentence, every path (default: 48)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating timing rounds; the per-sentence peers translate "
                             "a 1/ROUNDS share in each (default: 3)")
    parser.add_argument("--no-libretranslate", action="store_true",
                        help="leave out the LibreTranslate row (no server, no namespace)")
    parser.add_argument("--no-hugepages", action="store_true",
                        help="keep glibc's default malloc (see below)")
    args = parser.parse_args()
    tunables = os.environ.get("GLIBC_TUNABLES", "")
    if not args.no_hugepages and "glibc.malloc.hugetlb" not in tunables:
        # Without transparent huge pages for malloc, this VM runs CTranslate2 up to twice
        # as slowly for the first minutes of a process (page faults on fresh memory), which
        # swamps the comparison; with them, every path is at full speed from the start.
        os.environ["GLIBC_TUNABLES"] = ":".join(filter(None, [tunables,
                                                               "glibc.malloc.hugetlb=1"]))
        os.execv(sys.executable, [sys.executable, *sys.argv])
    if not args.no_libretranslate and not in_network_namespace():
        if os.geteuid() != 0 or not shutil.which("unshare"):
            raise SystemExit("the LibreTranslate row needs root and unshare (a network "
                             "namespace): run as root, or with --no-libretranslate")
        os.environ["BENCH_NETNS"] = "1"
        os.execvp("unshare", ["unshare", "-n", "--", "sh", "-c",
                              'ip link set lo up && exec "$@"', "sh", sys.executable,
                              *sys.argv])
    work = Path(tempfile.mkdtemp(prefix="bench-translate-"))
    try:
        return run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def ctranslate2_directory(package: Path, target: Path) -> Path:
    """The Argos package's weights as a CTranslate2 model directory for the ctranslate2
    engine: model/ as the converter wrote it, the tokenizer beside it."""
    target.mkdir()
    for item in (package / "model").iterdir():
        os.link(item, target / item.name)
    os.link(package / "sentencepiece.model", target / "sentencepiece.model")
    return target


def start_libretranslate(work: Path, packages: Path, cap: int):
    from tests.libretranslate import harness
    from tests.libretranslate.server import VENV

    hook = work / "lt-cap"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(LT_CAP)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (work / "lt").mkdir()
    spec = {"venv": str(VENV), "packages": str(packages), "work": str(work / "lt"),
            "port": port, "server_env": {"PYTHONPATH": str(hook),
                                         "BENCH_MAX_DECODING_LENGTH": str(cap)}}
    return harness.start_server(spec, ["--char-limit", "-1", "--batch-limit", "-1"])


def run(args: argparse.Namespace, work: Path) -> int:
    # Argos reads its settings when first imported: a private directory, nothing in $HOME.
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        os.environ[variable] = str(work / variable.lower())
    os.environ["ARGOS_PACKAGES_DIR"] = str(work / "packages")
    os.environ["ARGOS_BEAM_SIZE"] = "4"

    import ctranslate2
    import sentencepiece

    from tests.argos_fixture import build_package
    from workflow.models import find_route, install
    from workflow.mt.engines import ctranslate2 as ct2
    from workflow.mt.engines.argos import ArgosEngine
    from workflow.mt.stage import MachineTranslator

    texts = sentences(args.sentences)
    print(f"building a random-weight en->es model: {REAL_SIZE}, vocabulary {VOCAB_SIZE}, int8")
    started = time.perf_counter()
    # The largest tokenizer the seed texts allow: closer to the ~1.3 tokens per word of
    # Argos' 32k SentencePiece models than the tests' small one.
    archive = build_package(work, "en", "es", vocab_size=VOCAB_SIZE, tokenizer_size=1100,
                            **REAL_SIZE)
    package = install(archive)
    print(f"  built and installed in {time.perf_counter() - started:.1f} s "
          f"({archive.stat().st_size / 1e6:.0f} MB)")
    route = find_route("en", "es")
    ours = MachineTranslator(ArgosEngine(route, max_decoding_length=args.cap),
                             source="en", target="es")
    model_dir = ctranslate2_directory(package.path, work / "ct2-en-es")
    ours_ct2 = MachineTranslator(ct2.CTranslate2Engine(
        "en", "es", {"model": str(model_dir), "version": "bench"}, work,
        (work / "pyproject.toml", None), max_decoding_length=args.cap),
        source="en", target="es")
    placement = ours.engine.decoders[0].placement

    # The ceiling: CTranslate2 alone, on the same masked inputs our path decodes.
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(package.tokenizer_path))
    masked = [ours.masker.mask(text).text for text in texts]
    tokens = [tokenizer.encode(text, out_type=str) for text in masked]
    options = {"beam_size": 4, "length_penalty": 0.2, "max_decoding_length": args.cap,
               "replace_unknowns": True}
    cores = ct2.usable_cores()
    sweep = sorted({(1, 16, "examples"), (cores, 8, "examples"), (cores, 16, "examples"),
                    (cores, 24, "examples"), (cores, 32, "examples"),
                    (cores, 1024, "tokens")})
    ceilings = {}
    for workers, batch, kind in sweep:
        translator = ctranslate2.Translator(str(package.model_dir), device="cpu",
                                            inter_threads=workers, intra_threads=1)
        ceilings[workers, batch, kind] = translator

    def ceiling(key):
        def go(_texts):
            return ceilings[key].translate_batch(tokens, max_batch_size=key[1],
                                                 batch_type=key[2], **options)
        return go

    # Argos, through its public API.
    from argostranslate import settings
    from argostranslate import translate as argos

    argos.MiniSBDSentencizer = argos.StanzaSentencizer = KnownSentences
    translation = argos.get_translation_from_codes("en", "es").underlying
    model_path = str(translation.pkg.package_path / "model")
    argos_translators = {
        threads: CappedTranslator(ctranslate2.Translator(
            model_path, device="cpu", inter_threads=settings.inter_threads,
            intra_threads=threads, compute_type=settings.compute_type), args.cap)
        for threads in (settings.intra_threads, 1)}

    def argos_per_sentence(threads):
        def go(batch):
            translation.translator = argos_translators[threads]
            return [argos.translate(text, "en", "es") for text in batch]
        return go

    calls = itertools.count()

    def argos_batch(batch):
        # Argos caches the previous call's text: each call starts at another sentence.
        shift = next(calls) % len(batch)
        batch = batch[shift:] + batch[:shift]
        whole = " ".join(batch)
        KnownSentences.pieces = {whole: batch}
        translation.translator = argos_translators[settings.intra_threads]
        settings.batch_size = 64 * len(batch)  # in tokens: the whole text in one batch
        return argos.translate(whole, "en", "es")

    server = lt_url = None
    if not args.no_libretranslate:
        # LibreTranslate loads every package at start and asks its model index for more
        # when it has fewer than two: a small second package keeps it offline.
        lt_packages = work / "lt-packages"
        from tests.libretranslate.server import prepare_packages

        small = build_package(work, "es", "en", seed=1)
        prepare_packages([archive, small], lt_packages)
        server, lt_url = start_libretranslate(work, lt_packages, args.cap)

    def libretranslate(batch):
        body = json.dumps({"q": batch, "source": "en", "target": "es",
                           "format": "text"}).encode()
        request = urllib.request.Request(lt_url + "/translate", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=3600) as answer:
            result = json.loads(answer.read())["translatedText"]
        assert len(result) == len(batch)
        return result

    paths = {"ours (argos engine)": (ours.translate, False),
             "ours (ctranslate2 engine, same weights)": (ours_ct2.translate, False)}
    for key in sweep:
        workers, batch, kind = key
        paths[f"CTranslate2 alone, {workers} worker(s) x batches of {batch} {kind}"] = (
            ceiling(key), False)
    default = settings.intra_threads
    paths[f"Argos per sentence, intra_threads {default} (its default)"] = (
        argos_per_sentence(default), True)
    paths["Argos per sentence, intra_threads 1"] = (argos_per_sentence(1), True)
    paths["Argos batch: whole text in one call"] = (argos_batch, False)
    if server is not None:
        paths["LibreTranslate: one /translate request, q a list"] = (libretranslate, True)

    try:
        # Warm-up, then alternating rounds: every path in every round.
        for function, _share in paths.values():
            function(texts[:8])
        slices = [texts[i::args.rounds] for i in range(args.rounds)]
        rates: dict[str, list[float]] = {name: [] for name in paths}
        cpu: dict[str, list[float]] = {name: [] for name in paths}  # segments per CPU-second
        load_before = os.getloadavg()
        names = list(paths)
        for number, part in enumerate(slices):
            # Each round starts at another path: none is always the one after the slowest.
            for name in names[number % len(names):] + names[:number % len(names)]:
                function, share = paths[name]
                batch = part if share else texts
                started, cpu_started = time.perf_counter(), time.process_time()
                function(batch)
                rates[name].append(len(batch) / (time.perf_counter() - started))
                cpu[name].append(len(batch) / max(1e-9, time.process_time() - cpu_started))
            print(f"  round {number + 1}: " + ", ".join(
                f"{rates[name][-1]:.2f}" for name in paths))
    finally:
        if server is not None:
            from tests.libretranslate.harness import stop_server

            stop_server(server)

    median = {name: statistics.median(values) for name, values in rates.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpu.items()}
    load_after = os.getloadavg()
    ours_rate = median["ours (argos engine)"]
    best_name = max((n for n in paths if n.startswith("CTranslate2 alone")), key=median.get)
    argos_best = max((n for n in paths if n.startswith("Argos per sentence")), key=median.get)
    print()
    print(f"machine: {cpu_name()}, {os.cpu_count()} cores ({cores} usable); CTranslate2 "
          f"{ctranslate2.__version__}, CUDA devices seen: {ctranslate2.get_cuda_device_count()}")
    print(f"{len(texts)} sentences, beam 4, length penalty 0.2, {args.cap} output tokens "
          f"each; median of {args.rounds} alternating rounds (per-sentence peers: a "
          f"1/{args.rounds} share per round)")
    print(f"ours: device {placement.device}, {placement.workers} worker(s) x "
          f"{placement.threads} thread (one per usable core), batches of "
          f"{placement.batch_for(len(texts))} (at most {ct2.CPU_BATCH_SIZE}, as many for "
          "every worker)")
    print(f"load average (1 min) before and after the rounds: {load_before[0]:.1f}, "
          f"{load_after[0]:.1f} on {os.cpu_count()} cores (other processes share them)")
    width = max(map(len, paths))
    print(f"  {'path':<{width}}  segments/s  per CPU-second of this process")
    for name in paths:
        own = "(server)" if name.startswith("LibreTranslate") else f"{cpu_median[name]:7.2f}"
        print(f"  {name:<{width}}  {median[name]:10.2f}  {own:>8}")
    print(f"ours / best ceiling ({best_name}): {ours_rate / median[best_name]:.2f} "
          "(target >= 0.9)")
    print(f"ours / {argos_best} (Argos' best thread setting): "
          f"{ours_rate / median[argos_best]:.1f}x (target >= 5)")
    batch_mode = median["Argos batch: whole text in one call"]
    print(f"ours / Argos batch mode: {ours_rate / batch_mode:.1f}x")
    if server is not None:
        name = "LibreTranslate: one /translate request, q a list"
        print(f"ours / LibreTranslate batch request: {ours_rate / median[name]:.1f}x")
    print(f"ctranslate2 engine / argos engine (same weights): "
          f"{median['ours (ctranslate2 engine, same weights)'] / ours_rate:.2f} (target 1.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
