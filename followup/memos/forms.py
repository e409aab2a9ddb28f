"""The forms of the memo editor: the memo's fields, its proposals and signatures, its
sections, appendices and chapters, and how a part prints (layout, columns)."""

from wtforms import (
    BooleanField, FieldList, Form, FormField, IntegerField, RadioField, SelectField,
    SelectMultipleField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from followup.core.forms import Form as PageForm  # with the CSRF token, Swedish messages
from followup.core.forms import choices


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
    # Three choices: the default type, none, or one's own (typed in document_type).
    document_type_choice = RadioField("Dokumenttyp", validate_choice=False, default=None)
    document_type = StringField("Egen dokumenttyp")
    heading = StringField("Egen rubrik (tomt: titeln)")
    # Since plan file 2.1 the memo's fields are not copied into its appendices.
    date = StringField("Datum (ÅÅÅÅ-MM-DD; tomt: inget datum)")
    diarienummer = StringField("Diarienummer (tomt: inget)")
    handlaggare = StringField("Handläggare (skilj med kommatecken; tomt: ingen)")
    intro = TextAreaField("Inledning")
    node_types = CheckboxesField("Punkter som tas med", validate_choice=False)
    tables = SelectMultipleField("Tabeller", validate_choice=False)
    new_page = BooleanField("Börja på en ny sida")


class NewAppendixForm(PageForm):
    title = StringField("Titel", validators=[DataRequired("Ge bilagan en titel.")])
    kind = SelectField("Innehåll", validate_choice=False)


class ReportForm(PageForm):
    contents = SelectField("Innehållsförteckning med sidnummer", validate_choice=False)
    cover_title = StringField("Försättssidans rubrik (tomt: ingen försättssida)")
    cover_subtitle = StringField("Underrubrik")
    cover_lines = TextAreaField("Rader under rubriken (en per rad)")


class InsertForm(PageForm):
    text = SelectField("Genererad text", validate_choice=False)


class ColumnForm(Form):
    field = SelectField("Visar", validate_choice=False)
    header = StringField("Rubrik")
    width = StringField("Bredd i procent (tomt: efter innehållet)")


class LayoutEntryForm(Form):
    display = SelectField("Visas som", validate_choice=False)
    level = SelectField("Nivån visas som", validate_choice=False)
    lead = StringField("Mening före listan")
    # Not "prefix": that name is WTForms' own Form argument.
    title_prefix = StringField("Text före titeln")
    prefix_position = SelectField("Texten före titeln står", validate_choice=False)
    caption = StringField("Rubrik före den första (t.ex. UPPDRAG)")
    heading = StringField("Gruppens rubrik")
    intro = TextAreaField("Gruppens inledning")
    columns = FieldList(FormField(ColumnForm))


class LayoutForm(PageForm):
    entries = FieldList(FormField(LayoutEntryForm))


class ControlColumnForm(ColumnForm):
    with_comment = BooleanField("Kommentaren under resultatet, i samma ruta")
    merge_repeats = BooleanField("Skriv bara ut där det skiljer sig från raden ovanför")


class ControlColumnsForm(PageForm):
    columns = FieldList(FormField(ControlColumnForm))
    phases = CheckboxesField("Faser vars resultat visas (ingen vald: alla fram till dokumentets)",
                             validate_choice=False)


class HeaderLineForm(Form):
    label = StringField("Rubrik")
    value = StringField("Värde")


class HeadingForm(PageForm):
    """What a document's head says (plan file 2.1): sender, header block, lines under
    the running head; the memo and an appendix each add their own fields."""

    issuer_choice = RadioField("Avsändare", validate_choice=False)
    issuer = StringField("Annan avsändare")
    header_choice = RadioField("Uppgifterna i sidhuvudet", validate_choice=False)
    header = FieldList(FormField(HeaderLineForm))
    running_lines = TextAreaField("Rader under sidhuvudet på varje sida (en per rad)")


class MemoPrintForm(HeadingForm):
    """How the memo's head prints: its type besides what every document's head says."""

    document_type_choice = RadioField("Dokumenttyp", validate_choice=False)
    document_type = StringField("Egen dokumenttyp")


class WordForm(Form):
    # A textarea: a template may hold a line break ("Bilaga {number}" over "{title}").
    text = TextAreaField("Text")
    off = BooleanField("Skrivs inte ut")


def words_form(keys, labels):
    """A form with one WordForm per wording key, in order."""
    return type("WordsForm", (Form,), {k: FormField(WordForm, label=labels[k]) for k in keys})


def appendix_print_form(keys, labels):
    class AppendixPrintForm(HeadingForm):
        orientation = RadioField("Sidorna", validate_choice=False)
        level_chart = BooleanField("Diagram över nivåerna")
        words = FormField(words_form(keys, labels))
    return AppendixPrintForm


def plan_print_form(keys, labels):
    class PlanPrintForm(PageForm):
        words = FormField(words_form(keys, labels))
        hyphenate = BooleanField("Avstava långa ord (bryt dem med bindestreck)")
    return PlanPrintForm


class SignForm(PageForm):
    confirm = BooleanField("Jag har gått igenom underlaget och fastställer tjänsteskrivelsen")
    reason = TextAreaField("Skäl till att fastställa fast allt inte är godkänt")
