"""The base of the browser's WTForms and the fields and helpers they share. Each
feature's own forms are in its package (``followup.<feature>.forms``); each carries the
CSRF token, and the services check the rules."""

from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length
from wtforms.widgets import TextInput

from followup.core.texts import single_line


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


class EmptyForm(Form):
    """Only a CSRF token: for buttons that post."""


def field_or(form, name, fallback):
    """The form's field called ``name``, else ``fallback``: where an error is shown."""
    return form[name] if name and name in form else fallback


def show_invalid(form, error, fallback):
    """A service's Invalid under the form field it names, else under ``fallback``."""
    field_or(form, error.field, fallback).errors.append(error.message)


# Memos' form; it stays here while followup.memos imports it from here.
class ReopenForm(Form):
    reason = TextAreaField("Skäl till att återöppna", validators=[
        DataRequired("Ange skälet till att tjänsteskrivelsen återöppnas."), Length(max=2000)])
