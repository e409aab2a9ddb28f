"""Security events, one line each on the ``followup.security`` logger (to the server's
log): logins and failures, lockouts, logouts, ended sessions, account changes and API
tokens. Never a password or a token; an address typed at login is logged as typed."""

import logging

from flask import has_request_context, request

log = logging.getLogger("followup.security")
log.setLevel(logging.INFO)


def init_app(app):
    # Flask gives its own logger ("followup", this one's parent) a handler to the
    # server's error stream when first asked for it; the events go there.
    app.logger  # noqa: B018


def event(what, level=logging.INFO, **fields):
    if has_request_context():
        fields.setdefault("address", request.remote_addr)
    details = " ".join(f"{k}={v!r}" for k, v in fields.items())
    log.log(level, "%s %s", what, details)
