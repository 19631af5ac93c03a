"""Tiny but real CTranslate2 model directories, built at test time with random weights:

- OPUS-MT/Marian: a Marian model (.npz, decoder.yml, vocabulary .yml files and
  source.spm/target.spm) converted by CTranslate2's own OpusMTConverter, as
  `ct2-opus-mt-converter` does, with a shared vocabulary or one per side;
- multilingual (NLLB, M2M-100): a Transformer with language tokens in its vocabulary and
  the config.json `ct2-transformers-converter` writes, beside `sentencepiece.bpe.model`.
"""

from __future__ import annotations

import functools
import io
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import sentencepiece
import yaml

from tests.argos_fixture import build_model, seed_texts, train_tokenizer, vocabulary

NLLB_TOKENS = ("eng_Latn", "spa_Latn", "arb_Arab", "pes_Arab")
M2M_TOKENS = ("__en__", "__es__", "__ar__", "__fa__")


@functools.cache
def second_tokenizer(vocab_size: int = 500) -> bytes:
    """Another SentencePiece model (BPE, other size): a target side of its own."""
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(seed_texts()), model_writer=model, vocab_size=vocab_size,
        model_type="bpe", character_coverage=1.0, minloglevel=2, num_threads=1)
    return model.getvalue()


def _marian_vocabulary(tokenizer: bytes) -> list[str]:
    """Marian's order: </s> and <unk> first, then the SentencePiece pieces."""
    processor = sentencepiece.SentencePieceProcessor(model_proto=tokenizer)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    return ["</s>", "<unk>"] + [p for p in pieces if p not in ("<unk>", "<s>", "</s>")]


def _write_vocab(path: Path, tokens: list[str]) -> None:
    path.write_text("".join(f"{json.dumps(token)}: {index}\n"
                            for index, token in enumerate(tokens)), encoding="utf-8")


def build_marian(output: Path, shared: bool = True, layers: int = 2, d_model: int = 64,
                 heads: int = 4, ffn: int = 128, seed: int = 0, eos_bias: float = 2.75
                 ) -> Path:
    """An OPUS-MT model directory, converted into `output` as ct2-opus-mt-converter does
    (with source.spm and target.spm copied beside model.bin)."""
    from ctranslate2.converters import OpusMTConverter

    rng = np.random.default_rng(seed)
    source_spm = train_tokenizer()
    target_spm = source_spm if shared else second_tokenizer()
    source_vocab, target_vocab = _marian_vocabulary(source_spm), _marian_vocabulary(target_spm)

    def matrix(rows: int, columns: int) -> np.ndarray:
        return (rng.standard_normal((rows, columns)) / np.sqrt(rows)).astype(np.float32)

    weights: dict[str, np.ndarray] = {}
    if shared:
        weights["Wemb"] = matrix(len(source_vocab), d_model)
    else:
        weights["encoder_Wemb"] = matrix(len(source_vocab), d_model)
        weights["decoder_Wemb"] = matrix(len(target_vocab), d_model)

    def attention(scope: str) -> None:
        for name in "qkvo":
            weights[f"{scope}_W{name}"] = matrix(d_model, d_model)  # Marian: [in, out]
            weights[f"{scope}_b{name}"] = np.zeros((1, d_model), np.float32)
        weights[f"{scope}_Wo_ln_scale"] = np.ones((1, d_model), np.float32)
        weights[f"{scope}_Wo_ln_bias"] = np.zeros((1, d_model), np.float32)

    def feed_forward(scope: str) -> None:
        weights[f"{scope}_W1"], weights[f"{scope}_b1"] = (matrix(d_model, ffn),
                                                          np.zeros((1, ffn), np.float32))
        weights[f"{scope}_W2"], weights[f"{scope}_b2"] = (matrix(ffn, d_model),
                                                          np.zeros((1, d_model), np.float32))
        weights[f"{scope}_ffn_ln_scale"] = np.ones((1, d_model), np.float32)
        weights[f"{scope}_ffn_ln_bias"] = np.zeros((1, d_model), np.float32)

    for i in range(1, layers + 1):
        attention(f"encoder_l{i}_self")
        feed_forward(f"encoder_l{i}_ffn")
        attention(f"decoder_l{i}_self")
        attention(f"decoder_l{i}_context")
        feed_forward(f"decoder_l{i}_ffn")
    bias = np.zeros((1, len(target_vocab)), np.float32)
    bias[0, target_vocab.index("</s>")] = eos_bias
    weights["decoder_ff_logit_out_b"] = bias
    config = {
        "type": "transformer", "enc-depth": layers, "dec-depth": layers,
        "transformer-heads": heads, "transformer-ffn-activation": "swish",
        "transformer-preprocess": "", "transformer-postprocess": "dan",
        "transformer-postprocess-emb": "d", "transformer-decoder-autoreg": "self-attention",
        "transformer-no-projection": False, "transformer-guided-alignment-layer": "last",
    }
    weights["special:model.yml"] = np.frombuffer(yaml.safe_dump(config).encode() + b"\0",
                                                 dtype=np.int8)
    with tempfile.TemporaryDirectory() as work:
        marian = Path(work)
        np.savez(marian / "opus.spm.transformer.npz", **weights)
        vocabs = (["opus.spm.vocab.yml"] * 2 if shared
                  else ["opus.src.vocab.yml", "opus.trg.vocab.yml"])
        _write_vocab(marian / vocabs[0], source_vocab)
        _write_vocab(marian / vocabs[1], target_vocab)
        (marian / "decoder.yml").write_text(yaml.safe_dump(
            {"models": ["opus.spm.transformer.npz"], "vocabs": vocabs}))
        OpusMTConverter(str(marian)).convert(str(output), quantization="int8")
    (output / "source.spm").write_bytes(source_spm)
    (output / "target.spm").write_bytes(target_spm)
    return output


def build_multilingual(output: Path, tokens: tuple[str, ...] = NLLB_TOKENS, seed: int = 0,
                       eos_bias: float = 2.75, **model_options) -> Path:
    """A multilingual model directory as ct2-transformers-converter writes one for NLLB or
    M2M-100 (--copy_files sentencepiece.bpe.model): language tokens in the vocabulary, the
    source ended with </s> by the caller (add_source_eos false)."""
    tokenizer = train_tokenizer()
    vocab = vocabulary(tokenizer, extra=tokens)
    build_model(output, vocab, seed=seed, eos_bias=eos_bias, **model_options)
    config = json.loads((output / "config.json").read_text())
    config.update({"add_source_bos": False, "add_source_eos": False, "bos_token": "<s>",
                   "eos_token": "</s>", "unk_token": "<unk>", "decoder_start_token": "</s>"})
    (output / "config.json").write_text(json.dumps(config, indent=2))
    (output / "sentencepiece.bpe.model").write_bytes(tokenizer)
    return output


@functools.cache
def built_models() -> dict[str, Path]:
    """The three layouts, built once per test session: name -> model directory."""
    directory = Path(tempfile.mkdtemp(prefix="ct2-test-models-"))
    import atexit

    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return {
        "opus-mt-en-es": build_marian(directory / "opus-mt-en-es", shared=True, seed=1),
        "opus-mt-en-ar": build_marian(directory / "opus-mt-en-ar", shared=False, seed=2),
        "nllb-tiny": build_multilingual(directory / "nllb-tiny", seed=3),
    }
