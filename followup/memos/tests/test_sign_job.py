"""Signing as a job of the queue (issue 20.4), with a real Redis and a real worker: the
director's confirmation answers at once, the page follows the job, the sign-off row and
its files land together when the job is done, and two directors signing at once still
make one version, the other told in Swedish."""

import threading
import time

from sqlalchemy import func, select

from followup.core.extensions import db
from followup.memos.models import Memo, MemoSignoff, MemoState, SignedFile
from tests.fixtures import Browser

MEMO = "/plans/{plan}/phases/augusti/tjansteskrivelse"
REASON = "Fastställs med några punkter öppna."


def _director(app, email="lena@ekbacka.example"):
    browser = Browser(app.test_client())
    assert browser.login(email).status_code == 302
    return browser


def _confirm(browser, memo):
    browser.get(memo + "/signera")
    started = time.perf_counter()
    answer = browser.post(memo + "/signera", {"confirm": "y", "reason": REASON})
    return answer, time.perf_counter() - started


def _follow(browser, url, seconds=120):
    """The progress page until it sends the browser on: (its pages, the last answer)."""
    pages = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = browser.get(url)
        if answer.status_code != 200:
            return pages, answer
        pages.append(answer.text)
        if 'http-equiv="refresh"' not in answer.text:
            return pages, answer
    raise AssertionError("the signing was not done in time")


def _signoffs():
    return db.session.scalar(select(func.count()).select_from(MemoSignoff))


def test_the_confirmation_answers_at_once_and_the_page_follows_the_job_to_the_signed_memo(
        queued_app, demo):
    memo = MEMO.format(plan=demo.plan.key)
    lena = _director(queued_app)
    answer, seconds = _confirm(lena, memo)
    assert answer.status_code == 302, answer.text[:400]
    progress = answer.headers["Location"]
    assert "/signera/" in progress
    assert seconds < 2, f"the confirmation took {seconds:.2f} s"

    pages, done = _follow(lena, progress)
    assert pages and "Fastställer tjänsteskrivelsen" in pages[0]
    assert done.status_code == 302 and done.headers["Location"].endswith(memo + "/")
    shown = lena.get(done.headers["Location"]).text
    assert "Tjänsteskrivelsen är fastställd (version 1)" in shown

    db.session.expire_all()
    signed = db.session.scalar(select(Memo).where(Memo.plan_id == demo.plan.id))
    assert signed.state is MemoState.signed and signed.phase.is_open is False
    assert _signoffs() == 1
    entry = signed.signoffs[0]
    assert entry.reason == REASON
    assert {(f.document, f.variant) for f in entry.files} >= {("case", "pdf"),
                                                               ("case", "archival")}
    # Another browser, or the same after the job, cannot follow someone else's job.
    per = _director(queued_app, "per@ekbacka.example")
    assert per.get(progress).status_code == 403
    assert lena.get(progress).status_code == 404  # followed to its end already


def test_two_directors_signing_at_once_make_one_version_and_the_other_is_told(
        queued_app, demo):
    from followup.people import users
    from followup.people.models import Role

    users.create_user("maria@ekbacka.example", "Maria", Role.approver,
                      "ett-långt-testlösenord", [])
    db.session.commit()
    memo = MEMO.format(plan=demo.plan.key)
    directors = [_director(queued_app), _director(queued_app, "maria@ekbacka.example")]
    for browser in directors:
        browser.get(memo + "/signera")
    answers = [None, None]

    def confirm(i):
        answers[i] = directors[i].post(memo + "/signera", {"confirm": "y", "reason": REASON})

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    told = []
    for browser, answer in zip(directors, answers):
        if answer.status_code == 302 and "/signera/" in answer.headers["Location"]:
            _, answer = _follow(browser, answer.headers["Location"])
        assert answer.status_code == 302, answer.text[:300]
        told.append(browser.get(answer.headers["Location"]).text)
    assert _signoffs() == 1
    assert sum("är fastställd (version 1)" in page for page in told) == 1
    assert sum("redan fastställd" in page or "fastställdes just av någon annan" in page
               for page in told) == 1


def test_a_job_that_fails_signs_nothing_and_says_why(queued_app, demo, monkeypatch):
    """A signing job past its time limit (here half a second, while it renders) stores
    nothing, and the director's page says in Swedish that nothing was signed and why."""
    monkeypatch.setitem(queued_app.config, "SIGN_TIMEOUT", 0.5)
    # A title no worker has laid out before: the documents take seconds to lay out.
    db.session.scalar(select(Memo).where(Memo.plan_id == demo.plan.id)).title += \
        f" ({time.time_ns()})"
    db.session.commit()
    memo_url = MEMO.format(plan=demo.plan.key)
    lena = _director(queued_app)
    answer, _ = _confirm(lena, memo_url)
    assert answer.status_code == 302 and "/signera/" in answer.headers["Location"]

    pages, done = _follow(lena, answer.headers["Location"])
    assert done.status_code == 503
    assert "Tjänsteskrivelsen är inte fastställd" in done.text
    assert "tog för lång tid" in done.text and "Ingenting har fastställts" in done.text
    assert "Traceback" not in done.text
    assert _signoffs() == 0
    assert db.session.scalar(select(func.count()).select_from(SignedFile)) == 0
    db.session.expire_all()
    memo = db.session.scalar(select(Memo).where(Memo.plan_id == demo.plan.id))
    assert memo.state is MemoState.draft
