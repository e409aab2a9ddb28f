"""Security headers on every answer (Flask-Talisman), and no caching of what is private.

The content security policy lets scripts come only from our own static files: an
attribute or a tag that slips into a page through data cannot run. Styles come from our
files too; style attributes stay allowed for the widths the print previews compute per
table column and the indentation of a plan's levels, and a style attribute runs no
code. No page may be framed (the one-click sign-off must not be clickjacked).
"""

from urllib.parse import urlsplit

from flask import current_app, request
from flask_talisman import Talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_app(app):
    # Registered before Talisman's own: Flask runs these in reverse, so this one sees
    # the policy Talisman has set.
    @app.after_request
    def sign_out_at_the_provider(response):
        # Signing out posts a form whose answer sends the browser on to the municipality's
        # identity provider (RP-initiated logout); browsers hold a form's redirects to
        # form-action too, so the provider's origin is let in there, and only there.
        issuer = current_app.config.get("OIDC_ISSUER")
        policy = response.headers.get("Content-Security-Policy")
        if issuer and policy:
            parts = urlsplit(str(issuer))
            origin = f"{parts.scheme}://{parts.netloc}"
            if parts.scheme in ("http", "https") and parts.netloc and ";" not in origin:
                response.headers["Content-Security-Policy"] = policy.replace(
                    "form-action 'self'", f"form-action 'self' {origin}")
        return response

    talisman.init_app(
        app,
        # TLS ends at the proxy in front of us; local use is plain http on 127.0.0.1.
        force_https=False,
        # Talisman sets the session cookie's flags itself: keep ours (config.py).
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
    )

    @app.after_request
    def no_store(response):
        # Pages, API answers and downloads are someone's data: no browser or proxy keeps
        # them. Only the static files (CSS, scripts) may be cached.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response
