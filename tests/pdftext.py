"""Reading a rendered PDF as a person does: top to bottom, table cells row by row."""

import io
import re
from contextlib import contextmanager

import pdfplumber

from followup.followups.history import paragraphs

_SPACE = re.compile(r"\s+")
_AFTER_BREAK = re.compile(r"([/–])\s+")  # a line may break after these: "barn/ ungdom"


def words(text):
    text = _SPACE.sub(" ", (text or "").replace("\N{NO-BREAK SPACE}", " ")).strip()
    return _AFTER_BREAK.sub(r"\1", text).split(" ")


def reading_order(pdf_bytes):
    """All words of the PDF in reading order, and the text of each page. The word
    list has ``page_starts``: the index of each page's first word."""
    out, pages = WordList(), []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        for page in pdf.pages:
            # A row that goes on over the page break has no bottom border on this
            # page (nor a top one on the next): close the cells where the rules end.
            verticals = [e for e in page.edges if e["orientation"] == "v"]
            ends = sorted({round(e["top"], 1) for e in verticals}
                          | {round(e["bottom"], 1) for e in verticals})
            tables = page.find_tables({"explicit_horizontal_lines": ends[:1] + ends[-1:]}
                                      if ends else {})
            boxes = [t.bbox for t in tables]

            def outside(obj, boxes=boxes):
                if obj.get("object_type") != "char":
                    return True
                x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

            blocks = [(line["top"], line["text"])
                      for line in page.filter(outside).extract_text_lines()]
            for table in tables:
                cells = [cell or "" for row in table.extract() for cell in row]
                blocks.append((table.bbox[1], " ".join(cells)))
            blocks.sort(key=lambda b: b[0])
            text = " ".join(t for _, t in blocks)
            pages.append(text)
            out.page_starts.append(len(out))
            out.extend(w for w in words(text) if w)
    return out, pages


class WordList(list):
    def __init__(self, *args):
        super().__init__(*args)
        self.page_starts = []

    def next_page_span(self, i):
        """(start, end) of the page after the one holding word ``i``."""
        later = [s for s in self.page_starts if s > i] + [len(self)]
        return (later[0], later[1] if len(later) > 1 else len(self))


HYPHENATION = "\N{HYPHEN}"


class InOrder:
    """Finds expected texts one after another in the document's words. Words of a
    text may be interrupted by page furniture (running header, footer, a table's
    repeated header row) but must come in order."""

    MAX_GAP = 40
    BESIDE = 4  # words of text beside a paragraph that may share one of its lines

    def __init__(self, doc_words):
        self.words = doc_words
        self.position = 0
        self.missing = []
        self.found = 0

    def _word_at(self, i, word):
        """Index after ``word`` when it starts at ``i``, also where a line broke it:
        "förvaltnings‐" "gemensamma" (WeasyPrint hyphenates with U+2010) or, at a
        real hyphen or none, "Prognos-" "försämring"."""
        doc, joined, j = self.words, "", i
        for _ in range(3):
            if j >= len(doc):
                return None
            part = doc[j]
            if joined + part == word:
                return j + 1
            if part.endswith(HYPHENATION) and word.startswith(joined + part[:-1]):
                joined += part[:-1]
                j = self._continuation(j, word[len(joined):])
                if j is None:
                    return None
            elif word.startswith(joined + part):
                joined += part
                j += 1
            else:
                return None
        return None

    def _continuation(self, j, rest):
        """Where the rest of a word hyphenated at word ``j`` goes on: the next word; a few
        words on where text beside it (a chart's labels) shares its lines; or on the next
        page, after its running head (and a repeated table header), when the break ends a
        page or a table cell's part on it."""
        doc = self.words

        def goes_on(k):
            return doc[k] == rest or (
                doc[k].endswith(HYPHENATION) and rest.startswith(doc[k][:-1]))

        for k in range(j + 1, min(j + 1 + self.BESIDE, len(doc))):
            if goes_on(k):
                return k
        if hasattr(doc, "next_page_span"):
            begin, end = doc.next_page_span(j)
            for k in range(begin, end):
                if doc[k] == rest:
                    return k
        return None

    def _ends(self, at, word):
        """Where ``word`` may end when it follows soon after ``at``, nearest first; a cell
        broken over a page goes on anywhere on the next page, after its neighbours'
        text (and short words such as "av" may also stand in the running head)."""
        spans = [(at, at + self.MAX_GAP)]
        if hasattr(self.words, "next_page_span"):
            spans.append(self.words.next_page_span(at))
        seen = set()
        for begin, stop in spans:
            for k in range(begin, min(stop, len(self.words))):
                end = self._word_at(k, word)
                if end is not None and end not in seen:
                    seen.add(end)
                    yield end

    def _follows(self, at, expected, i):
        """Where ``expected[i:]`` ends when it follows ``at``, or None: the first place a
        word fits may be the wrong one (a short word in the running head), so the others
        are tried."""
        if i == len(expected):
            return at
        failed = set()
        stack = [(at, i, self._ends(at, expected[i]))]
        while stack:
            here, j, ends = stack[-1]
            end = next(ends, None)
            if end is None:
                failed.add((here, j))
                stack.pop()
            elif j + 1 == len(expected):
                return end
            elif (end, j + 1) not in failed:
                stack.append((end, j + 1, self._ends(end, expected[j + 1])))
        return None

    def find(self, text, what=None):
        expected = [w for w in words(text) if w]
        if not expected:
            return
        for start in range(self.position, len(self.words)):
            at = self._word_at(start, expected[0])
            if at is None:
                continue
            end = self._follows(at, expected, 1)
            if end is not None:
                # On past the text found: a text expected twice must be there twice.
                self.position = end
                self.found += 1
                return
        self.missing.append(f"{what or 'text'}: {text[:80]!r} (after word {self.position})")

    @contextmanager
    def row(self):
        """A table row: its cells stand side by side, so each cell is read in order
        from the row's start, and the next row comes after the furthest cell."""
        self._row_start = self._row_end = self.position
        yield self
        self.position = max(self._row_end, self.position)
        self._row_start = None

    def cell(self):
        self._row_end = max(self._row_end, self.position)
        self.position = self._row_start

    def html(self, html_text, what):
        for paragraph in paragraphs(html_text):
            self.find(paragraph, what)
