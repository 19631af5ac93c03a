"""The `argos` engine: Argos Translate packages, driven directly with CTranslate2.

Argos' own translate() is not used: it splits sentences with a downloaded model and turns
every `_` of the output into a space. Each package is loaded once (its SentencePiece
tokenizer, target prefix and CTranslate2 model); a pair without a package of its own goes
through English (es->ar = es->en->ar), its confidence the product of both legs'.
"""

from __future__ import annotations

from pathlib import Path

from workflow.errors import PamphletError
from workflow.models import Model, Route
from workflow.mt.engines import Output, chain
from workflow.mt.engines.ctranslate2 import Decoder, Placement, place


def package_decoder(model: Model, placement: Placement | None = None,
                    max_decoding_length: int | None = None) -> Decoder:
    """An Argos package's model: one tokenizer for both sides, Argos' target prefix."""
    if not model.tokenizer_path.is_file():
        raise PamphletError(f"{model.label} has no sentencepiece.model: not supported, get "
                            "a newer version of the package", model.path)
    return Decoder(model.model_dir, model.tokenizer_path, model.tokenizer_path, model.label,
                   target_prefix=[model.target_prefix] if model.target_prefix else [],
                   placement=placement, max_decoding_length=max_decoding_length,
                   where=(model.path, None))


class ArgosEngine:
    """A route of Argos packages: one, or two through English."""

    name = "argos"

    def __init__(self, route: Route, decoders: dict[Path, Decoder] | None = None,
                 max_decoding_length: int | None = None, device: str = "auto",
                 workers: int | None = None):
        self.route = route
        self.description = route.description
        decoders = {} if decoders is None else decoders
        placement = None
        self.decoders = []
        for model in route.steps:
            if model.path not in decoders:
                placement = placement or place(device, workers)
                decoders[model.path] = package_decoder(model, placement, max_decoding_length)
            self.decoders.append(decoders[model.path])

    def translate(self, texts: list[str]) -> list[Output]:
        outputs = [Output(text, 1.0) for text in texts]
        for decoder in self.decoders:
            outputs = chain(outputs, decoder.translate([o.text for o in outputs]))
        return outputs
