"""E-mail: the one module that sends it (Flask-Mail over SMTP). A notification is
e-mailed as it is shown in the app: the same subject, text and links, in plain text
and HTML.

One message never stops the others: a message that cannot be made or that the server
refuses is marked failed, logged (``followup.mail``) and tried again on the next run,
and the rest go out. Only a server that cannot be reached ends the run.

The subject is encoded (RFC 2047) and folded here, between whole words: Python's folding
cut words in two ("bed=?utf-8?q?=C3=B6mningsmall…"), which older mail readers show as
two words ("bed ömningsmall")."""

import base64
import logging
import smtplib
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from flask_mail import BadHeaderError, Message
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import joinedload

from followup.core import links
from followup.core.extensions import db
from followup.core.texts import single_line
from followup.core.types import utcnow
from followup.notify.models import Notification

RETRIED = ("pending", "failed")
log = logging.getLogger("followup.mail")


def is_configured():
    return bool(current_app.config.get("MAIL_SERVER"))


def pending():
    """What waits to be e-mailed (for ``--dry-run``: reads, changes nothing). A
    notification older than MAIL_MAX_AGE_DAYS is no longer news: it stays in the app and
    is not e-mailed (where mail was set up long after the notifications began, they
    would all arrive at once)."""
    now = utcnow()
    return db.session.scalars(
        select(Notification).where(_claimable(now), Notification.created_at >= _cutoff(now))
        .options(joinedload(Notification.user)).order_by(Notification.id)).all()


def _cutoff(now):
    return now - timedelta(days=current_app.config.get("MAIL_MAX_AGE_DAYS", 7))


def retire_old():
    """Notifications too old to e-mail are kept for the app alone (``off``)."""
    db.session.execute(update(Notification).where(
        Notification.mail_state.in_(RETRIED), Notification.created_at < _cutoff(utcnow()))
        .values(mail_state="off"))


# --- taking notifications to send: each by one run only ----------------------------------------
#
# ``notify send`` may run on several servers at once (a timer on each). A run takes a
# notification before sending it: it marks it ``sending``, with the moment in
# ``mailed_at``, in the same transaction that finds it, so no other run takes it too;
# the command commits that claim before it sends, and each message's outcome as soon
# as it is known (``followup.notify.cli``): what was sent stays recorded, never sent twice.
# On PostgreSQL the rows are found with SELECT … FOR UPDATE SKIP LOCKED in small
# batches (another run's batch is skipped, not waited for); SQLite has no row locks, so
# each row is taken by an UPDATE … WHERE id = ? AND (still waiting) that only one
# process wins (rowcount 1). A run that dies between taking and sending leaves the
# notification ``sending``; once that claim is CLAIM_SECONDS old a later run takes it
# again (a message the server had already accepted just before may then arrive twice:
# at least once, never lost).

BATCH = 20
CLAIM_SECONDS = 15 * 60  # far longer than a batch takes, even with SMTP_TIMEOUT per message


def _claimable(now):
    return or_(Notification.mail_state.in_(RETRIED),
               and_(Notification.mail_state == "sending",
                    Notification.mailed_at < now - timedelta(seconds=CLAIM_SECONDS)))


