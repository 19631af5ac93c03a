"""File writing that never leaves a half-written file and never churns unchanged files."""

from __future__ import annotations

import ctypes
import errno
import json
import os
import stat
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from workflow.errors import PamphletError, SystemRefusal

TEMP_SUFFIX = ".tmp"


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (BOM tolerated, CRLF normalised), or fail naming the line."""
    return decode_text(read_input(path), path)


def decode_text(data: bytes, path: Path) -> str:
    """A file's bytes as text: UTF-8 (BOM tolerated, CRLF normalised), or an error naming
    the line of the first byte that is not."""
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


# Project roots loaded in this process (config.load_project registers them): a path
# below one of them is checked against it, whatever pyproject.toml a link target holds.
_ROOTS: set[Path] = set()


def register_root(root: Path) -> None:
    """Remember a project's root: every write below it is checked by `check_writable`."""
    _ROOTS.add(Path(os.path.abspath(root)))


def project_root_of(path: Path) -> Path | None:
    """The project `path` belongs to: the deepest registered root above it, else the
    nearest folder above it holding a pyproject.toml and not reached through a link (a
    link's target may hold a pyproject.toml of its own)."""
    absolute = Path(os.path.abspath(path))
    lexical = Path.cwd() / path  # `..` kept: root/../site belongs to root, and leaves it
    registered = [root for root in _ROOTS
                  if absolute.is_relative_to(root) or lexical.is_relative_to(root)]
    if registered:
        return max(registered, key=lambda root: len(root.parts))
    for folder in absolute.parents:
        if not folder.is_symlink() and (folder / "pyproject.toml").is_file():
            return folder
    return None


def check_writable(path: Path, root: Path | None = None) -> None:
    """Refuse to write or delete `path` if that would leave the project: a link at the
    path or at any folder between the project's root and it (a committed `build -> /srv`,
    `locale/fa -> ~/elsewhere`), or a path that climbs out of the root (`..`). Every
    writer of fsutil calls this before it creates anything; so do the deleting ones."""
    root = Path(os.path.abspath(root)) if root is not None else project_root_of(path)
    if root is None:
        return
    absolute = Path(os.path.abspath(path))
    if not absolute.is_relative_to(root):
        raise PamphletError(f"is outside the project ({root}): pamphlet writes only inside"
                            " it", path)
    refuse_links(root, absolute)


