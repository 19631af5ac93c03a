"""Serve a built project with `pamphlet serve` and drive chromium through it (run.mjs), in a
network namespace with only loopback up; then stop the server by its PID.

Started by tests/browser/test_site.py as
`unshare -n -- sh -c 'ip link set lo up && exec python harness.py SPEC.json'`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script: the repository's tests package

from tests.serving import wait_for_http  # noqa: E402


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text())
    log = Path(spec["work"]) / "serve.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(
            [spec["pamphlet"], "serve", "--port", str(spec["port"]), "--final", "--keep", "100"],
            cwd=spec["project"], stdout=output, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_for_http(spec["base"] + spec["pages"][-1], server, log, "pamphlet serve", 300)
        done = subprocess.run(["node", str(HERE / "run.mjs"), spec_path], cwd=HERE,
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            raise SystemExit(f"run.mjs failed ({done.returncode}):\n{done.stderr[-4000:]}")
    finally:
        server.terminate()  # by its PID: it is our child
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
