"""E-mail as a job of the queue: a request that made notifications starts, once it has
committed them, a job that e-mails what waits (a few seconds later, so that a burst of
changes is one job). ``flask notify send`` on a timer still sends the reminders that
fall due and anything a job could not send. Without a queue only the timer sends."""

import socket

from celery import shared_task
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from followup.core import jobs
from followup.core.extensions import db
from followup.notify import mailer
from followup.notify.models import Notification

SEND = "followup.send_notifications"
SMTP_TIMEOUT = 30  # seconds: a server that does not answer must not hang the worker
# Seconds between a commit with new notifications and the job that e-mails them; the
# commits in between start no job of their own.
GATHER = 5


@shared_task(name=SEND)
def send_notifications():
    """E-mail what waits: {"sent", "failed"} ({"sent": 0} without a mail server)."""
    if not mailer.is_configured() or not current_app.config.get("MAIL_DEFAULT_SENDER"):
        return {"sent": 0, "failed": 0}
    socket.setdefaulttimeout(SMTP_TIMEOUT)
    sent, failures = deliver()
    return {"sent": sent, "failed": len(failures)}


def deliver():
    """E-mail every pending notification over one connection; returns (sent, failures),
    failures a list of ``mailer.Failure``.

    The commits are here, one a step, so that a crash never sends a message twice: each
    batch is taken (``mailer.claim``) and that claim committed before any of it is sent,
    so that runs on other servers at the same time send none of it again; each message's
    outcome is committed as soon as it is known, so that what was sent stays recorded if
    a later one fails. A message that cannot be made or that the server refuses is marked
    failed and the others are sent all the same. A server that cannot be reached, or that
    drops the connection, raises (OSError, SMTPException) and leaves what is not yet sent
    pending."""
    mailer.retire_old()
    db.session.commit()
    sent, failures, after = 0, [], 0
    with mailer.Outbox() as outbox:
        while rows := mailer.claim(after):
            db.session.commit()  # taken, before anything of it is sent
            after = rows[-1].id
            for i, n in enumerate(rows):
                try:
                    failure = outbox.send(n)
                except OSError:  # (SMTPException is one too) the connection is gone
                    _give_back(rows[i:])
                    raise
                db.session.commit()  # sent (or failed, or off): recorded at once
                if failure is not None:
                    failures.append(failure)
                elif n.mail_state == "sent":
                    sent += 1
    return sent, failures


def _give_back(rows):
    """What this run took and did not send, pending again at once (committed)."""
    db.session.rollback()
    mailer.release(rows)
    db.session.commit()


@event.listens_for(Session, "after_flush")
def _note_new_notifications(session, context):
    if any(isinstance(o, Notification) for o in session.new):
        session.info["notifications_made"] = True


@event.listens_for(Session, "after_commit")
def _mail_soon(session):
    if not session.info.pop("notifications_made", False):
        return
    client = jobs.redis() if has_app_context() else None
    # One job for the commits of the next few seconds.
    if client is not None and client.set(f"{jobs.PREFIX}mail-soon", "1", nx=True, ex=GATHER):
        jobs.start(SEND, countdown=GATHER)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("notifications_made", None)
