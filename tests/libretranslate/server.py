"""A real LibreTranslate server for the tests and the benchmark (see harness.py)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
# Made by `make libretranslate` (a dependency of `make test`).
VENV = Path(os.environ.get("PAMPHLET_LIBRETRANSLATE_VENV", REPO / ".venv-libretranslate"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_packages(archives: list[Path], directory: Path) -> Path:
    """Install Argos packages for the server, each with the never-splitting MiniSBD model
    (its Argos fork would download a sentence splitter on the first request)."""
    from workflow.models import install

    python = VENV / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"no LibreTranslate virtualenv at {VENV}: run `make libretranslate`")
    directory.mkdir(parents=True, exist_ok=True)
    model = directory.parent / "never-split.onnx"
    subprocess.run([str(python), str(HERE / "sbd_model.py"), str(model)], check=True)
    for archive in archives:
        package = install(archive, directory)
        (package.path / "minisbd").mkdir(exist_ok=True)
        shutil.copy(model, package.path / "minisbd" / model.name)
    return directory


def run_with_server(work: Path, packages: Path, commands: list[dict],
                    api_keys: dict[str, int] | None = None,
                    server_options: list[str] | None = None, port: int | None = None,
                    timeout: float = 900) -> dict:
    """Start the server, run the commands against it, stop it; all in a network namespace
    of their own with only loopback up (`unshare -n`, as root)."""
    work.mkdir(parents=True, exist_ok=True)
    spec = work / "spec.json"
    results = work / "results.json"
    spec.write_text(json.dumps({
        "venv": str(VENV), "packages": str(packages), "work": str(work),
        "port": port or free_port(), "commands": commands, "api_keys": api_keys or {},
        "server_options": server_options or [], "results": str(results)}))
    subprocess.run(["unshare", "-n", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                    sys.executable, str(HERE / "harness.py"), str(spec)], check=True,
                   timeout=timeout)
    return json.loads(results.read_text())
