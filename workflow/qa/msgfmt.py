"""What GNU `msgfmt -c` refuses in a catalog: the print gate refuses it too."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from workflow.errors import PamphletError

_MESSAGE = re.compile(r"^(?P<path>.*?):(?P<line>\d+):(?: (?P<column>\d+):)? (?P<text>.*)$")


def msgfmt_errors(path: Path) -> list[tuple[int, str]]:
    """(line, message) of each fatal error `msgfmt -c` finds in the catalog; [] if it
    compiles it. Warnings (a header field left at its default) are not errors."""
    program = shutil.which("msgfmt")
    if program is None:
        raise PamphletError("msgfmt (GNU gettext) is needed to check catalogs for print: "
                            "install the Debian package gettext (`make system`)", path)
    environment = {**os.environ, "LC_ALL": "C", "LANGUAGE": ""}  # messages in English
    result = subprocess.run([program, "-c", "-o", os.devnull, str(path)], capture_output=True,
                            text=True, env=environment)
    if result.returncode == 0:
        return []
    errors = []
    for line in result.stderr.splitlines():
        match = _MESSAGE.match(line)
        if match and not match["text"].startswith("warning:"):
            errors.append((int(match["line"]), match["text"]))
    return errors or [(0, result.stderr.strip().splitlines()[-1] if result.stderr.strip()
                       else f"msgfmt -c exited with {result.returncode}")]