def read_input(path: Path) -> bytes:
    """The bytes of an input file of the project, whole.

    Refused, naming the path: anything but a regular file (a FIFO would block forever,
    /dev/zero fill the memory) and a link leading out of the project (a catalog linked to
    /etc/passwd would be read and quoted in error messages).
    """
    root = project_root_of(path)
    if root is not None and (path.is_symlink()
                             or any(p.is_symlink() for p in _between(root, path))):
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(os.path.realpath(root)):
            raise PamphletError(f"is a link to {target}, outside the project: pamphlet reads"
                                " only the project's own files (copy the file here)", path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except IsADirectoryError:
        raise PamphletError("is a folder, not a file", path) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise PamphletError("is not a regular file (a FIFO, a device or a socket): pamphlet"
                                " reads only plain files", path)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(fd)


# build/'s own state files (findings cache, file index, build state) above this size are
# damaged, not read: a link to /dev/zero or a runaway file must not fill the memory.
STATE_LIMIT = 64 * 1024 * 1024


def read_state(path: Path, limit: int = STATE_LIMIT) -> object:
    """The JSON of one of build/'s own state files, or None where there is none or it is
    damaged (which only means a rebuild): never read through a link (O_NOFOLLOW, and no
    link between the project's root and it), never from a FIFO or device (O_NONBLOCK,
    then a regular file is required), never more than `limit` bytes."""
    root = project_root_of(path)
    try:
        if root is not None:
            refuse_links(root, Path(os.path.abspath(path)))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except (OSError, PamphletError):
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
        if len(data) > limit:
            return None
        return json.loads(data.decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    finally:
        os.close(fd)


def _between(root: Path | None, path: Path) -> list[Path]:
    """The folders from `root` (excluded) down to `path`'s folder."""
    if root is None:
        return []
    folders = []
    for folder in Path(os.path.abspath(path)).parents:
        if folder == root:
            break
        folders.append(folder)
    return folders


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename over the target.

    The file is synced before the rename and the directory after it, so the target is at
    every moment, even across a crash, either the old file or the new one. A temporary
    file left by a killed process (`.NAME.PID.XXXX.tmp`) is removed by the next write.
    """
    tmp_name = _write_temporary(path, data)
    try:
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


def save_merged(path: Path, based_on: bytes | None,
                merge: Callable[[bytes | None], bytes]) -> bool:
    """Write `merge(based_on)` over a file read as `based_on`, losing no save made meanwhile.

    An editor may save the file (a temporary file renamed over it) at any moment after it
    was read. The new file is put in place with an atomic exchange (Linux renameat2
    RENAME_EXCHANGE), which hands back the file it displaced: if that is not the one the
    merge was based on, someone saved in between, and their file is merged again and the
    result exchanged in, until what is displaced is what was merged. Without the exchange
    (another system, a file system without it), the file is compared just before an
    ordinary rename instead, which leaves a window of microseconds. True if written.
    """
    expected = based_on  # what the file holds now, as far as we know
    data = merge(based_on)
    temporaries: list[str] = []  # removed at the end: one may hold a displaced save
    try:
        while True:
            current = _read_plain(path)
            if current != expected:  # saved since it was read: merge that instead
                expected, data = current, merge(current)
                continue
            if data == current:
                remove_stale_temporaries(path)
                return False
            tmp_name = _write_temporary(path, data)
            temporaries.append(tmp_name)
            displaced = _exchange_into_place(tmp_name, path, current)
            if displaced is _SWAPPED:  # the temporary name now holds what was displaced
                displaced = _read_plain(Path(tmp_name))
                if displaced != expected:  # a save slipped in: merge it and go again
                    try:
                        expected, data = data, merge(displaced)
                    except BaseException:
                        _renameat2(tmp_name, path)  # it cannot be merged: it goes back
                        raise
                    continue
            elif isinstance(displaced, _Changed):  # saved meanwhile: nothing replaced
                expected, data = displaced.data, merge(displaced.data)
                continue
            _fsync_directory(path.parent)
            return True
    finally:
        for name in temporaries:
            Path(name).unlink(missing_ok=True)


_SWAPPED = object()
_RENAME_EXCHANGE = 2  # linux/fs.h


def _read_plain(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _refusal(path, error) from None


def _write_temporary(path: Path, data: bytes) -> str:
    """A synced temporary file beside `path` holding `data`, with the mode `path` has or
    would get from `open()` (mkstemp makes it 0600); its name."""
    check_writable(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        fd, tmp_name = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}.",
                                        suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as error:
        raise _refusal(path, error) from None
    try:
        os.fchmod(fd, _target_mode(path))  # not mkstemp's 0600
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
    except BaseException as error:
        Path(tmp_name).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _refusal(path, error) from None
        raise
    return tmp_name


class _Changed:
    """The file changed after it was last read: it was not replaced."""

    def __init__(self, data: bytes | None):
        self.data = data


def _exchange_into_place(tmp_name: str, path: Path, expected: bytes | None):
    """Put the temporary file at `path`, which held `expected` when last read.

    Returns _SWAPPED when the old file now lies at the temporary name (an exchange),
    None when it was replaced (or there was none), or _Changed(now) when the file is not
    `expected` any more and nothing was replaced. A new file is linked into place, so a
    file created meanwhile is never replaced.
    """
    try:
        if expected is None:
            try:
                os.link(tmp_name, path)
            except FileExistsError:
                return _Changed(_read_plain(path))
            Path(tmp_name).unlink()
            return None
        if _renameat2(tmp_name, path):
            return _SWAPPED
        current = _read_plain(path)  # no exchange here: compare as late as possible
        if current != expected:
            return _Changed(current)
        os.replace(tmp_name, path)
        return None
    except OSError as error:
        raise _refusal(path, error) from None


def _renameat2(source: str, target: Path) -> bool:
    """Exchange two names atomically; False where the system cannot."""
    function = _libc_renameat2()
    if function is None:
        return False
    at_fdcwd = -100
    if function(at_fdcwd, os.fsencode(source), at_fdcwd, os.fsencode(target),
                _RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False  # this file system or kernel cannot exchange
    raise OSError(number, os.strerror(number), str(target))


@cache
def _libc_renameat2():
    try:  # the process's own C library: no compiler or ldconfig run to find it
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


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
    removed: list[Path] = []
    try:
        names = [entry.name for entry in os.scandir(path.parent)
                 if entry.name.startswith(prefix) and entry.name.endswith(TEMP_SUFFIX)]
    except FileNotFoundError:
        return removed
    for name in names:
        pid = name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not process_exists(int(pid)):
            (path.parent / name).unlink(missing_ok=True)
            removed.append(path.parent / name)
    return removed


def process_exists(pid: int) -> bool:
    """Whether a process of this id runs (another user's too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def refuse_links(root: Path, path: Path) -> None:
    """Refuse to write or delete at `path` if it, or a folder between `root` and it, is a
    symbolic link: a repository can commit `build/print/x -> ~/Dropbox/shop`, and pamphlet
    never follows a link out of the project to write or delete."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return
    current = root
    for number, part in enumerate(parts, 1):
        current = current / part
        if current.is_symlink():
            # a folder on the way is made again; the path itself may be a file (a state
            # file, an output) or a folder: say neither
            again = "the folder is made again" if number < len(parts) else "pamphlet makes it again"
            raise PamphletError("is a symbolic link: pamphlet never writes or deletes through a"
                                f" link (remove it; {again})", current)


def write_if_changed(path: Path, text: str) -> bool:
    """Atomically write `text` unless the file already holds exactly it; True if written."""
    return write_bytes_if_changed(path, text.encode("utf-8"))


def write_bytes_if_changed(path: Path, data: bytes) -> bool:
    """Atomically write `data` unless the file already holds exactly it; True if written."""
    check_writable(path)
    if _holds(path, data):
        remove_stale_temporaries(path)
        return False
    atomic_write_bytes(path, data)
    return True


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a regular file holding exactly `data` (a FIFO there is not waited
    for, a device not read: they are simply replaced)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return stream.read(len(data) + 1) == data
    except OSError:
        return False
    finally:
        os.close(fd)
