"""The memo editor's layout page: how a part that follows up the goals prints each node
type and each group of nodes (plan file "layout")."""

from flask import flash, redirect
from flask_login import current_user

from followup.core.errors import NotFound
from followup.core.forms import choices
from followup.memos import memos, reports
from followup.memos.forms import LayoutForm
from followup.memos.views.editor import (
    bp, column_rows, find_appendix, posted_data, receiving, render, saved, url,
)

DEFAULT = ""  # the layout editor's choice for "as the default rules say"


def _kept_fields(layout):
    """{field: name} of the fields a column of the file has that the editor does not
    offer: shown, and kept, where the file has them."""
    kept = {}
    for spec in layout.values():
        for column in (spec or {}).get("columns") or []:
            name = column.get("field")
            if name not in memos.NODE_FIELDS:
                kept[name] = memos.KEPT_FIELDS.get(name, name)
    return kept


def _entry_data(spec):
    """A stored layout entry (``{}``: none) as the editor shows it."""
    return {"display": spec.get("display", DEFAULT), "level": spec.get("level", "text"),
            "lead": spec.get("lead"), "title_prefix": (spec.get("prefix") or "").strip(),
            "prefix_position": spec.get("prefix_position") or "before_title",
            "caption": spec.get("caption"), "heading": spec.get("heading"),
            "intro": spec.get("intro"), "columns": column_rows(spec.get("columns"))}


def _offer_choices(form, kept):
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


def _layout_form(memo, part):
    form = LayoutForm(formdata=posted_data(receiving()))
    entries = memos.layout_entries(memo.plan, part)
    layout = part.layout or {}
    if not receiving():
        for key, _ in entries:
            form.entries.append_entry(_entry_data(layout.get(key) or {}))
    _offer_choices(form, _kept_fields(layout))
    return form, entries


def _posted_specs(entries, form):
    """{key: spec} of the posted entries, as ``memos.update_layout`` takes them."""
    specs = {}
    for (key, _), entry in zip(entries, form.entries):
        f = entry.form
        specs[key] = {
            "display": f.display.data, "level": f.level.data, "lead": f.lead.data,
            "prefix": f.title_prefix.data, "prefix_position": f.prefix_position.data,
            "caption": f.caption.data, "heading": f.heading.data, "intro": f.intro.data,
            "columns": [(c.form.field.data, c.form.header.data, c.form.width.data)
                        for c in f.columns]}
    return specs


@bp.route("/bilagor/<int:appendix_id>/utseende", methods=["GET", "POST"])
def layout(plan_key, phase_key, appendix_id):
    memo = reports.find_memo(plan_key, phase_key)
    part = find_appendix(memo, appendix_id)
    if part.kind != "plan":
        raise NotFound("Utseendet per punkt gäller bara delar som följer upp målen.")
    form, entries = _layout_form(memo, part)
    back = url("layout", memo, appendix_id=part.id)
    status = 200
    if receiving():
        if len(form.entries) != len(entries) or not form.validate():
            flash("Formuläret stämmer inte med planen; ladda om sidan.", "error")
            return redirect(back)
        if saved(lambda: memos.update_layout(current_user, memo, part,
                                             _posted_specs(entries, form)),
                 lambda e: form.form_errors.append(e.message)):
            flash("Utseendet är sparat.", "success")
            return redirect(back)
        status = 422
    return render("memos/layout.html", memo, status, part="bilagor", appendix=part, form=form,
                  entries=list(zip(entries, form.entries)))
