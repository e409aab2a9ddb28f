"""A phase's memo in the browser: status, preview, downloads, sign-off and reopening."""

import os

from flask import (
    Blueprint, Response, current_app, flash, redirect, render_template, url_for,
)
from flask_login import current_user, login_required

from ..models import MemoState, Role
from ..documents import compose
from ..services import permissions, reports, signoff
from ..services.errors import Invalid, NotFound
from .forms import EmptyForm, ReopenForm, choices
from .memo_forms import NewMemoForm

bp = Blueprint("memos", __name__, url_prefix="/plans/<plan_key>/phases/<phase_key>/tjansteskrivelse")


@bp.before_request
@login_required
def require_reader():
    permissions.require_read(current_user)


def _storage():
    return current_app.instance_path


def _pdf_response(data, name):
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": "private, no-store"})


@bp.get("/")
def show(plan_key, phase_key):
    try:
        memo = reports.find_memo(plan_key, phase_key)
    except NotFound:
        if not permissions.is_compiler(current_user):
            raise
        plan, phase, _ = reports.locate(plan_key, phase_key)
        form = NewMemoForm(formdata=None)
        earlier = sorted((m for m in plan.memos if m.phase.position < phase.position),
                         key=lambda m: -m.phase.position)
        form.copy_from.choices = choices([("", "En tom tjänsteskrivelse")] + [
            (str(m.id), f"En kopia av {m.title}") for m in earlier])
        if earlier:
            form.copy_from.data = str(earlier[0].id)
        return render_template("memos/none.html", plan=plan, phase=phase, form=form)
    # Only the list of documents: rendering them (and their charts) waits for a preview.
    docs = compose.document_titles(memo)
    return render_template(
        "memos/show.html", memo=memo, plan=memo.plan, phase=memo.phase, docs=docs,
        state_label=signoff.MEMO_STATE_LABELS[memo.state],
        warnings=reports.table_warnings(memo) if permissions.is_compiler(current_user) else [],
        may_sign=current_user.role is Role.approver, sign_form=EmptyForm(), reopen_form=ReopenForm(),
        may_edit=permissions.is_compiler(current_user) and memo.state is not MemoState.signed,
        users=reports.signer_names(memo))


@bp.get("/forhandsgranska/<doc_key>")
def preview(plan_key, phase_key, doc_key):
    memo = reports.find_memo(plan_key, phase_key)
    doc = next((d for d in reports.documents(memo, preview=True) if d.key == doc_key), None)
    if doc is None:
        raise NotFound("Dokumentet finns inte i tjänsteskrivelsen.")
    return doc.html


@bp.get("/pdf")
def case_pdf(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    if memo.state is MemoState.signed:  # the signed file, byte for byte
        _, data = signoff.signed_pdf(memo, _storage())
        return _pdf_response(data, reports.file_name(memo))
    return _pdf_response(reports.render_pdf(memo), reports.file_name(memo))


@bp.get("/pdf/bilaga/<int:number>")
def appendix_pdf(plan_key, phase_key, number):
    memo = reports.find_memo(plan_key, phase_key)
    return _pdf_response(reports.render_pdf(memo, number), reports.file_name(memo, number))


@bp.get("/pdf/version/<int:version>")
def signed_version(plan_key, phase_key, version):
    memo = reports.find_memo(plan_key, phase_key)
    entry, data = signoff.signed_pdf(memo, _storage(), version)
    base, _ = os.path.splitext(reports.file_name(memo))
    return _pdf_response(data, f"{base}-faststalld-v{entry.version}.pdf")


@bp.post("/signera")
def sign(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    if EmptyForm().validate():
        try:
            entry = signoff.sign(current_user, memo, _storage())
        except Invalid as e:
            flash(e.message, "error")
        else:
            flash(f"Tjänsteskrivelsen är fastställd (version {entry.version}). "
                  "Fasens uppföljningar är låsta.", "success")
    return redirect(url_for(".show", plan_key=plan_key, phase_key=phase_key))


@bp.post("/ateroppna")
def reopen(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = ReopenForm()
    if not form.validate():
        flash("Ange skälet till att tjänsteskrivelsen återöppnas.", "error")
    else:
        try:
            signoff.reopen(current_user, memo, form.reason.data)
        except Invalid as e:
            flash(e.message, "error")
        else:
            flash("Tjänsteskrivelsen är återöppnad. Nästa fastställelse blir en ny version.",
                  "success")
    return redirect(url_for(".show", plan_key=plan_key, phase_key=phase_key))


