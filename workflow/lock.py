"""One writing command at a time per project: an advisory lock on `<root>/.pamphlet.lock`.

The lock is `fcntl.flock` on the file, so the kernel releases it when its holder exits,
however it exits (Ctrl-C, `kill -9`, a crash): a lock is never left stale. The holder
writes its pid and command into the file, so a second command that gives up waiting
can say who holds the project.
"""

from __future__ import annotations

import fcntl
import os
import re
import stat
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
# What a holder writes into the lock: anything else in the file is not ours to empty.
HOLDER_LINE = re.compile(rb"\Apid \d+: [^\n]*\n?\Z")


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
    fd = _open_lock(path)
    try:
        _acquire(fd, path, timeout, on_wait)
        stamp = datetime.now().astimezone().isoformat(timespec="seconds")
        command = " ".join(command.split())[:1000]  # one line: what the next holder checks
        written = _note(fd, f"pid {os.getpid()}: {command} (since {stamp})\n".encode())
        try:
            yield path
        finally:
            if written:
                _note(fd, b"")  # before unlocking: the next holder writes its own line
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _open_lock(path: Path) -> int:
    """The lock file, opened without following a link: a repository can commit a link
    named .pamphlet.lock, and emptying the file it points to would destroy data anywhere.
    Only a regular file with one name that is empty or holds a holder's line is used."""
    # O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever.
    flags = os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
    try:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            fd = os.open(path, flags)
    except OSError as error:
        if path.is_symlink():
            raise PamphletError("the project lock is a symbolic link: pamphlet never follows it"
                                " (remove it; it is recreated as a plain file)", path) from None
        raise PamphletError(f"cannot create the project lock: {error.strerror}", path) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise PamphletError("the project lock is not a regular file: remove it (it is"
                                " recreated as a plain file)", path)
        if info.st_nlink != 1:  # a hard link: the same data has another name elsewhere
            raise PamphletError("the project lock has another name (a hard link): remove it"
                                " (it is recreated as a plain file)", path)
        if info.st_size and not HOLDER_LINE.match(os.pread(fd, 4096, 0)):
            raise PamphletError("this file holds something other than pamphlet's lock: move"
                                " it away (the lock is recreated as a plain file)", path)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _note(fd: int, line: bytes) -> bool:
    """Write the holder's line; on a full disk the lock still works without it."""
    try:
        os.ftruncate(fd, 0)
        if line:
            os.pwrite(fd, line, 0)
    except OSError:
        return False
    return True


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
