"""How a printed table is set: its columns' widths from their content, and which of
its rows are short enough to keep whole on a page.

Label, number and name columns ("fit") are as narrow as their content allows without
breaking a word; text columns share the rest in proportion to their text, counted
where it sets its rows' heights, none narrower than a readable line. A row taller
than about a third of a page may break over pages; a shorter one stays whole. The
sizes (the page's margins, the tables' type, their cells' padding) are read from
print.css, the one place they are set.
"""

import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "print.css"
MM = 72 / 25.4
A4 = (210, 297)  # mm: print.css's "size: A4"


def stylesheet_rules(text):
    """A stylesheet's top-level rules: selector → its declarations (property → value),
    a later rule's overriding an earlier one's. Nested blocks (an @page's margin boxes,
    what an @media holds) are left out."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    rules, depth, selector, body, start = {}, 0, "", [], 0
    for i, char in enumerate(text):
        if char == "{":
            if depth == 0:
                selector, body = " ".join(text[start:i].split()), []
            elif depth == 1:
                body.append(text[start:i])
            depth, start = depth + 1, i + 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                body.append(text[start:i])
                rules.setdefault(selector, {}).update(_declarations("".join(body)))
            start = i + 1 if depth <= 1 else start
    return rules


def _declarations(body):
    pairs = (d.split(":", 1) for d in body.split(";") if ":" in d)
    return {name.strip(): value.strip() for name, value in pairs}


def _length(value, size=None):
    """A CSS length in points (em: of ``size``)."""
    number, unit = re.fullmatch(r"(-?[\d.]+)(mm|pt|em)?", value).groups()
    return float(number) * {"mm": MM, "pt": 1, "em": size, None: 1}[unit]


def _box(value):
    """A shorthand's (margin, padding) top, right, bottom and left."""
    sides = value.split()
    top = sides[0]
    right = sides[1] if len(sides) > 1 else top
    bottom = sides[2] if len(sides) > 2 else top
    return top, right, bottom, sides[3] if len(sides) > 3 else right


def _page(rule):
    """What a page of an @page rule leaves for the text, in points."""
    top, right, bottom, left = (_length(s) / MM for s in _box(rule["margin"]))  # mm
    width, height = (A4[1], A4[0]) if "landscape" in rule.get("size", "") else A4
    return {"width": (width - left - right) * MM, "height": (height - top - bottom) * MM}


def _sizes(rules):
    """The sizes a table is set in, as print.css says them."""
    table_size = _length(rules["table"]["font-size"])
    cell = rules["th, td"]
    top, right, _, left = (_length(s) for s in _box(cell["padding"]))
    rule = _length(cell["border"].split()[0])
    return {
        "page": {"portrait": _page(rules["@page"]), "landscape": _page(rules["@page wide"])},
        "table_size": table_size,
        "line_height": float(rules["html"]["font"].split()[0].split("/")[1]),
        "paragraph_gap": _length(_box(rules["p"]["margin"])[2], 1),
        # Left and right padding and a rule; top padding, the block after the text
        # that stands for the bottom padding (td::after), and a rule.
        "cell_padding": left + right + rule,
        "row_padding": top + _length(rules["td"]["padding-bottom"])
        + _length(rules["td::after"]["height"]) + rule,
    }


_SIZES = _sizes(stylesheet_rules(STYLESHEET.read_text(encoding="utf-8")))
PAGE = _SIZES["page"]  # A4 less the page margins, in points
TABLE_SIZE = _SIZES["table_size"]  # pt: the text of every table
LINE_HEIGHT = _SIZES["line_height"]  # × the size
PARAGRAPH_GAP = _SIZES["paragraph_gap"]  # em: p's bottom margin
CELL_PADDING = _SIZES["cell_padding"]  # pt: left and right padding and the rule
ROW_PADDING = _SIZES["row_padding"]  # pt: top and bottom padding and the rule
FIT_SLACK = 1.5  # pt: what rounding the widths to per cent may take from a fit column
ROW_PADDING = 6.5  # pt: top and bottom padding and the rule
MIN_TEXT_CHARS = 18  # no text column narrower than a line of this many characters
MAX_WORD_SHARE = 0.4  # a column need not fit a word longer than this share of the table
KEEP_SHARE = 1 / 3  # rows up to this share of a page stay whole
_AVERAGE_WIDTH = 0.5  # em, where the font cannot be read
_WORD = re.compile(r"\S+")


