"""The forms of the memo editor: the memo's fields, its proposals and signatures, its
sections, appendices and chapters, and how a part prints (layout, columns)."""

from wtforms import (
    BooleanField, FieldList, Form, FormField, IntegerField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .forms import Form as PageForm, choices  # with the CSRF token, Swedish messages


class CheckboxesField(SelectMultipleField):
    """A choice of several as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HeaderForm(PageForm):
    title = StringField("Rubrik", validators=[DataRequired("Tjänsteskrivelsen behöver en rubrik.")])
    date = StringField("Datum (ÅÅÅÅ-MM-DD)")
    diarienummer = StringField("Diarienummer")
    handlaggare = StringField("Handläggare (skilj med kommatecken)")
    recipient = StringField("Till (nämnd)")
    meeting_date = StringField("Sammanträdesdatum (ÅÅÅÅ-MM-DD)")


class SignatureForm(Form):
    name = StringField("Namn")
    title = StringField("Titel")


class ProposalsForm(PageForm):
    proposals_intro = StringField("Inledning till förslagen")
    proposals = TextAreaField("Förslag till beslut (en att-sats per rad, i ordning)")
    numbered = BooleanField("Numrera att-satserna")
    signatures = FieldList(FormField(SignatureForm), min_entries=1)
    appendices_heading = StringField("Rubrik över bilagorna (tomt: Beslutsunderlag)")


class NewMemoForm(PageForm):
    copy_from = SelectField("Utgå från", validate_choice=False)
    with_texts = BooleanField("Ta med texterna")


class SectionForm(PageForm):
    heading = StringField("Rubrik", validators=[DataRequired("Avsnittet behöver en rubrik.")])
    level = SelectField("Rubriknivå", choices=choices([("1", "1"), ("2", "2"), ("3", "3")]),
                        default="1")
    body = TextAreaField("Text")
    tables = SelectMultipleField("Tabeller efter texten", validate_choice=False)
    body_after = TextAreaField("Text efter tabellerna")


class AppendixForm(PageForm):
    number = IntegerField("Nummer", validators=[Optional()])
    title = StringField("Titel i beslutsunderlaget", validators=[DataRequired("Ge bilagan en titel.")])
    kind = SelectField("Innehåll", validate_choice=False)
    document_type = StringField("Dokumenttyp (tomt: Bilaga till tjänsteskrivelse)")
    heading = StringField("Egen rubrik (tomt: titeln)")
    date = StringField("Datum (tomt: tjänsteskrivelsens)")
    diarienummer = StringField("Diarienummer (tomt: tjänsteskrivelsens)")
    handlaggare = StringField("Handläggare (tomt: tjänsteskrivelsens)")
    intro = TextAreaField("Inledning")
    node_types = CheckboxesField("Punkter som tas med", validate_choice=False)
    tables = SelectMultipleField("Tabeller", validate_choice=False)
    new_page = BooleanField("Börja på en ny sida")


class NewAppendixForm(PageForm):
    title = StringField("Titel", validators=[DataRequired("Ge bilagan en titel.")])
    kind = SelectField("Innehåll", validate_choice=False)


class ReportForm(PageForm):
    contents = BooleanField("Innehållsförteckning med sidnummer")
    cover_title = StringField("Försättssidans rubrik (tomt: ingen försättssida)")
    cover_subtitle = StringField("Underrubrik")
    cover_lines = TextAreaField("Rader under rubriken (en per rad)")


class InsertForm(PageForm):
    text = SelectField("Genererad text", validate_choice=False)


class ColumnForm(Form):
    field = SelectField("Visar", validate_choice=False)
    header = StringField("Rubrik")


class LayoutEntryForm(Form):
    display = SelectField("Visas som", validate_choice=False)
    level = SelectField("Nivån visas som", validate_choice=False)
    lead = StringField("Mening före listan")
    # Not "prefix": that name is WTForms' own Form argument.
    title_prefix = StringField("Text före titeln")
    heading = StringField("Gruppens rubrik")
    intro = TextAreaField("Gruppens inledning")
    columns = FieldList(FormField(ColumnForm))


class LayoutForm(PageForm):
    entries = FieldList(FormField(LayoutEntryForm))


class ControlColumnsForm(PageForm):
    columns = FieldList(FormField(ColumnForm))
    phases = CheckboxesField("Faser vars resultat visas (ingen vald: alla fram till dokumentets)",
                             validate_choice=False)


class SignForm(PageForm):
    confirm = BooleanField("Jag har gått igenom underlaget och fastställer tjänsteskrivelsen")
    reason = TextAreaField("Skäl till att fastställa fast allt inte är godkänt")
