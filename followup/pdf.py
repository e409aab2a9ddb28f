"""The PDF pipeline: the only module that calls WeasyPrint.

A case (a memo and its appendices) is a list of HTML documents. Each is laid out
on its own, so each has its own "Sida X (Y)"; the case is their pages in order,
joined with their structure trees (``pdf_join``). Every PDF is tagged (headings,
tables, lists, figures with their text; running headers and footers are
artifacts), and the archival variant is PDF/A-2a: archival and accessible in one.

Speed: rendered documents are kept by the hash of their HTML and variant, and the
joined case by those of its documents, so rendering a case again lays out only the
documents that changed. WeasyPrint is single-threaded: documents that need laying
out go to a pool of worker processes, one a core, forked from a server process
that has WeasyPrint and the stylesheet loaded already (``prestart`` starts it
early). One layout writes every variant asked for: signing needs both.
"""

import hashlib
import io
import multiprocessing
import os
import re
import threading
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

ORDINARY = "tagged"
ARCHIVAL_VARIANT = "pdf/a-2a"
STYLESHEET = Path(__file__).with_name("static") / "print.css"
_CACHE_SIZE = 128


@cache
def _weasy():
    # Imported on first use: WeasyPrint loads Pango, which the web pages never need.
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = weasyprint.CSS(filename=str(STYLESHEET), font_config=fonts)
    return weasyprint, fonts, css


class _Cache:
    """Bytes by key, the least recently used dropped first."""

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

    def clear(self):
        with self.lock:
            self.items.clear()


