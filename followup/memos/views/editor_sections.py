"""The memo editor's sections: of the memo and of an appendix, each with its heading,
texts and tables, moved, removed, or given a text generated from the data."""

from flask import flash, redirect
from flask_login import current_user

from followup.core.forms import EmptyForm, choices
from followup.memos import memos, reports
from followup.memos.forms import InsertForm, SectionForm
from followup.memos.views.editor import (
    bp, find_appendix, find_section, generated_texts, page_of, posted_data, receiving, render,
    run,
)


def section_form(memo, section=None, prefix="ny", posted=None):
    posted = receiving() if posted is None else posted
    # The object fills the form only for showing: posted data must not be mixed
    # with stored values of fields the post left out.
    form = SectionForm(formdata=posted_data(posted), obj=None if posted else section,
                       prefix=prefix)
    form.tables.choices = choices([(t.key, t.title) for t in memo.plan.tables])
    if section is not None and not posted:
        form.level.data = str(section.level or 1)
        form.body.data = section.body or ""
        form.body_after.data = section.body_after or ""
    return form


def section_editors(memo, owner, texts):
    insert_choices = [(k, label) for k, (label, _) in texts.items()]
    out = []
    for s in sorted(owner.sections, key=lambda s: s.position):
        insert = InsertForm(formdata=None, prefix=f"i{s.id}")
        insert.text.choices = choices(insert_choices)
        out.append((s, section_form(memo, s, f"s{s.id}", posted=False), insert))
    return out


def _section_fields(form):
    return dict(heading=form.heading.data, level=form.level.data, body=form.body.data,
                tables=form.tables.data, body_after=form.body_after.data)


@bp.get("/avsnitt")
def sections(plan_key, phase_key):
    memo = reports.find_memo(plan_key, phase_key)
    texts = generated_texts(memo)
    return render("memos/sections.html", memo, part="avsnitt", texts=texts,
                  sections=section_editors(memo, memo, texts), new_section=section_form(memo))


@bp.post("/avsnitt")
@bp.post("/bilagor/<int:appendix_id>/avsnitt")
def add_section(plan_key, phase_key, appendix_id=None):
    memo = reports.find_memo(plan_key, phase_key)
    owner = find_appendix(memo, appendix_id) if appendix_id else memo
    form = section_form(memo, prefix=f"ny{appendix_id}" if appendix_id else "ny")
    if not form.validate():
        flash("Avsnittet behöver en rubrik.", "error")
        return redirect(page_of(memo, owner))
    return run(lambda: memos.add_section(current_user, memo, owner, **_section_fields(form)),
               "Avsnittet är tillagt.", page_of(memo, owner) + "#avsnitt")


@bp.post("/avsnitt/<int:section_id>")
def update_section(plan_key, phase_key, section_id):
    memo = reports.find_memo(plan_key, phase_key)
    section = find_section(memo, section_id)
    back = page_of(memo, section.memo or section.appendix) + f"#avsnitt-{section_id}"
    form = section_form(memo, section, f"s{section.id}")
    if not form.validate():
        flash("Avsnittet behöver en rubrik.", "error")
        return redirect(back)
    return run(lambda: memos.update_section(current_user, memo, section,
                                            **_section_fields(form)),
               "Avsnittet är sparat.", back)


@bp.post("/avsnitt/<int:section_id>/<any('upp', 'ner', 'ta-bort', 'infoga'):action>")
def section_action(plan_key, phase_key, section_id, action):
    memo = reports.find_memo(plan_key, phase_key)
    section = find_section(memo, section_id)
    page = page_of(memo, section.memo or section.appendix)
    back = page + f"#avsnitt-{section_id}"
    if action == "infoga":
        return _insert_text(memo, section, back)
    if not EmptyForm().validate():
        return redirect(back)
    if action == "ta-bort":
        return run(lambda: memos.delete_section(current_user, memo, section),
                   "Avsnittet är borttaget.", page + "#avsnitt")
    return run(lambda: memos.move_section(current_user, memo, section,
                                          -1 if action == "upp" else 1),
               "Avsnittet är flyttat.", back)


def _insert_text(memo, section, back):
    """A text generated from the data, added at the end of the section."""
    form = InsertForm(prefix=f"i{section.id}")
    texts = generated_texts(memo)
    if not form.validate() or form.text.data not in texts:
        flash("Välj en genererad text.", "error")
        return redirect(back)
    return run(lambda: memos.append_text(current_user, memo, section, texts[form.text.data][1]),
               "Texten är infogad; redigera den gärna.", back)
