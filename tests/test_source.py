"""Statement files: front matter validation with file:line errors."""

from __future__ import annotations

import pytest

from workflow.errors import PamphletError
from workflow.source import parse_statement, read_statement

GOOD = '---\ntitle: "T"\nauthor: "A"\ndate: 2018-11-03\nlanguage: en\n---\n\nBody.\n'


def parse(text, tmp_path):
    path = tmp_path / "s.md"
    return parse_statement(text, path), path


def test_good_statement(tmp_path):
    statement, _ = parse(GOOD, tmp_path)
    assert (statement.title, statement.date, statement.language) == ("T", "2018-11-03", "en")
    assert statement.body_line == 7 and statement.body == "\nBody.\n"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Body only.\n", 1, "missing front matter"),
        ('---\ntitle: "T"\n', 1, "not closed"),
        (GOOD.replace("language: en", "language: xx"), 5, "no language profile for 'xx'"),
        (GOOD.replace('author: "A"\n', ""), 5, "'author' is missing"),
        (GOOD.replace('author: "A"', 'author: ""'), 3, "'author' is empty"),
        (GOOD.replace("2018-11-03", "3 Nov 2018"), 4, "not an ISO date"),
        (GOOD.replace("2018-11-03", "2018-13-01"), 4, "not an ISO date"),
        (GOOD.replace('title: "T"', 'title: "T'), 3, "malformed front matter"),
        (GOOD.replace('title: "T"', 'title: "T"\ncolour: red'), 3, "unknown front matter"),
        (GOOD.replace("\nBody.\n", "\n\n  \n"), 7, "statement is empty"),
    ],
)
def test_bad_front_matter(tmp_path, text, line, message):
    with pytest.raises(PamphletError) as error:
        parse(text, tmp_path)
    assert str(error.value).startswith(f"{tmp_path / 's.md'}:{line}: ")
    assert message in str(error.value)


def test_month_precision_date(tmp_path):
    statement, _ = parse(GOOD.replace("2018-11-03", "2020-01"), tmp_path)
    assert statement.date == "2020-01"


def test_non_utf8_and_bom(tmp_path):
    path = tmp_path / "s.md"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert read_statement(path).title == "T"
    path.write_bytes(GOOD.replace("Body.", "Caf\xe9.").encode("latin-1"))
    with pytest.raises(PamphletError, match=r"s.md:8: not valid UTF-8"):
        read_statement(path)
