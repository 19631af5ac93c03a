"""The one error type every stage raises for bad input: `path:line: message`."""

from __future__ import annotations

from pathlib import Path


class PamphletError(Exception):
    """Bad input or a refused operation, reported to the user as one line."""

    exit_code = 2  # the command line's exit code: bad input

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        location = str(_relative_to_cwd(self.path))
        if self.line is not None:
            location += f":{self.line}"
        return f"{location}: {self.message}"


def _relative_to_cwd(path: Path) -> Path:
    """Paths in messages as the user typed them: relative to where the command runs."""
    # The folder is resolved, not the file: a link loop (`ln -s x x`) would make resolve()
    # raise, and a message names the link itself, not where it points.
    try:
        return (path.parent.resolve() / path.name).relative_to(Path.cwd().resolve())
    except (ValueError, OSError, RuntimeError):
        return path


class SystemRefusal(PamphletError):
    """The system refused a read or write (a full disk, a read-only folder): not bad input."""

    exit_code = 1


class PamphletErrors(PamphletError):
    """Several problems found in one run (every bad statement, not just the first): one
    `path:line: message` line each."""

    def __init__(self, errors: list[PamphletError]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = list(errors)
        self.exit_code = max(error.exit_code for error in self.errors)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
