"""The language profiles: one module per language (`en.py`, `ar.py`, ...) and the registry.

Everything that differs by language lives in its profile (`profile.py` says what one
holds). Adding a language is adding a module here with a `PROFILE`, and its column in
`locale/glossary.csv`.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path

from babel.messages.plurals import get_plural

from workflow.errors import PamphletError
from workflow.languages.profile import (
    DIGIT_SYSTEMS,
    SCRIPTS,
    WESTERN_DIGITS,
    Profile,
    Script,
    write_digits,
)

__all__ = ["DEFAULT_LANGUAGES", "DIGIT_SYSTEMS", "LINGUA_FRANCA", "SCRIPTS", "WESTERN_DIGITS",
           "Profile", "Script", "all_profiles", "check_language", "codes", "direction",
           "english_name", "get", "native_name", "normalize_code", "plural_forms",
           "to_ascii_digits",
           "write_digits"]

_NOT_LANGUAGES = {"profile", "zwnj"}
# The languages of a project whose pyproject.toml names none, and its source language.
DEFAULT_LANGUAGES = ("en", "es", "ar", "fa")
# English: the pivot of machine translation, and what web pages of any language leave
# in their menus and teasers ("Read more"), so import knows its words everywhere.
LINGUA_FRANCA = "en"


@cache
def _registry() -> dict[str, Profile]:
    profiles: dict[str, Profile] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module.name in _NOT_LANGUAGES or module.name.startswith("_"):
            continue
        profile = importlib.import_module(f"{__name__}.{module.name}").PROFILE
        if profile.code != module.name:
            raise RuntimeError(f"{module.name}.py holds the profile of {profile.code!r}")
        profiles[profile.code] = profile
    return profiles


def codes() -> tuple[str, ...]:
    """Every language with a profile, sorted."""
    return tuple(sorted(_registry()))


def all_profiles() -> tuple[Profile, ...]:
    return tuple(_registry()[code] for code in codes())


def check_language(code: object, path: str | Path | None = None, line: int | None = None
                   ) -> str:
    """Return `code` if a profile exists for it, else raise naming the place."""
    if not isinstance(code, str) or code not in _registry():
        raise PamphletError(f"no language profile for {code!r} (profiles: "
                            f"{', '.join(codes())}; a new language is a module in "
                            "workflow/languages/)", path, line)
    return code


def normalize_code(code: str) -> str:
    """The profile code of a locale code as tools write it: `es_ES`, `es-ES`, `es_419`,
    `fa_IR.UTF-8` -> the profile of that language and region if there is one, else of the
    language (babel parses the code). A code that is no locale is returned as it is, to be
    refused with the list of profiles."""
    code = code.strip()
    if code in _registry():
        return code
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(code.split(".")[0].split("@")[0].replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return code
    for candidate in (f"{locale.language}_{locale.territory}", locale.language):
        if candidate in _registry():
            return candidate
    return code


def get(code: str) -> Profile:
    """The profile of a language code (refused with the list of profiles if none)."""
    return _registry()[check_language(code)]


def direction(code: str) -> str:
    """'rtl' or 'ltr'."""
    return get(code).direction


def english_name(code: str) -> str:
    return get(code).english_name


def native_name(code: str) -> str:
    return get(code).native_name


def plural_forms(code: str) -> str:
    """The gettext Plural-Forms header value, e.g. 'nplurals=2; plural=(n != 1);'."""
    profile = get(code)
    return get_plural(profile.babel_locale or code).plural_forms


def to_ascii_digits(text: str) -> str:
    """Every digit of any system as 0-9, so numbers compare across scripts."""
    return write_digits(text, WESTERN_DIGITS)
