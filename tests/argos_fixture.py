"""Tiny but real Argos Translate packages, built at test time: random-weight CTranslate2
Transformers with a SentencePiece tokenizer trained on source/*.md, zipped as .argosmodel."""

from __future__ import annotations

import atexit
import functools
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import polib
import sentencepiece
from ctranslate2 import specs

REPO = Path(__file__).resolve().parent.parent
NAMES = {"en": "English", "es": "Spanish", "ar": "Arabic", "fa": "Persian", "ur": "Urdu",
         "tl": "Tagalog", "fr": "French"}
# The pairs the tests install: en->es and en->ar direct, es->en so es->ar pivots.
TEST_PAIRS = (("en", "es", ""), ("es", "en", ""), ("en", "ar", "__ar__"))
# Outputs of about 30 tokens on the seed sentences (instead of always the length cap).
TEST_EOS_BIAS = 2.75


def seed_texts() -> list[str]:
    """Every non-empty line of the statements in source/: what the tokenizer learns."""
    lines = []
    for path in sorted((REPO / "source").glob("*.md")):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                  if line.strip() and line.strip() != "---"]
    return lines


def mixed_script_texts() -> list[str]:
    """The statements and every translation in locale/ (Spanish, Arabic, Persian): a
    tokenizer trained on them gives a model whose outputs mix scripts, as real MT of a
    name or a number does."""
    lines = seed_texts()
    for path in sorted((REPO / "locale").glob("*/*.po")):
        lines += [entry.msgstr for entry in polib.pofile(str(path)) if entry.msgstr]
    return lines


@functools.cache
def train_tokenizer(vocab_size: int = 600, mixed: bool = False) -> bytes:
    """A serialized SentencePiece unigram model (trained on mixed-script text if asked)."""
    model = io.BytesIO()
    texts = mixed_script_texts() if mixed else seed_texts()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=model, vocab_size=vocab_size,
        character_coverage=1.0, minloglevel=2, num_threads=1)
    return model.getvalue()


def vocabulary(tokenizer: bytes, size: int | None = None, extra: tuple[str, ...] = ()
               ) -> list[str]:
    """The tokenizer's pieces (<unk>, <s>, </s> first), plus filler pieces up to `size`:
    a real-size output layer without a real-size training corpus."""
    processor = sentencepiece.SentencePieceProcessor(model_proto=tokenizer)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    pieces += [piece for piece in extra if piece not in pieces]
    if size is not None:
        pieces += [f"▁filler{i}" for i in range(size - len(pieces))]
    return pieces


def build_model(output: Path, vocab: list[str], layers: int = 2, d_model: int = 64,
                heads: int = 4, ffn: int = 128, seed: int = 0, quantization: str = "int8",
                eos_bias: float = 0.0) -> None:
    """A CTranslate2 Transformer (pre-norm, as Argos' OpenNMT models) with random weights.

    Random weights almost never choose </s>, so every hypothesis runs to the length cap;
    `eos_bias` raises its logit so outputs end at varied, sentence-like lengths."""
    rng = np.random.default_rng(seed)
    spec = specs.TransformerSpec.from_config((layers, layers), heads)

    def linear(rows: int, columns: int) -> np.ndarray:
        return (rng.standard_normal((rows, columns)) / np.sqrt(columns)).astype(np.float32)

    def norm(layer) -> None:
        layer.gamma = np.ones(d_model, np.float32)
        layer.beta = np.zeros(d_model, np.float32)

    def feed_forward(layer) -> None:
        norm(layer.layer_norm)
        layer.linear_0.weight = linear(ffn, d_model)
        layer.linear_1.weight = linear(d_model, ffn)

    encoder, decoder = spec.encoder, spec.decoder
    encoder.embeddings[0].weight = linear(len(vocab), d_model)
    decoder.embeddings.weight = linear(len(vocab), d_model)
    decoder.projection.weight = linear(len(vocab), d_model)
    if eos_bias:
        bias = np.zeros(len(vocab), np.float32)
        bias[vocab.index("</s>")] = eos_bias
        decoder.projection.bias = bias
    norm(encoder.layer_norm)
    norm(decoder.layer_norm)
    for layer in encoder.layer:
        norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = linear(3 * d_model, d_model)  # fused q, k, v
        layer.self_attention.linear[1].weight = linear(d_model, d_model)
        feed_forward(layer.ffn)
    for layer in decoder.layer:
        norm(layer.self_attention.layer_norm)
        layer.self_attention.linear[0].weight = linear(3 * d_model, d_model)
        layer.self_attention.linear[1].weight = linear(d_model, d_model)
        norm(layer.attention.layer_norm)
        layer.attention.linear[0].weight = linear(d_model, d_model)  # q
        layer.attention.linear[1].weight = linear(2 * d_model, d_model)  # fused k, v
        layer.attention.linear[2].weight = linear(d_model, d_model)
        feed_forward(layer.ffn)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize(quantization=quantization)
    output.mkdir(parents=True, exist_ok=True)
    spec.save(str(output))


def build_package(directory: Path, from_code: str, to_code: str, version: str = "1.0",
                  target_prefix: str = "", vocab_size: int | None = None, seed: int = 0,
                  tokenizer_size: int = 600, mixed: bool = False, **model_options) -> Path:
    """Write translate-<from>_<to>-<version>.argosmodel into `directory`; return its path."""
    tokenizer = train_tokenizer(tokenizer_size, mixed)
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory() as work:
        package = Path(work) / name
        package.mkdir()
        extra = (target_prefix,) if target_prefix else ()
        build_model(package / "model", vocabulary(tokenizer, vocab_size, extra), seed=seed,
                    **model_options)
        (package / "sentencepiece.model").write_bytes(tokenizer)
        metadata = {
            "package_version": version, "argos_version": "1.9", "from_code": from_code,
            "from_name": NAMES[from_code], "to_code": to_code, "to_name": NAMES[to_code],
            "links": [], "type": "translate",
        }
        if target_prefix:
            metadata["target_prefix"] = target_prefix
        (package / "metadata.json").write_text(json.dumps(metadata, indent=2))
        (package / "README.md").write_text("Random weights: a test model, not a translator.\n")
        archive = directory / f"{name}.argosmodel"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(package.rglob("*")):
                zipped.write(path, path.relative_to(work).as_posix())
    return archive


@functools.cache
def built_packages() -> dict[tuple[str, str], Path]:
    """The test pairs, built once per test session: (from, to) -> .argosmodel file."""
    directory = Path(tempfile.mkdtemp(prefix="argos-test-packages-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return {(source, target): build_package(directory, source, target, target_prefix=prefix,
                                            seed=seed, eos_bias=TEST_EOS_BIAS)
            for seed, (source, target, prefix) in enumerate(TEST_PAIRS)}
