"""The follow-ups' and control results' forms: an entry's level and comment, a return
with a remark, a version, bulk approval, and a control point."""

from wtforms import (
    BooleanField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from followup.core.forms import Form
from followup.core.html import MAX_LENGTH, format_count


class FollowupForm(Form):
    level = RadioField("Nivå", validate_choice=False, validators=[Optional()])
    # The text's limit is checked by the allowlist module; this stops far longer HTML
    # before it is cleaned.
    comment = TextAreaField("Kommentar", validators=[Length(
        max=MAX_LENGTH * 2,
        message=f"Texten är för lång: högst {format_count(MAX_LENGTH)} tecken tillåts.")])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ReturnForm(Form):
    remark = TextAreaField("Anmärkning till handläggaren",
                           validators=[DataRequired("Skriv en anmärkning."), Length(max=10_000)])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class VersionForm(Form):
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])


class BulkApproveForm(Form):
    nodes = SelectMultipleField("Uppföljningar", validate_choice=False)
    confirmed = BooleanField(widget=HiddenInput())  # set on the confirmation page


class ControlPointForm(Form):
    key = StringField("Beteckning (t.ex. IK6)")  # the service checks it as a key
    area = StringField("Område")
    # Not "process": that name is WTForms' own Form.process().
    process_name = StringField("Process")
    risk = TextAreaField("Risk")
    control = TextAreaField("Kontroll", validators=[DataRequired("Beskriv kontrollen.")])
    method = TextAreaField("Metod")
    mandatory = BooleanField("Obligatorisk kontroll")
    unit = SelectField("Enhet som rapporterar", validate_choice=False)
