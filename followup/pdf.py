"""The PDF pipeline: the only module that calls WeasyPrint.

A case (a memo and its appendices) is a list of HTML documents. Each renders
on its own, so each has its own "Sida X (Y)"; the case is their pages in order.
Rendered documents are kept by the hash of their HTML, so rendering a case
again lays out only the documents that changed.
"""

import hashlib
import io
import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import pypdf
from pypdf.generic import NameObject, TextStringObject

ARCHIVAL_VARIANT = "pdf/a-2b"
STYLESHEET = Path(__file__).with_name("static") / "print.css"
_CACHE_SIZE = 64


@cache
def _weasy():
    # Imported on first use: WeasyPrint loads Pango, which the web pages never need.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts)
    return weasyprint, fonts, css


class _Cache:
    """PDF bytes of single documents by the hash of their HTML and variant."""

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_documents = _Cache(_CACHE_SIZE)


def _key(html, variant):
    return hashlib.sha256(f"{variant}\0{html}".encode("utf-8")).hexdigest()


def render_document(html, variant=None):
    """One HTML document → PDF bytes (from the cache when the HTML is unchanged)."""
    key = _key(html, variant)
    cached = _documents.get(key)
    if cached is not None:
        return cached
    weasyprint, fonts, css = _weasy()
    pdf = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant=variant)
    _documents.put(key, pdf)
    return pdf


def render_case(documents, title, author, archival=False):
    """Documents (objects with ``html``) → one PDF.

    The everyday PDF joins the documents' own PDFs, keeping their outlines. The
    archival variant (PDF/A-2b) is laid out as one WeasyPrint document, because
    joining PDF/A files is not PDF/A.
    """
    if archival:
        return _render_archival(documents)
    writer = pypdf.PdfWriter()
    for doc in documents:
        writer.append(pypdf.PdfReader(io.BytesIO(render_document(doc.html))))
    writer.add_metadata({"/Title": title, "/Author": author, "/Creator": "followup",
                         "/Producer": "followup (WeasyPrint)"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("sv")
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _render_archival(documents):
    weasyprint, fonts, css = _weasy()
    rendered = [weasyprint.HTML(string=d.html, base_url=str(STYLESHEET.parent))
                .render(stylesheets=[css], font_config=fonts) for d in documents]
    pages = [page for r in rendered for page in r.pages]
    return rendered[0].copy(pages).write_pdf(pdf_variant=ARCHIVAL_VARIANT)
