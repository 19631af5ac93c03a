"""Text that is not prose: URLs, e-mail addresses, Markdown code and links, placeholders,
HTML/XML tags. One definition each, used by segmentation, masking, import and the checks."""

from __future__ import annotations

import re

# C0 and C1 control characters other than tab and newline: invisible in print, often
# garbage from a PDF or a wrong encoding, a NUL cannot go into a compiled catalog, and in
# a terminal they move the cursor or retitle the window.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# A URL runs to the next space, quote or angle bracket; it may hold one level of
# parentheses (Wikipedia's `Foo_(bar)`) and non-ASCII letters (fa.wikipedia.org/wiki/...),
# and it does not end in the sentence's punctuation, Latin or Arabic, or a closing mark.
_URL_CHAR = r"[^\s<>\"()\[\]{}«»“”‘’`]"
_URL_END = r"[^\s<>\"()\[\]{}«»“”‘’`'.,;:!?…،؛؟]"
_URL_PARENS = rf"\({_URL_CHAR}*\)"
URL_TEXT = (rf"\b(?:(?:https?|ftp)://|www\.|mailto:)(?:{_URL_CHAR}|{_URL_PARENS})*"
            rf"(?:{_URL_END}|{_URL_PARENS})")
URL = re.compile(URL_TEXT)
# An e-mail address: ASCII, ending in a top-level domain of letters.
EMAIL_TEXT = (r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
              r"\.[A-Za-z]{2,}\b")
EMAIL = re.compile(EMAIL_TEXT)
CODE = re.compile(r"`[^`\n]+`")
LINK = re.compile(r"(?<!!)\[[^\]\n]*\]\([^)\n]*\)")
LINK_OR_IMAGE = re.compile(r"!?\[[^\]\n]*\]\([^)\n]*\)")
IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]*:[^>\s]+|[^>\s@]+@[^>\s]+)>")
PLACEHOLDER = re.compile(
    r"\{\{\s*[\w.]+\s*\}\}"  # {{ name }}
    r"|\{[\w.:!]*\}"  # {name}, {0}, {}
    r"|(?<![\w%])%(?:\([\w.]+\))?[-+#0]?\d*(?:\.\d+)?[sdifr](?![A-Za-z])"  # %s %(name)s %d
    r"|(?<![\w$])\$\{?[A-Za-z_]\w*\}?(?!\w)"  # $name ${name}
)
# An HTML or XML tag: <b>, </p>, <br/>, <a href="...">, <!-- comment -->. An autolink
# (<https://...>, <a@b.org>) is Markdown, not a tag.
TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>", re.DOTALL)

# Characters no translation should hold (issue 25): C0 controls but tab and newline, DEL,
# C1 controls, the bidi embeddings, overrides and isolates (an RLO reverses the words
# after it), private-use code points, noncharacters and lone surrogates (which cannot be
# written as UTF-8). They print as nothing, as a box or as U+FFFD, or reorder the text.
# Allowed: ZWNJ and ZWJ (Persian, Urdu), LRM, RLM and ALM (marks of direction that
# reorder nothing around them).
HIDDEN_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ue000-\uf8ff"
    "\ufdd0-\ufdef\ufffe\uffff\U000f0000-\U0010ffff]")


def hidden_control_names(text: str) -> list[str]:
    """The hidden or control characters of `text`, as U+XXXX, once each in order."""
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in HIDDEN_CONTROL.findall(text)))
