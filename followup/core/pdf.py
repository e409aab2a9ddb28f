"""The PDF pipeline: who lays out a case's documents (``pdf_layout`` lays out one, the
only module that calls WeasyPrint).

A case (a memo and its appendices) is a list of HTML documents. Each is laid out
on its own, so each has its own "Sida X (Y)"; the case is their pages in order,
joined with their structure trees (``pdf_join``). Every PDF is tagged (headings,
tables, lists, figures with their text; running headers and footers are
artifacts), and the archival variant is PDF/A-2a: archival and accessible in one.

Speed: rendered documents are kept by the hash of their HTML and variant, and the
joined case by those of its documents, in this process and in the database
(``pdf_cache``), so rendering a case again lays out only the documents that changed,
on any server. WeasyPrint is single-threaded: with a job queue, documents that need
laying out are jobs for its workers (``pdf_queue``); without one they go to a pool of
worker processes, one a core, forked from a server process that has WeasyPrint and
the stylesheet loaded already (``prestart`` starts it early). One layout writes every
variant asked for: signing needs both.

Safety: no document may hold up the others or a request. Each layout in a worker has
a time limit (``PDF_RENDER_TIMEOUT``, 120 s); a worker over it is killed and the next
job gets a new one, and the caller gets ``RenderFailed``, a Swedish message naming the
document (and the place in it, where the nesting of its HTML gives it away); so does
a layout that fails. A worker dies with the process that started it, even one killed
with SIGKILL: the forkserver and multiprocessing's resource tracker then end too,
since they only wait for the workers.
"""

import logging
import multiprocessing
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import wait

from flask import has_app_context

from followup.core import pdf_cache, pdf_layout
from followup.core.config import Defaults
from followup.core.pdf_layout import ARCHIVAL_VARIANT, ORDINARY
from followup.core.errors import RenderFailed  # noqa: F401  (raised to pdf's callers)

log = logging.getLogger(__name__)

def forget_rendered():
    """Empty the caches of rendered documents and cases, this process's and the
    database's (benchmarks measure a full render)."""
    pdf_cache.forget()


def _variant(archival):
    return ARCHIVAL_VARIANT if archival else ORDINARY


# --- worker processes -------------------------------------------------------------

_pool_lock = threading.Lock()
_pool_instance = None
_starting = None  # the thread that prestart() started


def workers():
    """Worker processes for rendering: FOLLOWUP_PDF_WORKERS, else one a core (0: none,
    every layout in the calling process, without a time limit)."""
    configured = os.environ.get("FOLLOWUP_PDF_WORKERS")
    return int(configured) if configured is not None else (os.cpu_count() or 1)


def time_limit():
    """Seconds one layout may take in a worker: the app's PDF_RENDER_TIMEOUT
    (FOLLOWUP_PDF_RENDER_TIMEOUT), outside the app that variable, else the default."""
    value = None
    from flask import current_app, has_app_context

    if has_app_context():
        value = current_app.config.get("PDF_RENDER_TIMEOUT")
    if value is None:
        value = os.environ.get("FOLLOWUP_PDF_RENDER_TIMEOUT")
    try:
        value = float(value)
    except (TypeError, ValueError):
        return Defaults.PDF_RENDER_TIMEOUT
    return value if value > 0 else Defaults.PDF_RENDER_TIMEOUT


def _context():
    # "forkserver": workers are forked from a clean server process, never from a
    # threaded web server with open database connections; the server imports
    # WeasyPrint and reads the stylesheet once (followup.core.pdf_worker), and each worker
    # starts as a copy of it instead of importing everything again.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["followup.core.pdf_worker"])
    return context


