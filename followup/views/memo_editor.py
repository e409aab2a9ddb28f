"""The compiler composes a phase's memo: fields, proposals, sections, appendices,
and generated summaries inserted as editable text."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Appendix, Section
from ..services import followups as fu
from ..services import memos, permissions, reports, summaries
from ..services.errors import Invalid, NotFound
from .forms import (
    AppendixForm, EmptyForm, InsertForm, MemoForm, NewAppendixForm, SectionForm, choices,
)

bp = Blueprint("memo_editor", __name__,
               url_prefix="/plans/<plan_key>/phases/<phase_key>/tjansteskrivelse/redigera")


@bp.before_request
@login_required
def require_compiler():
    permissions.require_compiler(current_user)


def _back(plan_key, phase_key, anchor=""):
    return redirect(url_for(".edit", plan_key=plan_key, phase_key=phase_key) + anchor)


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


def _section_form(memo, section=None, prefix="ny"):
    receiving = request.method == "POST"
    # The object fills the form only for showing: posted data must not be mixed
    # with stored values of fields the post left out.
    form = SectionForm(formdata=request.form if receiving else None,
                       obj=None if receiving else section, prefix=prefix)
    form.tables.choices = choices([(t.key, t.title) for t in memo.plan.tables])
    if section is not None and not receiving:
        form.level.data = str(section.level or 1)
        form.body.data = section.body or ""
    return form


def _appendix_form(memo, appendix):
    receiving = request.method == "POST"
    form = AppendixForm(formdata=request.form if receiving else None,
                        obj=None if receiving else appendix, prefix=f"b{appendix.id}")
    form.kind.choices = choices(list(memos.KINDS.items()))
    form.node_types.choices = choices([(t.key, t.label) for t in memo.plan.node_types])
    form.tables.choices = choices([(t.key, t.title) for t in memo.plan.tables])
    if not receiving:
        form.handlaggare.data = ", ".join(appendix.handlaggare or [])
        form.date.data = appendix.date.isoformat() if appendix.date else ""
        form.intro.data = appendix.intro or ""
    return form


@bp.post("/skapa")
def create(plan_key, phase_key):
    plan, phase, _ = fu.locate(plan_key, phase_key)
    if EmptyForm().validate():
        try:
            memos.create_memo(current_user, plan, phase)
        except Invalid as e:
            flash(e.message, "error")
    return _back(plan_key, phase_key)


@bp.route("/", methods=["GET", "POST"])
def edit(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    receiving = request.method == "POST"
    form = MemoForm(formdata=request.form if receiving else None, obj=None if receiving else memo)
    if request.method != "POST":
        form.date.data = memo.date.isoformat() if memo.date else ""
        form.meeting_date.data = memo.meeting_date.isoformat() if memo.meeting_date else ""
        form.handlaggare.data = ", ".join(memo.handlaggare or [])
        form.proposals.data = "\n".join(memo.proposals or [])
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                memos.update_memo(current_user, memo, **{
                    f: getattr(form, f).data for f in (
                        "title", "date", "diarienummer", "handlaggare", "recipient",
                        "meeting_date", "proposals_intro", "proposals")})
            except Invalid as e:
                db.session.rollback()
                form.title.errors.append(e.message)
            else:
                flash("Tjänsteskrivelsen är sparad.", "success")
                return _back(plan_key, phase_key)
        status = 422
        memo = reports.find_memo(plan_key, phase_key)
    return _page(memo, form), status


def _page(memo, form):
    texts = generated_texts(memo)
    insert_choices = [(k, label) for k, (label, _) in texts.items()]

    def insert_form(section):
        f = InsertForm(formdata=None, prefix=f"i{section.id}")
        f.text.choices = choices(insert_choices)
        return f

    new_appendix = NewAppendixForm(formdata=None, prefix="nyb")
    new_appendix.kind.choices = choices(list(memos.KINDS.items()))
    sections = sorted(memo.sections, key=lambda s: s.position)
    appendices = sorted(memo.appendices, key=lambda a: a.position)
    return render_template(
        "memos/edit.html", memo=memo, plan=memo.plan, phase=memo.phase, form=form,
        sections=[(s, _section_form(memo, s, f"s{s.id}"), insert_form(s)) for s in sections],
        new_section=_section_form(memo),
        appendices=[(a, _appendix_form(memo, a),
                     [(s, _section_form(memo, s, f"s{s.id}"), insert_form(s))
                      for s in sorted(a.sections, key=lambda s: s.position)],
                     _section_form(memo, prefix=f"ny{a.id}"))
                    for a in appendices],
        new_appendix=new_appendix, texts=texts, button=EmptyForm())


def _section(memo, section_id):
    section = db.session.get(Section, section_id)
    owner = section and (section.memo or (section.appendix and section.appendix.memo))
    if owner is None or owner.id != memo.id:
        raise NotFound("Avsnittet finns inte i tjänsteskrivelsen.")
    return section


def _appendix(memo, appendix_id):
    appendix = db.session.get(Appendix, appendix_id)
    if appendix is None or appendix.memo_id != memo.id:
        raise NotFound("Bilagan finns inte i tjänsteskrivelsen.")
    return appendix


def _run(action, success, plan_key, phase_key, anchor=""):
    try:
        action()
    except Invalid as e:
        db.session.rollback()
        flash(e.message, "error")
    else:
        flash(success, "success")
    return _back(plan_key, phase_key, anchor)


@bp.post("/avsnitt")
@bp.post("/bilagor/<int:appendix_id>/avsnitt")
def add_section(plan_key, phase_key, appendix_id=None):
    memo = reports.find_memo(plan_key, phase_key)
    owner = _appendix(memo, appendix_id) if appendix_id else memo
    form = _section_form(memo, prefix=f"ny{appendix_id}" if appendix_id else "ny")
    if not form.validate():
        flash("Avsnittet behöver en rubrik.", "error")
        return _back(plan_key, phase_key)
    return _run(lambda: memos.add_section(
        current_user, memo, owner, heading=form.heading.data, level=form.level.data,
        body=form.body.data, tables=form.tables.data), "Avsnittet är tillagt.", plan_key, phase_key,
        f"#bilaga-{appendix_id}" if appendix_id else "#avsnitt")


@bp.post("/avsnitt/<int:section_id>")
def update_section(plan_key, phase_key, section_id):
    memo = reports.find_memo(plan_key, phase_key)
    section = _section(memo, section_id)
    form = _section_form(memo, section, f"s{section.id}")
    if not form.validate():
        flash("Avsnittet behöver en rubrik.", "error")
        return _back(plan_key, phase_key, f"#avsnitt-{section_id}")
    return _run(lambda: memos.update_section(
        current_user, memo, section, heading=form.heading.data, level=form.level.data,
        body=form.body.data, tables=form.tables.data), "Avsnittet är sparat.", plan_key,
        phase_key, f"#avsnitt-{section_id}")


@bp.post("/avsnitt/<int:section_id>/<any('upp', 'ner', 'ta-bort', 'infoga'):action>")
def section_action(plan_key, phase_key, section_id, action):
    memo = reports.find_memo(plan_key, phase_key)
    section = _section(memo, section_id)
    if action == "infoga":
        form = InsertForm(prefix=f"i{section.id}")
        texts = generated_texts(memo)
        if not form.validate() or form.text.data not in texts:
            flash("Välj en genererad text.", "error")
            return _back(plan_key, phase_key, f"#avsnitt-{section_id}")
        return _run(lambda: memos.append_text(current_user, memo, section,
                                              texts[form.text.data][1]),
                    "Texten är infogad; redigera den gärna.", plan_key, phase_key,
                    f"#avsnitt-{section_id}")
    if not EmptyForm().validate():
        return _back(plan_key, phase_key)
    if action == "ta-bort":
        return _run(lambda: memos.delete_section(current_user, memo, section),
                    "Avsnittet är borttaget.", plan_key, phase_key)
    return _run(lambda: memos.move_section(current_user, memo, section,
                                           -1 if action == "upp" else 1),
                "Avsnittet är flyttat.", plan_key, phase_key, f"#avsnitt-{section_id}")


@bp.post("/bilagor")
def add_appendix(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = NewAppendixForm(prefix="nyb")
    form.kind.choices = choices(list(memos.KINDS.items()))
    if not form.validate():
        flash("Bilagan behöver en titel.", "error")
        return _back(plan_key, phase_key, "#bilagor")
    return _run(lambda: memos.add_appendix(current_user, memo, title=form.title.data,
                                           kind=form.kind.data),
                "Bilagan är tillagd.", plan_key, phase_key, "#bilagor")


@bp.post("/bilagor/<int:appendix_id>")
def update_appendix(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    appendix = _appendix(memo, appendix_id)
    form = _appendix_form(memo, appendix)
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back(plan_key, phase_key, f"#bilaga-{appendix_id}")
    fields = ("number", "title", "kind", "document_type", "heading", "date", "diarienummer",
              "handlaggare", "intro", "node_types", "tables")
    return _run(lambda: memos.update_appendix(
        current_user, memo, appendix, **{f: getattr(form, f).data for f in fields}),
        "Bilagan är sparad.", plan_key, phase_key, f"#bilaga-{appendix_id}")


@bp.post("/bilagor/<int:appendix_id>/<any('upp', 'ner', 'ta-bort'):action>")
def appendix_action(plan_key, phase_key, appendix_id, action):
    memo = reports.find_memo(plan_key, phase_key)
    appendix = _appendix(memo, appendix_id)
    if not EmptyForm().validate():
        return _back(plan_key, phase_key)
    if action == "ta-bort":
        return _run(lambda: memos.delete_appendix(current_user, memo, appendix),
                    "Bilagan är borttagen.", plan_key, phase_key, "#bilagor")
    return _run(lambda: memos.move_appendix(current_user, memo, appendix,
                                            -1 if action == "upp" else 1),
                "Bilagan är flyttad.", plan_key, phase_key, f"#bilaga-{appendix_id}")


