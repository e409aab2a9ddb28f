"""Notifications: what a user was told (in the app and by e-mail), and the kinds they
turned off."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from followup.core.extensions import db
from followup.core.types import UTCDateTime, utcnow
from followup.people.models import User


class Notification(db.Model):
    """One message to one user. ``key`` names the event it is about, so the same event
    never makes a second message (``notify send`` can run any number of times)."""

    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)  # plain text, paragraphs apart by a blank line
    # [{"label": …, "path": …}]: the items it is about, each a link within the app.
    links: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # pending: to be e-mailed; sent; failed (tried again next run); off: no e-mail
    # server was set up when it was made.
    mail_state: Mapped[str] = mapped_column(String(10), default="pending")
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mail_error: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()


class NotificationOptOut(db.Model):
    """A kind of notification the user does not want, in the app nor by e-mail."""

    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
