"""Subset tags named by what they tag: the six letters before a subset font's name
("HUQPOW+Noto-Serif") are taken from the font program's own bytes, so one tag names one
font program in every file (a RIP that gangs jobs may cache fonts by name)."""

from __future__ import annotations

import hashlib
import re

import pikepdf
from pikepdf import Name

TAGGED = re.compile(r"^[A-Z]{6}\+")
PROGRAMS = (Name.FontFile, Name.FontFile2, Name.FontFile3)


def program_tag(program: bytes) -> str:
    """Six capital letters from a digest of the font program."""
    digest = int.from_bytes(hashlib.sha256(program).digest()[:8], "big")
    letters = []
    for _ in range(6):
        digest, letter = divmod(digest, 26)
        letters.append(chr(ord("A") + letter))
    return "".join(letters)


def retag_subsets(doc: pikepdf.Pdf) -> int:
    """Every subset font's tag replaced by its program's (BaseFont of the font and of its
    descendant, FontName of its descriptor); returns how many fonts were retagged."""
    renamed = 0
    for obj in doc.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get(Name.Type) != Name.FontDescriptor:
            continue
        name = str(obj.get(Name.FontName, ""))[1:]
        program = next((obj[key] for key in PROGRAMS if key in obj), None)
        if program is None or not TAGGED.match(name):
            continue
        obj.FontName = Name("/" + program_tag(program.read_bytes()) + name[6:])
        renamed += 1
    for obj in doc.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get(Name.Type) != Name.Font:
            continue
        fonts = [obj, *(obj.get(Name.DescendantFonts) or [])]
        for font in fonts:
            descriptor = font.get(Name.FontDescriptor)
            base = str(font.get(Name.BaseFont, ""))[1:]
            if descriptor is not None and TAGGED.match(base):
                tag = str(descriptor.FontName)[1:7]
                font.BaseFont = Name("/" + tag + base[6:])
        if len(fonts) > 1 and TAGGED.match(str(obj.get(Name.BaseFont, ""))[1:]):
            descendant = str(fonts[1].get(Name.BaseFont, ""))[1:]
            obj.BaseFont = Name("/" + descendant[:7] + str(obj.BaseFont)[8:])
    return renamed
