"""The registry of builders: every output kind `pamphlet build` can make, by name."""

from __future__ import annotations

from importlib import import_module

from workflow.builders.base import Builder, Job, Rendered, Selection
from workflow.errors import PamphletError

__all__ = ["BUILTIN", "Builder", "Job", "Rendered", "Selection", "get", "names", "register",
           "chosen"]

# The modules of the builders that come with pamphlet: each calls register() on import.
# A new output kind is one module and one line here.
BUILTIN = (
    "workflow.builders.pdf",
    "workflow.builders.printfiles",
    "workflow.builders.markdown",
    "workflow.builders.site",
)

_REGISTRY: dict[str, Builder] = {}
_loaded: list[bool] = []


def register(builder: Builder) -> Builder:
    """Add a builder under its name (a later one of the same name replaces it)."""
    if not builder.name:
        raise ValueError(f"{builder!r} has no name")
    _REGISTRY[builder.name] = builder
    return builder


def _load() -> None:
    if not _loaded:
        _loaded.append(True)
        for module in BUILTIN:
            import_module(module)


def names() -> list[str]:
    """Every registered builder, in registration order."""
    _load()
    return list(_REGISTRY)


def get(name: str) -> Builder:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise PamphletError(f"no builder {name!r} (known: {', '.join(_REGISTRY)})") from None


def chosen(to: list[str] | None) -> list[Builder]:
    """The builders of `--to` (names, or comma-separated lists of names), in registry
    order; none asked: every builder that builds by default."""
    _load()
    if not to:
        return [builder for builder in _REGISTRY.values() if builder.default]
    wanted = [name.strip() for item in to for name in item.split(",") if name.strip()]
    for name in wanted:
        get(name)
    return [builder for name, builder in _REGISTRY.items() if name in wanted]
