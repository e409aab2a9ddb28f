"""The memo editor's appendices and chapters: the list, and a page each with its fields,
how it prints, a report's cover and contents, the internal control's columns, its
chapters and its sections."""

from flask import Response, flash, redirect
from flask_login import current_user

from followup.core.forms import EmptyForm, choices, show_invalid
from followup.documents import compose, wording
from followup.memos import memos, reports
from followup.memos.forms import (
    AppendixForm, ControlColumnsForm, NewAppendixForm, ReportForm, appendix_print_form,
)
from followup.memos.views.editor import (
    bp, column_rows, document_type_choices, either_data, fill_heading, fill_words,
    find_appendix, generated_texts, heading_choices, heading_values, posted_data,
    posted_document_type, posted_words, receiving, render, run, saved, url, word_error,
)
from followup.memos.views.editor_sections import section_editors, section_form

APPENDIX_FIELDS = ("title", "kind", "intro", "node_types", "tables", "number", "heading",
                   "date", "diarienummer", "handlaggare", "new_page")


def _new_part_form(prefix, posted=None):
    posted = receiving() if posted is None else posted
    form = NewAppendixForm(formdata=posted_data(posted), prefix=prefix)
    form.kind.choices = choices(list(memos.KINDS.items()))
    return form


@bp.get("/bilagor")
def appendices(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    return render("memos/appendices.html", memo, part="bilagor",
                  appendices=sorted(memo.appendices, key=lambda a: a.position),
                  new_appendix=_new_part_form("nyb"))


@bp.post("/bilagor")
def add_appendix(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    form = _new_part_form("nyb")
    if not form.validate():
        flash("Bilagan behöver en titel.", "error")
        return redirect(url("appendices", memo))
    return run(lambda: memos.add_appendix(current_user, memo, title=form.title.data,
                                          kind=form.kind.data),
               "Bilagan är tillagd.", url("appendices", memo))


# The forms of an appendix's page, filled from what is stored unless ``posted``.

def _appendix_form(memo, appendix, posted):
    form = AppendixForm(formdata=posted_data(posted), obj=None if posted else appendix,
                        prefix=f"b{appendix.id}")
    form.kind.choices = choices(list(memos.KINDS.items()))
    form.node_types.choices = choices([(t.key, t.plural or t.label)
                                       for t in memo.plan.node_types])
    form.tables.choices = choices([(t.key, t.title) for t in memo.plan.tables])
    document_type_choices(form, compose.DEFAULT_APPENDIX_TYPE)
    if not posted:
        form.document_type_choice.data, form.document_type.data = either_data(
            appendix.document_type)
        form.handlaggare.data = ", ".join(appendix.handlaggare or [])
        form.date.data = appendix.date.isoformat() if appendix.date else ""
        form.intro.data = appendix.intro or ""
        form.new_page.data = bool(appendix.new_page)
    return form


def _report_form(appendix, posted):
    form = ReportForm(formdata=posted_data(posted), prefix=f"r{appendix.id}")
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


def _control_form(memo, part, posted):
    form = ControlColumnsForm(formdata=posted_data(posted), prefix=f"k{part.id}")
    field_choices = choices([("", "(ingen)")] + list(memos.CONTROL_FIELDS.items()))
    if not posted:
        for row in column_rows(part.columns):
            form.columns.append_entry(row)
        form.phases.data = list(part.phases or [])
    for entry in form.columns:
        entry.form.field.choices = field_choices
    form.phases.choices = choices([(p.key, p.label) for p in memo.plan.phases])
    return form


def _print_form(memo, part, posted):
    keys = memos.APPENDIX_WORDS
    form = appendix_print_form(keys, memos.WORD_LABELS)(
        formdata=posted_data(posted), prefix=f"u{part.id}")
    default = memos.ORIENTATIONS[memos.default_orientation(part)].lower()
    form.orientation.choices = choices([
        (k, f"{v} (standard för den här sortens innehåll)" if v.lower() == default else v)
        for k, v in memos.ORIENTATIONS.items()])
    heading_choices(form, memo.plan, "Bilagans egna: Datum, Diarienummer, Handläggare "
                    "(ovan)")
    if not posted:
        form.orientation.data = part.orientation or memos.default_orientation(part)
        form.level_chart.data = bool(part.level_chart)
        fill_heading(form, part)
        fill_words(form.words, part.wording or {}, keys)
    return form


def _appendix_page(memo, part, status=200, **posted):
    texts = generated_texts(memo)
    forms = dict(form=_appendix_form(memo, part, False), report_form=_report_form(part, False),
                 control_form=_control_form(memo, part, False),
                 print_form=_print_form(memo, part, False))
    forms.update(posted)
    return render("memos/appendix.html", memo, status, part="bilagor", appendix=part,
                  chapters=sorted(part.chapters, key=lambda c: c.position),
                  new_chapter=_new_part_form(f"nyk{part.id}", False), texts=texts,
                  sections=section_editors(memo, part, texts),
                  new_section=section_form(memo, prefix=f"ny{part.id}", posted=False),
                  word_labels=memos.WORD_LABELS, plan_words=_plan_words(memo.plan), **forms)


def _plan_words(plan):
    """What each word prints for the whole plan: shown where a field is left empty."""
    words = wording.for_plan(plan)
    return {key: getattr(words, key) for key in wording.KEYS}


def _save_form(memo, part, name, form, action, refused, success, anchor=""):
    """One form of the appendix's page posted: saved, said and back to the page at
    ``anchor``; else (not valid, or refused) the page again with the form (``name``) as
    posted and what is wrong, the rest as stored."""
    if form.validate() and saved(action, refused):
        flash(success, "success")
        return redirect(url("appendix", memo, appendix_id=part.id) + anchor)
    return _appendix_page(memo, part, 422, **{name: form})


@bp.route("/bilagor/<int:appendix_id>", methods=["GET", "POST"])
def appendix(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    if not receiving():
        return _appendix_page(memo, part)
    form = _appendix_form(memo, part, True)
    return _save_form(
        memo, part, "form", form,
        lambda: memos.update_appendix(current_user, memo, part,
                                      document_type=posted_document_type(form),
                                      **{f: form[f].data for f in APPENDIX_FIELDS}),
        lambda e: show_invalid(form, e, form.title),
        "Kapitlet är sparat." if part.parent else "Bilagan är sparad.")


@bp.post("/bilagor/<int:appendix_id>/utskrift")
def appendix_print(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    form = _print_form(memo, part, True)
    # A chapter prints with its report's head and words.
    values = {} if part.parent else dict(
        heading_values(form), words=posted_words(form.words, memos.APPENDIX_WORDS))

    def refused(e):
        if e.field in memos.APPENDIX_WORDS:
            word_error(form.words, e, form.orientation)
        else:
            show_invalid(form, e, form.orientation)

    return _save_form(
        memo, part, "print_form", form,
        lambda: memos.update_appendix_print(current_user, memo, part,
                                            orientation=form.orientation.data,
                                            level_chart=form.level_chart.data, **values),
        refused, "Utskriften är sparad.", "#utskrift")


@bp.post("/bilagor/<int:appendix_id>/rapport")
def report(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    form = _report_form(part, True)
    return _save_form(
        memo, part, "report_form", form,
        lambda: memos.update_report(
            current_user, memo, part, contents=form.contents.data,
            cover_title=form.cover_title.data, cover_subtitle=form.cover_subtitle.data,
            cover_lines=form.cover_lines.data),
        lambda e: show_invalid(form, e, form.contents),
        "Försättssida och innehållsförteckning är sparade.", "#rapport")


@bp.post("/bilagor/<int:appendix_id>/kolumner")
def control_columns(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    form = _control_form(memo, part, True)
    columns = [(e.form.field.data, e.form.header.data, e.form.width.data,
                {"with_comment": e.form.with_comment.data,
                 "merge_repeats": e.form.merge_repeats.data}) for e in form.columns]
    return _save_form(
        memo, part, "control_form", form,
        lambda: memos.update_control_columns(current_user, memo, part, columns=columns,
                                             phases=form.phases.data),
        lambda e: form.form_errors.append(e.message),
        "Tabellens kolumner är sparade.", "#kolumner")


@bp.post("/bilagor/<int:appendix_id>/kapitel")
def add_chapter(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    form = _new_part_form(f"nyk{part.id}")
    back = url("appendix", memo, appendix_id=part.id) + "#kapitel"
    if not form.validate():
        flash("Kapitlet behöver en rubrik.", "error")
        return redirect(back)
    return run(lambda: memos.add_chapter(current_user, memo, part, title=form.title.data,
                                         kind=form.kind.data), "Kapitlet är tillagt.", back)


@bp.post("/bilagor/<int:appendix_id>/<any('upp', 'ner', 'ta-bort'):action>")
def appendix_action(plan_key, phase_key, appendix_id, action):
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    listing = (url("appendix", memo, appendix_id=part.parent.id) + "#kapitel"
               if part.parent else url("appendices", memo))
    if not EmptyForm().validate():
        return redirect(listing)
    if action == "ta-bort":
        return run(lambda: memos.delete_appendix(current_user, memo, part),
                   "Kapitlet är borttaget." if part.parent else "Bilagan är borttagen.",
                   listing)
    return run(lambda: memos.move_appendix(current_user, memo, part,
                                           -1 if action == "upp" else 1),
               "Kapitlet är flyttat." if part.parent else "Bilagan är flyttad.", listing)


@bp.get("/bilagor/<int:appendix_id>/forsta-sidan.png")
def first_page(plan_key, phase_key, appendix_id):
    """The first page of the appendix (or of the chapter) as it prints, as an image."""
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    image = reports.first_page_image(memo, part)
    return Response(image, mimetype="image/png", headers={"Cache-Control": "no-store"})
