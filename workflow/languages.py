"""Per-language facts from babel (names, direction, plural forms, digits) in one place."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from workflow.errors import PamphletError

# The languages whose fonts, segmentation rules and checks the project has been built for.
SUPPORTED = ("en", "es", "ar", "fa")

# Native digits per language, used for page numbers, dates and number checks.
DIGITS = {
    "ar": "٠١٢٣٤٥٦٧٨٩",
    "fa": "۰۱۲۳۴۵۶۷۸۹",
}


def check_language(code: str, path: str | Path | None = None, line: int | None = None) -> str:
    """Return `code` if it is a supported language code, else raise naming the place."""
    if code not in SUPPORTED:
        raise PamphletError(
            f"unknown language code {code!r} (supported: {', '.join(SUPPORTED)})", path, line
        )
    return code


@cache
def locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise PamphletError(f"babel has no locale data for {code!r}") from None


def direction(code: str) -> str:
    """'rtl' or 'ltr', from babel's locale data."""
    return "rtl" if locale(code).character_order == "right-to-left" else "ltr"


def english_name(code: str) -> str:
    return locale(code).get_display_name("en")


def native_name(code: str) -> str:
    return locale(code).get_display_name(code)


def plural_forms(code: str) -> str:
    """The gettext Plural-Forms header value, e.g. 'nplurals=2; plural=(n != 1);'."""
    return get_plural(code).plural_forms


def to_native_digits(text: str, code: str) -> str:
    digits = DIGITS.get(code)
    if not digits:
        return text
    return text.translate(str.maketrans("0123456789", digits))


def to_ascii_digits(text: str) -> str:
    """Map Arabic-Indic and Persian digits to 0-9 so numbers compare across scripts."""
    table = {}
    for digits in DIGITS.values():
        table.update({ord(native): str(value) for value, native in enumerate(digits)})
    return text.translate(table)
