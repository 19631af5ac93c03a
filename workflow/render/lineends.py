"""Line-end hyphens a typesetter takes back, refused while WeasyPrint breaks a paragraph's
lines: the third hyphenated line in a row, and the hyphen that leaves a paragraph's last
line one short word's end. That line ends before the word, which goes to the next whole."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# The WeasyPrint whose iter_line_boxes this module's own follows, with its parameters; with
# another, lines are broken as WeasyPrint breaks them and the fitting pass lays the
# document out again for these hyphens too (render/fitting.py's hyphen_faults).
CHECKED = ("70.",)
PARAMETERS = ("context", "box", "position_y", "bottom_space", "skip_stack",
              "containing_block", "absolute_boxes", "fixed_boxes", "first_letter_style",
              "first_line_style")
SPLIT_PARAMETERS = ("context", "box", "available_width", "skip", "is_line_start")

_active = False


def _checked() -> bool:
    import inspect

    import weasyprint
    import weasyprint.layout.inline as inline

    try:
        return (weasyprint.__version__.startswith(CHECKED)
                and tuple(inspect.signature(inline.iter_line_boxes).parameters) == PARAMETERS
                and tuple(inspect.signature(inline.split_text_box).parameters)
                == SPLIT_PARAMETERS)
    except (AttributeError, TypeError, ValueError):
        return False


@contextmanager
def refused(stats: dict[str, int] | None = None) -> Iterator[None]:
    """While open, WeasyPrint's lines are broken with these hyphens refused (see
    `iter_line_boxes`). `stats` counts the lines broken again without their hyphen."""
    global _active
    if _active or not _checked():
        yield
        return
    import weasyprint.layout.block as block
    import weasyprint.layout.inline as inline

    counts = stats if stats is not None else {}
    refusing = [False]
    # Each text style's copy with `hyphens: manual` (a soft hyphen still breaks): made once,
    # kept with the style so that an id is not another's, and so that a line-break cache
    # (render/linebreaks.py) keys the refused breaks apart from the hyphenated ones.
    unhyphenated: dict[int, tuple] = {}
    original_split = inline.split_text_box

    def split_text_box(context, box, available_width, skip, is_line_start=True):
        if not refusing[0] or box.style["hyphens"] != "auto":
            return original_split(context, box, available_width, skip, is_line_start)
        known = unhyphenated.get(id(box.style))
        if known is None or known[0] is not box.style:
            style = box.style.copy()
            style["hyphens"] = "manual"
            known = unhyphenated[id(box.style)] = (box.style, style)
        stand_in = box.copy()
        stand_in.style = known[1]
        new_box, resume_at, preserved = original_split(
            context, stand_in, available_width, skip, is_line_start)
        if new_box is not None:
            new_box.style = box.style
        return new_box, resume_at, preserved

    def iter_line_boxes(context, box, position_y, bottom_space, skip_stack,
                        containing_block, absolute_boxes, fixed_boxes,
                        first_letter_style, first_line_style):
        """WeasyPrint 70's iter_line_boxes, its lines decided one ahead where one ends
        hyphenated: that line is broken again with its hyphens refused when it is the
        third in a row, or when the next is the paragraph's last and one short word's end
        (fitting.taken_back). Not where a try left floats or positioned boxes behind (they
        would be placed twice): the fitting pass's relayout takes those back."""
        from workflow.render.fitting import HYPHEN, LADDER, taken_back

        inline.resolve_percentages(box, containing_block)
        if skip_stack is None:
            inline.resolve_one_percentage(box, "text_indent", containing_block.width)
        else:
            box.text_indent = 0
        indent = box.text_indent

        def lay(skip_stack, position_y, indent, letter_style, line_style, refuse=False):
            """(line, resume_at, whether it left nothing behind in the context)."""
            before = (len(absolute_boxes), len(fixed_boxes), context.excluded_shapes,
                      len(context.excluded_shapes))
            box.text_indent = indent
            refusing[0] = refuse
            try:
                line, resume_at = inline.get_next_linebox(
                    context, box, position_y, bottom_space, skip_stack, containing_block,
                    absolute_boxes, fixed_boxes, letter_style, line_style)
            finally:
                refusing[0] = False
            after = (len(absolute_boxes), len(fixed_boxes), context.excluded_shapes,
                     len(context.excluded_shapes))
            return line, resume_at, before[:2] == after[:2] and before[2] is after[2] \
                and before[3] == after[3]

        run = 0  # lines ending hyphenated in a row, before this one
        ahead = None
        while True:
            if ahead is not None:
                (line, resume_at, clean), ahead = ahead, None
            else:
                line, resume_at, clean = lay(skip_stack, position_y, indent,
                                             first_letter_style, first_line_style)
            hyphenated = line is not None and _text(line).strip().endswith(HYPHEN)
            if hyphenated and resume_at is not None and clean and first_letter_style is None:
                following = None
                if run + 1 < LADDER:  # not a ladder's third: is the next line the last?
                    ahead = lay(resume_at, line.position_y + line.height, 0, None, None)
                    if ahead[0] is not None and ahead[1] is None and ahead[2]:
                        following = _text(ahead[0]).strip()
                if taken_back(run + 1, following):
                    again = lay(skip_stack, position_y, indent, first_letter_style,
                                first_line_style, refuse=True)
                    if (again[0] is not None and again[1] != resume_at
                            and not _text(again[0]).strip().endswith(HYPHEN)
                            and again[0].width <= line.width + 0.01):
                        counts["refused"] = counts.get("refused", 0) + 1
                        (line, resume_at, clean), ahead, hyphenated = again, None, False
            run = run + 1 if hyphenated else 0
            first_line_style = None
            if line is None:
                return
            inline.handle_leader(context, line, containing_block)
            position_y = line.position_y + line.height
            yield line, resume_at
            if resume_at is None:
                return
            skip_stack, indent, first_letter_style = resume_at, 0, None

    before = inline.iter_line_boxes, block.iter_line_boxes, inline.split_text_box
    inline.iter_line_boxes = block.iter_line_boxes = iter_line_boxes
    inline.split_text_box = split_text_box
    _active = True
    try:
        yield
    finally:
        inline.iter_line_boxes, block.iter_line_boxes, inline.split_text_box = before
        _active = False


def _text(box) -> str:
    if hasattr(box, "text"):
        return box.text
    return "".join(_text(child) for child in getattr(box, "children", ()))
