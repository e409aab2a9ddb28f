"""The server's log, for the people who run it: one JSON object a line on standard
error, every line of a request carrying its request id, and one access line a request.

- The request id is the ``X-Request-ID`` header the proxy sent, when it is a sane token
  (letters, digits, ``.``, ``_``, ``-``, ``:``, at most 128), else one made here; it is
  sent back in the response's ``X-Request-ID``, so a user's report, the proxy's log and
  ours can be matched.
- The access line (logger ``followup.access``) has method, path, status, duration in
  milliseconds, request id and the signed-in user's id. Never the query string (a link
  may carry a secret), a form, a password or a token.
- ``LOG_FORMAT = "text"`` writes the same lines as plain text instead.

Operators read these lines: they are in plain English."""

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from flask import g, has_request_context, request

REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
HEADER = "X-Request-ID"
# The attributes every LogRecord has; anything else on a record came as ``extra`` and
# is written as a field of its own.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

log = logging.getLogger("followup")
access = logging.getLogger("followup.access")


def record_fields(fields):
    """``fields`` as ``extra`` for a log call: a name a LogRecord has itself gets a
    ``field_`` prefix (logging refuses to overwrite its own attributes)."""
    return {(f"field_{k}" if k in _STANDARD or k in ("event", "request_id") else k): v
            for k, v in fields.items()}


def request_id():
    """This request's id (taken from the header when sane, else made), or None outside
    a request."""
    if not has_request_context():
        return None
    rid = g.get("request_id")
    if rid is None:
        given = request.headers.get(HEADER, "")
        rid = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_id = rid
    return rid


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id()
        if rid:
            entry["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key != "request_id" \
                    and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record):
        line = super().format(record)
        rid = getattr(record, "request_id", None) or request_id()
        return f"{line} request_id={rid}" if rid else line


_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs):
    """Every log record made during a request carries its request id, whichever handler
    writes it and whenever."""
    record = _factory(*args, **kwargs)
    try:
        record.request_id = request_id()
    except Exception:  # noqa: BLE001 - a log line must never fail a request
        record.request_id = None
    return record


class _StandardError(logging.StreamHandler):
    """To whatever ``sys.stderr`` is when a line is written (as Flask's own handler)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def setup(app):
    """One handler on the ``followup`` logger (Flask's own logger for the app, parent of
    followup.security, followup.mail, followup.access …) to standard error, made once
    per process; level INFO."""
    if logging.getLogRecordFactory() is not _record_with_request_id:
        logging.setLogRecordFactory(_record_with_request_id)
    fmt = str(app.config.get("LOG_FORMAT") or "json").lower()
    formatter = TextFormatter() if fmt == "text" else JSONFormatter()
    handler = next((h for h in log.handlers if getattr(h, "_followup", False)), None)
    if handler is None:
        handler = _StandardError()
        handler._followup = True
        log.addHandler(handler)
    handler.setFormatter(formatter)
    if log.level == logging.NOTSET or log.level > logging.INFO:
        log.setLevel(logging.INFO)


def init_app(app):
    setup(app)
    app.before_request(_start)
    app.after_request(_finish)
    _warn_about_own_secret_key(app)


def _start():
    g.request_started = time.perf_counter()
    request_id()


def _finish(response):
    rid = request_id()
    response.headers[HEADER] = rid
    started = g.get("request_started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    fields = {"method": request.method, "path": request.path, "status": response.status_code,
              "duration_ms": duration}  # the request id: on every record of the request
    user = g.get("_login_user")  # only when the request loaded it: no query for this line
    if user is not None and getattr(user, "is_authenticated", False):
        fields["user_id"] = user.id
    access.info("%s %s %s %s ms", request.method, request.path, response.status_code,
                duration, extra=fields)
    return response


def served_by_gunicorn():
    return "gunicorn.arbiter" in sys.modules or "gunicorn" in os.environ.get(
        "SERVER_SOFTWARE", "")


def _warn_about_own_secret_key(app):
    """With SECRET_KEY from the instance folder, a second app server has a key of its
    own and refuses the first one's sessions: say so where servers run."""
    if not served_by_gunicorn():
        return
    path = Path(app.instance_path) / "secret_key"
    try:
        own = path.exists() and path.read_text().strip() == app.config.get("SECRET_KEY")
    except OSError:
        own = False
    if own and not os.environ.get("FOLLOWUP_SECRET_KEY"):
        log.warning(
            "FOLLOWUP_SECRET_KEY is not set, so this server signs sessions with its own "
            "key from %s. A second app server has a different key and will refuse these "
            "sessions (users are logged out when the load balancer switches server). Set "
            "FOLLOWUP_SECRET_KEY to the same secret on every server; see "
            "docs/operations.md, 'Several app servers'.", path,
            extra={"event": "config.secret_key_not_shared"})
