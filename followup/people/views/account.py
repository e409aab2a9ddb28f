"""The user's own page (/konto): who I am, my password, my API tokens. Pages about the
account (e.g. /konto/aviseringar) live under the same address and link from here."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user
from wtforms import DateField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from followup.core.errors import Invalid
from followup.core.extensions import db
from followup.core.forms import EmptyForm, Form
from followup.people import tokens, users
from followup.people.forms import show_user_error
from followup.people.models import User

bp = Blueprint("account", __name__, template_folder="../templates", url_prefix="/konto")


class PasswordForm(Form):
    current = PasswordField("Nuvarande lösenord", validators=[
        DataRequired("Fyll i ditt nuvarande lösenord."), Length(max=1000)])
    new = PasswordField("Nytt lösenord (minst 12 tecken)", validators=[
        DataRequired("Fyll i ett nytt lösenord."), Length(max=1000)])
    repeat = PasswordField("Upprepa det nya lösenordet", validators=[
        EqualTo("new", "Lösenorden är inte lika.")])


class TokenForm(Form):
    name = StringField("Namn (vad nyckeln används till)", validators=[
        DataRequired("Ge nyckeln ett namn."), Length(max=100)])
    expires = DateField("Sista giltighetsdag (tomt: om 90 dagar)", validators=[Optional()])
    password = PasswordField("Ditt lösenord", validators=[
        DataRequired("Skriv ditt lösenord för att skapa en API-nyckel."), Length(max=1000)])


@bp.before_request
@login_required
def require_login():
    pass


def _page(status=200, new_token=None, **forms):
    forms.setdefault("password_form", PasswordForm(formdata=None))
    forms.setdefault("token_form", TokenForm(formdata=None))
    rows = tokens.list_tokens(current_user)
    return render_template("account/index.html", rows=rows, state=tokens.state,
                           new_token=new_token, button=EmptyForm(), **forms), status


@bp.get("/")
def index():
    return _page()


@bp.post("/losenord")
def change_password():
    form = PasswordForm()
    if form.validate():
        user = db.session.get(User, current_user.id)
        try:
            revoked = users.change_own_password(user, form.current.data, form.new.data)
        except users.UserError as e:
            show_user_error(form, e, form.new, {"password": "new"})
        else:
            db.session.commit()
            # Every other session has ended; this one goes on under the new generation.
            login_user(user)
            flash("Ditt lösenord är bytt. Du är utloggad överallt utom här.", "success")
            if revoked:
                names = ", ".join(f"”{name}”" for name in revoked)
                flash(f"Dina API-nycklar gjordes för det gamla lösenordet och är nu "
                      f"återkallade: {names}. Skapa nya där de behövs.", "info")
            return redirect(url_for(".index"))
    return _page(422, password_form=form)


@bp.post("/api-nycklar")
def create_token():
    form = TokenForm()
    if form.validate():
        try:
            user = db.session.get(User, current_user.id)
            token = tokens.create_own_token(user, form.password.data, form.name.data,
                                            form.expires.data)
        except Invalid as e:
            target = form.password if e.field == "password" else form.expires
            target.errors.append(e.message)
        else:
            db.session.commit()
            # Shown in this answer only: never in a redirect's flash (the cookie is
            # signed, not secret) and never again.
            return _page(201, new_token=token)
    return _page(422, token_form=form)


@bp.post("/api-nycklar/<int:token_id>/aterkalla")
def revoke_token(token_id):
    if EmptyForm().validate():
        row = tokens.revoke_token(current_user, token_id)
        db.session.commit()
        flash(f"API-nyckeln ”{row.name}” är återkallad och fungerar inte längre.", "success")
    return redirect(url_for(".index"))
