"""Placeholders for what machine translation must not touch, and putting it back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workflow.glossary import Glossary
from workflow.languages import to_ascii_digits, write_digits
from workflow.languages.profile import write_separators
from workflow.patterns import AUTOLINK, CODE, EMAIL, TAG, URL


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
_PATTERNS: tuple[tuple[str, re.Pattern | None], ...] = (
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
        """Digits and the separators inside numbers as the target language writes them:
        1,500 is ١٬٥٠٠ in Arabic and ۱٬۵۰۰ in Persian, ۲٫۵ is 2.5 in English."""
        if self.digits is None:
            return text
        return write_separators(write_digits(text, self.digits), self.digits)

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
