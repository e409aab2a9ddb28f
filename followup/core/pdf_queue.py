"""Laying out documents as jobs of the queue: any worker on any machine lays out a
document from its HTML alone and keeps the PDFs in the database's cache
(``core.rendered``), where every server finds them.

One document is laid out once at a time, however many ask: the first to ask marks the
document in Redis with its job's id, and the others wait for that job instead of
starting a second. The worker removes the mark when it is done.
"""

import base64
import logging
import time
import uuid

from celery import shared_task
from celery.exceptions import TimeLimitExceeded, TimeoutError

from followup.core import jobs, pdf_cache, pdf_layout, rendered

log = logging.getLogger("followup.pdf")
RENDER = "followup.render_document"
# How much longer than the layout's own limit a caller waits for the job: the time it
# may spend in the queue behind others.
QUEUE_WAIT = 300


PAGE = "followup.page_png"


@shared_task(name=PAGE)
def page_png_job(html, anchor, scale):
    """One page of a document as a PNG, base64 in JSON: {"png"} or {"error": [name,
    text]}."""
    try:
        return {"png": base64.b64encode(pdf_layout.page_png(html, anchor, scale)).decode()}
    except Exception as e:  # told to whoever waits, as the pool's workers tell it
        return {"error": [type(e).__name__, str(e)[:500]]}


def page_png(html, anchor, scale, limit):
    """The layout editor's preview by a worker of the queue: PNG bytes, or Stopped."""
    job = jobs.task(PAGE).apply_async(args=[html, anchor, scale], time_limit=limit)
    outcome = _outcome(job, limit)
    return base64.b64decode(outcome["png"])


def _outcome(job, limit):
    """A layout job's result, its failures as pdf_layout.Stopped."""
    try:
        outcome = job.get(timeout=limit + QUEUE_WAIT, propagate=False,
                          disable_sync_subtasks=False)
    except TimeoutError:
        raise pdf_layout.Stopped("timeout", limit + QUEUE_WAIT) from None
    if isinstance(outcome, TimeLimitExceeded):
        raise pdf_layout.Stopped("timeout", limit)
    if isinstance(outcome, BaseException):
        raise pdf_layout.Stopped("died", limit, repr(outcome)[:200])
    if "error" in outcome:
        raise pdf_layout.Stopped("error", limit, tuple(outcome["error"]))
    return outcome


def _mark(key, variants):
    return f"{jobs.PREFIX}render:{key}:{'+'.join(sorted(variants))}"


@shared_task(name=RENDER, bind=True)
def render_document(job, html, variants, mark=None):
    """Lay out one document's HTML in each variant and keep the PDFs: {"ok": variants} or
    {"error": [name, text]} for a layout that failed."""
    key = pdf_layout.digest(html)
    try:
        done = _keep(key, pdf_layout.render(html, set(variants), key[:12]))
        return {"ok": sorted(done)}
    except Exception as e:  # reported to whoever waits, as a worker of the pool reports it
        log.warning("render.failed key=%s error=%s", key[:12], type(e).__name__)
        return {"error": [type(e).__name__, str(e)[:500]]}
    finally:
        if mark:
            jobs.release(mark, job.request.id)


class Waiting:
    """A layout in flight, as ``pdf._rendered`` waits for it: ``result()`` gives
    {variant: bytes} or raises ``pdf_layout.Stopped``."""

    def __init__(self, job_id, key, variants, limit):
        self.job_id, self.key, self.variants, self.limit = job_id, key, variants, limit

    def result(self):
        if self.job_id is None:
            return self._kept()
        _outcome(jobs.result(self.job_id), self.limit)
        return self._kept()

    def _kept(self):
        kept = _kept(self.key, self.variants)
        if kept is None:
            raise pdf_layout.Stopped("died", self.limit, "the PDFs were not kept")
        return kept

    def cancel(self):
        pass  # another caller may wait for the same layout: it runs on


def submit(key, html, variants, title, limit):
    """The layout of one document in the queue, or the one in flight for it already."""
    client = jobs.redis()
    mark = _mark(key, variants)
    job_id = str(uuid.uuid4())
    # Held as long as the job may take in all, then gone of itself (a worker that died).
    if client.set(mark, job_id, nx=True, ex=int(limit + QUEUE_WAIT)):
        jobs.task(RENDER).apply_async(args=[html, sorted(variants), mark], task_id=job_id,
                                      time_limit=limit, soft_time_limit=None)
        log.info("render.queued key=%s document=%r", key[:12], title)
    else:
        running = client.get(mark)
        if running is None:  # done a moment ago: kept, unless it failed
            return Waiting(None, key, variants, limit)
        job_id = running.decode()
    return Waiting(job_id, key, variants, limit)


