"""E-mail as a job of the queue (issue 20.1): a returned follow-up is e-mailed by the
worker a few seconds after the request committed it, without ``notify send``; a real
Redis, a real worker and a real SMTP sink."""

import time

from sqlalchemy import select

from followup.core.extensions import db
from followup.notify.models import Notification
from tests.fixtures import Browser

EDIT = "/plans/SOC-2026/phases/december/nodes/{}"


def _as(app, name):
    browser = Browser(app.test_client())
    assert browser.login(f"{name}@ekbacka.example").status_code == 302
    return browser


def test_a_returned_follow_up_is_emailed_by_the_worker_without_the_timer(queued_app, demo):
    anna, sara = _as(queued_app, "anna"), _as(queued_app, "sara")
    anna.get(EDIT.format("u2"))
    anna.post(EDIT.format("u2"), {"level": "paborjad", "comment": "<p>Text</p>",
                                  "version": 0, "action": "submit"})
    sara.get(EDIT.format("u2"))
    returned = sara.post(EDIT.format("u2") + "/return",
                         {"remark": "Hur många har avslutat sina uppdrag?", "version": 1})
    assert returned.status_code == 302

    deadline = time.monotonic() + 30
    while not queued_app.mailbox.to("anna@ekbacka.example"):
        assert time.monotonic() < deadline, "no e-mail within 30 s"
        time.sleep(0.2)
    [message] = queued_app.mailbox.to("anna@ekbacka.example")
    assert message["Subject"].startswith("Återremitterad: uppdrag 1.1.2")
    db.session.expire_all()
    notice = db.session.scalar(select(Notification).where(Notification.user_id == demo.anna.id))
    assert notice.mail_state == "sent"
