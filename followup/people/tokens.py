"""API bearer tokens: named, shown once, stored as SHA-256, valid until they expire or
are revoked. A revoked token stays listed with when it was revoked."""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from followup.core.errors import Invalid, NotFound
from followup.core.extensions import db
from followup.core.security_log import event
from followup.core.types import utcnow
from followup.people.models import ApiToken, User

LAST_USED_RESOLUTION = timedelta(minutes=1)
DEFAULT_DAYS = 90
MAX_DAYS = 366
LOCAL = ZoneInfo("Europe/Stockholm")


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def expiry(expires_on=None, today=None):
    """The moment a token made today and valid through ``expires_on`` (a date, or an
    ISO date text; default DEFAULT_DAYS ahead) stops working: the end of that day here."""
    today = today or datetime.now(LOCAL).date()
    if expires_on in (None, ""):
        expires_on = today + timedelta(days=DEFAULT_DAYS)
    elif not isinstance(expires_on, date):
        try:
            expires_on = date.fromisoformat(str(expires_on))
        except ValueError:
            raise Invalid("Sista giltighetsdag ska skrivas ÅÅÅÅ-MM-DD.") from None
    if expires_on < today:
        raise Invalid("Sista giltighetsdag kan inte ha passerat.")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise Invalid(f"En API-nyckel gäller högst {MAX_DAYS} dagar; välj ett tidigare datum.")
    # In UTC: SQLite keeps no offset, and every stored time is read back as UTC.
    return datetime.combine(expires_on, time.max, tzinfo=LOCAL).astimezone(timezone.utc)


def create_token(user, name="API-nyckel", expires_on=None):
    """Make a token for ``user``; returns the token itself, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise Invalid("Ge API-nyckeln ett namn (vad den används till).")
    if len(name) > 100:
        raise Invalid("Namnet får ha högst 100 tecken.")
    token = secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_digest(token), name=name,
                   expires_at=expiry(expires_on))
    db.session.add(row)
    db.session.flush()  # its id, for the log
    event("token.created", user_id=user.id, token=row.id, name=name)
    return token


def create_own_token(user, password, name="API-nyckel", expires_on=None):
    """A token the user makes for themself in the browser: only with their password.
    A session left open, or taken over, must not become a key that lasts a year."""
    if not user.check_password(password or ""):
        raise Invalid("Lösenordet stämmer inte. Skriv ditt lösenord för att skapa en "
                      "API-nyckel.", "password")
    return create_token(user, name, expires_on)


def revoke_all(user, reason):
    """Revoke every active token of ``user`` (after a new password); returns their
    names. The caller commits."""
    now = utcnow()
    rows = [row for row in list_tokens(user) if state(row, now) == "aktiv"]
    for row in rows:
        row.revoked_at = now
        event("token.revoked", user_id=user.id, token=row.id, reason=reason)
    return [row.name for row in reversed(rows)]


def list_tokens(user):
    return db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()


def revoke_token(user, token_id):
    """Revoke one of ``user``'s own tokens (NotFound for anyone else's)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("Det finns ingen sådan API-nyckel.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        event("token.revoked", user_id=user.id, token=row.id)
    return row


def state(row, now=None):
    """"aktiv", "utgången" or "återkallad"."""
    now = now or utcnow()
    if row.revoked_at is not None:
        return "återkallad"
    if row.expires_at is not None and row.expires_at <= now:
        return "utgången"
    return "aktiv"


def user_for_token(token, touch=True):
    """The active user a valid token belongs to, or None (unknown, expired, revoked).

    With ``touch`` the token's last use is recorded (the caller commits it), at most once a
    minute: a write on every read would queue behind every save for the database's write
    lock.
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
    if state(row, now) != "aktiv":
        return None
    if touch and (row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION):
        row.last_used_at = now  # at most one write a minute per token, not one a request
    return user
