"""Line-end hyphens a typesetter takes back, refused while WeasyPrint breaks a paragraph's
lines: the third hyphenated line in a row, the hyphen that leaves a paragraph's last line
one short word's end, and the hyphen at a page turn. That line ends before the word, which
goes to the next line whole (only there: the fitting pass's relayout, for what is missed
here, keeps a word whole everywhere)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from workflow.render.linebreaks import per_style

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
    # Each text style's copy with `hyphens: manual` (a soft hyphen still breaks), made once
    # (linebreaks.per_style); a line-break cache (render/linebreaks.py) so keys the refused
    # breaks apart from the hyphenated ones.
    unhyphenated: dict[int, tuple] = {}
    original_split = inline.split_text_box

    def manual(style):
        copy = style.copy()
        copy["hyphens"] = "manual"
        return copy

    def split_text_box(context, box, available_width, skip, is_line_start=True):
        if not refusing[0] or box.style["hyphens"] != "auto":
            return original_split(context, box, available_width, skip, is_line_start)
        stand_in = box.copy()
        stand_in.style = per_style(unhyphenated, box.style, manual)
        new_box, resume_at, preserved = original_split(
            context, stand_in, available_width, skip, is_line_start)
        if new_box is not None:
            new_box.style = box.style
        return new_box, resume_at, preserved

    def iter_line_boxes(context, box, position_y, bottom_space, skip_stack,
                        containing_block, absolute_boxes, fixed_boxes,
                        first_letter_style, first_line_style):
        """WeasyPrint 70's iter_line_boxes, a line that ends hyphenated decided with the
        lines after it laid out ahead: broken again with its hyphens refused where it is
        the third in a row, where the next is the paragraph's last and one short word's end
        (fitting.taken_back), or where the page turns after it (`_turns_after`). Not where
        a try left floats or positioned boxes behind (they would be placed twice): the
        fitting pass's relayout takes those back."""
        from workflow.render.fitting import HYPHEN, LADDER, box_text, taken_back

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

        ahead: list[tuple] = []  # the lines after the current one, laid out ahead

        def following(current, count):
            """The `count`th line after `current`, None after the paragraph's last or
            after one that left something behind."""
            while len(ahead) < count:
                line, resume_at, clean = ahead[-1] if ahead else current
                if line is None or resume_at is None or not clean:
                    return None
                ahead.append(lay(resume_at, line.position_y + line.height, 0, None, None))
            found = ahead[count - 1]
            return found if found[0] is not None and found[2] else None

        run = 0  # lines ending hyphenated in a row, before this one
        laid = 0  # lines of the paragraph given to this page before this one
        while True:
            current = ahead.pop(0) if ahead else lay(
                skip_stack, position_y, indent, first_letter_style, first_line_style)
            line, resume_at, clean = current
            hyphenated = line is not None and box_text(line).strip().endswith(HYPHEN)
            if hyphenated and resume_at is not None and clean and first_letter_style is None:
                turn = False
                refuse = run + 1 >= LADDER
                if not refuse and (after := following(current, 1)) is not None:
                    last = after[1] is None
                    refuse = taken_back(run + 1, box_text(after[0]).strip() if last else None)
                    turn = not refuse and _turns_after(
                        context, containing_block, bottom_space, laid + 1, line, after[0],
                        last, partial(following, current, 2))
                if refuse or turn:
                    again = lay(skip_stack, position_y, indent, first_letter_style,
                                first_line_style, refuse=True)
                    if (again[0] is not None and again[1] != resume_at
                            and all(entry[2] for entry in ahead)  # laid again, then
                            and not box_text(again[0]).strip().endswith(HYPHEN)
                            and again[0].width <= max(line.width, containing_block.width)
                            + 0.01):  # no word too long for the measure
                        kept, ahead[:] = ahead[:], []
                        if _short(following(again, 1), containing_block.width):
                            # WeasyPrint breaks the next line short ("totalitar-" alone,
                            # where an inline box follows): its own line is kept, and the
                            # fitting pass keeps the word whole everywhere instead.
                            ahead[:] = kept
                            counts["kept"] = counts.get("kept", 0) + 1
                        else:
                            counts["refused"] = counts.get("refused", 0) + 1
                            counts["at a page turn"] = counts.get("at a page turn", 0) + turn
                            (line, resume_at, _), hyphenated = again, False
            run = run + 1 if hyphenated else 0
            first_line_style = None
            if line is None:
                return
            inline.handle_leader(context, line, containing_block)
            position_y = line.position_y + line.height
            laid += 1
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


def _turns_after(context, block, bottom_space, lines: int, line, after, last: bool,
                 then) -> bool:
    """Whether WeasyPrint turns the page after `line`, its paragraph's `lines`th on this
    page: the next line (`after`, the paragraph's `last` or not) does not fit; or, with
    `widows: 2`, it fits but the one after it (`then()`), the paragraph's last, does not,
    so that two lines go over. Not where the lines before fall short of `orphans` (the
    paragraph goes over whole), nor in columns: there a column turns, balanced by trying
    several heights."""
    widows = block.style["widows"]
    if (context.in_column or widows > 2 or lines < block.style["orphans"]
            or context.overflows_page(bottom_space, line.position_y + line.height)):
        return False
    if context.overflows_page(bottom_space, after.position_y + after.height):
        return not last or widows <= 1
    if last or widows < 2 or not context.overflows_page(
            bottom_space, after.position_y + 2 * after.height):
        return False  # the one after is the last and does not fit, at its height
    following = then()
    return (following is not None and following[1] is None
            and context.overflows_page(bottom_space, following[0].position_y
                                       + following[0].height))


def _short(laid, measure: float) -> bool:
    """Whether a line laid ahead, not its paragraph's last, fills under half the measure."""
    return laid is not None and laid[1] is not None and laid[0].width < measure / 2

