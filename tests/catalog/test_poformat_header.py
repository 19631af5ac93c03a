"""A header field keeps the lines a translator's tool wrote it on while its content is
unchanged: Translate Toolkit 3.16 (Weblate 5.14) breaks `Language-Team` and `Plural-Forms`
otherwise than msgcat, and an entry's change must not flip them back and forth."""

from __future__ import annotations

from tests.helpers import run
from workflow.catalog.poformat import keep_header_layout

# Another tool's line breaking of the Plural-Forms field
TOOLKIT_LINES = {
    '"Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? "':
        '"Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 "',
    '"1 : 2);\\n"': '"? 1 : 2);\\n"',
}


def resave_header_as_tool(path):
    """The header as another tool breaks it: Plural-Forms cut elsewhere, Language-Team
    in two lines."""
    text = path.read_text(encoding="utf-8")
    for ours, theirs in TOOLKIT_LINES.items():
        text = text.replace(ours, theirs)
    text = text.replace('"Language-Team: Spanish (pamphlet translation team)\\n"',
                        '"Language-Team: Spanish (pamphlet translation "\n"team)\\n"')
    path.write_text(text, encoding="utf-8")
    return text


def header_lines(text):
    return text.split("\n\n", 1)[0].split("\n")


def test_an_entry_change_keeps_the_tools_header_lines(project_dir):
    assert run("update")[0] == 0
    path = project_dir / "locale" / "es" / "caravan.po"
    saved = resave_header_as_tool(path)
    assert run("update", "--check")[0] == 0  # layout only: nothing to do

    text = path.read_text(encoding="utf-8")  # a translation from the tool: content changes
    entry_text = text.replace('msgid "Solidarity with the caravan"\nmsgstr ""',
                              'msgid "Solidarity with the caravan"\n'
                              'msgstr "Solidaridad con la caravana"')
    path.write_text(entry_text, encoding="utf-8")
    source = project_dir / "source" / "caravan.md"  # and the statement gains a sentence
    source.write_text(source.read_text(encoding="utf-8").replace(
        "More than 7000 people walk together.",
        "More than 7000 people walk together. They are not alone."), encoding="utf-8")

    assert run("update")[0] == 0
    after = path.read_text(encoding="utf-8")
    assert "They are not alone." in after  # merged
    assert header_lines(after) == header_lines(saved)  # the tool's header lines, as they were


def test_a_changed_field_is_written_as_gettext_writes_it():
    header = 'msgid ""\nmsgstr ""\n"Language: es\\n"\n'
    old = header + '"Language-Team: Spanish (pamphlet "\n"team)\\n"\n\nmsgid "a"\nmsgstr ""\n'
    new = header + '"Language-Team: Spanish (another team)\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    assert keep_header_layout(new, old) == new  # changed: gettext's layout
    same = header + '"Language-Team: Spanish (pamphlet team)\\n"\n\nmsgid "a"\nmsgstr "b"\n'
    assert keep_header_layout(same, old) == (
        header + '"Language-Team: Spanish (pamphlet "\n"team)\\n"\n\nmsgid "a"\nmsgstr "b"\n')
