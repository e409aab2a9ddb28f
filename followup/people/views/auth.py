"""Logging in and out; sessions that end; limits on failed logins."""

import logging
import math
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint, current_app, flash, redirect, render_template, request, session, url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse_many
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from followup.core.extensions import db, limiter, login_manager
from followup.core.forms import Form
from followup.core.security_log import event
from followup.people import oidc, users
from followup.people.models import Role, User

bp = Blueprint("auth", __name__, template_folder="../templates")

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
    """Failed logins count per account and network address together…"""
    return (request.form.get("email") or "").strip().lower()[:254]


def _address():
    """…and per network address alone, far higher: a whole municipality may come through
    one proxy."""
    return get_remote_address() or ""


class LoginLimits:
    """Failed logins, counted in the limiter's storage (shared by every server process
    when it is Redis; bin/run starts one).

    An account may fail LOGIN_ACCOUNT_LIMIT times from one address; the address may fail
    LOGIN_ADDRESS_LIMIT times in all. Past the address's limit only the accounts guessed
    from it wait (TRIES_PAST_ADDRESS_LIMIT failures within that limit's window): someone
    else behind the same proxy still logs in with the right password, after a typing
    error too (issue 23.5, where 400 failures from the office gave every user there
    "Vänta 53 minuter")."""

    TRIES_PAST_ADDRESS_LIMIT = 2

    def __init__(self):
        config = current_app.config
        prefix = config.get("RATELIMIT_KEY_PREFIX") or ""
        self.pair_limits = parse_many(config["LOGIN_ACCOUNT_LIMIT"])
        self.address_limits = parse_many(config["LOGIN_ADDRESS_LIMIT"])
        self.pair = (prefix, "login-account-address", _account(), _address())
        # The account's failures from this address within the address limit's windows.
        self.hot_limits = [type(item)(self.TRIES_PAST_ADDRESS_LIMIT, item.multiples)
                           for item in self.address_limits]
        self.hot = (prefix, "login-account-address-window", _account(), _address())
        self.address = (prefix, "login-address", _address())
        self.strategy = limiter.limiter

    def guarded(self, step, default=None):
        """``step()``; if the storage does not answer (Redis stopped), the login goes on
        unlimited and the security log says so, rather than nobody logging in."""
        try:
            return step()
        except Exception as e:  # the storage's own errors (redis, memcached …)
            event("login.limit_unavailable", logging.ERROR, error=type(e).__name__)
            return default

    def wait(self):
        """Seconds until a login attempt is heard again, or 0 if it is heard now."""
        if not limiter.enabled:
            return 0
        blocked = [(item, self.pair) for item in self.pair_limits
                   if not self.strategy.test(item, *self.pair)]
        if not blocked and self._guessed_here():
            blocked = [(item, self.address) for item in self.address_limits
                       if not self.strategy.test(item, *self.address)]
        if not blocked:
            return 0
        reset = max(self.strategy.get_window_stats(item, *keys).reset_time
                    for item, keys in blocked)
        return max(1, math.ceil(reset - time.time()))

    def failed(self):
        if not limiter.enabled:
            return
        for item in self.pair_limits:
            self.strategy.hit(item, *self.pair)
        for item in self.address_limits:
            self.strategy.hit(item, *self.address)
        for item in self.hot_limits:
            self.strategy.hit(item, *self.hot)

    def _guessed_here(self):
        """Whether this account has been guessed from this address: failed
        TRIES_PAST_ADDRESS_LIMIT times within the address limit's window."""
        return any(not self.strategy.test(item, *self.hot) for item in self.hot_limits)


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
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    mode = password_login()
    if request.method == "POST":
        if mode == "off":
            return _page(form, 403, "Inloggning med lösenord är avstängd. Logga in med "
                                    "kommunens konto.")
        limits = LoginLimits()
        wait = limits.guarded(limits.wait, 0)
        if wait:
            return _too_many(wait)
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is not None and mode == "admins" and user.role is not Role.admin:
            # Answered as a wrong password, and counted as one: the answer must not tell
            # whether the password was right.
            event("login.password_off", logging.WARNING, user_id=user.id)
            user = None
        if user is None:
            limits.guarded(limits.failed)
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
    return _page(form, 200 if not form.errors else 400)


def password_login():
    """on, admins or off (PASSWORD_LOGIN): who may sign in with a password."""
    mode = str(current_app.config.get("PASSWORD_LOGIN") or "on").lower()
    return mode if mode in ("on", "admins", "off") else "on"


def _page(form, status, refusal=None):
    if refusal:
        form.password.errors.append(refusal)
    return render_template("auth/login.html", form=form, sso=oidc.configured(),
                           passwords=password_login()), status


def _too_many(wait):
    event("login.limited", logging.WARNING, email=(request.form.get("email") or "")[:254],
          wait=wait)
    form = LoginForm(formdata=None)
    form.email.data = (request.form.get("email") or "")[:254]
    form.password.errors = [f"För många misslyckade inloggningar. Vänta {_minutes(wait)} "
                            "och försök igen."]
    response = current_app.make_response(_page(form, 429))
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
    at_provider = oidc.logout_url(session.get(oidc.SIGNED_IN), url_for("auth.login", _external=True))
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    # Signed in with the municipality's account: its session ends too, and the
    # provider sends the browser back to the login page.
    return redirect(at_provider or url_for("auth.login"))
