"""Run a real LibreTranslate server and `pamphlet` commands against it, in one network
namespace with only loopback up, then stop the server by its PID.

Started by tests/libretranslate/server.py as
`unshare -n -- sh -c 'ip link set lo up && exec python harness.py SPEC.json'`: the server's
onnxruntime looks up a telemetry host on start, and in here no packet can leave 127.0.0.1.
SPEC.json names the server's virtualenv, packages and port, and the commands to run; the
results (exit code, output, the project's files before and after) go to SPEC's `results`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script

from tests.serving import wait_for_http  # noqa: E402

START_TIMEOUT = 180  # seconds: the server imports torch and loads every package


def snapshot(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".pamphlet.lock"}


def server_env(spec: dict) -> dict:
    work = Path(spec["work"])
    return {**os.environ, "ARGOS_PACKAGES_DIR": spec["packages"], "HOME": str(work),
            "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache"),
            "XDG_CONFIG_HOME": str(work / "config"), "LT_UPDATE_MODELS": "false",
            "LT_FORCE_UPDATE_MODELS": "false", "PYTHONUNBUFFERED": "1",
            **spec.get("server_env", {})}


def start_server(spec: dict, options: list[str]) -> tuple[subprocess.Popen, str]:
    """LibreTranslate on 127.0.0.1, up and answering; stop it with stop_server."""
    work = Path(spec["work"])
    python = Path(spec["venv"]) / "bin" / "python"
    url = f"http://127.0.0.1:{spec['port']}"
    log = work / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [str(python), "-m", "libretranslate.main", "--host", "127.0.0.1", "--port",
             str(spec["port"]), "--disable-web-ui", *options],
            env=server_env(spec), cwd=work, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_for_http(url + "/languages", server, log, "LibreTranslate", START_TIMEOUT)
    except BaseException:
        stop_server(server)
        raise
    return server, url


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()  # by its PID: it is our child
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_command(command: dict) -> dict:
    from workflow.cli import main

    root = Path(command["cwd"])
    before = snapshot(root)
    saved = dict(os.environ)
    os.environ.update(command.get("env", {}))
    for name in command.get("unset", []):
        os.environ.pop(name, None)
    previous = Path.cwd()
    os.chdir(root)
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    try:
        code = main(command["argv"], stdout=out, stderr=err)
    finally:
        os.chdir(previous)
        os.environ.clear()
        os.environ.update(saved)
    return {"name": command["name"], "code": code, "out": out.getvalue(),
            "err": err.getvalue(), "seconds": time.perf_counter() - started,
            "changed": sorted(k for k, v in snapshot(root).items() if before.get(k) != v)}


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    work = Path(spec["work"])
    python = Path(spec["venv"]) / "bin" / "python"
    options = list(spec.get("server_options", []))
    keys = {}
    if spec.get("api_keys"):
        database = work / "api_keys.db"
        options += ["--api-keys", "--api-keys-db-path", str(database)]
        for name, limit in spec["api_keys"].items():  # as `ltmanage keys add` does
            added = subprocess.run(
                [str(python), "-c", "import sys; from libretranslate.api_keys import Database;"
                 " print(Database(sys.argv[1]).add(int(sys.argv[2]))[0])", str(database),
                 str(limit)], env=server_env(spec), cwd=work, check=True, capture_output=True,
                text=True)
            keys[name] = added.stdout.strip().splitlines()[-1]
    server, url = start_server(spec, options)
    results = []
    try:
        for command in spec["commands"]:
            for name, value in list(command.get("env", {}).items()):
                if value.startswith("key:"):
                    command["env"][name] = keys[value[4:]]
            with contextlib.redirect_stderr(io.StringIO()):
                results.append(run_command(command))
    finally:
        stop_server(server)
    Path(spec["results"]).write_text(json.dumps({"results": results, "url": url}, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    raise SystemExit(main(sys.argv[1]))