def _die_with_parent():
    """End this worker as soon as the process that started it ends, however it ends.

    A worker's parent is the forkserver, which waits for its workers, so the parent's
    death signal (PR_SET_PDEATHSIG) would never come; the starting process is watched
    instead: multiprocessing keeps the write end of a pipe to each worker in it alone,
    and the read end shows the end of the file once that process is gone. A worker
    killed with its web server stayed blocked on its job queue for good, and kept the
    forkserver and the resource tracker alive with it."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch():
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="pdf-parent-watch", daemon=True).start()


def _serve(conn):
    """A worker: jobs (function, arguments) in, ("ok", result) or ("error", name,
    text) out, until the pipe closes or None comes."""
    _die_with_parent()
    pdf_layout.weasy()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args = job
        try:
            reply = ("ok", fn(*args))
        except Exception as e:  # RecursionError, MemoryError …: reported, not raised
            reply = ("error", type(e).__name__, str(e)[:500])
        try:
            conn.send(reply)
        except OSError:
            return


class _Worker:
    """One worker process and the pipe to it; one job at a time."""

    def __init__(self, context):
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end,), name="pdf-worker",
                                       daemon=True)
        self.process.start()
        child_end.close()

    def run(self, fn, args, limit):
        try:
            self.conn.send((fn, args))
            if not wait([self.conn], timeout=limit):
                raise pdf_layout.Stopped("timeout", limit)
            reply = self.conn.recv()
        except (EOFError, OSError):
            raise pdf_layout.Stopped("died", limit, self.process.exitcode) from None
        if reply[0] == "ok":
            return reply[1]
        raise pdf_layout.Stopped("error", limit, reply[1:])

    def end(self, kill=False):
        if not kill:
            try:
                self.conn.send(None)
            except OSError:
                pass
            self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        self.conn.close()


class _Pool:
    """``size`` worker processes, each used by one thread of a thread pool: a job waits
    in the thread pool's queue for a free worker, and its time limit runs while a worker
    has it. A worker over the limit is killed alone (the others' jobs go on) and its
    thread starts a new one for its next job; so after a failed layout."""

    def __init__(self, size, context):
        self.context = context
        self.local = threading.local()
        self.lock = threading.Lock()
        self.running = set()
        self.threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="pdf-render")

    @property
    def _processes(self):
        """{pid: process} of the workers running (bench/pdf.py counts their CPU time)."""
        with self.lock:
            return {w.process.pid: w.process for w in self.running}

    def submit(self, fn, *args):
        """``fn(*args)`` in a worker: a future of its result; the time limit is the
        caller's (the app's configuration is only there)."""
        return self.threads.submit(self._run, fn, args, time_limit())

    def _run(self, fn, args, limit):
        worker = getattr(self.local, "worker", None)
        if worker is not None and not worker.process.is_alive():
            self._end(worker)  # ended while it waited (killed from outside): not this job's doing
            worker = None
        if worker is None:
            try:
                worker = _Worker(self.context)
            except OSError as e:
                raise pdf_layout.Stopped("died", limit, f"could not start: {e}") from None
            self.local.worker = worker
            with self.lock:
                self.running.add(worker)
        try:
            return worker.run(fn, args, limit)
        except pdf_layout.Stopped as stopped:
            self._end(worker)
            log.warning("PDF worker %s ended: %s %s", worker.process.pid, stopped.kind,
                        stopped.detail or "")
            raise

    def _end(self, worker):
        self.local.worker = None
        with self.lock:
            self.running.discard(worker)
        worker.end(kill=True)

    def shutdown(self):
        self.threads.shutdown(wait=True, cancel_futures=True)
        with self.lock:
            running, self.running = self.running, set()
        for worker in running:
            worker.end()


def _pool():
    global _pool_instance
    with _pool_lock:
        if _pool_instance is None:
            _pool_instance = _Pool(max(workers(), 1), _context())
        return _pool_instance


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
        pool, _pool_instance = _pool_instance, None
    if pool is not None:
        pool.shutdown()


# --- when a layout fails --------------------------------------------------------------

# Elements inside one another beyond which a document's HTML is suspect: the templates
# and a text at the allowlist's limits stay far below it.
_SUSPECT_DEPTH = 40
_ANY_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_SPACES = re.compile(r"\s+")


def _plain(html_text, limit=90):
    text = _SPACES.sub(" ", re.sub(r"<[^>]*>", " ", html_text)).strip()
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _suspect(html_text):
    """Where a document's HTML nests deepest, if that is deeper than any document
    should: (the first cell of its table row, or the heading before it; the depth)."""
    walk = _DeepestPlace(html_text)
    for match in _ANY_TAG.finditer(html_text):
        closing, tag = match.group(1), match.group(2).lower()
        if tag in _VOID:
            continue
        if closing:
            walk.end(tag, match.start())
        else:
            walk.start(tag, match.end())
    if walk.deepest <= _SUSPECT_DEPTH:
        return None
    return walk.at, walk.deepest


class _DeepestPlace:
    """A walk through a document's HTML, tag by tag: how deep it has nested at most, and
    what names the place where it first did (``at``)."""

    def __init__(self, html_text):
        self.html_text = html_text
        self.deepest, self.at = 0, None
        self.heading = self.cell = None  # the last heading, the current row's first cell
        self.opened = []  # (tag, where its content starts)
        self.cells_in_row = 0

    def start(self, tag, content_start):
        self.opened.append((tag, content_start))
        if tag == "tr":
            self.cells_in_row, self.cell = 0, None
        elif tag in ("td", "th"):
            self.cells_in_row += 1
        if len(self.opened) > self.deepest:
            self.deepest = len(self.opened)
            in_row = any(t == "tr" for t, _ in self.opened)
            self.at = (self.cell if in_row and self.cell else None) or self.heading

    def end(self, tag, content_end):
        """Closes the latest element named ``tag`` and those open in it."""
        while self.opened:
            name, content_start = self.opened.pop()
            if name == tag:
                self._note(tag, self.html_text[content_start:content_end])
                break

    def _note(self, tag, content):
        """Keeps the text of a heading, or of a row's first cell."""
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = _plain(content)
        elif tag in ("td", "th") and self.cells_in_row == 1:
            self.cell = _plain(content)


