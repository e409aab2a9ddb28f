"""Each notification is e-mailed exactly once, also when ``notify send`` runs on two
servers at the same moment (issue 20.5: two runs at once sent 395 e-mails for 200
notifications, since each read the same pending rows without taking them).

Two ``flask notify send`` processes run at once against the test database and one real
SMTP server (aiosmtpd, in a thread of this process, reached over TCP); the server is
a little slow, so that the two runs overlap. Every notification must arrive once."""

import asyncio
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import timedelta

from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from followup.core.extensions import db
from followup.core.types import utcnow
from followup.notify import mailer
from followup.notify.models import Notification
from followup.notify.tests.test_notifications import Inbox, free_port
from tests.fixtures import ROOT

COUNT = 200


class SlowInbox(Inbox):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.01)
        return await super().handle_DATA(server, session, envelope)


def _notifications(demo, count):
    people = [demo.anna, demo.omar, demo.sara, demo.lena, demo.per]
    for phase in demo.plan.phases:  # no deadline reminders: only the rows made here
        phase.is_open = False
    rows = [Notification(user_id=people[i % len(people)].id, kind="returned",
                         key=f"test-once-{i}", subject=f"Avisering nummer {i}",
                         body="Text.", links=[], mail_state="pending")
            for i in range(count)]
    db.session.add_all(rows)
    db.session.commit()
    return {r.id for r in rows}


def _run_two(database_url, tmp_path, port):
    env = dict(os.environ, FOLLOWUP_INSTANCE_PATH=str(tmp_path / "instance"),
               FOLLOWUP_DATABASE_URL=database_url, FOLLOWUP_SECRET_KEY="notify-test",
               FOLLOWUP_MAIL_SERVER="127.0.0.1", FOLLOWUP_MAIL_PORT=str(port),
               FOLLOWUP_MAIL_DEFAULT_SENDER="Planuppföljning <planer@ekbacka.example>",
               FOLLOWUP_PDF_WORKERS="0")
    command = [sys.executable, "-m", "flask", "--app", "app", "notify", "send"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    return [(r.wait(180), *r.communicate()) for r in runs]


def test_two_notify_send_runs_at_once_email_each_notification_once(
        demo, database_url, tmp_path):
    ids = _notifications(demo, COUNT)
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        results = _run_two(database_url, tmp_path, controller.port)
    finally:
        controller.stop()
    for code, out, err in results:
        assert code == 0, (out, err)
    numbers = Counter(int(found.group(1)) for _, m in inbox.messages
                      if (found := re.search(r"nummer (\d+)", m["Subject"])))
    duplicates = sum(n - 1 for n in numbers.values() if n > 1)
    missing = COUNT - len(numbers)
    assert (duplicates, missing) == (0, 0), f"{duplicates} dubbletter, {missing} saknas"
    sent = [int(re.search(r"(\d+) e-postmeddelanden? skicka", out).group(1))
            for _, out, _ in results]
    assert sum(sent) == len(inbox.messages), sent
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.id.in_(ids), Notification.mail_state == "sent")) == COUNT


def test_a_claim_left_by_a_run_that_died_is_taken_again_later(demo, app):
    """A run that stops between taking a notification and sending it (killed, the machine
    gone) leaves it "sending"; a later run sends it once the claim is old enough."""
    [nid] = _notifications(demo, 1)
    assert [n.id for n in mailer.claim(after=0)] == [nid]
    db.session.commit()  # the claim, as notify send commits it before sending
    assert mailer.claim(after=0) == []  # taken: no second run gets it
    row = db.session.get(Notification, nid)
    assert row.mail_state == "sending"
    row.mailed_at = utcnow() - timedelta(seconds=mailer.CLAIM_SECONDS + 60)
    db.session.commit()
    assert [n.id for n in mailer.claim(after=0)] == [nid]
