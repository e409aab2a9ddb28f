"""What a board secretary looks for when turning the pages of a document, counted.

``check(pdf_bytes)`` reads one document's PDF (pdfplumber) and counts, per fault,
where it is:

- ``underfilled``: a page less than half full that is not the document's last;
- ``stranded_headings``: a heading (a line set all in bold, or a lead line ending in
  a colon, or a bulleted line that ends in one) in the bottom sixth of a page with
  nothing after it on that page but what goes with a heading: its notes (italic), its
  level line ("Bedömning: …", its label in bold), its smaller lines (the boards, the
  units) and other headings;
- ``short_last_pages``: the last page of a document of several pages holding fewer
  than four lines besides a repeated table header;
- ``single_rows``: a table that goes on over a page break and leaves a single whole
  row on one of its pages (the repeated header row not counted), where that row is less
  than a third of a page tall (a taller one may break, and may stand alone);
- ``overlaps``: glyphs drawn over each other (the running head's included), or over a
  table's rule (a figure that does not fit its cell);
- ``short_hyphen_breaks``: a word hyphenated at a line's end with fewer than three
  letters before or after the break;
- ``misplaced_hyphen_breaks``: a word hyphenated in a table's header row, or a word of
  fewer than eight letters hyphenated at all;
- ``early_breaks``: a line in a table's cell that ends with room for the first word of
  the line under it, in the same paragraph ("effek- / terna / av den nya …").

The page's body is what lies between the running head and foot: the margins of
print.css (portrait 24 mm over, 20 mm under; landscape 18 mm).
"""

import io
import re
from dataclasses import dataclass, field

import pdfplumber

MM = 72 / 25.4
MARGINS = {"portrait": (24 * MM, 20 * MM), "landscape": (18 * MM, 18 * MM)}
HYPHENATION = "\N{HYPHEN}"  # what WeasyPrint sets at a hyphenated line's end
HEADER_FILL = (0.894118, 0.909804, 0.933333)  # thead th's background in print.css
LINE_PITCH = 1.4  # print.css's line height; a paragraph's gap adds .55 em
SPACE = 0.28  # em: a word space in Liberation Sans
CELL_PADDING_RIGHT = 4  # pt
BULLETS = {"•", "–", "-"}
LETTER = re.compile(r"[^\W\d_]")
FAULTS = ("underfilled", "stranded_headings", "short_last_pages", "single_rows", "overlaps",
          "short_hyphen_breaks", "misplaced_hyphen_breaks", "early_breaks")
LAST_PAGE_LINES = 4
BODY_SIZE = 10.5  # pt: running text; a line set smaller beside a heading is its detail


@dataclass
class Report:
    pages: int = 0
    faults: dict = field(default_factory=lambda: {name: [] for name in FAULTS})
    hyphenated: int = 0  # line ends broken at a hyphen: a figure, not a fault

    def counts(self):
        return {name: len(found) for name, found in self.faults.items()}

    def add(self, name, page, what):
        self.faults[name].append(f"s. {page + 1}: {what}")


def check(pdf_bytes):
    report = Report()
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        pages = [_Page(p) for p in pdf.pages]
        report.pages = len(pages)
        for i, page in enumerate(pages):
            if i < len(pages) - 1 and page.fill() < 0.5:
                report.add("underfilled", i, f"{page.fill():.0%} full")
            heading = page.stranded_heading()
            if heading:
                report.add("stranded_headings", i, heading)
            for what in page.overlaps():
                report.add("overlaps", i, what)
            for name, what in page.hyphen_faults():
                report.add(name, i, what)
            for what in page.early_breaks():
                report.add("early_breaks", i, what)
            report.hyphenated += page.hyphenated_line_ends()
        if len(pages) > 1:
            lines = pages[-1].body_line_count()
            if lines < LAST_PAGE_LINES:
                report.add("short_last_pages", len(pages) - 1,
                           f"{lines} rader på dokumentets sista sida")
        _single_rows(pages, report)
    return report


@dataclass
class _Fragment:
    """The part of a table on one page."""

    bbox: tuple
    rows: int  # body rows, the repeated header row not counted
    tallest: float  # the tallest body row's height
    open_bottom: bool  # its last row goes on over the page break: no rule closes it
    header: str  # the text of its header row, which repeats on each of its pages
    text: str


