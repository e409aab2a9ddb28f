"""The memo editor's pages for the memo itself: making it, its fields and how its head
prints, its proposals and signatures, and the plan's own words for every document."""

from functools import wraps

from flask import Response, flash, redirect, url_for
from flask_login import current_user

from followup.core.errors import NotFound
from followup.core.forms import show_invalid
from followup.documents import compose, wording
from followup.memos import memos, reports
from followup.memos.forms import (
    HeaderForm, MemoPrintForm, NewMemoForm, ProposalsForm, plan_print_form,
)
from followup.memos.views.editor import (
    bp, document_type_choices, either_data, fill_heading, fill_words, heading_choices,
    heading_values, posted_data, posted_document_type, posted_words, receiving, render, run,
    saved, url, word_error,
)
from followup.plans import lookup

HEADER_FIELDS = ("title", "date", "diarienummer", "handlaggare", "recipient", "meeting_date")


@bp.post("/skapa")
def create(plan_key, phase_key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    form = NewMemoForm()
    back = url_for(".edit", plan_key=plan_key, phase_key=phase_key)
    if not form.validate():
        return redirect(back)
    source = None
    if form.copy_from.data:
        source = next((m for m in plan.memos if str(m.id) == form.copy_from.data), None)
        if source is None:
            raise NotFound("Tjänsteskrivelsen att utgå från finns inte.")
    return run(lambda: memos.create_memo(current_user, plan, phase, copy_from=source,
                                         with_texts=form.with_texts.data),
               "Tjänsteskrivelsen är skapad. Fyll i dess uppgifter och texter nedan.", back)


def _form_page(rule, make_form, refused, success, template, context):
    """Makes the decorated ``save(memo, form)`` a page with one form at ``rule``. The
    form (``make_form(memo, posted)``) is shown; or posted, saved, ``success`` said and
    back to the page; or, not valid or refused (``refused(form, error)``), shown again
    (422) with what is wrong. The template gets ``context(memo)`` beside the form."""
    def register(save):
        @wraps(save)
        def page(plan_key, phase_key):
            memo = reports.find_memo(plan_key, phase_key)
            form = make_form(memo, receiving())
            if receiving() and form.validate() and saved(lambda: save(memo, form),
                                                         lambda e: refused(form, e)):
                flash(success, "success")
                return redirect(url(save.__name__, memo))
            return render(template, memo, 422 if receiving() else 200, form=form,
                          **context(memo))
        bp.add_url_rule(rule, view_func=page, methods=["GET", "POST"])
        return page
    return register


def _header_form(memo, posted):
    # The object fills the form only for showing: posted data must not be mixed
    # with stored values of fields the post left out.
    form = HeaderForm(formdata=posted_data(posted), obj=None if posted else memo)
    if not posted:
        form.date.data = memo.date.isoformat() if memo.date else ""
        form.meeting_date.data = memo.meeting_date.isoformat() if memo.meeting_date else ""
        form.handlaggare.data = ", ".join(memo.handlaggare or [])
    return form


@_form_page("/", _header_form, lambda form, e: show_invalid(form, e, form.title),
            "Uppgifterna är sparade.", "memos/edit.html",
            lambda memo: dict(part="uppgifter", print_form=_memo_print_form(memo, posted=False)))
def edit(memo, form):
    memos.update_header(current_user, memo, **{f: form[f].data for f in HEADER_FIELDS})


def _memo_print_form(memo, posted):
    form = MemoPrintForm(formdata=posted_data(posted), prefix="u")
    heading_choices(form, memo.plan, "Tjänsteskrivelsens egna: Datum, Diarienummer, Handläggare")
    document_type_choices(form, "Tjänsteskrivelse" + (f" till {memo.recipient}"
                                                      if memo.recipient else ""))
    if not posted:
        form.document_type_choice.data, form.document_type.data = either_data(
            memo.document_type)
        fill_heading(form, memo)
    return form


@bp.post("/utskrift")
def memo_print(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = _memo_print_form(memo, posted=True)
    if form.validate() and saved(
            lambda: memos.update_memo_print(current_user, memo,
                                            document_type=posted_document_type(form),
                                            **heading_values(form)),
            lambda e: show_invalid(form, e, form.issuer_choice)):
        flash("Sidhuvudet är sparat.", "success")
        return redirect(url("edit", memo) + "#utskrift")
    return render("memos/edit.html", memo, 422, form=_header_form(memo, posted=False),
                  part="uppgifter", print_form=form)


@bp.get("/forsta-sidan.png")
def memo_first_page(plan_key, phase_key):
    """The memo's first page as it prints, as an image."""
    memo = reports.find_memo(plan_key, phase_key)
    return Response(memos.memo_first_page_image(memo), mimetype="image/png",
                    headers={"Cache-Control": "no-store"})


# The plan's own words and print options, for every document of the plan.

def _plan_print_form(memo, posted):
    form = plan_print_form(wording.KEYS, memos.WORD_LABELS)(
        formdata=posted_data(posted), prefix="p")
    if not posted:
        fill_words(form.words, memo.plan.wording or {}, wording.KEYS)
        form.hyphenate.data = bool((memo.plan.print_options or {}).get("hyphenate", False))
    return form


@_form_page("/ord-och-utskrift", _plan_print_form,
            lambda form, e: word_error(form.words, e, form.hyphenate),
            "Orden och utskriften för hela planen är sparade.", "memos/plan_print.html",
            lambda memo: dict(part="ord", defaults=wording.DEFAULTS, keys=wording.KEYS,
                              word_labels=memos.WORD_LABELS,
                              documents=compose.document_titles(memo)))
def plan_print(memo, form):
    memos.update_plan_print(current_user, memo, words=posted_words(form.words, wording.KEYS),
                            hyphenate=form.hyphenate.data)


def _proposals_form(memo, posted):
    form = ProposalsForm(formdata=posted_data(posted))
    if posted:
        return form
    form.proposals_intro.data = memo.proposals_intro
    form.proposals.data = "\n".join(memo.proposals or [])
    form.numbered.data = memo.numbered_proposals is not False
    form.appendices_heading.data = memo.appendices_heading
    while form.signatures.entries:
        form.signatures.pop_entry()
    for person in list(memo.signatures or []) + [{"name": "", "title": ""}]:
        form.signatures.append_entry(person)
    return form


@_form_page("/forslag", _proposals_form, lambda form, e: show_invalid(form, e, form.proposals),
            "Förslagen och underskrifterna är sparade.", "memos/proposals.html",
            lambda memo: dict(part="forslag"))
def proposals(memo, form):
    memos.update_proposals(
        current_user, memo, proposals_intro=form.proposals_intro.data,
        proposals=form.proposals.data, numbered=form.numbered.data,
        signatures=[(e.form.name.data, e.form.title.data) for e in form.signatures],
        appendices_heading=form.appendices_heading.data)
