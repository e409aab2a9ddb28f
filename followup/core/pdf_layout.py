"""Laying out one HTML document with WeasyPrint and writing it as PDF: what a worker
does, whichever runs it (this process, a worker of ``core.pdf``'s pool, or a job of the
queue, ``core.pdf_queue``). No Flask, no database."""

import hashlib
import io
import re
import signal
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path

ORDINARY = "tagged"
ARCHIVAL_VARIANT = "pdf/a-2a"
STYLESHEET = Path(__file__).parents[1] / "static" / "print.css"


@cache
def weasy():
    # Imported on first use: WeasyPrint loads Pango, which the web pages never need.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts)
    return weasyprint, fonts, css


def digest(*parts):
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class Stopped(Exception):
    """A job that a worker ended without a result: over its time limit ("timeout"), the
    worker gone ("died") or the layout failed ("error", with the exception's name)."""

    def __init__(self, kind, limit=None, detail=None):
        super().__init__(kind, detail)
        self.kind, self.limit, self.detail = kind, limit, detail


class _TimeUp(BaseException):
    """Not an Exception: WeasyPrint's own ``except Exception`` would swallow it."""


@contextmanager
def time_limit(seconds):
    """Stops what runs inside after ``seconds`` with Stopped("timeout"): in a job that
    lays out here, one document may not hold the worker for good. Only in a process's
    main thread (a signal's); elsewhere, or with None, without a limit."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(*_):
        raise _TimeUp

    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _TimeUp:
        raise Stopped("timeout", seconds) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def write(document, variant, prefix):
    from followup.core.pdf_finish import finisher

    return document.write_pdf(pdf_variant=None if variant == ORDINARY else variant,
                              pdf_tags=True, finisher=finisher(prefix))


# A space between a word and an inline element that follows it ("lagen <span>(KS)",
# "text <strong>"), moved into the element. WeasyPrint 70 measures a text that ends in
# a space with the space, and Pango without it: when only the space is too wide for the
# line, WeasyPrint takes the text for one word too long and ends the line after its
# first word ("effek- / terna / av den nya …"). A space at the start of the element
# sets the same line and breaks where it should. Not into links and other elements that
# draw under or behind their text: that would show on the space.
_SPACE_BEFORE_INLINE = re.compile(
    r"(?<=[^\s>])[ \t\r\n]+(<(?:abbr|b|cite|em|i|q|small|span|strong|sub|sup)"
    r"(?:\s[^<>]*)?>)")


# A document's last page holds this many lines at least, unless it has one page: a
# paragraph whose last lines would stand alone there takes more of its lines along.
LAST_PAGE_LINES = 4


# White space at the end of a block ("region\n\n</td>"), removed. WeasyPrint 70 measures
# a block's last line with it where it only fits without it, and then breaks the line
# before too early ("samordnat stöd / från kommun och region" with room for "från").
_SPACE_BEFORE_BLOCK_END = re.compile(r"[ \t\r\n]+(</(?:td|th|p|li|div|dd|dt|h[1-6])>)")


def layout(html):
    weasyprint, fonts, css = weasy()
    html = _SPACE_BEFORE_INLINE.sub(r"\1 ", html)
    html = _SPACE_BEFORE_BLOCK_END.sub(r"\1", html)
    source = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent))
    document = source.render(stylesheets=[css], font_config=fonts)
    lines = _lines_on(document.pages[-1]) if len(document.pages) > 1 else []
    if 0 < len(lines) < LAST_PAGE_LINES:
        # Laid out again only where the last page came out short.
        fix = _fuller_last_page(lines, _lines_on(document.pages[-2]))
        if fix is not None:
            element, rule = fix
            style = element.get("style")
            element.set("style", (f"{style}; " if style else "") + rule)
            fuller = source.render(stylesheets=[css], font_config=fonts)
            if len(fuller.pages) == len(document.pages) \
                    and len(_lines_on(fuller.pages[-1])) >= LAST_PAGE_LINES:
                document = fuller
    return document


def _fuller_last_page(last, before):
    """(element, CSS) that brings more lines to a short last page: the paragraph that
    ends there keeps more of its lines together (widows); else, where the last page
    begins with a heading, the paragraph before it goes along to the last page."""
    first = getattr(last[0], "element", None)
    if first is not None and first.tag in ("p", "li"):
        return first, f"widows: {LAST_PAGE_LINES}"
    paragraphs = [getattr(b, "element", None) for b in before]
    if paragraphs and paragraphs[-1] is not None and paragraphs[-1].tag in ("p", "li"):
        own = sum(1 for e in paragraphs if e is paragraphs[-1])
        if own <= 2 * LAST_PAGE_LINES:
            return paragraphs[-1], "break-before: page"
    return None


def _lines_on(page):
    """The line boxes of a laid-out page's body, in order (the margin boxes not counted)."""
    from weasyprint.formatting_structure import boxes

    found, stack = [], [page._page_box]
    while stack:
        box = stack.pop()
        # The running head and foot, a document's own running lines (fixed on every
        # page) and a table's repeated header are no lines of the page's own.
        if isinstance(box, boxes.MarginBox) or getattr(box, "is_header", False) or (
                getattr(box, "style", None) is not None and box.style["position"] == "fixed"):
            continue
        if isinstance(box, boxes.LineBox):
            found.append(box)
            continue
        stack.extend(reversed(getattr(box, "children", [])))
    return found


def render(html, variants, prefix):
    """One layout of the HTML, written as each variant: {variant: PDF bytes}."""
    document = layout(html)
    # The ordinary variant first: the archival one adds an output intent to the document.
    return {v: write(document, v, prefix) for v in sorted(variants, key=lambda v: v != ORDINARY)}


def page_png(html, anchor, scale):
    """The page where ``anchor`` is (else the first) as a PNG."""
    import pypdfium2

    document = layout(html)
    index = next((i for i, page in enumerate(document.pages) if anchor in page.anchors), 0) \
        if anchor else 0
    page_pdf = document.copy(document.pages[index:index + 1]).write_pdf()
    page = pypdfium2.PdfDocument(page_pdf)[0]
    image = page.render(scale=scale).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