def seconds_text(limit):
    text = f"{limit:g}".replace(".", ",")
    return f"{text} sekund" if text == "1" else f"{text} sekunder"


def _failure(stopped, html_text, what, made="göras till PDF"):
    """RenderFailed for a job that ``stopped``: ``what`` is the document ("Dokumentet
    ”Bilaga 1 – …”"), the message says why, and where, if the HTML shows it."""
    if stopped.kind == "timeout":
        why = (f"det tog längre än {seconds_text(stopped.limit)}, och arbetet avbröts så att "
               "det inte skulle hindra annat")
    elif stopped.kind == "died":
        why = "arbetet avbröts oväntat"
    else:
        why = "ett fel uppstod när sidorna sattes"
    message = f"{what} kunde inte {made}: {why}."
    suspect = _suspect(html_text)
    if suspect:
        place, depth = suspect
        where = f"i texten vid ”{place}”" if place else "i en av texterna"
        message += (f" Felet sitter troligen {where}: den har listor eller stycken i "
                    f"{depth} nivåer inuti varandra. Gör texten plattare och försök igen.")
    else:
        message += " Försök igen om en stund, och kontakta IT om felet står kvar."
    log.warning("PDF not made (%s, %s): %s", stopped.kind, stopped.detail or "", what)
    return RenderFailed(message)


def _document(label):
    return f"Dokumentet ”{label}”" if label else "Ett av dokumenten"


# --- laying out -----------------------------------------------------------------------

def _render_here(html, variants, prefix, label, limit=None):
    """The layout in this process (no workers; with ``limit``, stopped after so many
    seconds): a failure named as a worker's is."""
    try:
        with pdf_layout.time_limit(limit):
            return pdf_layout.render(html, variants, prefix)
    except pdf_layout.Stopped as stopped:
        raise _failure(stopped, html, _document(label)) from None
    except Exception as e:
        raise _failure(pdf_layout.Stopped("error", detail=(type(e).__name__, str(e)[:500])), html,
                       _document(label)) from e


def _render_all(documents, variants, keep=True):
    """[{variant: PDF bytes}] for each document ((HTML, title) pairs): from the caches
    (this process's, then the database's), else laid out: by the job queue's workers
    where there is a queue, else by this process's workers, in parallel (in this process
    if there are none). What is laid out is kept in both caches; with ``keep`` False
    only in this process's (signing, whose transaction may hold the database's one
    writer on SQLite, keeps its files as the record instead).

    ``documents`` may be a list or an iterator. From an iterator each document goes to a
    worker as soon as it is written, so the first are laid out while the rest are
    still being written; a list is handed out longest first, so the biggest document
    does not start last. A document that cannot be laid out raises RenderFailed,
    naming it; the first in the case's order if more than one."""
    streaming = not isinstance(documents, (list, tuple))
    runner = _runner()
    keys, results, todo, titles, jobs = [], [], {}, {}, {}

    for html, title in documents:
        key = pdf_layout.digest(html)
        result = pdf_cache.cached(key, variants)
        keys.append(key)
        results.append(result)
        missing = {v for v, pdf in result.items() if pdf is None}
        if missing and key not in todo:
            todo[key] = (html, missing)
            titles[key] = title
            if streaming and runner != "here":
                jobs[key] = _submit(runner, key, html, missing, title)
    if runner != "here":
        for key in sorted(todo, key=lambda k: -len(todo[k][0])):  # the longest first
            if key not in jobs:
                jobs[key] = _submit(runner, key, *todo[key], titles[key])
    # A job that keeps what it lays out (not signing) takes turns with other jobs.
    once = keep and runner == "here" and _queue_job()
    done = _rendered(todo, titles, jobs, once)
    # A worker of the queue keeps its own.
    _store(keys, results, done, keep and runner != "queue" and not once)
    return results


