"""Rendered files kept in the database, by what they were made from.

A document's PDF is kept under the SHA-256 of its HTML and variant, a joined case
under those of its documents: the same input gives the same key on every server, so
whatever one server or worker laid out, every server serves. Nothing here is a record:
a row lost is laid out again (signed documents are ``SignedFile``, kept for good).
Rows not read for ``KEEP_DAYS`` are removed by ``forget_unused``.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import LargeBinary, String, delete, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, mapped_column

from followup.core.extensions import db
from followup.core.types import UTCDateTime, utcnow

log = logging.getLogger("followup.rendered")
KEEP_DAYS = 30


class RenderedFile(db.Model):
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def get_many(keys):
    """{key: bytes} of the keys that are kept. Read in a connection of its own, so that it
    sees what a worker committed a moment ago and never holds up the caller's
    transaction."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    table = RenderedFile.__table__
    try:
        with db.engine.connect() as conn:
            found = dict(conn.execute(select(table.c.key, table.c.content)
                                      .where(table.c.key.in_(keys))).all())
    except DBAPIError as e:
        log.warning("rendered.unreadable error=%r", str(e)[:300])
        return {}
    if found:
        _touch(list(found))
    return found


def _touch(keys):
    table = RenderedFile.__table__
    cutoff = utcnow() - timedelta(days=1)
    try:
        with db.engine.begin() as conn:
            conn.execute(update(table).where(table.c.key.in_(keys), table.c.used_at < cutoff)
                         .values(used_at=utcnow()))
    except DBAPIError:
        pass  # only the date of last use: another time


def put_many(files):
    """Keep ``{key: bytes}``, in a transaction of its own; a key kept already (by another
    worker) stays as it is. A database that cannot take them now only costs a layout
    later: logged, never raised."""
    if not files:
        return
    table = RenderedFile.__table__
    try:
        with db.engine.begin() as conn:
            have = set(conn.scalars(select(table.c.key).where(table.c.key.in_(list(files)))))
            rows = [{"key": k, "content": v, "made_at": utcnow(), "used_at": utcnow()}
                    for k, v in files.items() if k not in have]
            if rows:
                conn.execute(insert(table), rows)
    except DBAPIError as e:
        log.warning("rendered.not_kept keys=%d error=%r", len(files), str(e)[:300])


def forget_unused(days=KEEP_DAYS):
    """Remove the files nobody has read for ``days`` days; how many were removed."""
    table = RenderedFile.__table__
    with db.engine.begin() as conn:
        return conn.execute(delete(table).where(
            table.c.used_at < utcnow() - timedelta(days=days))).rowcount
