"""Rendered PDFs kept for the next time: in this process (the least recently used
dropped first) in front of the database's cache (``core.rendered``), which every server
and worker shares. A document's PDF is kept under the digest of its HTML and variant,
a case under those of its documents."""

import functools
import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from flask import has_app_context

from followup.core import pdf_layout

# Bytes of PDFs each process keeps in front of the database's cache, which every server
# reads in a few milliseconds: without a bound, each worker of each server held every
# version of a large case it had served since it started.
_DOCUMENTS_BYTES = 16 * 2**20
_CASES_BYTES = 16 * 2**20


class _Cache:
    """Bytes by key up to ``limit`` bytes in all, the least recently used dropped first
    (a value larger than the limit is not kept)."""

    def __init__(self, limit):
        self.limit = limit
        self.items = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value):
        with self.lock:
            if key in self.items:
                self.size -= len(self.items.pop(key))
            if len(value) > self.limit:
                return
            self.items[key] = value
            self.size += len(value)
            while self.size > self.limit:
                self.size -= len(self.items.popitem(last=False)[1])

    def clear(self):
        with self.lock:
            self.items.clear()
            self.size = 0


documents = _Cache(_DOCUMENTS_BYTES)
cases = _Cache(_CASES_BYTES)


def keep_in_memory(keep):
    """Whether this process keeps PDFs in memory too, in front of the database."""
    documents.limit = _DOCUMENTS_BYTES if keep else 0
    cases.limit = _CASES_BYTES if keep else 0
    if not keep:
        documents.clear()
        cases.clear()


def forget():
    """Empty this process's caches and the database's."""
    documents.clear()
    cases.clear()
    if has_app_context():
        from followup.core import rendered

        rendered.forget_unused(days=0)


@functools.cache
def code_digest():
    """A digest of the application's code, templates and stylesheets as this process
    runs them: a PDF prepared by other code is not the one this code would write."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".css", ".json") and "tests" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def prepared(name):
    """The PDF kept under ``name`` (a name made by whoever prepared it), or None."""
    data = cases.get(name)
    if data is None and has_app_context():
        from followup.core import rendered

        data = rendered.get_many([name]).get(name)
        if data is not None:
            cases.put(name, data)
    return data


def prepare(name, data):
    """Keep the PDF ``data`` under ``name`` for ``prepared``."""
    cases.put(name, data)
    if has_app_context():
        from followup.core import rendered

        rendered.put_many({name: data})


def cached(key, variants):
    """{variant: PDF bytes, or None} of the document whose HTML digests to ``key``: this
    process's cache first, then the database's."""
    found = {v: documents.get(pdf_layout.digest(key, v)) for v in variants}
    missing = [pdf_layout.digest(key, v) for v, pdf in found.items() if pdf is None]
    if missing and has_app_context():
        from followup.core import rendered

        kept = rendered.get_many(missing)
        for variant in variants:
            pdf = kept.get(pdf_layout.digest(key, variant))
            if pdf is not None:
                documents.put(pdf_layout.digest(key, variant), pdf)
                found[variant] = pdf
    return found


def store(files, keep=True):
    """Documents' PDFs ({name: bytes}) into this process's cache, and with ``keep`` into
    the database's."""
    for name, pdf in files.items():
        documents.put(name, pdf)
    if keep and files and has_app_context():
        from followup.core import rendered

        rendered.put_many(files)


def keep_case(pdfs, variant, title, author):
    """The case of these documents' PDFs: from the caches (this process's, then the
    database's), else joined and kept in both."""
    from followup.core.pdf_join import join

    key = pdf_layout.digest(variant, title, author,
                            *(hashlib.sha256(p).hexdigest() for p in pdfs))
    case = cases.get(key)
    if case is None and has_app_context():
        from followup.core import rendered

        case = rendered.get_many([key]).get(key)
    if case is None:
        case = join(pdfs, title, author)
        if has_app_context():
            from followup.core import rendered

            rendered.put_many({key: case})
    cases.put(key, case)
    return case
