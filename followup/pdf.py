"""The PDF pipeline: the only module that calls WeasyPrint.

A case (a memo and its appendices) is a list of HTML documents. Each renders
on its own, so each has its own "Sida X (Y)"; the case is their pages in order.
Rendered documents are kept by the hash of their HTML, so rendering a case
again lays out only the documents that changed. WeasyPrint is single-threaded:
documents that need rendering go to a pool of worker processes, one a core,
started on first use and kept warm.
"""

import hashlib
import io
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
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


def forget_rendered():
    """Empty the cache of rendered documents (benchmarks measure a full render)."""
    with _documents.lock:
        _documents.items.clear()


def _key(html, variant):
    return hashlib.sha256(f"{variant}\0{html}".encode("utf-8")).hexdigest()


_pool_lock = threading.Lock()
_pool_instance = None


def workers():
    """Worker processes for rendering: FOLLOWUP_PDF_WORKERS, else one a core (0: none)."""
    configured = os.environ.get("FOLLOWUP_PDF_WORKERS")
    return int(configured) if configured is not None else (os.cpu_count() or 1)


def _pool():
    global _pool_instance
    with _pool_lock:
        if _pool_instance is None:
            # "spawn": a clean process, not a fork of a threaded server with open
            # database connections and Pango state.
            _pool_instance = ProcessPoolExecutor(
                max_workers=workers(), mp_context=multiprocessing.get_context("spawn"),
                initializer=_weasy)
        return _pool_instance


def _render_uncached(html, variant):
    weasyprint, fonts, css = _weasy()
    return weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent)).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant=variant)


def _render_all(htmls, variant=None):
    """PDF bytes for each HTML document: from the cache, else rendered (in parallel
    where there is more than one to do and workers are allowed)."""
    keys = [_key(h, variant) for h in htmls]
    results = {k: _documents.get(k) for k in keys}
    todo = {k: h for k, h in zip(keys, htmls) if results[k] is None}
    if len(todo) > 1 and workers() > 1:
        # Longest first, so the biggest document does not start last.
        jobs = {k: _pool().submit(_render_uncached, h, variant)
                for k, h in sorted(todo.items(), key=lambda kv: -len(kv[1]))}
        for k, job in jobs.items():
            results[k] = job.result()
            _documents.put(k, results[k])
    else:
        for k, h in todo.items():
            results[k] = _render_uncached(h, variant)
            _documents.put(k, results[k])
    return [results[k] for k in keys]


def render_documents(documents, archival=False):
    """Each document's own PDF (objects with ``html``), in order."""
    return _render_all([doc.html for doc in documents],
                       ARCHIVAL_VARIANT if archival else None)


def render_case(documents, title, author, archival=False):
    """Documents (objects with ``html``) → one PDF.

    The everyday PDF joins the documents' own PDFs, keeping their outlines. The
    archival variant (PDF/A-2b) is laid out as one WeasyPrint document, because
    joining PDF/A files is not PDF/A.
    """
    if archival:
        return _render_archival(documents)
    return join(render_documents(documents), title, author)


def join(pdfs, title, author):
    """Documents' PDFs as one, with their outlines, the case's title, author and language."""
    writer = pypdf.PdfWriter()
    for pdf in pdfs:
        writer.append(pypdf.PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": title, "/Author": author, "/Creator": "followup",
                         "/Producer": "followup (WeasyPrint)"})
    writer._root_object[NameObject("/Lang")] = TextStringObject("sv")
    writer.page_mode = "/UseOutlines"
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def first_page_png(html, anchor=None, scale=1.0):
    """The page of a document where ``anchor`` (an element id) is, or its first page,
    as a PNG: the layout editor's preview."""
    import pypdfium2

    weasyprint, fonts, css = _weasy()
    document = weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent)).render(
        stylesheets=[css], font_config=fonts)
    index = next((i for i, page in enumerate(document.pages) if anchor in page.anchors), 0) \
        if anchor else 0
    page_pdf = document.copy(document.pages[index:index + 1]).write_pdf()
    page = pypdfium2.PdfDocument(page_pdf)[0]
    image = page.render(scale=scale).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _render_archival(documents):
    weasyprint, fonts, css = _weasy()
    rendered = [weasyprint.HTML(string=d.html, base_url=str(STYLESHEET.parent))
                .render(stylesheets=[css], font_config=fonts) for d in documents]
    pages = [page for r in rendered for page in r.pages]
    return rendered[0].copy(pages).write_pdf(pdf_variant=ARCHIVAL_VARIANT)
