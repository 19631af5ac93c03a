"""Machine translation engines behind one small interface: texts in, texts and scores out.

An engine translates masked segments (placeholders already in) for one language pair and
says what it is, for the `machine translation:` mark of every entry it fills:

- `argos`: Argos Translate packages in Argos' package directory (workflow/models.py),
  through English where no direct package exists;
- `ctranslate2`: a CTranslate2 model directory as its converters write it (OPUS-MT/Marian,
  NLLB, M2M-100);
- `libretranslate`: a LibreTranslate server's HTTP API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

ENGINES = ("argos", "ctranslate2", "libretranslate")


@dataclass(frozen=True)
class Output:
    """One translation and the model's confidence in it: the geometric mean of the
    probabilities of its tokens (0-1), or None where the engine gives no score."""

    text: str
    confidence: float | None = None


class Engine(Protocol):
    """What the stage needs of an engine."""

    name: str  # one of ENGINES
    description: str  # route, model and version, e.g. 'en->es translate-en_es 1.9'

    def translate(self, texts: list[str]) -> list[Output]:
        """Translate masked segments; the outputs are in the order of the inputs."""
        ...


def chain(first: list[Output], second: list[Output]) -> list[Output]:
    """The second leg's texts, with the product of both legs' confidences (a pivot)."""
    return [Output(b.text, None if a.confidence is None or b.confidence is None
                   else a.confidence * b.confidence)
            for a, b in zip(first, second, strict=True)]