def lay_out_once(key, variants, limit, lay_out):
    """In a job of the queue: {variant: PDF bytes} of one document, laid out by
    ``lay_out`` here and kept in the database, unless another job is laying it out:
    then that one's PDFs, once it is done. Never two layouts of one document at once."""
    from celery import current_task

    client, mark = jobs.redis(), _mark(key, variants)
    me, seconds = current_task.request.id, int(limit + QUEUE_WAIT)
    deadline = time.monotonic() + limit
    held = _take(client, mark, me, seconds)
    while not held and time.monotonic() < deadline:
        _forget_if_over(client, mark)
        time.sleep(0.1)
        held = _take(client, mark, me, seconds)
    try:
        kept = _kept(key, variants)  # by the job that held the mark till now
        return kept if kept is not None else _keep(key, lay_out())
    finally:
        if held:
            jobs.release(mark, me)


HELP = "followup.lay_out_last_first"


def help_with(documents, limit):
    """In a job that lays out a case's documents in order (``lay_out_once``): hand
    ``documents`` (the case's others, [HTML, variants, title]) to a second worker, which
    lays them out last first. The two meet in the middle; a document the second has not
    reached by then, this job lays out itself, so it never waits for a job still queued."""
    from celery import current_task

    if not documents:
        return
    try:
        jobs.task(HELP).apply_async(
            args=[list(reversed(documents)), current_task.request.id, limit],
            time_limit=limit * len(documents))
    except Exception as e:  # help is welcome, not needed: this job lays out the rest
        log.warning("render.no_help error=%s", type(e).__name__)


@shared_task(name=HELP, bind=True)
def lay_out_last_first(job, documents, helped, limit):
    """The second worker of ``help_with``: each document in the order given, until one
    that another job is laying out or has kept, or the job it helps is over.
    A document that fails is left to that job, which says why: how many it laid out."""
    client, me, laid_out = jobs.redis(), job.request.id, 0
    for html, variants, title in documents:
        key = pdf_layout.digest(html)
        mark = _mark(key, variants)
        if jobs.result(helped).ready() or not _take(client, mark, me, int(limit + QUEUE_WAIT)):
            break
        try:
            if _kept(key, variants) is not None:
                break  # laid out since the job began: it has come this far
            with pdf_layout.time_limit(limit):
                _keep(key, pdf_layout.render(html, set(variants), key[:12]))
            laid_out += 1
        except Exception as e:
            log.warning("render.help_failed key=%s document=%r error=%s", key[:12], title,
                        type(e).__name__)
        finally:
            jobs.release(mark, me)
    return {"laid_out": laid_out}


def _kept(key, variants):
    """{variant: PDF bytes} of one document from the database's cache, or None unless
    every variant is kept."""
    names = {pdf_layout.digest(key, v): v for v in variants}
    kept = rendered.get_many(list(names))
    return {names[k]: data for k, data in kept.items()} if len(kept) == len(names) else None


def _keep(key, done):
    """A document's PDFs just laid out ({variant: bytes}) into the database's cache, for
    every server and worker: ``done``."""
    rendered.put_many({pdf_layout.digest(key, v): data for v, data in done.items()})
    log.info("render.laid_out key=%s", key[:12])
    return done


def _take(client, mark, me, seconds):
    """Whether this job holds the mark now: it took it, or held it already (a job given
    again to a worker after its first one died)."""
    return bool(client.set(mark, me, nx=True, ex=seconds)) or client.get(mark) == me.encode()


def _forget_if_over(client, mark):
    """Remove a mark whose job is over: one the worker stopped never removes its own."""
    holder = client.get(mark)
    if holder and jobs.result(holder.decode()).ready():
        jobs.release(mark, holder.decode())


def render_ahead(documents, title, author, job_id, limit):
    """Lay out in this job, ahead of any download, each document (objects with ``html``)
    that is neither kept nor being laid out by another job, and keep the case when all
    of its documents are kept: (how many documents were laid out here, the case's PDF or
    None where a document is not kept yet). A download meanwhile
    finds this job's id in the documents' marks and waits for it instead of starting a
    second layout."""
    client, variant = jobs.redis(), pdf_layout.ORDINARY
    pdfs, laid_out = [], 0
    for doc in documents:
        key = pdf_layout.digest(doc.html)
        name = pdf_layout.digest(key, variant)
        data = rendered.get_many([name]).get(name)
        mark = _mark(key, [variant])
        if data is None and client.set(mark, job_id, nx=True, ex=int(limit + QUEUE_WAIT)):
            try:
                # Laid out by the job that held the mark until a moment ago, perhaps.
                data = rendered.get_many([name]).get(name)
                if data is None:
                    with pdf_layout.time_limit(limit):
                        done = pdf_layout.render(doc.html, {variant}, key[:12])
                    data = _keep(key, done)[variant]
                    laid_out += 1
            except Exception as e:  # the download that needs it says why, in Swedish
                log.warning("render_ahead.failed key=%s error=%s", key[:12], type(e).__name__)
            finally:
                jobs.release(mark, job_id)
        pdfs.append(data)
    if pdfs and all(p is not None for p in pdfs):
        return laid_out, pdf_cache.keep_case(pdfs, variant, title, author)
    return laid_out, None