_documents = _Cache(_CACHE_SIZE)
_cases = _Cache(_CACHE_SIZE // 8)


def forget_rendered():
    """Empty the caches of rendered documents and cases (benchmarks measure a full render)."""
    _documents.clear()
    _cases.clear()


def _hash(*parts):
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _variant(archival):
    return ARCHIVAL_VARIANT if archival else ORDINARY


# --- worker processes -------------------------------------------------------------

_pool_lock = threading.Lock()
_pool_instance = None
_starting = None  # the thread that prestart() started


def workers():
    """Worker processes for rendering: FOLLOWUP_PDF_WORKERS, else one a core (0: none)."""
    configured = os.environ.get("FOLLOWUP_PDF_WORKERS")
    return int(configured) if configured is not None else (os.cpu_count() or 1)


def _context():
    # "forkserver": workers are forked from a clean server process, never from a
    # threaded web server with open database connections; the server imports
    # WeasyPrint and reads the stylesheet once (followup.pdf_worker), and each worker
    # starts as a copy of it instead of importing everything again.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["followup.pdf_worker"])
    return context


def _pool():
    global _pool_instance
    with _pool_lock:
        if _pool_instance is None:
            _pool_instance = ProcessPoolExecutor(max_workers=workers(), mp_context=_context(),
                                                 initializer=_weasy)
        return _pool_instance


@cache
def _handing_over():
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-submit")


def prestart():
    """Start the workers now, in the background, so that they are ready (WeasyPrint
    loaded) by the time the documents are: the command line calls this before it
    reads the database and writes the HTML."""
    global _starting
    if workers() > 1:
        # From a thread: starting a worker waits until the server has loaded WeasyPrint.
        _starting = threading.Thread(target=_start_workers, daemon=True)
        _starting.start()


def _start_workers():
    pool = _pool()
    for _ in range(workers()):
        pool.submit(os.getpid)


def stop_workers():
    """Stop the workers, and wait for those still starting: a process that ends while
    they start leaves them a traceback on its way out."""
    global _pool_instance
    if _starting is not None:
        _starting.join()
    with _pool_lock:
        if _pool_instance is not None:
            _pool_instance.shutdown(wait=True, cancel_futures=True)
            _pool_instance = None


# --- laying out -----------------------------------------------------------------------

def _write(document, variant, prefix):
    from .pdf_finish import finisher

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


def _layout(html):
    weasyprint, fonts, css = _weasy()
    html = _SPACE_BEFORE_INLINE.sub(r"\1 ", html)
    return weasyprint.HTML(string=html, base_url=str(STYLESHEET.parent)).render(
        stylesheets=[css], font_config=fonts)


def _render_uncached(html, variants, prefix):
    """One layout of the HTML, written as each variant: {variant: PDF bytes}."""
    document = _layout(html)
    # The ordinary variant first: the archival one adds an output intent to the document.
    return {v: _write(document, v, prefix) for v in sorted(variants, key=lambda v: v != ORDINARY)}


def _render_all(htmls, variants):
    """[{variant: PDF bytes}] for each HTML document: from the cache, else laid out (in
    parallel where there is more than one to do and workers are allowed).

    ``htmls`` may be a list or an iterator. From an iterator each document goes to a
    worker as soon as it is written, so the first are laid out while the rest are
    still being written; a list is handed out longest first, so the biggest document
    does not start last."""
    streaming = not isinstance(htmls, (list, tuple))
    parallel = workers() > 1
    keys, results, todo, jobs = [], [], {}, {}

    def submit(key):
        html, missing = todo[key]
        # Handed over from a thread: while the workers are still starting, a submit
        # waits for them, and this thread has the next document to write meanwhile.
        jobs[key] = _handing_over().submit(
            lambda: _pool().submit(_render_uncached, html, missing, key[:12]))

    for html in htmls:
        key = _hash(html)
        result = {v: _documents.get(_hash(key, v)) for v in variants}
        keys.append(key)
        results.append(result)
        missing = {v for v, pdf in result.items() if pdf is None}
        if missing and key not in todo:
            todo[key] = (html, missing)
            # The first waits for a second unless the workers are running already:
            # one document alone is laid out here, without starting them.
            if streaming and parallel and (len(todo) > 1 or _pool_instance is not None):
                for waiting in todo:
                    if waiting not in jobs:
                        submit(waiting)
    if parallel and len(todo) > 1:
        for key in sorted(todo, key=lambda k: -len(todo[k][0])):
            if key not in jobs:
                submit(key)
    done = {k: job.result().result() for k, job in jobs.items()}
    done.update({k: _render_uncached(h, vs, k[:12]) for k, (h, vs) in todo.items()
                 if k not in done})
    for key, result in zip(keys, results):
        for variant, pdf in done.get(key, {}).items():
            _documents.put(_hash(key, variant), pdf)
            result[variant] = pdf
    return results


def render_documents(documents, archival=False):
    """Each document's own PDF (objects with ``html``), in order."""
    variant = _variant(archival)
    return [r[variant] for r in _render_all([doc.html for doc in documents], [variant])]


def render_variants(documents):
    """Each document's own PDF in both variants, from one layout each:
    [(ordinary, archival)]."""
    return [(r[ORDINARY], r[ARCHIVAL_VARIANT])
            for r in _render_all([doc.html for doc in documents], [ORDINARY, ARCHIVAL_VARIANT])]


def render_case(documents, title, author, archival=False):
    """Documents (objects with ``html``; a list, or an iterator that writes each when
    asked) → one PDF: their own PDFs joined, tagged, and PDF/A-2a when ``archival``."""
    variant = _variant(archival)
    htmls = ([doc.html for doc in documents] if isinstance(documents, (list, tuple))
             else (doc.html for doc in documents))
    pdfs = [r[variant] for r in _render_all(htmls, [variant])]
    key = _hash(variant, title, author, *(hashlib.sha256(p).hexdigest() for p in pdfs))
    case = _cases.get(key)
    if case is None:
        case = join(pdfs, title, author)
        _cases.put(key, case)
    return case


def join(pdfs, title, author):
    """Documents' PDFs as one, with their structure, outlines, the case's title, author
    and language."""
    from .pdf_join import join as join_tagged

    return join_tagged(pdfs, title, author)


def first_page_png(html, anchor=None, scale=1.0):
    """The page of a document where ``anchor`` (an element id) is, or its first page,
    as a PNG: the layout editor's preview."""
    import pypdfium2

    document = _layout(html)
    index = next((i for i, page in enumerate(document.pages) if anchor in page.anchors), 0) \
        if anchor else 0
    page_pdf = document.copy(document.pages[index:index + 1]).write_pdf()
    page = pypdfium2.PdfDocument(page_pdf)[0]
    image = page.render(scale=scale).to_pil()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
