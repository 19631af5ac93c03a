"""What the fitting pass reads from a laid-out document: front matter that runs onto a
second page, line-end hyphens a typesetter would take back (ladders, page turns,
paragraphs ending on a word's last letters), and running headers on more than one line."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
LETTERS = re.compile(r"[^\W\d_]+")
LADDER = 3  # hyphenated lines in a row that make a ladder
FRAGMENT = 6  # a paragraph's last line of one word this short, after a hyphen

# The cover and the contents each fit one page: their sizes are tried at these scales
# (the stylesheet's --cover-scale and --contents-scale) until they do.
FRONT_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.42, 0.35)


def front_css(scales: dict[str, float]) -> str:
    return (f"\n:root {{ --cover-scale: {scales['cover']:g};"
            f" --contents-scale: {scales['contents']:g}; }}")


def _classes(element) -> list[str]:
    return (element.get("class") or "").split() if hasattr(element, "get") else []


def front_spills(document) -> dict[str, float]:
    """The cover and the contents, where one runs onto a second page of the layout: the
    share of its height that its first page holds."""
    heights: dict[str, list[float]] = {}
    rooms: dict[str, float] = {}
    for page in document.pages:
        todo = [page._page_box]
        while todo:
            box = todo.pop()
            element = getattr(box, "element", None)
            classes = _classes(element) if element is not None else []
            if "cover" in classes or (element is not None and element.tag == "nav"
                                      and "contents" in classes):
                part = "cover" if "cover" in classes else "contents"
                # What the part holds (its children, in flow or flex items), against the
                # room its first page gives it.
                held = sum(child.margin_height() for child in getattr(box, "children", ()))
                heights.setdefault(part, []).append(held)
                rooms.setdefault(part, box.height)
                continue
            todo.extend(getattr(box, "children", ()))
    return {part: min(1.0, rooms[part] / sum(parts)) for part, parts in heights.items()
            if len(parts) > 1 and sum(parts) > 0}


def smaller_scale(scale: float, share: float) -> float:
    """The next of FRONT_SCALES under `scale` times the share of the page that fits."""
    smaller = [s for s in FRONT_SCALES if s < scale]
    return next((s for s in smaller if s <= scale * share), smaller[-1]) if smaller else scale


# A URL broken over lines copies out with a space (or without the "-" it broke after):
# extractors write a line break at every line end. So a URL is set whole, on a line of its
# own where it does not fit after the text before it, and smaller where it is wider than
# the measure, down to this share of its size: 8 pt in running text, 6.4 pt in the
# colophon, about the imprint's 6.5 pt, the smallest type a reader is given. A URL wider
# than that still breaks at its break points: legible before copied whole.
URL_FLOOR = 0.8


def _address(element) -> bool:
    """A URL or e-mail address as html.break_addresses sets it: a <span class="url"> of
    unbreakable pieces and <wbr>s."""
    return (element.tag == "span" and "url" in _classes(element)
            and all(child.tag == "wbr" or "nobr" in _classes(child) for child in element))


def url_faults(document, scales: dict[tuple[int, str], float]) -> dict[tuple[int, str], float]:
    """URLs (and e-mail addresses) broken over lines or wider than their line, by (their
    place among the document's addresses, text), with the share of their size (`scales`
    holds the one they are set at) that fits them on one line; none under URL_FLOOR: 0 for
    one of `scales` that would be, which is to break again."""
    from weasyprint.formatting_structure import boxes

    if not document.pages:
        return {}
    widths: dict[int, list[float]] = {}
    rooms: dict[int, float] = {}
    elements: dict[int, Any] = {}
    for page in document.pages:
        # (box, the width of the block its lines fill, whether inside a line)
        todo: list[tuple[object, float, bool]] = [(page._page_box, 0.0, False)]
        while todo:
            box, room, in_line = todo.pop()
            if isinstance(box, boxes.LineBox):
                in_line = True  # (a line box is as wide as its text, not its block)
            elif isinstance(box, boxes.BlockContainerBox):
                room = box.width
            element = getattr(box, "element", None)
            if (in_line and isinstance(box, boxes.InlineBox) and element is not None
                    and "url" in _classes(element)):  # the outer of nested ones
                key = id(element)
                widths.setdefault(key, []).append(box.width)
                rooms[key] = min(rooms.get(key, room), room)
                elements[key] = element
                continue
            todo.extend((child, room, in_line) for child in getattr(box, "children", ()))
    if not widths:
        return {}
    root = document.pages[0]._page_box.children[0].element  # <html>
    places = {id(e): n for n, e in enumerate(e for e in root.iter() if _address(e))}
    faults: dict[tuple[int, str], float] = {}
    for key, pieces in widths.items():
        if len(pieces) == 1 and pieces[0] <= rooms[key] + 0.01:
            continue
        address = next((e for e in elements[key].iter() if _address(e)), None)
        if address is None:
            continue
        place = (places[id(address)], "".join(address.itertext()))
        size = scales.get(place, 1.0)
        # a little under the share that fits: a line's width is not exactly its glyphs'
        scale = min(size, int(size * rooms[key] / sum(pieces) * 0.97 * 100) / 100)
        if scale >= URL_FLOOR:
            faults[place] = scale
        elif place in scales:  # set whole (a short one, from the start): it breaks again
            faults[place] = 0.0
    return faults


def _lines(document) -> list[tuple[int, int | None, str]]:
    """(page, id of the paragraph's element, text) of every line box, in reading order."""
    from weasyprint.formatting_structure import boxes

    found: list[tuple[int, int | None, str]] = []
    for number, page in enumerate(document.pages):
        todo: list[tuple[object, int | None]] = [(page._page_box, None)]
        while todo:
            box, owner = todo.pop()
            if isinstance(box, boxes.MarginBox):
                continue
            if isinstance(box, boxes.LineBox):
                found.append((number, owner, box_text(box)))
                continue
            element = getattr(box, "element", None)
            if isinstance(box, boxes.BlockBox) and element is not None:
                owner = id(element)
            todo.extend((child, owner) for child in reversed(getattr(box, "children", ())))
    return found


def box_text(box) -> str:
    """The text a laid-out box (a line, an inline box) holds."""
    if hasattr(box, "text"):
        return box.text
    return "".join(box_text(child) for child in getattr(box, "children", ()))


ELLIPSIS = "\u2026"
ISOLATES = re.compile("[\u2066-\u2069]")


def header_faults(document) -> dict[str, str]:
    """Running headers set on more than one line (@top-center: the measure, half of it
    beside a draft notice): by the language of their pages (named lang-xx), a running
    title that fits one, the words of the first line but its last and an ellipsis. Typeset
    again, one that still runs over is cut again the same way."""
    from weasyprint.formatting_structure import boxes

    titles: dict[str, str] = {}
    for page in document.pages:
        name = page._page_box.page_type.name or ""
        for box in page._page_box.children:
            if not (isinstance(box, boxes.MarginBox) and box.at_keyword == "@top-center"
                    and len(box.children) > 1 and name.startswith("lang-")):
                continue
            words = ISOLATES.sub("", box_text(box.children[0])).split()
            kept = " ".join(words[:-1] or words[:1]).rstrip(ELLIPSIS)
            # no comma, colon or dash before the ellipsis ("statement:…")
            while kept and (unicodedata.category(kept[-1])[0] == "P"
                            and kept[-1] not in ")]»›”’"):
                kept = kept[:-1].rstrip()
            titles[name.removeprefix("lang-")] = kept + ELLIPSIS
    return titles


def hyphen_faults(document) -> set[str]:
    """Words hyphenated at the 3rd line of a ladder, across a page turn, or before a
    paragraph's last line of a few letters: typeset again whole, they break elsewhere."""
    lines = _lines(document)
    by_paragraph: dict[int, list[tuple[int, str]]] = {}
    for page, owner, text in lines:
        if owner is not None:
            by_paragraph.setdefault(owner, []).append((page, text.strip()))
    words = set()
    for paragraph in by_paragraph.values():
        run = 0
        for index, (page, text) in enumerate(paragraph[:-1]):
            if not text.endswith(HYPHEN):
                run = 0
                continue
            run += 1
            next_page, following = paragraph[index + 1]
            head = LETTERS.findall(text[:-1])
            tail = LETTERS.findall(following)
            if not head or not tail:
                continue
            last = index + 1 == len(paragraph) - 1
            if next_page != page or taken_back(run, following if last else None):
                words.add(head[-1] + tail[0])
    return words


def taken_back(run: int, last_line: str | None) -> bool:
    """Whether a line-end hyphen is taken back, pagination aside: its line the `run`th
    hyphenated in a row (a ladder's third), or the paragraph's `last_line` after it one
    word's end of FRAGMENT letters or fewer. Lines are broken so (render/lineends.py)."""
    if run >= LADDER:
        return True
    if last_line is None or len(last_line.split()) != 1:
        return False
    tail = LETTERS.findall(last_line)
    return bool(tail) and len(tail[0]) <= FRAGMENT
