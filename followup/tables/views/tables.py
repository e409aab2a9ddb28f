"""Tables of figures in the browser: the list, the grid, Excel in and out, the
definition editor and the history."""

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from followup.core.charts import CHART_KINDS
from followup.core.errors import Forbidden, Invalid, NotFound
from followup.core.extensions import db
from followup.core.forms import EmptyForm
from followup.core.texts import visible
from followup.people import access, permissions
from followup.plans import lookup
from followup.tables import table_definitions as definitions
from followup.tables import forms, table_excel, tables
from followup.tables.table_formulas import OPERATORS
from followup.tables.views.table_grid import grid_rows

bp = Blueprint("tables", __name__, template_folder="../templates", url_prefix="/plans/<plan_key>/tabeller")


bp.before_request(access.require_plan_reader)


def _table(plan, key):
    table = next((t for t in plan.tables if t.key == key), None)
    if table is None:
        raise NotFound(f"Tabellen {key} finns inte i planen {plan.key}.")
    return table


def _may_edit(plan):
    try:
        tables.require_value_editor(current_user, plan)
        return True
    except Forbidden:  # the page shows the figures read-only
        return False


@bp.get("/")
def index(plan_key):
    plan = lookup.find_plan(plan_key)
    return render_template("tables/index.html", plan=plan,
                           is_compiler=permissions.is_compiler(current_user, plan))


def _grid_page(plan, table, typed=None, errors=None, status=200, imported=None, notes=(),
               version=None):
    """The grid; ``typed`` (what was typed or brought in) stays on the page when a save
    is refused or while figures from Excel wait to be saved."""
    locked = tables.signed_memos_showing(table)
    printed, rows = grid_rows(table, typed, errors)
    return render_template(
        "tables/grid.html", plan=plan, table=table, printed=printed, rows=rows,
        columns=printed.columns, may_edit=_may_edit(plan) and not locked, locked=locked,
        is_compiler=permissions.is_compiler(current_user, plan), form=EmptyForm(),
        imported=imported or set(), notes=notes,
        version=table.version if version is None else version), status


@bp.get("/<key>")
def grid(plan_key, key):
    plan = lookup.find_plan(plan_key)
    return _grid_page(plan, _table(plan, key))


@bp.post("/<key>")
def save(plan_key, key):
    plan = lookup.find_plan(plan_key)
    table = _table(plan, key)
    if not EmptyForm().validate():
        flash("Formuläret hade gått ut. Ladda om sidan och försök igen.", "error")
        return redirect(url_for(".grid", plan_key=plan_key, key=key))
    cells = forms.cells_from_form(request.form)
    version = forms.version_of(request.form)
    typed = {f"{i}-{j}": text for (i, j), text in cells.items()}
    before = table.version
    try:
        tables.save_values(current_user, table, cells, request.form.get("comment"),
                           version=version)
    except tables.GridInvalid as e:
        flash(e.message, "error")
        errors = {f"{c.row}-{c.column}": c.message for c in e.errors}
        return _grid_page(plan, table, typed, errors, 422, version=version)
    except tables.StaleTable as e:
        flash(e.message, "error")
        # What was typed stays; the version is now the current one, so saving again
        # stores it over what the other person saved (the history keeps both).
        return _grid_page(plan, e.table, typed, status=409)
    except (Invalid, tables.TableLocked) as e:
        flash(e.message, "error")
        return _grid_page(plan, table, typed, status=e.status)
    db.session.commit()
    flash("Tabellen är sparad." if table.version != before else "Inget hade ändrats.",
          "success")
    return redirect(url_for(".grid", plan_key=plan_key, key=key))


@bp.post("/<key>/berakna")
def compute(plan_key, key):
    """Live figures while typing: the server's evaluator, nothing saved."""
    plan = lookup.find_plan(plan_key)
    table = _table(plan, key)
    computed, errors = tables.preview(table, forms.cells_from_form(request.form))
    return jsonify(computed=computed, errors=errors)


@bp.post("/<key>/inlasning")
def bring_in(plan_key, key):
    """Figures from an .xlsx file or cells pasted from Excel, shown in the grid for
    the user to check; saved only by the grid's own save button."""
    plan = lookup.find_plan(plan_key)
    table = _table(plan, key)
    if not EmptyForm().validate():
        flash("Formuläret hade gått ut. Ladda om sidan och försök igen.", "error")
        return redirect(url_for(".grid", plan_key=plan_key, key=key))
    try:
        tables.require_value_editor(current_user, plan)
        tables.require_unlocked(table)
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            block = table_excel.read_xlsx(upload.read(table_excel.MAX_BYTES + 1))
        else:
            block = table_excel.read_pasted(request.form.get("pasted"))
        cells, notes = table_excel.place(table, block)
    except (Invalid, tables.TableLocked) as e:
        flash(e.message, "error")
        return _grid_page(plan, table, status=e.status)
    typed = {f"{i}-{j}": text for (i, j), text in cells.items()}
    _, preview_errors = tables.preview(table, cells)
    return _grid_page(plan, table, typed, preview_errors, imported=set(typed), notes=notes,
                      status=422 if preview_errors else 200)


@bp.get("/<key>/excel")
def export(plan_key, key):
    plan = lookup.find_plan(plan_key)
    table = _table(plan, key)
    return Response(table_excel.export_xlsx(table), mimetype=table_excel.XLSX, headers={
        "Content-Disposition": f'attachment; filename="{plan.key}-{table.key}.xlsx"'})


@bp.get("/<key>/historik")
def history(plan_key, key):
    plan = lookup.find_plan(plan_key)
    table = _table(plan, key)
    return render_template("tables/history.html", plan=plan, table=table,
                           entries=tables.history(table))


@bp.route("/ny", methods=["GET", "POST"])
@bp.route("/<key>/definition", methods=["GET", "POST"])
def define(plan_key, key=None):
    plan = lookup.find_plan(plan_key)
    permissions.require_compiler(current_user, plan)
    table = _table(plan, key) if key else None
    form = EmptyForm()
    status, errors = 200, []
    if request.method == "GET":
        draft = definitions.draft_from_table(table) if table else definitions.new_draft()
    elif not form.validate():
        flash("Formuläret hade gått ut. Ladda om sidan och försök igen.", "error")
        return redirect(request.url)
    else:
        draft = forms.draft_from_form(request.form)
        action = request.form.get("action", "save")
        if action != "save":
            definitions.apply_action(draft, action)
        elif draft.title.strip() and not visible(draft.title):
            errors, status = ["Tabellens titel har inget synligt tecken, bara mellanslag "
                              "eller osynliga tecken. Skriv en titel."], 422
        else:
            try:
                saved = definitions.save_definition(current_user, plan, table, draft)
            except (Invalid, tables.TableLocked, tables.StaleTable) as e:
                errors, status = [e.message], e.status
            else:
                db.session.commit()
                flash("Tabellens definition är sparad.", "success")
                return redirect(url_for(".grid", plan_key=plan_key, key=saved.key))
    locked = tables.signed_memos_showing(table) if table else []
    return render_template(
        "tables/definition.html", plan=plan, table=table, draft=draft, form=form,
        errors=errors, locked=locked, charts=[("", "Inget diagram"), *CHART_KINDS.items()],
        row_kinds=definitions.ROW_KINDS, column_kinds=definitions.COLUMN_KINDS,
        operators=OPERATORS, choices_for=definitions.choices_for,
        cells=definitions.CELLS, typed=tables.typed_text), status