def _runner():
    """Who lays out: "queue" (the job queue's workers), "pool" (this process's) or
    "here" (this process). A job of the queue (signing) lays out itself: a job that
    waited for others could wait for good once every worker waits."""
    from followup.core import jobs

    if jobs.in_job():
        return "here"
    if has_app_context() and jobs.queued():
        return "queue"
    return "pool" if workers() > 0 else "here"


def _submit(runner, key, html, variants, title):
    if runner == "queue":
        from followup.core import pdf_queue

        return pdf_queue.submit(key, html, variants, title, time_limit())
    return _pool().submit(pdf_layout.render, html, variants, key[:12])


def _queue_job():
    from followup.core import jobs

    return jobs.in_job() and jobs.redis() is not None


def _rendered(todo, titles, jobs, once=False):
    """{key: {variant: PDF bytes}} of each document of ``todo``, in its order: its
    worker's, or laid out here if it has no job (``once``: unless another job of the
    queue lays it out already, ``pdf_queue.lay_out_once``). The first that fails raises,
    and the jobs not started yet are cancelled."""
    done = {}
    if once:
        from followup.core import pdf_queue

        limit = time_limit()
        pdf_queue.help_with([[html, sorted(missing), titles[key]]
                             for key, (html, missing) in list(todo.items())[1:]], limit)
    try:
        for key, (html, missing) in todo.items():
            if key in jobs:
                done[key] = _job_result(jobs[key], html, titles[key])
            elif once:
                done[key] = pdf_queue.lay_out_once(
                    key, missing, limit,
                    lambda html=html, missing=missing, key=key: _render_here(
                        html, missing, key[:12], titles[key], limit))
            else:
                done[key] = _render_here(html, missing, key[:12], titles[key])
    finally:
        for job in jobs.values():
            job.cancel()  # those not started yet: the case will not be made
    return done


def _job_result(job, html, title):
    try:
        return job.result()
    except pdf_layout.Stopped as stopped:
        raise _failure(stopped, html, _document(title)) from None


def _store(keys, results, done, keep):
    """The new PDFs into the caches and into the results of the documents they are of."""
    new = {}
    for key, result in zip(keys, results):
        for variant, pdf in done.get(key, {}).items():
            new[pdf_layout.digest(key, variant)] = pdf
            result[variant] = pdf
    pdf_cache.store(new, keep)


def _titled(documents):
    """(HTML, title) of each document (objects with ``html`` and perhaps ``title``): a
    list for a list, else an iterator that asks for each document in turn."""
    pairs = ((doc.html, getattr(doc, "title", None)) for doc in documents)
    return list(pairs) if isinstance(documents, (list, tuple)) else pairs


def render_documents(documents, archival=False):
    """Each document's own PDF (objects with ``html``), in order."""
    variant = _variant(archival)
    return [r[variant] for r in _render_all(_titled(documents), [variant])]


def render_variants(documents, keep=True):
    """Each document's own PDF in both variants, from one layout each:
    [(ordinary, archival)]. ``keep``: see ``_render_all``."""
    return [(r[ORDINARY], r[ARCHIVAL_VARIANT])
            for r in _render_all(_titled(documents), [ORDINARY, ARCHIVAL_VARIANT], keep)]


def render_case(documents, title, author, archival=False):
    """Documents (objects with ``html``; a list, or an iterator that writes each when
    asked) → one PDF: their own PDFs joined, tagged, and PDF/A-2a when ``archival``."""
    variant = _variant(archival)
    pdfs = [r[variant] for r in _render_all(_titled(documents), [variant])]
    return pdf_cache.keep_case(pdfs, variant, title, author)


def join(pdfs, title, author):
    """Documents' PDFs as one, with their structure, outlines, the case's title, author
    and language."""
    from followup.core.pdf_join import join as join_tagged

    return join_tagged(pdfs, title, author)


def first_page_png(html, anchor=None, scale=1.0):
    """The page of a document where ``anchor`` (an element id) is, or its first page,
    as a PNG: the layout editor's preview. Laid out by a worker (of the queue, else of
    this process), within its time limit."""
    what, made = "Sidan", "förhandsvisas"
    runner = _runner()
    try:
        if runner == "queue":
            from followup.core import pdf_queue

            return pdf_queue.page_png(html, anchor, scale, time_limit())
        if runner == "pool":
            return _pool().submit(pdf_layout.page_png, html, anchor, scale).result()
    except pdf_layout.Stopped as stopped:
        raise _failure(stopped, html, what, made) from None
    try:
        return pdf_layout.page_png(html, anchor, scale)
    except Exception as e:
        raise _failure(pdf_layout.Stopped("error", detail=(type(e).__name__, str(e)[:500])), html,
                       what, made) from e
