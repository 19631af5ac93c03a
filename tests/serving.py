"""Waiting for a server a test harness started: the one loop both namespace harnesses use."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from pathlib import Path


def wait_for_http(url: str, server: subprocess.Popen, log: Path, name: str,
                  seconds: float) -> None:
    """Return once `url` answers; exit with the server's log if it dies or stays silent."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"{name} exited with {server.returncode}:\n"
                             + log.read_text(errors="replace")[-3000:])
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{name} did not answer in time:\n"
                     + log.read_text(errors="replace")[-3000:])
