"""Documents laid out by the job queue's workers and kept in the database (issue 20.1,
20.3): a real Redis, a real worker (``celery -A followup.worker worker``) and the test
database shared by two app servers, as a municipality runs them."""

import re
import threading

from sqlalchemy import func, select

from followup.core import pdf
from followup.core.extensions import db
from followup.core.rendered import RenderedFile
from followup.memos.models import Memo
from tests.fixtures import Browser

CASE = "/plans/{plan}/phases/augusti/tjansteskrivelse/pdf"


def _reader(app):
    browser = Browser(app.test_client())
    assert browser.login("per@ekbacka.example").status_code == 302
    return browser


def _laid_out(app):
    """The documents the worker has laid out so far, one line each."""
    return re.findall(r"Task followup\.render_document\[[^\]]+\] succeeded", app.job_log())


def _documents_of_case(demo):
    memo = db.session.scalar(select(Memo).where(Memo.plan_id == demo.plan.id))
    return 1 + len([a for a in memo.appendices if a.parent_id is None])


def test_a_case_laid_out_by_the_worker_is_served_by_every_server_without_laying_out_again(
        app, queued_app, demo, monkeypatch):
    before = len(_laid_out(queued_app))
    pdf.forget_rendered()
    first = _reader(queued_app).get(CASE.format(plan=demo.plan.key))
    assert first.status_code == 200, first.text[:300]
    assert first.data.startswith(b"%PDF")
    documents = _documents_of_case(demo)
    assert len(_laid_out(queued_app)) - before == documents
    assert db.session.scalar(select(func.count()).select_from(RenderedFile)) == documents + 1

    # The other server (no queue, nothing in its memory) serves the same bytes from the
    # database and lays out nothing.
    pdf._documents.clear()
    pdf._cases.clear()

    def nothing_laid_out(todo, titles, jobs):
        assert not todo and not jobs, "laid out again"
        return {}

    def no_join(*args):
        raise AssertionError("joined again")

    monkeypatch.setattr(pdf, "_rendered", nothing_laid_out)
    monkeypatch.setattr(pdf, "join", no_join)
    second = _reader(app).get(CASE.format(plan=demo.plan.key))
    assert second.status_code == 200
    assert second.data == first.data


def test_downloads_of_a_stale_case_at_once_wait_for_one_layout_of_each_document(
        queued_app, demo):
    before = len(_laid_out(queued_app))
    pdf.forget_rendered()
    readers = [_reader(queued_app) for _ in range(4)]
    url = CASE.format(plan=demo.plan.key)
    answers = [None] * len(readers)

    def download(i):
        answers[i] = readers[i].get(url)

    threads = [threading.Thread(target=download, args=(i,)) for i in range(len(readers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert [a.status_code for a in answers] == [200] * len(readers)
    assert len({a.data for a in answers}) == 1
    assert len(_laid_out(queued_app)) - before == _documents_of_case(demo)
