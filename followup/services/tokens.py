"""API bearer tokens: shown once, stored as SHA-256."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import ApiToken, User
from ..models._types import utcnow


LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user):
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_digest(token)))
    db.session.commit()
    return token


def user_for_token(token, touch=True):
    """The active user a token belongs to, or None.

    With ``touch`` the token's last use is recorded (at most once a minute). Reads
    pass touch=False: a read that writes would queue behind every save for the
    database's write lock.
    """
    if not token:
        return None
    found = db.session.execute(
        select(ApiToken, User).join(ApiToken.user).where(ApiToken.token_hash == _digest(token))
    ).first()
    if found is None or not found.User.active:
        return None
    row, user = found
    now = utcnow()
    if touch and (row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION):
        row.last_used_at = now  # at most one write a minute per token, not one a request
        db.session.commit()
    return user
