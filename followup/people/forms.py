"""Managing users: the user's form, and a users.UserError shown under its field."""

from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from followup.core.forms import Form, field_or


class UserForm(Form):
    # The service checks the address; the form only requires one.
    email = StringField("E-postadress", validators=[DataRequired("Fyll i e-postadressen."),
                                                    Length(max=254)])
    name = StringField("Namn", validators=[DataRequired("Fyll i namnet."), Length(max=200)])
    role = SelectField("Roll")
    units = SelectMultipleField("Enheter", validate_choice=False)
    password = PasswordField("Lösenord", validators=[Optional(), Length(max=1000)])
    active = BooleanField("Aktiv", default=True)


def show_user_error(form, error, fallback, fields=None):
    """A users.UserError under the form field it is about (``fields`` maps the
    service's names to the form's where they differ), else under ``fallback``."""
    name = (fields or {}).get(error.field, error.field)
    field_or(form, name, fallback).errors.append(str(error).capitalize() + ".")
