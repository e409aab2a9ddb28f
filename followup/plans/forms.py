"""The plan's forms: a node of the goal tree, a unit, a level of a scale, a phase."""

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from followup.core.forms import Form, IsoDateField, one_line
from followup.core.html import format_count
from followup.core.texts import TITLE_MAX
from followup.plans.structure import PREFIX_MAX


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


class ItemForm(NodeForm):
    """A node's form, with its own text before the title (plan file 2.1: a node's
    ``prefix``). Not named "prefix": that is WTForms' own argument to a form."""

    title_prefix = StringField("Inledande text för just den här punkten", filters=[one_line],
                               validators=[Length(max=PREFIX_MAX, message=(
                                   "Den inledande texten får ha högst "
                                   f"{PREFIX_MAX} tecken."))])


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


class PhaseForm(Form):
    label = StringField("Namn", validators=[DataRequired("Fasen behöver ett namn."), Length(max=200)])
    period_end = IsoDateField("Periodens slut", validators=[Optional()])
    deadline = IsoDateField("Sista dag för rapportering", validators=[Optional()])
    is_open = BooleanField("Öppen för rapportering")
