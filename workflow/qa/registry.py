"""The registry of checks: names, severities, Weblate's names for them, choosing a set."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from workflow.errors import PamphletError

ERROR, WARNING = "error", "warning"
SEVERITIES = (ERROR, WARNING)


class CheckFailure(Exception):
    """What a check found wrong with one translation, in words the translator can act on."""


CheckFunction = Callable[[str, str, Any], None]


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    function: CheckFunction
    # Weblate's check names that mean the same: `#, ignore-<name>` silences this check too
    weblate: tuple[str, ...] = ()


CHECKS: list[Check] = []


def check(name: str, severity: str, weblate: Iterable[str] = ()
          ) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under `name`; the function stays callable as it is."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS.append(Check(name, severity, function, tuple(weblate)))
        return function

    return register


def check_names() -> list[str]:
    return [item.name for item in CHECKS]


def selected(only: Iterable[str] | None = None, skip: Iterable[str] | None = None
             ) -> list[Check]:
    """The checks of a run (`check --only/--skip`); an unknown name is refused."""
    known = {item.name for item in CHECKS}
    for name in [*(only or ()), *(skip or ())]:
        if name not in known:
            raise PamphletError(f"unknown check {name!r} (checks: {', '.join(check_names())})")
    return [item for item in CHECKS
            if (not only or item.name in only) and item.name not in (skip or ())]


def ignored_by(flags: Iterable[str]) -> set[str]:
    """Our check names an entry's Weblate flags silence: `ignore-numbers` (our name) or
    `ignore-end-stop` (Weblate's name of a check that means the same)."""
    wanted = {flag[len("ignore-"):] for flag in flags if flag.startswith("ignore-")}
    if not wanted:
        return set()
    return {item.name for item in CHECKS
            if item.name in wanted or wanted.intersection(item.weblate)}
