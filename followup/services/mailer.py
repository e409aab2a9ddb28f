"""E-mail: the one module that sends it (Flask-Mail over SMTP). A notification is
e-mailed as it is shown in the app: the same subject, text and links, in plain text
and HTML."""

import smtplib

from flask import current_app, render_template
from flask_mail import Message
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import links
from ..extensions import db
from ..models import Notification
from ..models._types import utcnow

RETRIED = ("pending", "failed")


def is_configured():
    return bool(current_app.config.get("MAIL_SERVER"))


def pending():
    return db.session.scalars(
        select(Notification).where(Notification.mail_state.in_(RETRIED))
        .options(joinedload(Notification.user)).order_by(Notification.id)).all()


def compose(notification):
    context = dict(n=notification, absolute=links.absolute,
                   settings=links.absolute(links.path("notices.settings")),
                   paragraphs=notification.body.split("\n\n"))
    return Message(subject=notification.subject, recipients=[notification.user.email],
                   body=render_template("mail/notification.txt", **context),
                   html=render_template("mail/notification.html", **context))


def deliver():
    """E-mail every pending notification over one connection; returns (sent, failed).

    A message the server refuses is marked failed and tried again on the next run; a
    server that cannot be reached raises (OSError, SMTPException) and leaves them all
    pending.
    """
    rows = pending()
    sent = failed = 0
    if not rows:
        return sent, failed
    with current_app.extensions["mail"].connect() as connection:
        for n in rows:
            if not n.user.active:
                n.mail_state = "off"
            else:
                try:
                    connection.send(compose(n))
                except smtplib.SMTPException as e:
                    n.mail_state, n.mail_error = "failed", str(e)[:2000]
                    failed += 1
                else:
                    n.mail_state, n.mailed_at, n.mail_error = "sent", utcnow(), None
                    sent += 1
            db.session.commit()  # what was sent stays recorded if a later one fails
    return sent, failed