@dataclass
class Column:
    """What one column holds: its header, and per row its paragraphs of plain text."""

    header: str
    cells: list = field(default_factory=list)  # per row: [paragraph, …]
    fit: bool = False  # labels, numbers, names: never hyphenated, as narrow as they allow
    bold: bool = False  # its cells are set in bold
    hyphenates: bool = True  # a text column's long words break at a hyphen (print.css)
    nowrap: bool = False  # a fit column's cells stay on one line (figures)
    least: float = 0  # pt: its share of a header spanning it and its neighbours


def text_width(text, size=TABLE_SIZE, bold=False):
    """The width of ``text`` set on one line in Liberation Sans, in points."""
    widths = _advances(bold)
    return size * sum(widths.get(c, _AVERAGE_WIDTH) for c in text)


@cache
def _advances(bold):
    """Each character's advance width in em, from the font the documents are set in."""
    try:
        from fontTools.ttLib import TTFont
        from matplotlib import font_manager

        path = font_manager.findfont(font_manager.FontProperties(
            family="Liberation Sans", weight="bold" if bold else "normal"),
            fallback_to_default=False)
        font = TTFont(path, lazy=True)
    except (ImportError, OSError, ValueError):
        return {}
    metrics, em = font["hmtx"], font["head"].unitsPerEm
    return {chr(code): metrics[name][0] / em for code, name in font.getBestCmap().items()}


def _longest_word(texts, bold):
    return max((text_width(w, bold=bold) for t in texts for w in _WORD.findall(t)), default=0)


def _fit_width(column):
    """The narrowest width that sets the header and each cell on two lines at most,
    breaking only between words (a nowrap column's cells on one)."""
    needed = _lines_width(column.header, bold=True)
    for paragraphs in column.cells:
        for text in paragraphs:
            needed = max(needed, text_width(text, bold=column.bold) if column.nowrap
                         else _lines_width(text, column.bold))
    return max(needed + CELL_PADDING + FIT_SLACK, column.least)


def spanning(header, columns):
    """What each of ``columns`` columns needs for a header spanning them all, in pt."""
    return (_lines_width(header, bold=True) + CELL_PADDING + FIT_SLACK) / columns


def _lines_width(text, bold):
    words = _WORD.findall(text)
    if not words:
        return 0
    space = text_width(" ", bold=bold)
    sizes = [text_width(w, bold=bold) for w in words]
    best = sum(sizes) + space * (len(sizes) - 1)
    # Two lines, broken after word k: the wider line sets the width.
    for k in range(1, len(sizes)):
        first = sum(sizes[:k]) + space * (k - 1)
        second = sum(sizes[k:]) + space * (len(sizes) - k - 1)
        best = min(best, max(first, second))
    return best


def widths(columns, orientation="portrait"):
    """Each column's share of the table's width, in per cent (summing to 100).

    Fit columns get what their content needs. Text columns start in proportion to their
    text, none below its floor; then width moves from column to column while that makes
    the table shorter: the text that sets its rows' heights gets the room.
    """
    total = PAGE[orientation]["width"]
    out = [min(_fit_width(c), total * MAX_WORD_SHARE) if c.fit else None for c in columns]
    text = [i for i, c in enumerate(columns) if not c.fit]
    if text:
        rest = total - sum(w for w in out if w is not None)
        for i, w in zip(text, _text_widths([columns[i] for i in text], rest, total)):
            out[i] = w
    used = sum(out)
    return [round(100 * w / used, 2) for w in out]


def _text_widths(columns, rest, total):
    """The text columns' widths in points, sharing ``rest``."""
    # A text column that does not hyphenate is as wide as its longest word at least.
    floor = [max(MIN_TEXT_CHARS * _AVERAGE_WIDTH * TABLE_SIZE,
                 0 if c.hyphenates else min(_longest_word(_all(c), c.bold) + CELL_PADDING
                                            + FIT_SLACK, total * MAX_WORD_SHARE))
             for c in columns]
    if sum(floor) > rest:  # too many columns for the page: the text columns give way
        floor = [max(rest, 0) * f / sum(floor) for f in floor]
    weight = [max(sum(text_width(t, bold=c.bold) for t in _all(c)), 1.0) for c in columns]
    return _shortest(_Lines(columns), _shares(rest, weight, floor), floor)


def given_widths(shares, given):
    """``shares`` (per cent) with the columns whose share a plan file gives (``given``,
    per column, None where it gives none) set to it; the others share the rest in
    proportion to their own widths."""
    if not given or all(g is None for g in given):
        return shares
    fixed = sum(float(g) for g in given if g is not None)
    free = [s for s, g in zip(shares, given) if g is None]
    rest = max(100.0 - fixed, 0.0)
    scale = rest / sum(free) if free and sum(free) else 0.0
    out = [float(g) if g is not None else s * scale for s, g in zip(shares, given)]
    total = sum(out) or 1.0
    return [round(100 * w / total, 2) for w in out]


