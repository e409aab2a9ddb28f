"""Logging in and out; sessions that end; limits on failed logins."""

import logging
import math
import time
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..extensions import db, limiter, login_manager
from ..models import User
from ..security_log import event
from ..services import users
from .forms import Form

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Logga in för att fortsätta."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(alternative_id):
    """The cookie names a user *and* the generation of their sessions (User.get_id):
    after a logout, a new password, a new role or a deactivation it names nobody."""
    user_id, _, generation = str(alternative_id).partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


@bp.before_app_request
def end_idle_or_old_session():
    """A session ends after SESSION_IDLE_TIMEOUT seconds without a request, and a
    working day (PERMANENT_SESSION_LIFETIME) after the login, whatever happens between."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = int(time.time())
    seen, since = session.get("seen"), session.get("login_at")
    idle = current_app.config["SESSION_IDLE_TIMEOUT"]
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    lifetime = lifetime.total_seconds() if hasattr(lifetime, "total_seconds") else lifetime
    idle_out = seen is not None and now - seen > idle
    if idle_out or seen is None or since is None or now - since > lifetime:
        event("session.ended", user_id=session.get("_user_id"),
              reason="idle" if idle_out else "lifetime")
        logout_user()
        session.clear()
        flash(f"Du loggades ut efter {_minutes(idle)} utan aktivitet. Logga in igen."
              if idle_out else "Logga in igen.", "info")
        return
    if now - seen >= 30:  # a cookie rewritten at most every half minute, not each request
        session["seen"] = now


def _minutes(seconds):
    n = max(1, math.ceil(seconds / 60))
    return "en minut" if n == 1 else f"{n} minuter"


class LoginForm(Form):
    email = EmailField("E-postadress", validators=[DataRequired("Fyll i din e-postadress."),
                                                   Length(max=254)])
    password = PasswordField("Lösenord", validators=[DataRequired("Fyll i ditt lösenord."),
                                                     Length(max=1000)])


def _account():
    """Failed logins count per account (the address typed, known or not)…"""
    return "konto:" + (request.form.get("email") or "").strip().lower()[:254]


def _address():
    """…and per network address, high enough for a municipality behind one proxy."""
    return "adress:" + (get_remote_address() or "")


def _failed(response):
    return response.status_code == 400


def is_local_path(target):
    """Whether ``next`` is a path on this site. Browsers read ``/\\x`` and ``/<tab>/x``
    as ``//x``, another host; any backslash or control character is refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7f for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"], key_func=_account,
               methods=["POST"], deduct_when=_failed, scope="login-account")
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], key_func=_address,
               methods=["POST"], deduct_when=_failed, scope="login-address")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is None:
            event("login.failed", logging.WARNING, email=form.email.data[:254])
            form.password.errors.append("Fel e-postadress eller lösenord.")
        else:
            event("login", user_id=user.id)
            session.clear()  # a fresh session: no fixation across the login
            login_user(user)
            session.permanent = True
            session["login_at"] = session["seen"] = int(time.time())
            target = request.args.get("next")
            return redirect(target if is_local_path(target) else url_for("main.index"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.errorhandler(429)
def too_many_failures(e):
    limit = limiter.current_limit
    wait = max(1, int(limit.reset_at - time.time())) if limit is not None else 60
    event("login.limited", logging.WARNING, email=(request.form.get("email") or "")[:254],
          wait=wait)
    form = LoginForm(formdata=None)
    form.password.errors = [f"För många misslyckade inloggningar. Vänta {_minutes(wait)} "
                            "och försök igen."]
    response = current_app.make_response((render_template("auth/login.html", form=form), 429))
    response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logout")
@login_required
def logout():
    # Ends every session of this user, this cookie and any copy of it.
    user = db.session.get(User, current_user.id)
    user.end_sessions()
    db.session.commit()
    event("logout", user_id=user.id)
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login"))
