"""Documents laid out by the job queue's workers and kept in the database (issue 20.1,
20.3): a real Redis, a real worker (``celery -A followup.worker worker``) and the test
database shared by two app servers, as a municipality runs them."""

import re
import threading
import time

from sqlalchemy import func, select

from followup.core import pdf, pdf_cache, pdf_join
from followup.core.extensions import db
from followup.core.rendered import RenderedFile
from followup.memos.models import Memo
from tests.fixtures import Browser
from tests.pdftext import reading_order

CASE = "/plans/{plan}/phases/augusti/tjansteskrivelse/pdf"


def _reader(app):
    browser = Browser(app.test_client())
    assert browser.login("per@ekbacka.example").status_code == 302
    return browser


def _laid_out(app):
    """The documents the worker has laid out so far, for a download or a refresh, one
    line each."""
    return re.findall(r"INFO/ForkPoolWorker-\d+\] render\.laid_out key=", app.job_log())


def _documents_of_case(demo):
    memo = db.session.scalar(select(Memo).where(Memo.plan_id == demo.plan.id))
    return 1 + len([a for a in memo.appendices if a.parent_id is None])


def _nothing_made_here(monkeypatch):
    """This process forgets what it kept and may neither lay out nor join: what it
    serves comes from the database."""
    pdf_cache.documents.clear()
    pdf_cache.cases.clear()

    def nothing_laid_out(todo, titles, jobs, once=False):
        assert not todo and not jobs, "laid out again"
        return {}

    def no_join(*args):
        raise AssertionError("joined again")

    monkeypatch.setattr(pdf, "_rendered", nothing_laid_out)
    monkeypatch.setattr(pdf_join, "join", no_join)


def test_a_case_laid_out_by_the_worker_is_served_by_every_server_without_laying_out_again(
        app, queued_app, demo, monkeypatch):
    before = len(_laid_out(queued_app))
    pdf.forget_rendered()
    first = _reader(queued_app).get(CASE.format(plan=demo.plan.key))
    assert first.status_code == 200, first.text[:300]
    assert first.data.startswith(b"%PDF")
    documents = _documents_of_case(demo)
    assert len(_laid_out(queued_app)) - before == documents
    # Each document, the case, and the case under the name of the plan's revision.
    assert db.session.scalar(select(func.count()).select_from(RenderedFile)) == documents + 2

    # The other server (no queue, nothing in its memory) serves the same bytes from the
    # database and lays out nothing.
    _nothing_made_here(monkeypatch)
    second = _reader(app).get(CASE.format(plan=demo.plan.key))
    assert second.status_code == 200
    assert second.data == first.data


def test_with_a_queue_an_app_server_writes_no_document_and_a_worker_prepares_the_case(
        queued_app, demo, monkeypatch):
    """A download of a case nobody prepared yet waits for a worker, which writes the
    documents from the database, lays them out and keeps the case; the app server only
    serves the file. Writing a large case took an app server's worker tens of MB it kept
    for as long as it ran."""
    from followup.memos import content

    pdf.forget_rendered()
    _nothing_made_here(monkeypatch)

    def not_here(*args, **kwargs):
        raise AssertionError("the app server wrote the documents")

    monkeypatch.setattr(content, "load_memo", not_here)
    before = len(_laid_out(queued_app))
    answer = _reader(queued_app).get(CASE.format(plan=demo.plan.key))
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    assert len(_laid_out(queued_app)) - before == _documents_of_case(demo)
    assert re.search(r"Task followup\.prepare_pdf\[[^\]]+\] succeeded", queued_app.job_log())


def test_a_case_nobody_prepared_is_laid_out_by_two_workers_side_by_side(queued_app, demo):
    """The job that prepares a case lays out its documents first first and hands the
    others to a second worker, last first: the first download waits for about half the
    layouts, not all of them one after another."""
    pdf.forget_rendered()
    log_before = len(queued_app.job_log())
    answer = _reader(queued_app).get(CASE.format(plan=demo.plan.key))
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    log = queued_app.job_log()[log_before:]
    processes = re.findall(r"INFO/(ForkPoolWorker-\d+)\] render\.laid_out key=", log)
    assert len(processes) == _documents_of_case(demo)  # each document once
    assert len(set(processes)) == 2, log[-3000:]
    assert re.search(r"Task followup\.lay_out_last_first\[[^\]]+\] succeeded", log)


