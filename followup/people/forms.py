"""Managing users: the user's form, and a users.UserError shown under its field."""

from wtforms import (
    BooleanField, HiddenField, PasswordField, SelectField, SelectMultipleField, StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from followup.core.forms import Form, field_or


class UserForm(Form):
    # The service checks the address; the form only requires one.
    email = StringField("E-postadress", validators=[DataRequired("Fyll i e-postadressen."),
                                                    Length(max=254)])
    name = StringField("Namn", validators=[DataRequired("Fyll i namnet."), Length(max=200)])
    role = SelectField("Roll")
    board = SelectField("Nämnd", validate_choice=False)  # the service checks it
    units = SelectMultipleField("Enheter", validate_choice=False)
    password = PasswordField("Lösenord", validators=[Optional(), Length(max=1000)])
    active = BooleanField("Aktiv", default=True)


class GrantForm(Form):
    board = SelectField("Nämnd")
    role = SelectField("Roll")
    unit = SelectField("Enhet (för handläggare)")


class GroupRoleForm(Form):
    group = StringField("Grupp (namn eller id som kommunens konto anger)",
                        validators=[DataRequired("Fyll i gruppen."), Length(max=255)])
    role = SelectField("Roll")
    board = SelectField("Nämnd")
    unit = SelectField("Enhet (för handläggare)")


class RevokeForm(Form):
    board = HiddenField(validators=[DataRequired()])
    role = HiddenField(validators=[DataRequired()])


def show_user_error(form, error, fallback, fields=None):
    """A users.UserError under the form field it is about (``fields`` maps the
    service's names to the form's where they differ), else under ``fallback``."""
    name = (fields or {}).get(error.field, error.field)
    field_or(form, name, fallback).errors.append(str(error).capitalize() + ".")
