"""Placeholders for what machine translation must not touch, and putting it back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workflow.glossary import Glossary
from workflow.languages import to_ascii_digits


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
_URL = r"(?:https?://|www\.)[^\s<>\"]*[^\s<>\"'.,;:!?)\]’”]"
# Earlier patterns win over later ones where they overlap.
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("text", re.compile(r"`[^`\n]+`")),  # code span
    ("text", re.compile(r"<(?:https?://|mailto:)[^>\s]+>|<[^@<>\s]+@[^<>\s]+>")),  # autolink
    ("text", PLACEHOLDER),  # the source's own `{1}` must not be taken for ours
    ("link_end", re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")),  # ](url "title")
    ("link_start", re.compile(r"!?\[(?=[^\]\n]*\]\()")),
    ("text", re.compile(rf"\b{_URL}")),
    ("text", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),  # e-mail
    ("markup", re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")),  # inline HTML
    ("glossary", None),  # do-not-translate and glossary terms, see _term_pattern
    ("text", re.compile(r"\b\w*[A-Za-z0-9]_\w+\b")),  # identifiers: Argos turns _ into spaces
    ("emphasis", re.compile(r"\*\*|__|~~|\*|_")),
    ("text", re.compile(r"(?<![\w.,])\d+(?:[.,:/-]\d+)*(?!\w)")),  # numbers, dates
)


def _term_pattern(terms: Iterable[str]) -> re.Pattern | None:
    ordered = sorted(set(terms), key=lambda t: (-len(t), t))  # longest first
    if not ordered:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)",
                      re.IGNORECASE)


class Masker:
    """Replaces what MT must not touch by numbered placeholders, and puts it back."""

    def __init__(self, glossary: Glossary | None = None, source: str = "", target: str = ""):
        glossary = glossary or Glossary()
        self.keep = set(glossary.keep)
        terms = glossary.terms(source, target) if source and target else {}
        # Names and multi-word terms go in as they are; a single common word would lose
        # its agreement or its Arabic/Persian affixes, so the output is only checked for it.
        self.terms = {t.lower(): v for t, v in terms.items() if " " in t or not t.islower()}
        self.checks = {t: v for t, v in terms.items() if t.lower() not in self.terms}
        self.term_pattern = _term_pattern([*self.keep, *self.terms])
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
            if found in self.keep:
                return Protected(found, found, "text")
            target = self.terms.get(found.lower())
            if target is None:  # a do-not-translate term in other case: not the term
                return None
            if found[:1].isupper() and target[:1].islower():
                target = target[:1].upper() + target[1:]
            return Protected(found, target, "text")
        return Protected(found, found, kind)

    def hints(self, source: str, translation: str) -> list[str]:
        """Glossary words of the source whose agreed translation is not in the output."""
        if self.check_pattern is None:
            return []
        found = dict.fromkeys(m.group(0).lower() for m in self.check_pattern.finditer(source))
        lowered = translation.lower()
        return [f"glossary: {term!r} is {self.checks[term]!r}" for term in found
                if self.checks[term].lower() not in lowered]

    @staticmethod
    def restore(output: str, masked: Masked) -> tuple[str, list[str]]:
        """The translation with every placeholder replaced, and what the reviewer must check:
        lost text is added at the end, lost markup dropped, repeats removed."""
        items = masked.items
        problems: list[str] = []
        seen: set[int] = set()

        def token(number: int) -> str:
            return f"\ue000{number}\ue001"  # private-use characters: never in real text

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
        for number, item in enumerate(items, start=1):
            text = text.replace(token(number), item.replacement)
        return re.sub(r"[ \t]{2,}", " ", text).strip(), problems