def test_a_case_that_takes_too_long_is_stopped_with_a_swedish_message_and_tried_again(
        queued_app, demo, monkeypatch):
    """The job that prepares a case has each document's time limit: past it the worker
    stops it, the download says why in Swedish, and the next download tries again."""
    url = CASE.format(plan=demo.plan.key)
    pdf.forget_rendered()  # every document to lay out: over a second in all
    monkeypatch.setitem(queued_app.config, "PDF_RENDER_TIMEOUT", 0.1)
    stopped = _reader(queued_app).get(url)
    assert stopped.status_code == 503
    assert "tog längre än" in stopped.text and "Traceback" not in stopped.text
    monkeypatch.setitem(queued_app.config, "PDF_RENDER_TIMEOUT", 120)
    start = time.monotonic()
    again = _reader(queued_app).get(url)
    assert again.status_code == 200 and again.data.startswith(b"%PDF")
    # Not held up by the marks of the job that was stopped (each lived 2 minutes).
    assert time.monotonic() - start < 30


def test_an_appendix_that_is_not_there_is_told_at_once_and_starts_no_job(
        queued_app, demo):
    before = queued_app.job_log().count("followup.prepare_pdf[")
    answer = _reader(queued_app).get(CASE.format(plan=demo.plan.key) + "/bilaga/99")
    assert answer.status_code == 404 and "ingen bilaga 99" in answer.text
    assert queued_app.job_log().count("followup.prepare_pdf[") == before


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


def _refreshes(app):
    """The results of the jobs that laid out documents after a change, in order."""
    return re.findall(r"Task followup\.render_sources\[[^\]]+\] succeeded in [0-9.]+s: "
                      r"(\{[^}]*\})", app.job_log())


def test_a_change_lays_out_again_only_its_document_in_the_background_and_the_page_says_so(
        app, queued_app, demo, monkeypatch):
    """After the compiler edits one section of the memo, the worker lays out the memo
    document again (and no appendix) once things are quiet, and joins the case: the
    next download lays out nothing and has the new text. Meanwhile the memo's page says
    that the documents are being updated."""
    monkeypatch.setitem(queued_app.config, "DOCUMENTS_QUIET_SECONDS", 1.5)
    memo_url = CASE.format(plan=demo.plan.key).removesuffix("/pdf")
    # Everything laid out once, before the change.
    pdf.forget_rendered()
    assert _reader(queued_app).get(CASE.format(plan=demo.plan.key)).status_code == 200
    done_before = len(_refreshes(queued_app))

    sara = Browser(queued_app.test_client())
    assert sara.login("sara@ekbacka.example").status_code == 302
    memo = db.session.scalar(select(Memo).where(Memo.plan_id == demo.plan.id))
    section = memo.sections[0]
    sara.get(memo_url + "/redigera/avsnitt")
    saved = sara.post(f"{memo_url}/redigera/avsnitt/{section.id}", {
        f"s{section.id}-heading": section.heading, f"s{section.id}-level": str(section.level),
        f"s{section.id}-body": "<p>Verksamheten följer planen i allt väsentligt.</p>"})
    assert saved.status_code == 302, saved.text[:300]
    assert "PDF:erna uppdateras efter de senaste ändringarna" in sara.get(memo_url + "/").text

    deadline = time.monotonic() + 60
    while len(_refreshes(queued_app)) == done_before:
        assert time.monotonic() < deadline, "no refresh within 60 s"
        time.sleep(0.1)
    assert _refreshes(queued_app)[done_before:] == ["{'laid_out': 1}"]
    assert "PDF:erna uppdateras" not in sara.get(memo_url + "/").text

    # The other server finds it all kept: nothing laid out, nothing joined.
    _nothing_made_here(monkeypatch)
    fresh = _reader(app).get(CASE.format(plan=demo.plan.key))
    assert fresh.status_code == 200
    text = " ".join(reading_order(fresh.data)[0])
    assert "Verksamheten följer planen i allt väsentligt." in text