def _shares(rest, weight, floor):
    """``rest`` shared in proportion to ``weight``; a column below its floor gets the
    floor, and the others share what is left."""
    out = [0.0] * len(weight)
    open_ = set(range(len(weight)))
    while open_:
        left = rest - sum(out[i] for i in range(len(weight)) if i not in open_)
        share = sum(weight[i] for i in open_)
        under = {i for i in open_ if left * weight[i] / share < floor[i]}
        if not under:
            for i in open_:
                out[i] = left * weight[i] / share
            break
        for i in under:
            out[i] = floor[i]
        open_ -= under
    return out


def _shortest(table, start, floor, rounds=200):
    """Widths near ``start`` that make the table's estimated height least: moves of a
    share of the width from one column to another while one makes the table shorter."""
    width = list(start)
    best = table.height(width)
    step = 0.04 * sum(width)
    for _ in range(rounds):
        moves = [(i, j) for i in range(len(width)) for j in range(len(width))
                 if i != j and width[i] - step >= floor[i]]
        found = None
        for i, j in moves:
            trial = list(width)
            trial[i] -= step
            trial[j] += step
            height = table.height(trial)
            if height < best - 0.5:
                found, best = trial, height
        if found is not None:
            width = found
        elif step > 0.005 * sum(width):
            step /= 2
        else:
            break
    return width


class _Lines:
    """A table's text as lines: how tall each row is at given column widths."""

    def __init__(self, columns):
        import numpy

        self.np = numpy
        widths, cells, columns_of = [], [], []
        self.rows = len(columns[0].cells) if columns else 0
        for c, column in enumerate(columns):
            for r, paragraphs in enumerate(column.cells):
                for text in paragraphs or [""]:
                    # A ragged line holds less than the full width: 8 % to spare.
                    widths.append(text_width(text, bold=column.bold) * 1.08)
                    cells.append(r * len(columns) + c)
                    columns_of.append(c)
        self.widths = numpy.array(widths)
        self.cells = numpy.array(cells, dtype=int)
        self.columns = numpy.array(columns_of, dtype=int)
        self.shape = (self.rows, len(columns))
        # Paragraphs after the first in a cell add their gap.
        gaps = numpy.bincount(self.cells, minlength=self.rows * len(columns)) - 1
        self.gaps = numpy.maximum(gaps, 0).reshape(self.shape) * PARAGRAPH_GAP * TABLE_SIZE

    def row_heights(self, width):
        np = self.np
        room = np.maximum(np.array(width) - CELL_PADDING, 1.0)
        lines = np.maximum(np.ceil(self.widths / room[self.columns]), 1)
        per_cell = np.bincount(self.cells, weights=lines, minlength=self.shape[0] * self.shape[1])
        heights = per_cell.reshape(self.shape) * TABLE_SIZE * LINE_HEIGHT + self.gaps
        return heights.max(axis=1) + ROW_PADDING if self.rows else np.zeros(0)

    def height(self, width):
        return float(self.row_heights(width).sum())


def _all(column):
    return [t for paragraphs in column.cells for t in paragraphs]


def row_heights(columns, shares, orientation="portrait"):
    """Each row's height in points with the columns at ``shares`` (per cent): its lines
    broken between words as a browser breaks them (a little more than hyphenation needs)."""
    total = PAGE[orientation]["width"]
    rows = len(columns[0].cells) if columns else 0
    out = []
    for r in range(rows):
        tallest = 0
        for column, share in zip(columns, shares):
            room = max(total * share / 100 - CELL_PADDING, 1)
            paragraphs = column.cells[r] or [""]
            lines = sum(_line_count(t, room, column.bold) for t in paragraphs)
            gaps = (len(paragraphs) - 1) * PARAGRAPH_GAP * TABLE_SIZE
            tallest = max(tallest, lines * TABLE_SIZE * LINE_HEIGHT + gaps)
        out.append(tallest + ROW_PADDING)
    return out


def _line_count(text, room, bold):
    space = text_width(" ", bold=bold)
    lines, used = 1, 0.0
    for word in _WORD.findall(text):
        width = text_width(word, bold=bold)
        if used and used + space + width <= room:
            used += space + width
        elif not used and width <= room:
            used = width
        else:
            extra = max(math.ceil(width / room), 1)
            lines += extra if used else extra - 1
            used = width - (extra - 1) * room
    return lines


def keeps(columns, shares, orientation="portrait"):
    """Per row: whether it is short enough to stay whole on one page."""
    limit = PAGE[orientation]["height"] * KEEP_SHARE
    return [h <= limit for h in row_heights(columns, shares, orientation)]
