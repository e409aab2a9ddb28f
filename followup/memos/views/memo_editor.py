"""The compiler composes a phase's memo, one part a page: its fields, proposals and
signatures, sections, and appendices — each appendix (and each chapter of a report)
with its own page, where also how it prints is set."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from followup.core.errors import Invalid, NotFound
from followup.core.extensions import db
from followup.core.forms import EmptyForm, choices, show_invalid
from followup.documents import compose, wording
from followup.memos import memos, reports, summaries
from followup.memos.forms import (
    AppendixForm, ControlColumnsForm, HeaderForm, InsertForm, LayoutForm, MemoPrintForm,
    NewAppendixForm, NewMemoForm, ProposalsForm, ReportForm, SectionForm, appendix_print_form,
    plan_print_form,
)
from followup.memos.models import Appendix, Memo, MemoState, Section
from followup.people import permissions
from followup.plans import lookup

bp = Blueprint("memo_editor", __name__, template_folder="../templates",
               url_prefix="/plans/<plan_key>/phases/<phase_key>/tjansteskrivelse/redigera")

EMPTY_COLUMNS = 2  # blank column rows offered for adding columns


@bp.before_request
@login_required
def require_compiler():
    permissions.require_compiler(current_user)
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


def _receiving():
    return request.method == "POST"


def _url(endpoint, memo, **kw):
    return url_for(f".{endpoint}", plan_key=memo.plan.key, phase_key=memo.phase.key, **kw)


def _page_of(memo, owner):
    """The editor page where a section's owner (the memo, an appendix) is edited."""
    if isinstance(owner, Memo):
        return _url("sections", memo)
    return _url("appendix", memo, appendix_id=owner.id)


def _run(action, success, target):
    try:
        action()
    except Invalid as e:
        db.session.rollback()
        flash(e.message, "error")
    else:
        flash(success, "success")
    return redirect(target)


def _render(template, memo, status=200, **context):
    return render_template(template, memo=memo, plan=memo.plan, phase=memo.phase,
                           button=EmptyForm(), kinds=memos.KINDS, **context), status


# The memo itself

