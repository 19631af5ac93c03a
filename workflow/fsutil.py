"""File writing that never leaves a half-written file and never churns unchanged files."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from workflow.errors import PamphletError, SystemRefusal

TEMP_SUFFIX = ".tmp"


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM tolerated, CRLF normalised), or fail naming the line."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PamphletError(
            f"not valid UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8",
            path,
            line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename over the target.

    The file is synced before the rename and the directory after it, so the target is at
    every moment, even across a crash, either the old file or the new one. A temporary
    file left by a killed process (`.NAME.PID.XXXX.tmp`) is removed by the next write.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, tmp_name = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}.",
                                        suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as error:
        raise _refusal(path, error) from None
    try:
        # mkstemp makes the file 0600: give it the mode `open()` would have given it.
        os.fchmod(fd, _target_mode(path))
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException as error:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(error, OSError):  # a full disk, a read-only mount: one clear line
            raise _refusal(path, error) from None
        raise
    _fsync_directory(path.parent)


def _target_mode(path: Path) -> int:
    """A rewritten file keeps its mode; a new one gets 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def current_umask() -> int:
    """The process's umask, read without changing it where Linux allows (setting and
    restoring it would race with threads that create files meanwhile)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _refusal(path: Path, error: OSError) -> SystemRefusal:
    kept = "its previous version is untouched" if path.exists() else "nothing was written"
    return SystemRefusal(f"cannot write this file ({error.strerror or error}); {kept}", path)


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable; some file systems cannot sync a directory, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # not supported here: the rename is still atomic, only not yet on disk
    finally:
        os.close(fd)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove temporary files of `path` whose writing process no longer runs."""
    prefix = _temp_prefix(path)
    removed = []
    try:
        names = [entry.name for entry in os.scandir(path.parent)
                 if entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX)]
    except FileNotFoundError:
        return removed
    for name in names:
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _process_exists(int(pid)):
            (path.parent / name).unlink(missing_ok=True)
            removed.append(path.parent / name)
    return removed


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def write_if_changed(path: Path, text: str) -> bool:
    """Atomically write `text` unless the file already holds exactly it; True if written."""
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        remove_stale_temporaries(path)
        return False
    atomic_write_bytes(path, data)
    return True
