"""Sign-in with the municipality's own account: to the provider (authorization code
with PKCE, state and nonce) and back; Authlib checks the ID token."""

import logging
import time

from authlib.common.errors import AuthlibBaseError
from flask import (
    Blueprint, abort, current_app, redirect, render_template, request, session, url_for,
)
from flask_login import current_user, login_user
from requests import RequestException

from followup.core.extensions import db
from followup.core.security_log import event
from followup.people import oidc, sso
from followup.people.views.auth import is_local_path

bp = Blueprint("sso", __name__, template_folder="../templates")

NEXT = "sso_next"
UNAVAILABLE = ("Kommunens inloggning svarar inte just nu. Försök igen om en stund, och "
               "kontakta IT om felet står kvar.")


def _refused(message, status):
    return render_template("auth/refused.html", message=message), status


@bp.get("/login/kommunen")
def start():
    if not oidc.configured():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    try:
        oidc.metadata()
    except oidc.IssuerMismatch as e:
        event("sso.issuer_mismatch", logging.ERROR, issuer=str(e.args[0])[:200])
        return _refused("Kommunens inloggningstjänst uppger en annan adress (issuer) än den "
                        "Planuppföljning är inställd på, så inloggningen avbröts. Kontakta IT.",
                        502)
    except (RequestException, ValueError, AuthlibBaseError):
        event("sso.unavailable", logging.ERROR)
        return _refused(UNAVAILABLE, 503)
    target = request.args.get("next")
    session[NEXT] = target if is_local_path(target) else None
    return oidc.client().authorize_redirect(url_for("sso.callback", _external=True))


@bp.get("/login/kommunen/svar")
def callback():
    if not oidc.configured():
        abort(404)
    try:
        token = oidc.client().authorize_access_token(
            claims_options=oidc.claims_options(), leeway=int(current_app.config["OIDC_LEEWAY"]))
    except oidc.IssuerMismatch:
        return _refused("Kommunens inloggningstjänst uppger en annan adress (issuer) än den "
                        "Planuppföljning är inställd på. Kontakta IT.", 502)
    except RequestException:
        event("sso.unavailable", logging.ERROR)
        return _refused(UNAVAILABLE, 503)
    except (AuthlibBaseError, ValueError) as e:
        # A replayed or forged state, a token for another client, a wrong nonce, an
        # expired token, a signature that does not hold: all refused alike.
        event("sso.refused", logging.WARNING, reason=type(e).__name__,
              detail=str(e)[:200])
        return _refused("Inloggningen kunde inte kontrolleras och avbröts. Börja om från "
                        "inloggningssidan.", 400)
    claims = token.get("userinfo")
    if not claims:
        event("sso.refused", logging.WARNING, reason="no id_token")
        return _refused("Inloggningstjänsten skickade ingen ID-token. Kontakta IT.", 400)
    try:
        user = sso.sign_in(sso.identity(claims))
    except sso.SignInRefused as e:
        db.session.commit()  # what the refusal logged, nothing else changed
        return _refused(e.message, 403)
    db.session.commit()
    target = session.get(NEXT)
    session.clear()  # a fresh session: no fixation across the sign-in
    login_user(user)
    session.permanent = True
    session["login_at"] = session["seen"] = int(time.time())
    session[oidc.SIGNED_IN] = True
    return redirect(target or url_for("main.index"))

