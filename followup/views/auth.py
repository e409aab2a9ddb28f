"""Logging in and out."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..extensions import db, limiter, login_manager
from ..models import User
from ..services import users

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Logga in för att fortsätta."
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


class LoginForm(FlaskForm):
    email = EmailField("E-postadress", validators=[DataRequired("Fyll i din e-postadress."),
                                                   Length(max=254)])
    password = PasswordField("Lösenord", validators=[DataRequired("Fyll i ditt lösenord."),
                                                     Length(max=1000)])


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _is_safe_next(target):
    return bool(target) and target.startswith("/") and not target.startswith("//")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"],
               error_message="För många inloggningsförsök. Vänta en stund och försök igen.")
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(form.email.data, form.password.data)
        if user is None:
            form.password.errors.append("Fel e-postadress eller lösenord.")
        else:
            session.clear()  # a fresh session: no fixation across the login
            login_user(user)
            session.permanent = True
            target = request.args.get("next")
            return redirect(target if _is_safe_next(target) else url_for("main.index"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash("Du är utloggad.", "info")
    return redirect(url_for("auth.login"))