@bp.post("/skapa")
def create(plan_key, phase_key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    form = NewMemoForm()
    if form.validate():
        source = None
        if form.copy_from.data:
            source = next((m for m in plan.memos if str(m.id) == form.copy_from.data), None)
            if source is None:
                raise NotFound("Tjänsteskrivelsen att utgå från finns inte.")
        try:
            memos.create_memo(current_user, plan, phase, copy_from=source,
                              with_texts=form.with_texts.data)
        except Invalid as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("Tjänsteskrivelsen är skapad. Fyll i dess uppgifter och texter nedan.",
                  "success")
    return redirect(url_for(".edit", plan_key=plan_key, phase_key=phase_key))


@bp.route("/", methods=["GET", "POST"])
def edit(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = HeaderForm(formdata=request.form if _receiving() else None,
                      obj=None if _receiving() else memo)
    if not _receiving():
        form.date.data = memo.date.isoformat() if memo.date else ""
        form.meeting_date.data = memo.meeting_date.isoformat() if memo.meeting_date else ""
        form.handlaggare.data = ", ".join(memo.handlaggare or [])
    elif form.validate():
        try:
            memos.update_header(current_user, memo, **{
                f: getattr(form, f).data for f in (
                    "title", "date", "diarienummer", "handlaggare", "recipient", "meeting_date")})
        except Invalid as e:
            db.session.rollback()
            show_invalid(form, e, form.title)
        else:
            flash("Uppgifterna är sparade.", "success")
            return redirect(_url("edit", memo))
    status = 422 if _receiving() else 200
    return _render("memos/edit.html", memo, status, form=form, part="uppgifter",
                   print_form=_memo_print_form(memo, posted=False))


# How a document's head prints (plan file 2.1): the same widgets for the memo and an
# appendix. A choice of three for the type and the sender: the default, none, one's own.

EXTRA_HEADER_ROWS = 2


def _either_data(value):
    """(choice, text) of a stored value where None is the default and "" nothing."""
    if value is None:
        return memos.STANDARD, ""
    return (memos.NONE, "") if value == "" else (memos.OTHER, value)


def _fill_heading(form, item):
    """Fill the shared fields of a print form from a memo or an appendix."""
    form.issuer_choice.data, form.issuer.data = _either_data(item.issuer)
    form.header_choice.data = memos.HEADER_OWN if item.header is None else memos.HEADER_GIVEN
    while form.header.entries:
        form.header.pop_entry()
    for line in (item.header or []) + [{"label": "", "value": ""}] * EXTRA_HEADER_ROWS:
        form.header.append_entry({"label": line.get("label"), "value": line.get("value")})
    form.running_lines.data = "\n".join(item.running_lines or [])


def _heading_choices(form, plan, own):
    form.issuer_choice.choices = choices([
        (memos.STANDARD, f"Förvaltningen ({plan.administration})"),
        (memos.NONE, "Ingen avsändare"), (memos.OTHER, "Annan:")])
    form.header_choice.choices = choices([
        (memos.HEADER_OWN, own), (memos.HEADER_GIVEN, "Egna fält (tabellen nedan)")])


def _heading_values(form):
    return dict(issuer=(form.issuer_choice.data, form.issuer.data),
                header=(form.header_choice.data,
                        [(e.form.label.data, e.form.value.data) for e in form.header]),
                running_lines=form.running_lines.data)


def _memo_print_form(memo, posted):
    form = MemoPrintForm(formdata=request.form if posted else None, prefix="u")
    _heading_choices(form, memo.plan, "Tjänsteskrivelsens egna: Datum, Diarienummer, Handläggare")
    standard = "Tjänsteskrivelse" + (f" till {memo.recipient}" if memo.recipient else "")
    form.document_type_choice.choices = choices([
        (memos.STANDARD, f"Standard ({standard})"), (memos.NONE, "Ingen dokumenttyp"),
        (memos.OTHER, "Annan:")])
    if not posted:
        form.document_type_choice.data, form.document_type.data = _either_data(
            memo.document_type)
        _fill_heading(form, memo)
    return form


@bp.post("/utskrift")
def memo_print(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = _memo_print_form(memo, posted=True)
    if form.validate():
        try:
            memos.update_memo_print(
                current_user, memo,
                document_type=(form.document_type_choice.data, form.document_type.data),
                **_heading_values(form))
        except Invalid as e:
            db.session.rollback()
            show_invalid(form, e, form.issuer_choice)
        else:
            flash("Sidhuvudet är sparat.", "success")
            return redirect(_url("edit", memo) + "#utskrift")
    db.session.rollback()
    memo = reports.find_memo(plan_key, phase_key)
    header = HeaderForm(formdata=None, obj=memo)
    header.date.data = memo.date.isoformat() if memo.date else ""
    header.meeting_date.data = memo.meeting_date.isoformat() if memo.meeting_date else ""
    header.handlaggare.data = ", ".join(memo.handlaggare or [])
    return _render("memos/edit.html", memo, 422, form=header, part="uppgifter",
                   print_form=form)


@bp.get("/forsta-sidan.png")
def memo_first_page(plan_key, phase_key):
    """The memo's first page as it prints, as an image."""
    memo = reports.find_memo(plan_key, phase_key)
    return Response(memos.memo_first_page_image(memo), mimetype="image/png",
                    headers={"Cache-Control": "no-store"})


# The plan's own words and print options, for every document of the plan.

def _plan_print_form(memo, posted):
    form = plan_print_form(wording.KEYS, memos.WORD_LABELS)(
        formdata=request.form if posted else None, prefix="p")
    if not posted:
        _fill_words(form.words, memo.plan.wording or {}, wording.KEYS)
        form.hyphenate.data = bool((memo.plan.print_options or {}).get("hyphenate", False))
    return form


def _fill_words(form, stored, keys):
    for key in keys:
        sub = form[key]
        if key in stored:
            value = stored[key]
            sub.form.off.data = value is None or value == ""
            sub.form.text.data = value or ""
        else:
            sub.form.off.data, sub.form.text.data = False, ""


def _posted_words(form, keys):
    return {k: (form[k].form.text.data, form[k].form.off.data) for k in keys}


@bp.route("/ord-och-utskrift", methods=["GET", "POST"])
def plan_print(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = _plan_print_form(memo, _receiving())
    if _receiving() and form.validate():
        try:
            memos.update_plan_print(current_user, memo,
                                    words=_posted_words(form.words, wording.KEYS),
                                    hyphenate=form.hyphenate.data)
        except Invalid as e:
            db.session.rollback()
            _word_error(form.words, e, form.hyphenate)
        else:
            flash("Orden och utskriften för hela planen är sparade.", "success")
            return redirect(_url("plan_print", memo))
    status = 422 if _receiving() else 200
    return _render("memos/plan_print.html", memo, status, form=form, part="ord",
                   defaults=wording.DEFAULTS, keys=wording.KEYS, word_labels=memos.WORD_LABELS,
                   documents=_document_links(memo))


def _document_links(memo):
    return compose.document_titles(memo)


def _word_error(words, error, fallback):
    """A service's Invalid under the word it names, else under ``fallback``."""
    try:
        words[error.field].form.text.errors.append(error.message)
    except (KeyError, TypeError):
        fallback.errors = list(fallback.errors) + [error.message]


@bp.route("/forslag", methods=["GET", "POST"])
def proposals(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = ProposalsForm(formdata=request.form if _receiving() else None)
    if not _receiving():
        form.proposals_intro.data = memo.proposals_intro
        form.proposals.data = "\n".join(memo.proposals or [])
        form.numbered.data = memo.numbered_proposals is not False
        form.appendices_heading.data = memo.appendices_heading
        people = list(memo.signatures or [])
        while form.signatures.entries:
            form.signatures.pop_entry()
        for person in people + [{"name": "", "title": ""}]:
            form.signatures.append_entry(person)
    elif form.validate():
        try:
            memos.update_proposals(
                current_user, memo, proposals_intro=form.proposals_intro.data,
                proposals=form.proposals.data, numbered=form.numbered.data,
                signatures=[(e.form.name.data, e.form.title.data) for e in form.signatures],
                appendices_heading=form.appendices_heading.data)
        except Invalid as e:
            db.session.rollback()
            show_invalid(form, e, form.proposals)
        else:
            flash("Förslagen och underskrifterna är sparade.", "success")
            return redirect(_url("proposals", memo))
    status = 422 if _receiving() else 200
    return _render("memos/proposals.html", memo, status, form=form, part="forslag")


# Sections

def _section_form(memo, section=None, prefix="ny", posted=None):
    receiving = _receiving() if posted is None else posted
    # The object fills the form only for showing: posted data must not be mixed
    # with stored values of fields the post left out.
    form = SectionForm(formdata=request.form if receiving else None,
                       obj=None if receiving else section, prefix=prefix)
    form.tables.choices = choices([(t.key, t.title) for t in memo.plan.tables])
    if section is not None and not receiving:
        form.level.data = str(section.level or 1)
        form.body.data = section.body or ""
        form.body_after.data = section.body_after or ""
    return form


def _section_editors(memo, owner, texts):
    insert_choices = [(k, label) for k, (label, _) in texts.items()]
    out = []
    for s in sorted(owner.sections, key=lambda s: s.position):
        insert = InsertForm(formdata=None, prefix=f"i{s.id}")
        insert.text.choices = choices(insert_choices)
        out.append((s, _section_form(memo, s, f"s{s.id}", posted=False), insert))
    return out


@bp.get("/avsnitt")
def sections(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    texts = generated_texts(memo)
    return _render("memos/sections.html", memo, part="avsnitt", texts=texts,
                   sections=_section_editors(memo, memo, texts),
                   new_section=_section_form(memo))


def _section(memo, section_id):
    section = db.session.get(Section, section_id)
    owner = section and (section.memo or (section.appendix and section.appendix.memo))
    if owner is None or owner.id != memo.id:
        raise NotFound("Avsnittet finns inte i tjänsteskrivelsen.")
    return section


@bp.post("/avsnitt")
@bp.post("/bilagor/<int:appendix_id>/avsnitt")
def add_section(plan_key, phase_key, appendix_id=None):
    memo = reports.find_memo(plan_key, phase_key)
    owner = _appendix(memo, appendix_id) if appendix_id else memo
    form = _section_form(memo, prefix=f"ny{appendix_id}" if appendix_id else "ny")
    if not form.validate():
        flash("Avsnittet behöver en rubrik.", "error")
        return redirect(_page_of(memo, owner))
    return _run(lambda: memos.add_section(
        current_user, memo, owner, heading=form.heading.data, level=form.level.data,
        body=form.body.data, tables=form.tables.data, body_after=form.body_after.data),
        "Avsnittet är tillagt.", _page_of(memo, owner) + "#avsnitt")


@bp.post("/avsnitt/<int:section_id>")
def update_section(plan_key, phase_key, section_id):
    memo = reports.find_memo(plan_key, phase_key)
    section = _section(memo, section_id)
    back = _page_of(memo, section.memo or section.appendix) + f"#avsnitt-{section_id}"
    form = _section_form(memo, section, f"s{section.id}")
    if not form.validate():
        flash("Avsnittet behöver en rubrik.", "error")
        return redirect(back)
    return _run(lambda: memos.update_section(
        current_user, memo, section, heading=form.heading.data, level=form.level.data,
        body=form.body.data, tables=form.tables.data, body_after=form.body_after.data),
        "Avsnittet är sparat.", back)


@bp.post("/avsnitt/<int:section_id>/<any('upp', 'ner', 'ta-bort', 'infoga'):action>")
def section_action(plan_key, phase_key, section_id, action):
    memo = reports.find_memo(plan_key, phase_key)
    section = _section(memo, section_id)
    page = _page_of(memo, section.memo or section.appendix)
    back = page + f"#avsnitt-{section_id}"
    if action == "infoga":
        form = InsertForm(prefix=f"i{section.id}")
        texts = generated_texts(memo)
        if not form.validate() or form.text.data not in texts:
            flash("Välj en genererad text.", "error")
            return redirect(back)
        return _run(lambda: memos.append_text(current_user, memo, section,
                                              texts[form.text.data][1]),
                    "Texten är infogad; redigera den gärna.", back)
    if not EmptyForm().validate():
        return redirect(back)
    if action == "ta-bort":
        return _run(lambda: memos.delete_section(current_user, memo, section),
                    "Avsnittet är borttaget.", page + "#avsnitt")
    return _run(lambda: memos.move_section(current_user, memo, section,
                                           -1 if action == "upp" else 1),
                "Avsnittet är flyttat.", back)


# Appendices and chapters

def _appendix(memo, appendix_id):
    appendix = db.session.get(Appendix, appendix_id)
    if appendix is None or appendix.memo_id != memo.id:
        raise NotFound("Bilagan finns inte i tjänsteskrivelsen.")
    return appendix


def _new_part_form(prefix, posted=None):
    posted = _receiving() if posted is None else posted
    form = NewAppendixForm(formdata=request.form if posted else None, prefix=prefix)
    form.kind.choices = choices(list(memos.KINDS.items()))
    return form


@bp.get("/bilagor")
def appendices(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    return _render("memos/appendices.html", memo, part="bilagor",
                   appendices=sorted(memo.appendices, key=lambda a: a.position),
                   new_appendix=_new_part_form("nyb"))


@bp.post("/bilagor")
def add_appendix(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = _new_part_form("nyb")
    if not form.validate():
        flash("Bilagan behöver en titel.", "error")
        return redirect(_url("appendices", memo))
    return _run(lambda: memos.add_appendix(current_user, memo, title=form.title.data,
                                           kind=form.kind.data),
                "Bilagan är tillagd.", _url("appendices", memo))


def _appendix_form(memo, appendix, posted=None):
    receiving = _receiving() if posted is None else posted
    form = AppendixForm(formdata=request.form if receiving else None,
                        obj=None if receiving else appendix, prefix=f"b{appendix.id}")
    form.kind.choices = choices(list(memos.KINDS.items()))
    form.node_types.choices = choices([(t.key, t.plural or t.label)
                                       for t in memo.plan.node_types])
    form.tables.choices = choices([(t.key, t.title) for t in memo.plan.tables])
    form.document_type_choice.choices = choices([
        (memos.STANDARD, f"Standard ({compose.DEFAULT_APPENDIX_TYPE})"),
        (memos.NONE, "Ingen dokumenttyp"), (memos.OTHER, "Annan:")])
    if not receiving:
        form.document_type_choice.data, form.document_type.data = _either_data(
            appendix.document_type)
        form.handlaggare.data = ", ".join(appendix.handlaggare or [])
        form.date.data = appendix.date.isoformat() if appendix.date else ""
        form.intro.data = appendix.intro or ""
        form.new_page.data = bool(appendix.new_page)
    return form


def _report_form(appendix, posted=False):
    form = ReportForm(formdata=request.form if posted else None, prefix=f"r{appendix.id}")
    depth = memos.contents_choice(appendix)
    offered = dict(memos.CONTENTS)
    offered.setdefault(depth, f"Rubriker ned till nivå {depth}")
    form.contents.choices = choices([(str(k), v) for k, v in sorted(offered.items())])
    if posted:
        return form
    cover = appendix.cover or {}
    form.contents.data = str(depth)
    form.cover_title.data = cover.get("title")
    form.cover_subtitle.data = cover.get("subtitle")
    form.cover_lines.data = "\n".join(cover.get("lines") or [])
    return form


def _control_form(memo, part, posted=None):
    posted = _receiving() if posted is None else posted
    form = ControlColumnsForm(formdata=request.form if posted else None,
                              prefix=f"k{part.id}")
    field_choices = choices([("", "(ingen)")] + list(memos.CONTROL_FIELDS.items()))
    if not posted:
        for column in list(part.columns or []) + [{}] * EMPTY_COLUMNS:
            form.columns.append_entry(_column_data(column))
        form.phases.data = list(part.phases or [])
    for entry in form.columns:
        entry.form.field.choices = field_choices
    form.phases.choices = choices([(p.key, p.label) for p in memo.plan.phases])
    return form


def _column_data(column):
    """A stored column as the column editor shows it; {} for a blank row."""
    width = column.get("width")
    return {"field": column.get("field", ""), "header": column.get("header", ""),
            "width": "" if width is None else format_number(width),
            "with_comment": bool(column.get("with_comment")),
            "merge_repeats": bool(column.get("merge_repeats"))}


def format_number(value):
    """A width as typed in Swedish: 40, 33,5."""
    return (str(int(value)) if float(value).is_integer() else str(value)).replace(".", ",")


def _print_form(memo, part, posted=False):
    keys = memos.APPENDIX_WORDS
    form = appendix_print_form(keys, memos.WORD_LABELS)(
        formdata=request.form if posted else None, prefix=f"u{part.id}")
    default = memos.ORIENTATIONS[memos.default_orientation(part)].lower()
    form.orientation.choices = choices([
        (k, f"{v} (standard för den här sortens innehåll)" if v.lower() == default else v)
        for k, v in memos.ORIENTATIONS.items()])
    _heading_choices(form, memo.plan, "Bilagans egna: Datum, Diarienummer, Handläggare "
                     "(ovan)")
    if not posted:
        form.orientation.data = part.orientation or memos.default_orientation(part)
        form.level_chart.data = bool(part.level_chart)
        _fill_heading(form, part)
        _fill_words(form.words, part.wording or {}, keys)
    return form


def _appendix_page(memo, part, status=200, **posted):
    texts = generated_texts(memo)
    forms = dict(form=_appendix_form(memo, part, False), report_form=_report_form(part),
                 control_form=_control_form(memo, part, False),
                 print_form=_print_form(memo, part))
    forms.update(posted)
    return _render("memos/appendix.html", memo, status, part="bilagor", appendix=part,
                   chapters=sorted(part.chapters, key=lambda c: c.position),
                   new_chapter=_new_part_form(f"nyk{part.id}", False), texts=texts,
                   sections=_section_editors(memo, part, texts),
                   new_section=_section_form(memo, prefix=f"ny{part.id}", posted=False),
                   word_labels=memos.WORD_LABELS, plan_words=_plan_words(memo.plan), **forms)


def _plan_words(plan):
    """What each word prints for the whole plan: shown where a field is left empty."""
    words = wording.for_plan(plan)
    return {key: getattr(words, key) for key in wording.KEYS}


def _reload(plan_key, phase_key, appendix_id):
    """After a refused save: the memo and the part as stored."""
    db.session.rollback()
    memo = reports.find_memo(plan_key, phase_key)
    return memo, _appendix(memo, appendix_id)


@bp.route("/bilagor/<int:appendix_id>", methods=["GET", "POST"])
def appendix(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    if not _receiving():
        return _appendix_page(memo, part)
    form = _appendix_form(memo, part)
    if form.validate():
        fields = ["title", "kind", "intro", "node_types", "tables", "number", "heading",
                  "date", "diarienummer", "handlaggare", "new_page"]
        try:
            memos.update_appendix(
                current_user, memo, part,
                document_type=(form.document_type_choice.data, form.document_type.data),
                **{f: getattr(form, f).data for f in fields})
        except Invalid as e:
            db.session.rollback()
            show_invalid(form, e, form.title)
        else:
            flash("Kapitlet är sparat." if part.parent else "Bilagan är sparad.", "success")
            return redirect(_url("appendix", memo, appendix_id=part.id))
    memo, part = _reload(plan_key, phase_key, appendix_id)
    return _appendix_page(memo, part, 422, form=form)


@bp.post("/bilagor/<int:appendix_id>/utskrift")
def appendix_print(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    form = _print_form(memo, part, posted=True)
    if form.validate():
        values = {} if part.parent else dict(
            _heading_values(form), words=_posted_words(form.words, memos.APPENDIX_WORDS))
        try:
            memos.update_appendix_print(current_user, memo, part,
                                        orientation=form.orientation.data,
                                        level_chart=form.level_chart.data, **values)
        except Invalid as e:
            db.session.rollback()
            if e.field in memos.APPENDIX_WORDS:
                _word_error(form.words, e, form.orientation)
            else:
                show_invalid(form, e, form.orientation)
        else:
            flash("Utskriften är sparad.", "success")
            return redirect(_url("appendix", memo, appendix_id=part.id) + "#utskrift")
    memo, part = _reload(plan_key, phase_key, appendix_id)
    return _appendix_page(memo, part, 422, print_form=form)


@bp.post("/bilagor/<int:appendix_id>/rapport")
def report(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    form = _report_form(part, posted=True)
    back = _url("appendix", memo, appendix_id=part.id)
    if form.validate():
        try:
            memos.update_report(
                current_user, memo, part, contents=form.contents.data,
                cover_title=form.cover_title.data, cover_subtitle=form.cover_subtitle.data,
                cover_lines=form.cover_lines.data)
        except Invalid as e:
            db.session.rollback()
            show_invalid(form, e, form.contents)
        else:
            flash("Försättssida och innehållsförteckning är sparade.", "success")
            return redirect(back + "#rapport")
    memo, part = _reload(plan_key, phase_key, appendix_id)
    return _appendix_page(memo, part, 422, report_form=form)


@bp.post("/bilagor/<int:appendix_id>/kolumner")
def control_columns(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    form = _control_form(memo, part)
    if form.validate():
        try:
            memos.update_control_columns(
                current_user, memo, part,
                columns=[(e.form.field.data, e.form.header.data, e.form.width.data,
                          {"with_comment": e.form.with_comment.data,
                           "merge_repeats": e.form.merge_repeats.data})
                         for e in form.columns],
                phases=form.phases.data)
        except Invalid as e:
            db.session.rollback()
            form.form_errors.append(e.message)
        else:
            flash("Tabellens kolumner är sparade.", "success")
            return redirect(_url("appendix", memo, appendix_id=part.id) + "#kolumner")
    memo, part = _reload(plan_key, phase_key, appendix_id)
    return _appendix_page(memo, part, 422, control_form=form)


@bp.post("/bilagor/<int:appendix_id>/kapitel")
def add_chapter(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    form = _new_part_form(f"nyk{part.id}")
    back = _url("appendix", memo, appendix_id=part.id) + "#kapitel"
    if not form.validate():
        flash("Kapitlet behöver en rubrik.", "error")
        return redirect(back)
    return _run(lambda: memos.add_chapter(current_user, memo, part, title=form.title.data,
                                          kind=form.kind.data), "Kapitlet är tillagt.", back)


@bp.post("/bilagor/<int:appendix_id>/<any('upp', 'ner', 'ta-bort'):action>")
def appendix_action(plan_key, phase_key, appendix_id, action):
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    listing = (_url("appendix", memo, appendix_id=part.parent.id) + "#kapitel"
               if part.parent else _url("appendices", memo))
    if not EmptyForm().validate():
        return redirect(listing)
    if action == "ta-bort":
        return _run(lambda: memos.delete_appendix(current_user, memo, part),
                    "Kapitlet är borttaget." if part.parent else "Bilagan är borttagen.",
                    listing)
    return _run(lambda: memos.move_appendix(current_user, memo, part,
                                            -1 if action == "upp" else 1),
                "Kapitlet är flyttat." if part.parent else "Bilagan är flyttad.", listing)


# How a plan part prints

DEFAULT = ""  # the layout editor's choice for "as the default rules say"


def _layout_form(memo, part):
    form = LayoutForm(formdata=request.form if _receiving() else None)
    entries = memos.layout_entries(memo.plan, part)
    layout = part.layout or {}
    kept = {}  # fields a column of the file has that the editor does not offer
    for spec in layout.values():
        for column in (spec or {}).get("columns") or []:
            if column.get("field") not in memos.NODE_FIELDS:
                name = column.get("field")
                kept[name] = memos.KEPT_FIELDS.get(name, name)
    if not _receiving():
        for key, _ in entries:
            spec = layout.get(key) or {}
            form.entries.append_entry({
                "display": spec.get("display", DEFAULT), "level": spec.get("level", "text"),
                "lead": spec.get("lead"), "title_prefix": (spec.get("prefix") or "").strip(),
                "prefix_position": spec.get("prefix_position") or "before_title",
                "caption": spec.get("caption"),
                "heading": spec.get("heading"), "intro": spec.get("intro"),
                "columns": [_column_data(c) for c in
                            list(spec.get("columns") or []) + [{}] * EMPTY_COLUMNS]})
    displays = choices([(DEFAULT, "Som standard")] + list(memos.DISPLAYS.items()))
    levels = choices(list(memos.LEVEL_DISPLAYS.items()))
    positions = choices(list(memos.PREFIX_POSITIONS.items()))
    fields = choices([("", "(ingen)")] + list(memos.NODE_FIELDS.items()) + list(kept.items()))
    for entry in form.entries:
        entry.form.display.choices = displays
        entry.form.level.choices = levels
        entry.form.prefix_position.choices = positions
        for column in entry.form.columns:
            column.form.field.choices = fields
    return form, entries


@bp.route("/bilagor/<int:appendix_id>/utseende", methods=["GET", "POST"])
def layout(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    if part.kind != "plan":
        raise NotFound("Utseendet per punkt gäller bara delar som följer upp målen.")
    form, entries = _layout_form(memo, part)
    back = _url("layout", memo, appendix_id=part.id)
    status = 200
    if _receiving():
        if len(form.entries) != len(entries) or not form.validate():
            flash("Formuläret stämmer inte med planen; ladda om sidan.", "error")
            return redirect(back)
        specs = {}
        for (key, _), entry in zip(entries, form.entries):
            f = entry.form
            specs[key] = {
                "display": f.display.data, "level": f.level.data, "lead": f.lead.data,
                "prefix": f.title_prefix.data, "prefix_position": f.prefix_position.data,
                "caption": f.caption.data, "heading": f.heading.data, "intro": f.intro.data,
                "columns": [(c.form.field.data, c.form.header.data, c.form.width.data)
                            for c in f.columns]}
        try:
            memos.update_layout(current_user, memo, part, specs)
        except Invalid as e:
            db.session.rollback()
            form.form_errors.append(e.message)
            status = 422
            memo = reports.find_memo(plan_key, phase_key)
            part = _appendix(memo, appendix_id)
        else:
            flash("Utseendet är sparat.", "success")
            return redirect(back)
    return _render("memos/layout.html", memo, status, part="bilagor", appendix=part, form=form,
                   entries=list(zip(entries, form.entries)))


@bp.get("/bilagor/<int:appendix_id>/forsta-sidan.png")
def first_page(plan_key, phase_key, appendix_id):
    """The first page of the appendix (or of the chapter) as it prints, as an image."""
    memo = reports.find_memo(plan_key, phase_key)
    part = _appendix(memo, appendix_id)
    image = reports.first_page_image(memo, part)
    return Response(image, mimetype="image/png", headers={"Cache-Control": "no-store"})
