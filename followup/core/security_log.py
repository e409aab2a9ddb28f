"""Security events, one line each on the ``followup.security`` logger (to the server's
log): logins and failures, lockouts, logouts, ended sessions, account changes and API
tokens. Never a password or a token; an address typed at login is logged as typed.

Each line's fields also go to the JSON log (``followup/core/logs.py``) as fields of their own:
``event`` and the named values (one named like a log record's own attribute, e.g.
``name``, as ``field_name``), with the request id."""

import logging

from flask import has_request_context, request

log = logging.getLogger("followup.security")
log.setLevel(logging.INFO)


def init_app(app):
    # The events go to the handler of "followup", this one's parent (followup/core/logs.py),
    # on the server's error stream.
    app.logger  # noqa: B018


def event(what, level=logging.INFO, **fields):
    if has_request_context():
        fields.setdefault("address", request.remote_addr)
    details = " ".join(f"{k}={v!r}" for k, v in fields.items())
    from followup.core.logs import record_fields

    log.log(level, "%s %s", what, details, extra={"event": what, **record_fields(fields)})
