"""The one HTML allowlist: every comment, body and intro passes through here on the way in."""

import re

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "h3", "h4"})
MAX_LENGTH = 100_000
# Lists inside lists: as many levels as a word processor offers. Deeper items are set at
# the deepest level instead (their text kept). Laying out is recursive: 120 levels of
# lists in one comment stopped every document of the case.
MAX_LIST_DEPTH = 3
# Elements inside one another in a text, of whatever kind: the allowlist with three list
# levels needs 9 (ul li ul li ul li p strong em), and no text may go deeper than this.
MAX_DEPTH = 12


class TextTooLong(ValueError):
    def __init__(self, length):
        super().__init__(
            f"texten är {format_count(length)} tecken lång; högst {format_count(MAX_LENGTH)} tillåts"
        )
        self.length = length


def format_count(n):
    return f"{n:,}".replace(",", "\N{NO-BREAK SPACE}")


# Block elements that are not allowed go, but their text stays: a space where each stood
# keeps the words of a pasted table cell or heading from running into the next
# ("länk" + "cell" + "Rubrik" was "länkcellRubrik").
_BLOCK_TAG = re.compile(
    r"</?(?:address|article|aside|blockquote|caption|dd|div|dl|dt|figcaption|figure|footer|"
    r"h1|h2|h5|h6|header|hr|main|nav|pre|section|table|tbody|td|tfoot|th|thead|tr)\b"
    r"""(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.I)
_SPACES = re.compile(r"[ \t]{2,}")


def sanitize(html):
    """Keep the allowed tags without attributes; drop everything else but its text.

    ``<script>`` and ``<style>`` go with their content (it is code, not text).
    A text over ``MAX_LENGTH`` characters is refused, never truncated.
    """
    if html is None:
        return None
    if len(html) > MAX_LENGTH:
        raise TextTooLong(len(html))
    spaced = bool(_BLOCK_TAG.search(html))
    if spaced:
        html = _SPACES.sub(" ", _BLOCK_TAG.sub(" ", html))
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={},
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )
    clean = limit_nesting(clean)
    return clean.strip() if spaced else clean


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_LISTS = frozenset({"ul", "ol"})
_ONCE = frozenset({"strong", "em", "b", "i"})  # inside itself it changes nothing


class _Element:
    """An element of the text being written: where it starts in the output, and whether
    any text has been written inside it."""

    __slots__ = ("tag", "start", "text", "removable", "flattened")

    def __init__(self, tag, start, removable=False):
        self.tag, self.start, self.text = tag, start, False
        self.removable = removable  # a list item that goes if it ends up without text
        self.flattened = False  # a list that took in the items of deeper lists


def _within_limits(html_text):
    """Whether a text is certainly within the limits: the quick look that spares most
    texts the full pass."""
    depth = lists = 0
    inside = {tag: 0 for tag in _ONCE}
    for closing, tag in _TAG.findall(html_text):
        tag = tag.lower()
        if tag in _VOID:
            continue
        step = -1 if closing else 1
        depth += step
        if tag in _LISTS:
            lists += step
        elif tag in inside:
            inside[tag] += step
            if inside[tag] > 1:
                return False
        if depth < 0 or depth > MAX_DEPTH or lists > MAX_LIST_DEPTH:
            return False
    return depth == 0


def limit_nesting(html_text):
    """Sanitised HTML with lists at most ``MAX_LIST_DEPTH`` deep and no element deeper
    than ``MAX_DEPTH``; every word is kept.

    The items of a deeper list become items of the deepest list allowed, in their
    order, and what followed the deeper list in its item an item of its own; an item
    left without text goes. Bold inside bold and italics inside italics lose the inner
    tag. A text within the limits comes back as it was, character for character.
    Iterative: no depth of input reaches a recursion limit.
    """
    if not html_text or "<" not in html_text or _within_limits(html_text):
        return html_text
    rewrite = _Rewrite()
    position = 0
    for match in _TAG.finditer(html_text):
        if match.start() > position:
            rewrite.text(html_text[position:match.start()])
        position = match.end()
        rewrite.tag(match.group(1), match.group(2).lower(), match.group(0))
    if position < len(html_text):
        rewrite.text(html_text[position:])
    return rewrite.result() if rewrite.changed else html_text


class _Rewrite:
    """The text ``limit_nesting`` writes, tag by tag and text by text of its input.

    ``out``: what is written so far; ``stack``: the elements open in it; ``opened``: per
    start tag of the input still open there, (its tag, its element), the element None
    where the tag was dropped; ``changed``: whether the output differs from the input."""

    def __init__(self):
        self.out, self.stack, self.opened = [], [], []
        self.changed = False

    def result(self):
        while self.stack:
            self._close_top()
        return "".join(self.out)

    def text(self, text):
        if text.strip():
            self._open_item()
            for element in self.stack:
                element.text = True
        self.out.append(text)

    def tag(self, closing, tag, source):
        """``source``, a tag of the input (``tag`` its name in lower case)."""
        if closing:
            self._end_tag(tag)
        elif tag in _VOID:
            self._open_item()
            self.out.append(source)
        else:
            self._start_tag(tag, source)

    def _end_tag(self, tag):
        """Closes the latest element of the input named ``tag`` and those opened in it."""
        k = next((i for i in range(len(self.opened) - 1, -1, -1) if self.opened[i][0] == tag),
                 None)
        if k is None:
            self.changed = True  # an end tag that ends nothing
            return
        for _, element in reversed(self.opened[k:]):
            if element is not None and element in self.stack:
                self._close_through(element)
        del self.opened[k:]

    def _start_tag(self, tag, source):
        lists = sum(1 for e in self.stack if e.tag in _LISTS)
        parent_dropped = bool(self.opened) and self.opened[-1][1] is None \
            and self.opened[-1][0] in _LISTS
        if self._beyond_limits(tag, lists):
            self._drop(tag, lists)
            return
        self._make_room(tag, lists, parent_dropped)
        element = _Element(tag, len(self.out), removable=tag == "li" and parent_dropped)
        self.stack.append(element)
        self.opened.append((tag, element))
        self.out.append(source)

    def _beyond_limits(self, tag, lists):
        """Whether an element ``tag`` opened here would be too deep, or inside itself
        where that changes nothing."""
        return (tag in _LISTS and lists >= MAX_LIST_DEPTH) or len(self.stack) >= MAX_DEPTH or (
            tag in _ONCE and any(e.tag == tag for e in self.stack))

    def _drop(self, tag, lists):
        """Leaves out a start tag (its content stays); a list's items go to the deepest
        list open."""
        if tag in _LISTS and lists:
            self._close_to_list()
            self.stack[-1].flattened = True
        self.opened.append((tag, None))
        self.changed = True

    def _make_room(self, tag, lists, parent_dropped):
        """Closes what an element ``tag`` cannot stand in, and opens the item that text
        outside any item needs."""
        if tag == "li" and lists:
            self._end_item_before_item(parent_dropped)
        elif tag in _LISTS:
            # A list stands in an item of the text's own, not in one made here.
            self._close_made_items(lists)
        elif tag != "li":
            self._open_item()

    def _end_item_before_item(self, parent_dropped):
        # An item of a flattened list, or one that would stand inside another item
        # (as a parser reads it, that ends the other item): an item of the list.
        in_list = max(i for i, e in enumerate(self.stack) if e.tag in _LISTS)
        if parent_dropped or any(e.tag == "li" for e in self.stack[in_list + 1:]):
            self._close_to_list()

    def _close_made_items(self, lists):
        while self.stack and self.stack[-1].removable and self.stack[-1].tag == "li" and lists:
            self._close_top()

    def _open_item(self):
        # Text that followed a deeper list in its item: an item of its own.
        if self.stack and self.stack[-1].tag in _LISTS and self.stack[-1].flattened:
            self.stack.append(_Element("li", len(self.out), removable=True))
            self.out.append("<li>")
            self.changed = True

    def _close_top(self):
        element = self.stack.pop()
        if element.removable and not element.text:
            del self.out[element.start:]
            self.changed = True
        else:
            self.out.append(f"</{element.tag}>")

    def _close_through(self, element):
        while self.stack[-1] is not element:
            self._close_top()
        self._close_top()

    def _close_to_list(self):
        # Up to the deepest list open: where the items of a deeper list go.
        while self.stack and self.stack[-1].tag not in _LISTS:
            self.stack[-1].removable = True
            self._close_top()


def has_text(html_text):
    """Whether sanitised HTML shows any text (an editor's "<p><br></p>" does not)."""
    if not html_text:
        return False
    return bool(nh3.clean(html_text, tags=set()).replace("&nbsp;", "").strip())


def escape_text(text):
    """Plain text made safe to put inside an allowed tag."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


# A paragraph or list item set all in bold, or a paragraph ending in a colon just before a
# list: it heads what follows. Sanitised HTML has no attributes, so these match it exactly.
_BOLD_BLOCK = re.compile(r"<(p|li)>(\s*<strong>(?:(?!</?(?:p|li|ul|ol|strong)>).)*</strong>"
                         r"\s*(?:<br>)?\s*</\1>)", re.S)
_LEAD_IN = re.compile(r"<p>((?:(?!</?p>).)*:\s*</p>\s*<[uo]l>)", re.S)


def print_ready(html_text, below=None, names=False):
    """Sanitised HTML as the print documents set it: the paragraphs and list items that
    act as headings get class="lead", which keeps them with the lines that follow.
    ``below``: the level of the document's heading the text stands under; the text's
    own headings (h3, h4) are renumbered to follow it, so that the document's outline
    never skips a level (an h4 in a comment under an H2). ``names``: mark the names, so
    that a document that hyphenates never breaks one."""
    if not html_text:
        return Markup("")
    # Texts saved before the allowlist limited nesting are limited here.
    html_text = limit_nesting(html_text)
    if below is not None:
        html_text = _headings_below(html_text, below)
    if names:
        html_text = _names_marked(html_text)
    marked = _BOLD_BLOCK.sub(r'<\1 class="lead">\2', html_text)
    return Markup(_LEAD_IN.sub(r'<p class="lead">\1', marked))


_USER_HEADING = re.compile(r"<(/?)h([1-6])([\s>])")


def _headings_below(html_text, below):
    levels = sorted({int(m.group(2)) for m in _USER_HEADING.finditer(html_text)})
    if not levels:
        return html_text
    shift = {level: min(below + 1 + i, 6) for i, level in enumerate(levels)}
    return _USER_HEADING.sub(lambda m: f"<{m.group(1)}h{shift[int(m.group(2))]}{m.group(3)}",
                             html_text)


# A word with a capital first letter, eight letters or more: a name (of a municipality,
# a board, a unit, a place) as Swedish writes them, or a sentence's first word. Marked
# so that print.css never hyphenates it, even where the plan file asks for hyphenation
# (FORMAT.md 2.1: "Upp-salas" broke the town's name).
_NAME = re.compile(r"(?<![\w&#-])([A-ZÅÄÖÉÜ][\w-]{7,})")
_ANY_TAG = re.compile(r"(<[^>]*>)")


def _names_marked(html_text):
    parts = _ANY_TAG.split(html_text)
    for i in range(0, len(parts), 2):  # the text between tags
        parts[i] = _NAME.sub(r'<span class="name">\1</span>', parts[i])
    return "".join(parts)

