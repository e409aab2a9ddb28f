"""What the memo editor's pages share: the blueprint, who may use it, finding the memo's
parts, saving (one transaction a request) and the widgets the memo and an appendix both
have (how a document's head prints, its words, a table's columns). The pages themselves
are in the modules of each part of the memo (``memo_editor`` gathers them)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from followup.core.errors import Invalid, NotFound
from followup.core.extensions import db
from followup.core.forms import EmptyForm, choices
from followup.memos import memos, summaries
from followup.memos.models import Appendix, Memo, MemoState, Section
from followup.people import permissions
from followup.plans import lookup

bp = Blueprint("memo_editor", __name__, template_folder="../templates",
               url_prefix="/plans/<plan_key>/phases/<phase_key>/tjansteskrivelse/redigera")

EMPTY_COLUMNS = 2  # blank column rows offered for adding columns
EXTRA_HEADER_ROWS = 2


@bp.before_request
@login_required
def require_compiler():
    permissions.require_compiler_key(current_user, (request.view_args or {}).get("plan_key"))
    if request.method == "GET":
        return _away_from_a_signed_memo()


def _away_from_a_signed_memo():
    """A signed memo is not offered for editing: its forms would look open and their
    saving be refused, what was typed lost. The memo page says what can be done."""
    args = request.view_args or {}
    try:
        plan, phase, _ = lookup.locate(args.get("plan_key"), args.get("phase_key"))
    except NotFound:
        return None  # the page itself says what is missing
    if Memo.state_in(phase) is MemoState.signed:
        flash("Tjänsteskrivelsen är fastställd och kan inte ändras. Direktören kan öppna "
              "den igen.", "error")
        return redirect(url_for("memos.show", plan_key=plan.key, phase_key=phase.key))
    return None


def generated_texts(memo):
    """{key: (label, text)} of the summaries computed from the data."""
    out = {}
    for t in memo.plan.node_types:
        text = summaries.assessment_summary(memo.plan, memo.phase, t)
        if text:
            out[f"typ-{t.key}"] = (f"Sammanfattning: {t.plural or t.label}", text)
    control = summaries.control_summary(memo.plan, memo.phase)
    if control:
        out["internkontroll"] = ("Sammanfattning: internkontroll", control)
    return out


def receiving():
    return request.method == "POST"


def posted_data(posted):
    """The form data to read: the request's where the form was posted, else none."""
    return request.form if posted else None


def url(endpoint, memo, **kw):
    return url_for(f".{endpoint}", plan_key=memo.plan.key, phase_key=memo.phase.key, **kw)


def page_of(memo, owner):
    """The editor page where a section's owner (the memo, an appendix) is edited."""
    if isinstance(owner, Memo):
        return url("sections", memo)
    return url("appendix", memo, appendix_id=owner.id)


def find_section(memo, section_id):
    section = db.session.get(Section, section_id)
    owner = section and (section.memo or (section.appendix and section.appendix.memo))
    if owner is None or owner.id != memo.id:
        raise NotFound("Avsnittet finns inte i tjänsteskrivelsen.")
    return section


def find_appendix(memo, appendix_id):
    appendix = db.session.get(Appendix, appendix_id)
    if appendix is None or appendix.memo_id != memo.id:
        raise NotFound("Bilagan finns inte i tjänsteskrivelsen.")
    return appendix


# Saving: one transaction a request (issue 22.4). The operations check everything
# before they change anything and commit nothing; the page commits once they succeeded.
# A refused save changed nothing, so the page is shown again from the memo as it is.

def saved(action, refused):
    """Run the operation (``action``) and commit what it changed. An Invalid goes to
    ``refused`` and nothing is committed (the request's end rolls back, and with it the
    plan's lock). Whether it was saved."""
    try:
        action()
    except Invalid as e:
        refused(e)
        return False
    db.session.commit()
    return True


def run(action, success, target):
    """A button's operation: saved and ``success`` said, or refused and why; then back
    to ``target``."""
    if saved(action, lambda e: flash(e.message, "error")):
        flash(success, "success")
    return redirect(target)


def render(template, memo, status=200, **context):
    return render_template(template, memo=memo, plan=memo.plan, phase=memo.phase,
                           button=EmptyForm(), kinds=memos.KINDS, **context), status


# How a document's head prints (plan file 2.1): the same widgets for the memo and an
# appendix. A choice of three for the type and the sender: the default, none, one's own.

def either_data(value):
    """(choice, text) of a stored value where None is the default and "" nothing."""
    if value is None:
        return memos.STANDARD, ""
    return (memos.NONE, "") if value == "" else (memos.OTHER, value)


def document_type_choices(form, standard):
    form.document_type_choice.choices = choices([
        (memos.STANDARD, f"Standard ({standard})"), (memos.NONE, "Ingen dokumenttyp"),
        (memos.OTHER, "Annan:")])


def posted_document_type(form):
    return form.document_type_choice.data, form.document_type.data


def fill_heading(form, item):
    """Fill the shared fields of a print form from a memo or an appendix."""
    form.issuer_choice.data, form.issuer.data = either_data(item.issuer)
    form.header_choice.data = memos.HEADER_OWN if item.header is None else memos.HEADER_GIVEN
    while form.header.entries:
        form.header.pop_entry()
    for line in (item.header or []) + [{"label": "", "value": ""}] * EXTRA_HEADER_ROWS:
        form.header.append_entry({"label": line.get("label"), "value": line.get("value")})
    form.running_lines.data = "\n".join(item.running_lines or [])


def heading_choices(form, plan, own):
    form.issuer_choice.choices = choices([
        (memos.STANDARD, f"Förvaltningen ({plan.administration})"),
        (memos.NONE, "Ingen avsändare"), (memos.OTHER, "Annan:")])
    form.header_choice.choices = choices([
        (memos.HEADER_OWN, own), (memos.HEADER_GIVEN, "Egna fält (tabellen nedan)")])


def heading_values(form):
    return dict(issuer=(form.issuer_choice.data, form.issuer.data),
                header=(form.header_choice.data,
                        [(e.form.label.data, e.form.value.data) for e in form.header]),
                running_lines=form.running_lines.data)


# The words a document prints, each a text and whether it is printed at all.

def fill_words(form, stored, keys):
    for key in keys:
        sub = form[key]
        if key in stored:
            value = stored[key]
            sub.form.off.data = value is None or value == ""
            sub.form.text.data = value or ""
        else:
            sub.form.off.data, sub.form.text.data = False, ""


def posted_words(form, keys):
    return {k: (form[k].form.text.data, form[k].form.off.data) for k in keys}


def word_error(words, error, fallback):
    """A service's Invalid under the word it names, else under ``fallback``."""
    try:
        words[error.field].form.text.errors.append(error.message)
    except (KeyError, TypeError):
        fallback.errors = list(fallback.errors) + [error.message]


# A table's columns, as the column editors show them.

def column_data(column):
    """A stored column as the column editor shows it; {} for a blank row."""
    width = column.get("width")
    return {"field": column.get("field", ""), "header": column.get("header", ""),
            "width": "" if width is None else format_number(width),
            "with_comment": bool(column.get("with_comment")),
            "merge_repeats": bool(column.get("merge_repeats"))}


def column_rows(columns):
    """The stored columns and EMPTY_COLUMNS blank rows after them, as the editor shows
    them."""
    return [column_data(c) for c in list(columns or []) + [{}] * EMPTY_COLUMNS]


def format_number(value):
    """A width as typed in Swedish: 40, 33,5."""
    return (str(int(value)) if float(value).is_integer() else str(value)).replace(".", ",")
