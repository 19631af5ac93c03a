"""The registry of builders: every output kind `pamphlet build` can make, by name."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

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


def _ordered() -> list[Builder]:
    """The registered builders, those of BUILTIN in its order (whichever module a caller
    happened to import first), then any other in registration order: builds run and
    messages list them in this order (the web edition copies the PDFs made before it)."""
    _load()
    rank = {module: number for number, module in enumerate(BUILTIN)}
    position = {name: number for number, name in enumerate(_REGISTRY)}
    return sorted(_REGISTRY.values(), key=lambda builder: (
        rank.get(type(builder).__module__, len(BUILTIN)), position[builder.name]))


def names() -> list[str]:
    """Every registered builder, in BUILTIN's order, then registration order."""
    return [builder.name for builder in _ordered()]


def get(name: str) -> Builder:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise PamphletError(f"no builder {name!r} (known: {', '.join(names())})") from None


def chosen(to: list[str], setting: tuple[Path, int | None] | None = None) -> list[Builder]:
    """The builders `to` names (names, or comma-separated lists of names), in registry
    order. `setting`: the file and line of the `outputs` setting they come from, which an
    unknown name's error names."""
    _load()
    wanted = [name.strip() for item in to for name in item.split(",") if name.strip()]
    for name in wanted:
        if name not in _REGISTRY and setting is None:
            get(name)  # raises, naming the known builders
        elif name not in _REGISTRY and setting is not None:
            raise PamphletError(f"outputs names no builder {name!r} (builders: "
                                f"{', '.join(names())})", *setting)
    return [builder for builder in _ordered() if builder.name in wanted]