def _single_rows(pages, report):
    """Table fragments that hold a single whole row while their table goes on over a page
    break. A row broken over the break (the fragment before it has no rule under it) is
    part of the rows on both pages, not a whole one; a row taller than a third of a page
    may stand alone (it would break, were it any taller)."""
    for i, page in enumerate(pages):
        for fragment in page.tables:
            if fragment.rows != 1 or fragment.tallest > page.body_height() / 3:
                continue
            previous = pages[i - 1].last_table() if i > 0 else None
            following = pages[i + 1].first_table() if i < len(pages) - 1 else None
            before = previous is not None and previous.header == fragment.header \
                and page.starts_with(fragment)
            after = following is not None and following.header == fragment.header \
                and page.ends_with(fragment)
            goes_on = before and previous.open_bottom
            broken = after and fragment.open_bottom
            if (before or after) and not goes_on and not broken:
                report.add("single_rows", i, f"en rad: {fragment.text[:60]!r}")


class _Page:
    def __init__(self, page):
        self.page = page
        self.width, self.height = page.width, page.height
        top, bottom = MARGINS["portrait" if page.height > page.width else "landscape"]
        self.body_top, self.body_bottom = top, page.height - bottom
        inside = (lambda o: o["top"] >= self.body_top - 2 and o["bottom"] <= self.body_bottom + 2)
        self.chars = [c for c in page.chars if inside(c) and c["text"].strip()]
        # The running head and foot too: their title, draft mark and page number share
        # a line and must not run into each other.
        self.all_chars = [c for c in page.chars if c["text"].strip()]
        self.graphics = [o for kind in ("rect", "line", "curve", "image")
                         for o in page.objects.get(kind, []) if inside(o)]
        self.tables = self._tables()
        self.lines = self._lines()

    # What the page holds

    def _tables(self):
        verticals = [e for e in self.page.edges if e["orientation"] == "v"]
        ends = sorted({round(e["top"], 1) for e in verticals}
                      | {round(e["bottom"], 1) for e in verticals})
        settings = {"explicit_horizontal_lines": ends[:1] + ends[-1:]} if ends else {}
        fills = [r for r in self.page.rects if r["fill"] and _is_header_fill(r)]
        self.found = self.page.find_tables(settings)
        out = []
        for table in self.found:
            rows = table.rows  # made anew on each use
            head = [row for row in rows if any(
                f["top"] - 1 <= row.bbox[1] and row.bbox[3] <= f["bottom"] + 1 for f in fills)]
            body = [row for row in rows if row not in head]
            x0, top, x1, bottom = table.bbox
            inside = [e for e in self.page.edges if x0 - 1 <= e["x0"] <= x1 + 1
                      and top - 1 <= e["top"] <= bottom + 1]
            rules = [e["top"] for e in inside if e["orientation"] == "h"]
            sides = [e["bottom"] for e in inside if e["orientation"] == "v"]
            open_bottom = bool(rules and sides) and max(sides) > max(rules) + 1
            text = " ".join(c or "" for row in table.extract() for c in row)
            tallest = max((row.bbox[3] - row.bbox[1] for row in body), default=0)
            header = " ".join(word for row in head for word in
                              self.page.crop(row.bbox, strict=False).extract_text().split())
            out.append(_Fragment(table.bbox, len(body), tallest, open_bottom, header,
                                 " ".join(text.split())))
        return out

    def in_table(self, obj):
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return any(t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3]
                   for t in self.tables)

    def _lines(self):
        """Lines of text outside tables: (top, bottom, text, chars)."""
        chars = [c for c in self.chars if not self.in_table(c)]
        lines = []
        for c in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
            if lines and abs(lines[-1]["top"] - c["top"]) < 2:
                lines[-1]["chars"].append(c)
                lines[-1]["bottom"] = max(lines[-1]["bottom"], c["bottom"])
            else:
                lines.append({"top": c["top"], "bottom": c["bottom"], "chars": [c]})
        for line in lines:
            text, previous = "", None
            for c in line["chars"]:
                if previous is not None and c["x0"] - previous["x1"] > 0.2 * c["size"]:
                    text += " "
                text, previous = text + c["text"], c
            line["text"] = text
        return lines

    def content_bottom(self):
        bottoms = [c["bottom"] for c in self.chars] + [o["bottom"] for o in self.graphics]
        return max(bottoms, default=self.body_top)

    def body_height(self):
        return self.body_bottom - self.body_top

    def fill(self):
        return (self.content_bottom() - self.body_top) / self.body_height()

    # Faults

    def stranded_heading(self):
        if not self.lines:
            return None
        lines = sorted(self.lines, key=lambda line: line["top"])
        last = lines[-1]
        below = [t for t in self.tables if t.bbox[1] > last["top"]] + \
            [o for o in self.graphics if o["top"] > last["bottom"] and not self.in_table(o)]
        if below:
            return None
        # What goes with a heading (its notes in italics, its level line, its smaller
        # lines, a heading under it) is part of it: a heading with these at the foot,
        # and the text they head on the next page, is stranded.
        while len(lines) > 1 and not _is_heading(lines[-1]) and _goes_with_heading(lines[-1]):
            lines.pop()
        while len(lines) > 1 and _is_heading(lines[-2]) and _is_heading(lines[-1]):
            lines.pop()
        last = lines[-1]
        if not _is_heading(last):
            return None
        sixth = self.body_bottom - self.body_height() / 6
        if last["top"] < sixth:
            return None
        return f"{last['text'][:60]!r} sist på sidan"

    def body_line_count(self):
        """Lines of text on the page's body, a table's repeated header row not counted."""
        fills = [r for r in self.page.rects if r["fill"] and _is_header_fill(r)]
        tops = []
        for c in sorted(self.chars, key=lambda c: c["top"]):
            if any(f["top"] - 1 <= c["top"] and c["bottom"] <= f["bottom"] + 1 for f in fills):
                continue
            if not tops or c["top"] - tops[-1] > 2:
                tops.append(c["top"])
        return len(tops)

    def hyphenated_line_ends(self):
        words = self.page.extract_words(use_text_flow=True)
        return sum(1 for w in words if w["text"].endswith(HYPHENATION)
                   and self.body_top - 2 <= w["top"] and w["bottom"] <= self.body_bottom + 2)

    def overlaps(self):
        out = []
        by_line = {}
        for c in self.all_chars:
            by_line.setdefault(round(c["top"] / 3), []).append(c)
        seen = set()
        for key in sorted(by_line):
            near = sorted(by_line[key] + by_line.get(key + 1, []), key=lambda c: c["x0"])
            for a_index, a in enumerate(near):
                for b in near[a_index + 1:]:
                    if b["x0"] >= a["x1"]:
                        break
                    pair = (id(a), id(b))
                    if pair in seen or not _overlap(a, b):
                        continue
                    seen.add(pair)
                    out.append(f"{a['text']!r} och {b['text']!r} överlappar vid "
                               f"x={a['x0']:.0f}, y={a['top']:.0f}")
        rules = [e for e in self.page.edges if e["orientation"] == "v" and self.in_table(e)]
        for c in self.chars:
            for e in rules:
                crosses = c["x0"] + 0.3 < e["x0"] < c["x1"] - 0.3
                beside = e["top"] < c["bottom"] - 1 and c["top"] + 1 < e["bottom"]
                if crosses and beside:
                    out.append(f"{c['text']!r} går över tabellens linje vid "
                               f"x={e['x0']:.0f}, y={c['top']:.0f}")
                    break
        return out

    def hyphen_faults(self):
        words = self.page.extract_words(keep_blank_chars=False, use_text_flow=True,
                                        extra_attrs=["size"])
        words = [w for w in words if w["top"] >= self.body_top - 2
                 and w["bottom"] <= self.body_bottom + 2]
        fills = [r for r in self.page.rects if r["fill"] and _is_header_fill(r)]
        for w in words:
            if not w["text"].endswith(HYPHENATION):
                continue
            cell = self._cell_of(w)
            left, right = (cell[0], cell[2]) if cell else (0, self.width)
            below = [v for v in words if w["bottom"] - 1 < v["top"] < w["bottom"] + w["size"]
                     and left - 1 <= v["x0"] and v["x1"] <= right + 1]
            if not below:
                continue
            top = min(v["top"] for v in below)
            follow = min((v for v in below if v["top"] < top + 2), key=lambda v: v["x0"])
            before = _letters_at_end(w["text"][:-1])
            after = _letters_at_start(follow["text"])
            shown = f"{w['text']} {follow['text']}"
            if len(before) < 3 or len(after) < 3:
                yield "short_hyphen_breaks", f"{shown!r}: {len(before)}+{len(after)} bokstäver"
            elif len(before) + len(after) < 8:
                yield "misplaced_hyphen_breaks", f"{shown!r}: ordet är kortare än 8 bokstäver"
            elif any(f["x0"] <= w["x0"] and w["x1"] <= f["x1"] + 1
                     and f["top"] <= w["top"] and w["bottom"] <= f["bottom"] + 1 for f in fills):
                yield "misplaced_hyphen_breaks", f"{shown!r}: i tabellhuvudet"

    def early_breaks(self):
        words = self.page.extract_words(use_text_flow=True, extra_attrs=["size"])
        for table in self.found:
            for x0, top, x1, bottom in table.cells:
                inside = [w for w in words if x0 <= w["x0"] and w["x1"] <= x1 + 1
                          and top <= w["top"] and w["bottom"] <= bottom + 1]
                lines = []
                for w in sorted(inside, key=lambda w: (round(w["top"]), w["x0"])):
                    if lines and abs(lines[-1][0]["top"] - w["top"]) < 2:
                        lines[-1].append(w)
                    else:
                        lines.append([w])
                for line, below in zip(lines, lines[1:]):
                    size = line[-1]["size"]
                    pitch = below[0]["top"] - line[0]["top"]
                    same_paragraph = pitch < (LINE_PITCH + 0.1) * size \
                        and abs(below[0]["size"] - size) < 0.1
                    if not same_paragraph or line[-1]["text"].endswith(HYPHENATION) \
                            or below[0]["text"] in BULLETS:
                        continue
                    room = x1 - CELL_PADDING_RIGHT - line[-1]["x1"]
                    need = SPACE * size + below[0]["x1"] - below[0]["x0"]
                    if need < room - 1:
                        shown = " ".join(w["text"] for w in line)[-40:]
                        yield f"{shown!r} / {below[0]['text']!r}: {room:.0f} pt kvar på raden"

    def _cell_of(self, obj):
        for table in self.found:
            for cell in table.cells:
                if cell[0] <= obj["x0"] and obj["x1"] <= cell[2] + 1 \
                        and cell[1] <= obj["top"] and obj["bottom"] <= cell[3] + 1:
                    return cell
        return None

    # Where tables stand

    def _first_top(self):
        return min([c["top"] for c in self.chars] + [o["top"] for o in self.graphics],
                   default=None)

    def starts_with(self, fragment):
        first = self._first_top()
        return first is not None and fragment.bbox[1] <= first + 1

    def ends_with(self, fragment):
        return fragment.bbox[3] >= self.content_bottom() - 1

    def first_table(self):
        """The table fragment the page begins with, if it begins with one."""
        return next((t for t in self.tables if self.starts_with(t)), None)

    def last_table(self):
        """The table fragment the page ends with, if it ends with one."""
        return next((t for t in self.tables if self.ends_with(t)), None)


