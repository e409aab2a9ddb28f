"""A phase's memo in the browser: status, preview, downloads, sign-off and reopening."""

import os

from flask import (
    Blueprint, Response, flash, redirect, render_template, request, session, url_for,
)
from flask_login import current_user

from followup.core import pdf
from followup.core.errors import Frozen, Invalid, NotFound
from followup.core.extensions import db
from followup.core.forms import ReopenForm, choices
from followup.documents import compose
from followup.followups.lifecycle import STATE_LABELS
from followup.memos import freshness, reports, signoff, tasks
from followup.memos.forms import NewMemoForm, SignForm
from followup.memos.models import MemoState
from followup.people import access, permissions
from followup.plans import lookup

bp = Blueprint("memos", __name__, template_folder="../templates",
               url_prefix="/plans/<plan_key>/phases/<phase_key>/tjansteskrivelse")


bp.before_request(access.require_plan_reader)


def _pdf_response(data, name):
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": "private, no-store"})


def _render_failed(error, memo):
    """A document that could not be made into a PDF: which one and why, and the way back
    to the memo's page."""
    return render_template(
        "error.html", title="PDF:en kunde inte göras", message=error.message,
        back=url_for(".show", plan_key=memo.plan.key, phase_key=memo.phase.key)), error.status


@bp.get("/")
def show(plan_key, phase_key):
    try:
        memo = reports.find_memo(plan_key, phase_key)
    except NotFound:
        plan, phase, _ = lookup.locate(plan_key, phase_key)
        if not permissions.is_compiler(current_user, plan):
            raise
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
    is_compiler = permissions.is_compiler(current_user, memo.plan)
    return render_template(
        "memos/show.html", memo=memo, plan=memo.plan, phase=memo.phase, docs=docs,
        state_label=signoff.MEMO_STATE_LABELS[memo.state],
        warnings=reports.table_warnings(memo) if is_compiler else [],
        may_sign=permissions.is_approver(current_user, memo.plan), reopen_form=ReopenForm(),
        may_edit=is_compiler and memo.state is not MemoState.signed,
        users=reports.signer_names(memo),
        refreshing=memo.state is not MemoState.signed and freshness.refreshing(memo.plan_id))


@bp.get("/forhandsgranska/<doc_key>")
def preview(plan_key, phase_key, doc_key):
    memo = reports.find_memo(plan_key, phase_key, loaded=False)
    if doc_key == signoff.CASE:
        raise NotFound("Dokumentet finns inte i tjänsteskrivelsen.")
    return Response(signoff.document(memo, doc_key, "html"), mimetype="text/html")


# Each address its own rule, with what it gives as a default: url_for builds the one
# asked for (with two rules and no default it built the archival one for both).
@bp.get("/pdf", defaults={"archival": False})
@bp.get("/pdf/arkiv", defaults={"archival": True})
def case_pdf(plan_key, phase_key, archival):
    memo = reports.find_memo(plan_key, phase_key, loaded=False)
    try:
        data = signoff.document(memo, signoff.CASE, "archival" if archival else "pdf")
    except pdf.RenderFailed as e:
        return _render_failed(e, memo)
    return _pdf_response(data, reports.file_name(memo, archival=archival))


@bp.get("/pdf/bilaga/<int:number>", defaults={"archival": False})
@bp.get("/pdf/bilaga/<int:number>/arkiv", defaults={"archival": True})
def appendix_pdf(plan_key, phase_key, number, archival):
    memo = reports.find_memo(plan_key, phase_key, loaded=False)
    try:
        data = signoff.document(memo, f"bilaga-{number}", "archival" if archival else "pdf")
    except pdf.RenderFailed as e:
        return _render_failed(e, memo)
    return _pdf_response(data, reports.file_name(memo, number, archival=archival))


@bp.get("/pdf/version/<int:version>")
def signed_version(plan_key, phase_key, version):
    memo = reports.find_memo(plan_key, phase_key)
    entry, data = signoff.signed_file(memo, version=version)
    base, _ = os.path.splitext(reports.file_name(memo))
    return _pdf_response(data, f"{base}-faststalld-v{entry.version}.pdf")


@bp.route("/signera", methods=["GET", "POST"])
def sign(plan_key, phase_key):
    """The approver sees what is being signed, confirms, and signs: the confirmation is
    checked at once, and a job of the queue renders and stores the signed version while
    the page follows it (``signing``)."""
    memo = reports.find_memo(plan_key, phase_key, loaded=False)
    permissions.require_approver(current_user, memo.plan)
    form = SignForm()
    status = 200
    if request.method == "POST" and form.validate():
        try:
            started = tasks.start_signing(current_user, memo, confirm=form.confirm.data,
                                          reason=form.reason.data)
        except Invalid as e:
            (form.reason if e.field == "reason" else form.confirm).errors.append(e.message)
            status = 422
        except Frozen as e:
            flash(e.message, "error")
            return redirect(url_for(".show", plan_key=plan_key, phase_key=phase_key))
        else:
            state = tasks.signing(started)
            if not state.done:
                session.setdefault(SIGNING, []).append(started.id)
                session.modified = True
                return redirect(url_for(".signing", plan_key=plan_key, phase_key=phase_key,
                                        job_id=started.id))
            if not isinstance(state.error, Invalid):
                return _signed(state, plan_key, phase_key)
            (form.reason if state.error.field == "reason" else form.confirm).errors.append(
                state.error.message)
            status = 422
    elif request.method == "POST":
        status = 422
    return render_template("memos/sign.html", memo=memo, plan=memo.plan, phase=memo.phase,
                           ready=signoff.readiness(memo), form=form, states=STATE_LABELS), status


# The signing jobs this browser started: only they are followed on its pages.
SIGNING = "signing_jobs"


@bp.get("/signera/<job_id>")
def signing(plan_key, phase_key, job_id):
    """A signing under way: the page asks again every other second until the job is
    done, then goes to the memo (or says why nothing was signed)."""
    memo = reports.find_memo(plan_key, phase_key, loaded=False)
    permissions.require_approver(current_user, memo.plan)
    if job_id not in session.get(SIGNING, []):
        raise NotFound("Det finns ingen fastställelse att följa här.")
    state = tasks.signing(job_id, wait=1)
    if state.done:
        session[SIGNING] = [j for j in session.get(SIGNING, []) if j != job_id]
        if state.error is None or isinstance(state.error, Frozen):
            return _signed(state, plan_key, phase_key)
    return render_template("memos/signing.html", memo=memo, plan=memo.plan, phase=memo.phase,
                           state=state), state.error.status if state.error else 200


def _signed(state, plan_key, phase_key):
    """The memo's page after a signing job that is done, with what became of it."""
    if isinstance(state.error, Frozen):
        flash(state.error.message, "error")
    elif state.error is not None:
        raise state.error
    else:
        flash(f"Tjänsteskrivelsen är fastställd (version {state.version}). "
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
            db.session.commit()
            flash("Tjänsteskrivelsen är återöppnad. Nästa fastställelse blir en ny version.",
                  "success")
    return redirect(url_for(".show", plan_key=plan_key, phase_key=phase_key))