def test_a_download_right_after_a_change_and_the_refresh_lay_out_the_document_once(
        queued_app, demo, monkeypatch):
    """Whichever comes first, the download or the refresh in the background, the other
    waits for it or finds its file: the changed document is laid out once in all."""
    monkeypatch.setitem(queued_app.config, "DOCUMENTS_QUIET_SECONDS", 0.0)
    memo_url = CASE.format(plan=demo.plan.key).removesuffix("/pdf")
    pdf.forget_rendered()
    assert _reader(queued_app).get(CASE.format(plan=demo.plan.key)).status_code == 200
    before_jobs, before_refreshes = len(_laid_out(queued_app)), len(_refreshes(queued_app))

    sara = Browser(queued_app.test_client())
    assert sara.login("sara@ekbacka.example").status_code == 302
    memo = db.session.scalar(select(Memo).where(Memo.plan_id == demo.plan.id))
    section = memo.sections[0]
    sara.get(memo_url + "/redigera/avsnitt")
    sara.post(f"{memo_url}/redigera/avsnitt/{section.id}", {
        f"s{section.id}-heading": section.heading, f"s{section.id}-level": str(section.level),
        f"s{section.id}-body": "<p>Ändrat precis före hämtningen.</p>"})
    pdf_cache.documents.clear()
    pdf_cache.cases.clear()
    fresh = _reader(queued_app).get(CASE.format(plan=demo.plan.key))
    assert fresh.status_code == 200
    assert "Ändrat precis före hämtningen." in " ".join(reading_order(fresh.data)[0])

    deadline = time.monotonic() + 60
    while len(_refreshes(queued_app)) == before_refreshes:
        assert time.monotonic() < deadline, "no refresh within 60 s"
        time.sleep(0.1)
    # Every layout by any job, the download's or the refresh's, says so in the log.
    assert len(_laid_out(queued_app)) - before_jobs == 1


def test_files_nobody_read_for_a_month_are_removed_and_the_others_kept(cli, ctx):
    from datetime import timedelta

    from followup.core import rendered
    from followup.core.types import utcnow

    rendered.put_many({"a" * 64: b"%PDF old", "b" * 64: b"%PDF new"})
    db.session.execute(RenderedFile.__table__.update()
                       .where(RenderedFile.key == "a" * 64)
                       .values(used_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    result = cli.invoke(args=["report", "forget-rendered"])
    assert result.exit_code == 0 and "1 förberedd PDF togs bort." in result.output
    assert set(rendered.get_many(["a" * 64, "b" * 64])) == {"b" * 64}


def test_a_download_of_an_unchanged_plan_serves_the_prepared_pdf_and_a_change_a_fresh_one(
        as_user, monkeypatch):
    """The second download of an unchanged case writes no document: it serves what the
    first prepared under the plan's revision. Renaming the phase (printed in every
    document) is a change: the next download is fresh."""
    from followup.memos import content

    per, sara = as_user("per"), as_user("sara")
    url = CASE.format(plan="SOC-2026")
    first = per.get(url)
    assert first.status_code == 200
    loads = []
    real = content.load_memo
    monkeypatch.setattr(content, "load_memo", lambda i: loads.append(i) or real(i))
    assert per.get(url).data == first.data
    assert loads == []

    sara.get("/granskning/SOC-2026/faser/december")
    renamed = sara.post("/granskning/SOC-2026/faser/augusti", {
        "augusti-label": "Delårsrapport per augusti", "augusti-period_end": "2026-08-31",
        "augusti-deadline": "2026-09-15"})
    assert renamed.status_code == 302, renamed.text[:300]
    fresh = per.get(url)
    assert loads and fresh.data != first.data
    assert "Delårsrapport per augusti" in " ".join(reading_order(fresh.data)[0])


def test_the_layout_editors_preview_is_drawn_by_a_worker_of_the_queue(queued_app, demo):
    """With a queue, no app server lays out anything itself: the first page's preview
    is a job too."""
    sara = Browser(queued_app.test_client())
    assert sara.login("sara@ekbacka.example").status_code == 302
    before = queued_app.job_log().count("Task followup.page_png[")
    image = sara.get(CASE.format(plan=demo.plan.key).removesuffix("/pdf")
                     + "/redigera/forsta-sidan.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.data.startswith(b"\x89PNG")
    deadline = time.monotonic() + 10
    while queued_app.job_log().count("Task followup.page_png[") == before:
        assert time.monotonic() < deadline, "the worker drew no page"
        time.sleep(0.1)
