"""WTForms for the browser. Each carries the CSRF token; the services check the rules."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, IntegerField, PasswordField, RadioField, SelectField,
    SelectMultipleField, StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput, TextInput

from followup.core.html import MAX_LENGTH, format_count
from followup.core.texts import TITLE_MAX, single_line


def one_line(value):
    """A field filter: the text on one line, its control characters as spaces."""
    return single_line(value)


class Form(FlaskForm):
    """The base of our forms: WTForms' own messages (a value too long, a required field)
    in Swedish, from the catalogue WTForms ships. Flask-WTF would ask Flask-Babel for
    them, which the application does not use, and fall back to English.

    Every one-line text field (a ``StringField``: names, labels, headings, numbers) loses
    its control characters, whatever posted it: a line break in a title ended up in an
    e-mail's header."""

    class Meta:
        locales = ("sv",)

        def get_translations(self, form):
            return DefaultMeta.get_translations(self, form)

        def bind_field(self, form, unbound_field, options):
            if _single_line_field(unbound_field.field_class):
                filters = tuple(unbound_field.kwargs.get("filters", ()))
                if one_line not in filters:
                    options = {**options, "filters": filters + (one_line,)}
            return DefaultMeta.bind_field(self, form, unbound_field, options)


def one_line_fields(formdata, names=(), endings=()):
    """A copy of posted fields (a form read without WTForms) with the fields named, or
    whose names end as given, on one line each."""
    data = formdata.copy()
    for name in list(data.keys()):
        if name in names or name.endswith(tuple(endings)):
            data.setlist(name, [single_line(v) for v in data.getlist(name)])
    return data


def _single_line_field(field_class):
    return issubclass(field_class, StringField) and not issubclass(
        field_class, (TextAreaField, PasswordField))


def choices(pairs):
    """(value, label) pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


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


ISO_DATE_MESSAGE = "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2027-01-15."


class IsoDateField(DateField):
    """A date typed as ÅÅÅÅ-MM-DD in a text field: a browser's date picker shows the
    format of the browser's language (mm/dd/yyyy), not the ISO date we write."""

    widget = TextInput()

    def __init__(self, label, **kwargs):
        kwargs.setdefault("render_kw", {
            "placeholder": "ÅÅÅÅ-MM-DD", "pattern": r"\d{4}-\d{2}-\d{2}", "lang": "sv",
            "inputmode": "numeric", "autocomplete": "off", "data-pattern-message": ISO_DATE_MESSAGE})
        super().__init__(label, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(ISO_DATE_MESSAGE) from None


class PhaseForm(Form):
    label = StringField("Namn", validators=[DataRequired("Fasen behöver ett namn."), Length(max=200)])
    period_end = IsoDateField("Periodens slut", validators=[Optional()])
    deadline = IsoDateField("Sista dag för rapportering", validators=[Optional()])
    is_open = BooleanField("Öppen för rapportering")


class EmptyForm(Form):
    """Only a CSRF token: for buttons that post."""


def _field(form, name, fallback):
    """The form's field called ``name``, else ``fallback``: where an error is shown."""
    return form[name] if name and name in form else fallback


def show_user_error(form, error, fallback, fields=None):
    """A users.UserError under the form field it is about (``fields`` maps the
    service's names to the form's where they differ), else under ``fallback``."""
    name = (fields or {}).get(error.field, error.field)
    _field(form, name, fallback).errors.append(str(error).capitalize() + ".")


def show_invalid(form, error, fallback):
    """A service's Invalid under the form field it names, else under ``fallback``."""
    _field(form, error.field, fallback).errors.append(error.message)


class UserForm(Form):
    # The service checks the address; the form only requires one.
    email = StringField("E-postadress", validators=[DataRequired("Fyll i e-postadressen."),
                                                    Length(max=254)])
    name = StringField("Namn", validators=[DataRequired("Fyll i namnet."), Length(max=200)])
    role = SelectField("Roll")
    units = SelectMultipleField("Enheter", validate_choice=False)
    password = PasswordField("Lösenord", validators=[Optional(), Length(max=1000)])
    active = BooleanField("Aktiv", default=True)


class NodeForm(Form):
    parent = SelectField("Ligger under", validate_choice=False)
    type = SelectField("Sort", validate_choice=False)
    number = StringField("Nummer", validators=[Length(max=40)])
    # A textarea, for a long title to wrap; still one line of text, as long as the
    # services and the plan file allow (the browser keeps to the maxlength this gives).
    title = TextAreaField("Titel", filters=[one_line], validators=[
        DataRequired("Punkten behöver en titel."),
        Length(max=TITLE_MAX, message=f"Titeln får ha högst {format_count(TITLE_MAX)} tecken.")])
    unit = SelectField("Enhet som rapporterar", validate_choice=False)
    notes = TextAreaField("Noteringar (en per rad)")
    group = StringField("Grupp (rubrik, t.ex. Tillkommande uppdrag)", validators=[Length(max=200)])
    responsible_boards = StringField("Ansvariga nämnder", validators=[Length(max=200)])
    carried_over_from = StringField("Kvar från år", validators=[
        Length(max=4, message="Kvar från ska vara ett årtal, t.ex. 2025.")])
    since = SelectField("Följs upp från", validate_choice=False)
    until = SelectField("Till och med", validate_choice=False)


class UnitForm(Form):
    key = StringField("Beteckning (t.ex. vuxen)", validators=[
        Length(max=80, message="Beteckningen får ha högst 80 tecken.")])
    name = StringField("Namn", validators=[DataRequired("Enheten behöver ett namn."), Length(max=200)])


class LevelForm(Form):
    key = StringField("Beteckning (t.ex. klar)", validators=[
        Length(max=80, message="Beteckningen får ha högst 80 tecken.")])
    label = StringField("Etikett", validators=[DataRequired("Nivån behöver en etikett."), Length(max=200)])
    text = TextAreaField("Text i dokumentet")
    tone = SelectField("Ton", validate_choice=False)
    done = BooleanField("Räknas som färdig")


class ReopenForm(Form):
    reason = TextAreaField("Skäl till att återöppna", validators=[
        DataRequired("Ange skälet till att tjänsteskrivelsen återöppnas."), Length(max=2000)])




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
