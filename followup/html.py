"""The one HTML allowlist: every comment, body and intro passes through here on the way in."""

import re

import nh3
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "em", "h3", "h4"})
MAX_LENGTH = 100_000


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
    return clean.strip() if spaced else clean


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


def print_ready(html_text):
    """Sanitised HTML as the print documents set it: the paragraphs and list items that
    act as headings get class="lead", which keeps them with the lines that follow."""
    if not html_text:
        return Markup("")
    marked = _BOLD_BLOCK.sub(r'<\1 class="lead">\2', html_text)
    return Markup(_LEAD_IN.sub(r'<p class="lead">\1', marked))