def _is_header_fill(rect):
    colour = rect.get("non_stroking_color") or ()
    return isinstance(colour, tuple) and len(colour) == 3 \
        and all(abs(a - b) < 0.01 for a, b in zip(colour, HEADER_FILL))


def _is_heading(line):
    letters = [c for c in line["chars"] if LETTER.match(c["text"])]
    bold = letters and all("Bold" in c["fontname"] for c in letters)
    return bool(bold) or line["text"].rstrip().endswith(":")


def _goes_with_heading(line):
    """A note in italics, a level line (its label in bold, up to a colon), a line set
    smaller than running text (the boards, the units under a heading)."""
    letters = [c for c in line["chars"] if LETTER.match(c["text"])]
    if not letters:
        return False
    label = line["text"].split(":", 1)[0]
    level_line = ":" in line["text"] and len(label) <= 40 and all(
        "Bold" in c["fontname"] for c in letters[:len([x for x in label if LETTER.match(x)])])
    smaller = max(c["size"] for c in letters) < BODY_SIZE - 1
    return _is_note(line) or level_line or smaller


def _is_note(line):
    letters = [c for c in line["chars"] if LETTER.match(c["text"])]
    return bool(letters) and all("Italic" in c["fontname"] or "Oblique" in c["fontname"]
                                 for c in letters)


def _overlap(a, b):
    width = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
    height = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return width > 0 and dx > max(0.5 * width, 1.0) and dy > 0.3 * height


def _letters_at_end(text):
    match = re.search(r"[^\W\d_]*$", text)
    return match.group(0)


def _letters_at_start(text):
    match = re.match(r"[^\W\d_]*", text)
    return match.group(0)
