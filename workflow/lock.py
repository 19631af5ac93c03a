"""One writing command at a time per project: an advisory lock on `<root>/.pamphlet.lock`.

The lock is `fcntl.flock` on the file, so the kernel releases it when its holder exits,
however it exits (Ctrl-C, `kill -9`, a crash): a lock is never left stale. The holder
writes its pid and command into the file, so a second command that gives up waiting
can say who holds the project.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from workflow.errors import PamphletError

LOCK_NAME = ".pamphlet.lock"
TIMEOUT_VARIABLE = "PAMPHLET_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 60.0  # seconds a command waits for another one to finish
POLL_INTERVAL = 0.1


def lock_timeout() -> float:
    """Seconds to wait for the lock: PAMPHLET_LOCK_TIMEOUT if set, else DEFAULT_TIMEOUT."""
    value = os.environ.get(TIMEOUT_VARIABLE)
    if value is None or not value.strip():
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise PamphletError(f"{TIMEOUT_VARIABLE} must be a number of seconds, not {value!r}")
    return seconds


def holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it: 'pid 123: pamphlet build (since ...)'."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "another process (it did not say which)"


@contextmanager
def project_lock(root: Path, command: str, timeout: float | None = None,
                 on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the project's lock for the duration of the block.

    Waits up to `timeout` seconds (default: `lock_timeout()`) for another command to
    finish, calling `on_wait(holder)` once when it starts waiting; then gives up with a
    PamphletError naming the holder.
    """
    timeout = lock_timeout() if timeout is None else timeout
    path = root / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise PamphletError(f"cannot create the project lock: {error.strerror}", path) from None
    try:
        _acquire(fd, path, timeout, on_wait)
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}: {command} (since {stamp})\n".encode(), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)  # before unlocking: the next holder writes its own line
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, timeout: float,
             on_wait: Callable[[str], None] | None) -> None:
    deadline = time.monotonic() + timeout
    waited = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if time.monotonic() >= deadline:
            raise PamphletError(
                f"the project is locked by {holder(path)}; waited {timeout:g} s: try again when"
                f" it has finished (or set {TIMEOUT_VARIABLE} to wait longer)", path)
        if not waited and on_wait is not None:
            on_wait(holder(path))
        waited = True
        time.sleep(POLL_INTERVAL)
