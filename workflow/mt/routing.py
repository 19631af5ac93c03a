"""Which engine translates which pair: [tool.pamphlet.machine_translation], else Argos.

```toml
[tool.pamphlet.machine_translation]
"en-ar" = { engine = "ctranslate2", model = "models/opus-mt-en-ar" }
"en-fa" = { engine = "libretranslate", url = "http://127.0.0.1:5000", api_key_env = "LT_API_KEY" }
```

A route with an unknown engine, a missing model or a bad URL is an error naming its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workflow.config import Project, RouteSettings
from workflow.errors import PamphletError
from workflow.models import Model, find_route
from workflow.mt.engines import ENGINES, Engine
from workflow.mt.engines import ctranslate2 as ct2
from workflow.mt.engines import libretranslate as lt
from workflow.mt.engines.argos import ArgosEngine

ARGOS_SETTINGS = ("engine", "device", "workers")


@dataclass
class EngineCache:
    """Models loaded during one run, shared by the routes that use them."""

    decoders: dict[Path, ct2.Decoder] = field(default_factory=dict)


def check_route(project: Project, route: RouteSettings) -> None:
    """Refuse a bad route without loading a model or contacting a server."""
    settings = route.as_dict()
    if route.engine == "ctranslate2":
        ct2.check_settings(settings, project.root, route.where)
    elif route.engine == "libretranslate":
        lt.check_settings(settings, route.where)
    elif route.engine == "argos":
        unknown = sorted(set(settings) - set(ARGOS_SETTINGS))
        if unknown:
            raise PamphletError(f"unknown setting(s) for the argos engine: {', '.join(unknown)}"
                                f" (it takes {', '.join(ARGOS_SETTINGS[1:])})", *route.where)
        device, workers = settings.get("device", "auto"), settings.get("workers", 1)
        if device not in ct2.DEVICES:
            raise PamphletError(f"device must be one of {', '.join(ct2.DEVICES)}, not "
                                f"{device!r}", *route.where)
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise PamphletError(f"workers must be a whole number from 1, not {workers!r}",
                                *route.where)
    else:
        raise PamphletError(f"unknown engine {route.engine!r} for {route.pair} (engines: "
                            f"{', '.join(ENGINES)})", *route.where)


def open_engine(project: Project, source: str, target: str, models: list[Model],
                cache: EngineCache | None = None, max_decoding_length: int | None = None
                ) -> Engine:
    """The engine of one pair, loaded (or connected to) and ready to translate."""
    cache = cache or EngineCache()
    machine = project.machine_translation
    route = machine.route(source, target)
    if route is not None:
        check_route(project, route)
    settings = route.as_dict() if route is not None else {}
    engine = route.engine if route is not None else "argos"
    if route is not None and engine == "ctranslate2":
        return ct2.CTranslate2Engine(source, target, settings, project.root, route.where,
                                     max_decoding_length, machine.device)
    if route is not None and engine == "libretranslate":
        return lt.LibreTranslateEngine(source, target, settings, route.where)
    return ArgosEngine(find_route(source, target, models=models), cache.decoders,
                       max_decoding_length, settings.get("device", machine.device),
                       settings.get("workers"))


@dataclass(frozen=True)
class RouteRow:
    """One configured pair, as `pamphlet models list` shows it."""

    pair: str
    engine: str
    model: str  # the model directory, server URL or Argos packages
    line: int | None


def configured_routes(project: Project, models: list[Model]) -> list[RouteRow]:
    """Every pair of [tool.pamphlet.machine_translation], checked (a bad one raises)."""
    rows = []
    for route in project.machine_translation.routes:
        check_route(project, route)
        settings = route.as_dict()
        if route.engine == "ctranslate2":
            tokens = " ".join(f"{key} {settings[key]}" for key in ("source_token",
                                                                     "target_token")
                              if settings.get(key))
            what = " ".join(filter(None, [settings["model"], settings.get("version"), tokens]))
        elif route.engine == "libretranslate":
            key = settings.get("api_key_env")
            what = settings["url"] + (f" (API key from ${key})" if key else "")
        else:
            try:
                what = find_route(route.source, route.target, models=models).description
            except PamphletError:
                what = "no Argos package installed for this pair"
        rows.append(RouteRow(f"{route.source}->{route.target}", route.engine, what,
                             route.line))
    return rows
