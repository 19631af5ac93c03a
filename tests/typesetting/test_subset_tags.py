"""One subset tag names one font program, across every file a build writes."""

from __future__ import annotations

import hashlib

import pikepdf
from pikepdf import Name

from tests.conftest import STATEMENT_EN, write_project
from tests.helpers import keeping_numbers, translate_catalog
from workflow.build import build
from workflow.config import load_project
from workflow.update import update


def font_programs(pdf) -> dict[str, str]:
    """FontName -> digest of its embedded program."""
    found = {}
    with pikepdf.open(pdf) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get(Name.Type) == Name.FontDescriptor:
                program = obj.get(Name.FontFile2) or obj.get(Name.FontFile3)
                found[str(obj.FontName)] = hashlib.sha256(program.read_bytes()).hexdigest()
    return found


def test_tags_follow_the_font_program(tmp_path, monkeypatch):
    root = write_project(tmp_path / "project", {"caravan": STATEMENT_EN},
                         config='[tool.pamphlet]\nlanguages = ["en", "es"]\n')
    monkeypatch.chdir(root)
    project = load_project(root)
    update(project)
    translate_catalog(project, "es", keeping_numbers("Zapatos y xilófonos: ¿qué jaleo?"))
    build(project, layouts=["single"])
    seen: dict[str, str] = {}
    files = [project.build / "caravan" / f"caravan.{lang}.pdf" for lang in ("en", "es")]
    for pdf in files:
        for name, digest in font_programs(pdf).items():
            assert seen.setdefault(name, digest) == digest, f"{name} names two programs"
    # Both files set Noto Serif, with different letters: two programs, two tags.
    serif = {name for name in seen if name.endswith("+Noto-Serif")}
    assert len(serif) == 2, seen
