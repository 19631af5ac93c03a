"""Tagged PDF (PDF/UA-1): each structure element of an element with a `lang` gets /Lang, so
that a screen reader reads an Arabic section with an Arabic voice. WeasyPrint 70 sets only
the document's /Lang; its tag tree is built in one function, which this wraps.

(Not /ActualText for Persian ZWNJ: tried on each Arabic-script run, it gave the ZWNJ back
to pdftotext but poppler then reversed every run, worse than a missing ZWNJ.)"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_installed = False


def install() -> bool:
    """Wrap WeasyPrint's structure-tree builder once per process; False if this WeasyPrint
    builds its tree otherwise (the PDFs are then tagged without element languages)."""
    global _installed
    if _installed:
        return True
    try:
        import pydyf
        from weasyprint.pdf import tags
    except ImportError:
        return False
    original = getattr(tags, "_build_box_tree", None)
    if original is None:
        log.warning("WeasyPrint builds its tag tree differently: no /Lang on elements")
        return False

    def build_box_tree(box, parent, pdf, *args, **kwargs):
        element = getattr(box, "element", None)
        lang = element.get("lang") if element is not None and hasattr(element, "get") else None
        for struct in original(box, parent, pdf, *args, **kwargs):
            # The first wrapper to see an element is the one of its own box (html and body
            # pass their children's through): an inner lang is never overwritten.
            if lang and "Lang" not in struct:
                struct["Lang"] = pydyf.String(lang)
            yield struct

    tags._build_box_tree = build_box_tree  # its recursive calls go through the module
    _installed = True
    return True

