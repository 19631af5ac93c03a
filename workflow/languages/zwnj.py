"""Where a language writes a zero-width non-joiner inside words (Persian می‌گویند,
جامعه‌ها, بزرگ‌ترین, بیانیه‌ای): text pasted without one, fused or spaced, and the fix.

The rules are those Persian writers and the normalisers hazm and parsivar apply: the
verb prefix می/نمی, the plural ها/های, the comparative تر/ترین, the ezafe and clitics
after a silent ه (ی، ای، اند ...), and a word list for fused compounds (بین‌المللی).
A word a rule would touch but whose letters belong to its stem (میلیون, تنها, دفتر,
آگهی) is in the profile's exceptions. Affixes after a letter that never joins the next
one (کشورها, کردها) look the same fused or not: those are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

ZWNJ = "\u200c"
# Letters that join only the letter before them: after these a fused affix prints as it
# would with a ZWNJ.
NON_JOINING = set("اآأإٱدذرزژوؤۀةء")
LETTERS = r"\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u06D5"
WORD = re.compile(rf"[{LETTERS}\u064B-\u065F\u0670{ZWNJ}]+")

# Short words before which a spaced affix is a word of its own ("که ای", "نه تنها").
FUNCTION_WORDS = frozenset({"که", "چه", "نه", "به", "و", "یا", "از", "با", "در", "تا"})


def _joins(letter: str) -> bool:
    return letter not in NON_JOINING


@dataclass(frozen=True)
class ZwnjRules:
    """One language's affixes written with a ZWNJ, and the words that only look like
    them. `fix()` gives a word as it should be written; `suggestions()` every word of a
    text that differs."""

    verb_prefixes: tuple[str, ...]  # می، نمی
    verb_endings: tuple[str, ...]  # a verb's last letters: ند، یم، د، م، ت ...
    plural_suffixes: tuple[str, ...]  # ها، های، هایی، هایشان ...
    comparatives: tuple[str, ...]  # ترین، تر
    # What follows a silent ه with a ZWNJ (ی، ای، اند ...), and the past-tense endings of
    # those (اند، ایم، اید: کرده‌اند) that mark a participle.
    after_silent_h: tuple[str, ...]
    participle_endings: tuple[str, ...]
    # Common nouns ending in a silent ه, which tell "بیانیه‌ای" from "بیانی‌های".
    silent_h_words: frozenset[str]
    # Adjectives whose comparative a writer may fuse (بزرگتر), and the endings that make
    # adjectives (انه، ناک، یک): a noun may end in تر (دفتر، دکتر، کامپیوتر).
    adjectives: frozenset[str]
    adjective_endings: tuple[str, ...]
    fused: dict[str, str]  # compounds written as one word: بینالمللی -> بین‌المللی
    exceptions: frozenset[str]  # whole words no rule touches: تنها، رهایی، ویترین، آنها
    # Nouns starting with می (میلیون، میدان): they and their derived forms are no verbs.
    mi_stems: frozenset[str]
    stem_suffixes: tuple[str, ...] = field(default=("", "ی", "ها", "های", "هایی", "ان",
                                                     "یان", "ای", "ه", "ش"))

    def fix(self, word: str) -> str:
        """`word` with the ZWNJs its affixes take (unchanged if it needs none); where
        two readings are possible (سوریهای: سوری‌های or سوریه‌ای), the likelier one."""
        return self.fixes(word)[0]

    def fixes(self, word: str) -> list[str]:
        """The ways `word` may be written with its ZWNJs, likelier first; [word] if it
        needs none."""
        if word in self.exceptions:
            return [word]
        parts = word.split(ZWNJ)
        parts = ZWNJ.join(self._fused(part) for part in parts).split(ZWNJ)
        parts[0] = self._verb_prefix(parts[0])
        head, _, last = ZWNJ.join(parts).rpartition(ZWNJ)
        endings = [last] if last in self.exceptions else self._suffix(last)
        return [f"{head}{ZWNJ}{end}" if head else end for end in endings]

    def suggestions(self, text: str) -> list[tuple[str, list[str]]]:
        """(as written, the ways it should be written) for each word or spaced affix of
        `text` that needs a ZWNJ, in order, once each."""
        found: dict[str, list[str]] = {}
        for match in self._spaced_pattern.finditer(text):
            written = match.group(0)
            if self._spaced_ok(match):
                found.setdefault(written, self.fixes(written.replace(" ", ZWNJ)))
        for match in WORD.finditer(text):
            word = match.group(0)
            fixed = self.fixes(word)
            if fixed != [word]:
                found.setdefault(word, fixed)
        return list(found.items())

    def advice(self, text: str) -> list[str]:
        """One line per word of `text` that lacks a ZWNJ: as written, and how to write it
        (both readings where the letters allow two: سوریهای)."""
        # The ZWNJ is invisible in a terminal: say where it goes, with a bar.
        return [f"'{written}': write " + " or ".join(
                    f"'{fix}' ({'|'.join(fix.split(ZWNJ))})" for fix in fixes)
                for written, fixes in self.suggestions(text)]

    # --- the rules

    def _fused(self, part: str) -> str:
        if part[:2] not in self._fused_starts:
            return part
        for fused, written in self._fused_longest_first:
            if part.startswith(fused):
                return written + part[len(fused):]
        return part

    @cached_property
    def _fused_starts(self) -> frozenset[str]:
        return frozenset(fused[:2] for fused in self.fused)

    @cached_property
    def _fused_longest_first(self) -> list[tuple[str, str]]:
        return sorted(self.fused.items(), key=lambda item: -len(item[0]))

    @cached_property
    def _longest_first(self) -> dict[str, tuple[str, ...]]:
        return {name: tuple(sorted(getattr(self, name), key=len, reverse=True))
                for name in ("verb_prefixes", "after_silent_h", "plural_suffixes",
                             "comparatives")}

    def _verb_prefix(self, part: str) -> str:
        if not part.startswith(self.verb_prefixes) or part in self.exceptions or any(
                part.startswith(stem) and part[len(stem):] in self.stem_suffixes
                for stem in self.mi_stems):
            return part
        for prefix in self._longest_first["verb_prefixes"]:
            rest = part[len(prefix):]
            if (part.startswith(prefix) and len(rest) >= 2 and rest.endswith(self.verb_endings)
                    and rest not in self.exceptions):
                return f"{prefix}{ZWNJ}{rest}"
        return part

    def _suffix(self, part: str) -> list[str]:
        """The ways the last part of a word may end (itself if no rule applies)."""
        readings: list[str] = []
        # A silent ه and what follows it (ezafe, indefinite, clitic, perfect tense).
        for ending in self._longest_first["after_silent_h"]:
            stem = part[:-len(ending) - 1]
            if not part.endswith("ه" + ending) or len(stem) < 2:
                continue
            known = (stem + "ه" in self.silent_h_words
                     or (ending in self.participle_endings and stem[-1] in "دت")
                     or (ending.startswith("ا") and stem[-1] not in "اآو"
                         and "ه" + ending not in self.plural_suffixes))  # آواره‌اند
            if stem[-1] in "اآو" and not known:
                continue  # راهی، کوهی: a ه after ا or و is a consonant (not جلوه)
            if ending.startswith("ا") and not known:
                # بیانی‌های or بیانیه‌ای? a word of neither kind we know: both where a
                # silent ه is likely (ـیه: بیانیه، نظریه، سوریه), and the plural is one
                if (stem.endswith("ی") and "ه" + ending in self.plural_suffixes):
                    readings.append(f"{stem}ه{ZWNJ}{ending}")
                continue
            readings.insert(0, f"{stem}ه{ZWNJ}{ending}")
            break
        for suffix in self._longest_first["plural_suffixes"]:
            stem = part[:-len(suffix)]
            if part.endswith(suffix) and len(stem) >= 2 and _joins(stem[-1]):
                readings.insert(0 if len(readings) == 1 and not self._known_h(part)
                                else len(readings), f"{stem}{ZWNJ}{suffix}")
                break
        if readings:
            return list(dict.fromkeys(readings))
        for suffix in self._longest_first["comparatives"]:
            stem = part[:-len(suffix)]
            if not part.endswith(suffix) or len(stem) < 2 or not _joins(stem[-1]):
                continue
            if suffix != min(self.comparatives, key=len) or stem in self.adjectives or (
                    stem.endswith(self.adjective_endings) and len(stem) >= 3):
                return [f"{stem}{ZWNJ}{suffix}"]
        return [part]

    def _known_h(self, part: str) -> bool:
        """True if `part` reads as a known silent-ه word and an ending (بیانیه + ای)."""
        return any(part.endswith("ه" + ending) and part[:-len(ending)] in self.silent_h_words
                   for ending in self.after_silent_h)

    # --- affixes written after a space ("می گویند", "کتاب ها", "بیانیه ای")

    @cached_property
    def _spaced_pattern(self) -> re.Pattern:
        word = f"[{LETTERS}]+"
        prefixes = "|".join(sorted(self.verb_prefixes, key=len, reverse=True))
        suffixes = "|".join(sorted(self.plural_suffixes + self.comparatives, key=len,
                                   reverse=True))
        after_h = "|".join(sorted(self.after_silent_h, key=len, reverse=True))
        return re.compile(
            rf"(?<![{LETTERS}{ZWNJ}])(?:(?P<prefix>{prefixes}) (?P<verb>{word})"
            rf"|(?P<stem>{word}) (?P<suffix>{suffixes})"
            rf"|(?P<hstem>{word}ه) (?P<after>{after_h}))(?![{LETTERS}{ZWNJ}])")

    def _spaced_ok(self, match: re.Match) -> bool:
        if match.group("prefix"):
            return match.group("verb").endswith(self.verb_endings)
        if match.group("suffix"):
            return match.group("stem") not in FUNCTION_WORDS
        stem = match.group("hstem")
        return stem not in FUNCTION_WORDS and stem[:-1][-1:] not in ("", "ا", "و")
