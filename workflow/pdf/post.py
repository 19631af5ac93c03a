"""PDF fix-ups WeasyPrint leaves to us, for screen and print files alike: reading direction,
page labels, and, in tagged PDFs, running headers and page numbers as artifacts."""

from __future__ import annotations

import io
from typing import Any, cast

import pikepdf
from pikepdf import Array, Dictionary, Name

from workflow.pdf.fonttags import retag_subsets
from workflow.render.textlayer import spans_to_cids

BDC = pikepdf.Operator("BDC")


def reading_fixups(doc: pikepdf.Pdf, bind: str) -> None:
    """Right-to-left page progression for a pamphlet bound on the right (viewers show its
    spreads right to left), the title in the window bar, not the file name (PDF/UA asks
    for it), page labels that match the printed numbers (the cover is 1), and margin-box
    text out of the tag tree."""
    doc.Root.ViewerPreferences = doc.Root.get(Name.ViewerPreferences, Dictionary())
    doc.Root.ViewerPreferences.DisplayDocTitle = True
    if bind == "right":
        doc.Root.ViewerPreferences.Direction = Name.R2L
    doc.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    orphans = _orphans(doc) if Name.StructTreeRoot in doc.Root else {}

    def margins(page: Dictionary, instructions: list) -> bool:
        parents = page.get(Name.StructParents)
        if parents is None or int(parents) not in orphans:
            return False
        _mark_artifacts(instructions, orphans[int(parents)])
        return True

    # what each glyph copies out as, in ToUnicode (workflow/render/textlayer), and the
    # margin boxes as artifacts, in one pass over each page's content stream
    spans_to_cids(doc, margins)


def finish_screen(pdf: bytes, bind: str) -> bytes:
    """A screen PDF with its reading fix-ups, saved deterministically."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        reading_fixups(doc, bind)
        retag_subsets(doc)
        buffer = io.BytesIO()
        doc.save(buffer, deterministic_id=True)
        return buffer.getvalue()


def _reachable(root) -> set:
    """The object numbers of every structure element in the tag tree."""
    seen, todo = set(), [root]
    while todo:
        node = todo.pop()
        if isinstance(node, Array):
            todo.extend(node)
            continue
        if not isinstance(node, Dictionary) or node.objgen in seen:
            continue
        if node.objgen != (0, 0):
            seen.add(node.objgen)
        kids = node.get(Name.K)
        if kids is not None:
            todo.append(kids)
    return seen


def artifact_margins(doc: pikepdf.Pdf) -> int:
    """WeasyPrint 70 tags the running header and page numbers like text (it builds their
    structure elements but leaves them out of the tree): mark them as pagination artifacts,
    so that a screen reader skips them, and drop them from the parent tree. Returns how
    many marked-content sequences became artifacts. (reading_fixups does the same in the
    pass that rewrites the text layer.)"""
    orphans = _orphans(doc)
    changed = 0
    for page in doc.pages:
        parents = page.obj.get(Name.StructParents)
        if parents is None or int(parents) not in orphans:
            continue
        # pikepdf's stubs do not say that an instruction has operands and an operator
        instructions = cast("list[Any]", pikepdf.parse_content_stream(page))
        changed += _mark_artifacts(instructions, orphans[int(parents)])
        page.obj.Contents = doc.make_stream(pikepdf.unparse_content_stream(instructions))
    return changed


def _orphans(doc: pikepdf.Pdf) -> dict[int, set[int]]:
    """StructParents of a page -> its MCIDs whose structure elements are not in the tag
    tree; those elements are dropped from the parent tree."""
    tree = doc.Root.StructTreeRoot
    reachable = _reachable(tree.get(Name.K))
    parent_tree = tree.get(Name.ParentTree)
    if parent_tree is None or Name.Nums not in parent_tree:
        return {}
    nums = parent_tree.Nums
    orphans: dict[int, set[int]] = {}
    for index in range(0, len(nums), 2):
        key, value = int(nums[index]), nums[index + 1]
        if not isinstance(value, Array):
            continue
        for mcid, element in enumerate(value):
            if isinstance(element, Dictionary) and element.objgen not in reachable:
                orphans.setdefault(key, set()).add(mcid)
                value[mcid] = pikepdf.Object.parse(b"null")
    return orphans


def _mark_artifacts(instructions: list[Any], mcids: set[int]) -> int:
    """Turn the marked-content openings of `mcids` into pagination artifacts, in place;
    the other instructions are kept as parsed, not copied (a page has thousands)."""
    changed = 0
    for at, instruction in enumerate(instructions):
        if instruction.operator != BDC:
            continue
        operands = instruction.operands
        if (len(operands) == 2 and isinstance(operands[1], Dictionary)
                and int(operands[1].get(Name.MCID, -1)) in mcids):
            instructions[at] = pikepdf.ContentStreamInstruction(
                [Name.Artifact, Dictionary(Type=Name.Pagination)], instruction.operator)
            changed += 1
    return changed