def claim(after, limit=BATCH):
    """Take up to ``limit`` notifications waiting to be e-mailed whose id is above
    ``after``, oldest first, each marked ``sending``; returns them with their users.
    Rows another run holds or has taken are left to it. The caller commits the claim
    before it sends any of them."""
    now = utcnow()
    waiting = (select(Notification.id)
               .where(Notification.id > after, _claimable(now),
                      Notification.created_at >= _cutoff(now))
               .order_by(Notification.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        taken = db.session.scalars(waiting.with_for_update(skip_locked=True)).all()
        if taken:
            db.session.execute(update(Notification).where(Notification.id.in_(taken))
                               .values(mail_state="sending", mailed_at=now))
    else:
        taken = [nid for nid in db.session.scalars(waiting).all() if _take(nid, now)]
    if not taken:
        return []
    return db.session.scalars(
        select(Notification).where(Notification.id.in_(taken))
        .options(joinedload(Notification.user)).order_by(Notification.id)
        .execution_options(populate_existing=True)).unique().all()


def _take(nid, now):
    """SQLite: whether this run won the notification (only one UPDATE finds it waiting)."""
    won = db.session.execute(
        update(Notification).where(Notification.id == nid, _claimable(now))
        .values(mail_state="sending", mailed_at=now)
        .execution_options(synchronize_session=False))
    return won.rowcount == 1


def release(rows):
    """Give back what this run took and did not send (the connection was lost): the
    next run takes it at once, not only when the claim has aged."""
    ids = [n.id for n in rows]
    if ids:
        db.session.execute(update(Notification).where(
            Notification.id.in_(ids), Notification.mail_state == "sending")
            .values(mail_state="pending", mailed_at=None)
            .execution_options(synchronize_session=False))


def compose(notification):
    context = dict(n=notification, absolute=links.absolute,
                   settings=links.absolute(links.path("notices.settings")),
                   paragraphs=notification.body.split("\n\n"))
    return Message(subject=encode_subject(notification.subject),
                   recipients=[notification.user.email],
                   body=render_template("mail/notification.txt", **context),
                   html=render_template("mail/notification.html", **context))


@dataclass
class Failure:
    notification: Notification
    reason: str


class Outbox:
    """One connection to the mail server, opened when the first message goes. Sends one
    notification at a time and marks how it went (the caller commits it): ``sent``,
    ``failed`` (a message that cannot be made or that the server refuses: logged, tried
    again on the next run) or ``off`` (its user is no longer active). A server that cannot
    be reached, or that drops the connection, raises (OSError, SMTPException)."""

    def __init__(self):
        self._stack = ExitStack()
        self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)

    def send(self, notification):
        """Send ``notification``; None, or the Failure of a message this run gives up."""
        n = notification
        if not n.user.active:
            n.mail_state, n.mailed_at = "off", None
            return None
        if self._connection is None:  # only once there is something to send
            self._connection = self._stack.enter_context(
                current_app.extensions["mail"].connect())
        try:
            self._connection.send(compose(n))
        except smtplib.SMTPServerDisconnected:  # the connection is gone
            raise
        except smtplib.SMTPException as e:  # this message refused by the server
            return _failed(n, e)
        except OSError:  # (SMTPException is one too) the connection is gone
            raise
        except Exception as e:  # noqa: BLE001 - this message, not the run
            return _failed(n, e)
        n.mail_state, n.mailed_at, n.mail_error = "sent", utcnow(), None
        return None


def _failed(notification, error):
    reason = _reason(error)
    notification.mail_state, notification.mail_error = "failed", reason[:2000]
    notification.mailed_at = None
    log.warning("mail.failed notification=%d user=%d kind=%s error=%r", notification.id,
                notification.user_id, notification.kind, reason[:500])
    return Failure(notification, reason)


def _reason(error):
    """Why a message was not sent, in Swedish words (with the server's own reply)."""
    if isinstance(error, BadHeaderError):
        return "mottagarens adress eller ämnesraden har en radbrytning"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(f"{code} {_text(reply)}" for code, reply in
                            error.recipients.values())
        return f"servern tog inte emot mottagaren ({replies})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"servern svarade {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}".rstrip(": ")


def _text(reply):
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


# --- the subject, encoded between whole words -------------------------------------------------

# RFC 2047's longest encoded word; on a line of its own (after the space that folds the
# header) it fits the 78 characters a header line keeps, and a header folded within 78 is
# sent as it is (a longer line Python folds again, in its own way). The first word shares
# its line with "Subject: ".
_MAX_WORD = 75
_MAX_FIRST = 78 - len("Subject: ")
_PREFIX = "=?utf-8?"


def encode_subject(subject):
    """The Subject header's value: one line of text (control characters as spaces), the
    words that are not plain ASCII as RFC 2047 encoded words, folded between words.

    Words of ASCII stay as they are. A run of words that need encoding is one encoded word
    with its spaces inside ("=?utf-8?q?f=C3=B6r_=C3=A5rsbokslut?="), so that a fold between
    encoded words, which readers drop, never drops a space; a space between an encoded
    word and plain text is written plain, as readers show it. A word is never cut, unless
    it alone is too long for a line (then RFC 2047 readers join its pieces again)."""
    words = [w for w in (single_line(subject) or "").split(" ") if w]
    chunks = []  # [text, encoded?, longest encoded word]
    for word in words:
        limit = _MAX_WORD if chunks else _MAX_FIRST
        if not _needs_encoding(word, limit):
            chunks.append([word, False, limit])
        elif chunks and chunks[-1][1] and _fits(chunks[-1][0] + " " + word, chunks[-1][2]):
            chunks[-1][0] += " " + word
        else:
            # After an encoded word the space goes inside this one: between two encoded
            # words readers show no space.
            chunks.append([(" " if chunks and chunks[-1][1] else "") + word, True, limit])
    tokens = []
    for text, encoded, limit in chunks:
        tokens += _encoded_words(text, limit) if encoded else [text]
    return _fold(tokens)


def _needs_encoding(word, limit):
    return not word.isascii() or "=?" in word or len(word) > limit


def _fits(text, limit):
    return len(_encoded_word(text)) <= limit


def _encoded_word(text):
    """``text`` as one encoded word, in Q or B, whichever is shorter."""
    data = text.encode("utf-8")
    q = "".join(chr(b) if chr(b).isalnum() and b < 128 or chr(b) in "!*+-/"
                else "_" if b == 0x20 else f"={b:02X}" for b in data)
    b = base64.b64encode(data).decode("ascii")
    return f"{_PREFIX}q?{q}?=" if len(q) <= len(b) else f"{_PREFIX}b?{b}?="


def _encoded_words(text, limit):
    """``text`` as encoded words each short enough for a line, cut only between whole
    characters, and only where the whole does not fit."""
    out, piece = [], ""
    for ch in text:
        if piece and not _fits(piece + ch, limit if not out else _MAX_WORD):
            out.append(_encoded_word(piece))
            piece = ""
        piece += ch
    if piece:
        out.append(_encoded_word(piece))
    return out


def _fold(tokens):
    """Tokens on lines of at most 78 characters (the first after "Subject: "), a line
    break and a space between lines."""
    lines, line, room = [], "", _MAX_FIRST
    for token in tokens:
        if line and len(line) + 1 + len(token) > room:
            lines.append(line)
            line, room = "", 78 - 1
        line = f"{line} {token}" if line else token
    lines.append(line)
    return "\r\n ".join(lines)
