"""The error messages the documentation quotes are the ones pamphlet prints."""

from __future__ import annotations

import io
import re

from tests.helpers import REPO
from workflow.cli import main

# `Error: locale/es/s.po:14: Plural-Forms has nplurals=1, but Spanish ...`
PLURALS_EXAMPLE = re.compile(r"`(Error: locale/(\w+)/s\.po:(\d+): Plural-Forms has "
                             r"nplurals=(\d+), [^`]*)`")


def documented_plural_errors():
    pages = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]
    text = "\n".join(page.read_text(encoding="utf-8") for page in pages if page.exists())
    return PLURALS_EXAMPLE.findall(" ".join(text.split()))


def test_the_documented_plural_forms_error_happens(project_dir):
    examples = documented_plural_errors()
    assert examples, "the docs quote the Plural-Forms error"
    (project_dir / "source" / "caravan.md").rename(project_dir / "source" / "s.md")
    assert main(["update"], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    for message, language, _line, nplurals in examples:
        path = project_dir / "locale" / language / "s.po"
        original = path.read_text(encoding="utf-8")
        lines = original.split("\n")
        start = next(i for i, text in enumerate(lines) if text.startswith('"Plural-Forms:'))
        end = next(i for i in range(start, len(lines)) if lines[i].endswith('\\n"'))
        lines[start:end + 1] = [f'"Plural-Forms: nplurals={nplurals}; plural=0;\\n"']
        path.write_text("\n".join(lines), encoding="utf-8")
        err = io.StringIO()
        assert main(["update"], stdout=io.StringIO(), stderr=err) == 2
        assert err.getvalue().strip() == message
        path.write_text(original, encoding="utf-8")
