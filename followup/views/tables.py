"""Tables of figures in the browser: the list, the grid, and the definition."""

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import columns as table_columns
from ..extensions import db
from ..services import followups as fu
from ..services import permissions, tables
from ..services.errors import Invalid, NotFound
from ..charts import CHART_KINDS
from .forms import EmptyForm, TableDefinitionForm, choices

bp = Blueprint("tables", __name__, url_prefix="/plans/<plan_key>/tabeller")


@bp.before_request
@login_required
def require_reader():
    permissions.require_read(current_user)


def _table(plan, key):
    table = next((t for t in plan.tables if t.key == key), None)
    if table is None:
        raise NotFound(f"Tabellen {key} finns inte i planen {plan.key}.")
    return table


def _may_edit(plan):
    try:
        tables.require_value_editor(current_user, plan)
        return True
    except Exception:  # Forbidden: the page shows the figures read-only
        return False


@bp.get("/")
def index(plan_key):
    plan = fu.find_plan(plan_key)
    return render_template("tables/index.html", plan=plan,
                           is_compiler=permissions.is_compiler(current_user),
                           form=TableDefinitionForm(formdata=None))


def _grid_page(plan, table, errors=None, cells=None, status=200):
    printed, computed = tables.grid(table)
    shown = tables.input_texts(table)
    shown.update(cells or {})  # what was typed stays when a save is refused
    return render_template("tables/grid.html", plan=plan, table=table, printed=printed,
                           columns=printed.columns, decimals=table_columns.decimals,
                           computed=computed, rows=sorted(table.rows, key=lambda r: r.position),
                           errors=errors or {}, shown=shown, may_edit=_may_edit(plan),
                           is_compiler=permissions.is_compiler(current_user),
                           form=EmptyForm()), status


@bp.get("/<key>")
def grid(plan_key, key):
    plan = fu.find_plan(plan_key)
    return _grid_page(plan, _table(plan, key))


@bp.post("/<key>")
def save(plan_key, key):
    plan = fu.find_plan(plan_key)
    table = _table(plan, key)
    if not EmptyForm().validate():
        return redirect(url_for(".grid", plan_key=plan_key, key=key))
    cells = tables.cells_from_form(request.form, table)
    try:
        tables.save_values(current_user, table, cells, request.form.get("comment"))
    except tables.GridInvalid as e:
        db.session.rollback()
        flash(e.message, "error")
        errors = {f"{c.row}-{c.column}": c.message for c in e.errors}
        shown = {f"{i}-{j}": text for (i, j), text in cells.items()}
        return _grid_page(plan, table, errors, shown, 422)
    except Invalid as e:
        db.session.rollback()
        flash(e.message, "error")
        return _grid_page(plan, table, status=422)
    flash("Tabellen är sparad.", "success")
    return redirect(url_for(".grid", plan_key=plan_key, key=key))


@bp.post("/<key>/berakna")
def compute(plan_key, key):
    """Live figures while typing: the server's evaluator, nothing saved."""
    plan = fu.find_plan(plan_key)
    table = _table(plan, key)
    computed, errors = tables.preview(table, tables.cells_from_form(request.form, table))
    return jsonify(computed=computed, errors=errors)


@bp.route("/ny", methods=["GET", "POST"])
@bp.route("/<key>/definition", methods=["GET", "POST"])
def define(plan_key, key=None):
    permissions.require_compiler(current_user)
    plan = fu.find_plan(plan_key)
    table = _table(plan, key) if key else None
    if request.method == "POST":
        form = TableDefinitionForm()
    else:
        form = TableDefinitionForm(formdata=None)
        if table is not None:
            form.key.data, form.title.data, form.unit.data = table.key, table.title, table.unit
            form.chart.data = table.chart or ""
            form.columns.data = "\n".join(table_columns.labels(table))
            form.rows.data = tables.definition_text(table)
    form.chart.choices = choices([("", "Inget diagram"), *CHART_KINDS.items()])
    if request.method == "POST" and form.validate():
        try:
            saved = tables.define_table(current_user, plan, table, key=form.key.data,
                                        title=form.title.data, unit=form.unit.data,
                                        columns=form.columns.data, rows=form.rows.data,
                                        chart=form.chart.data)
        except Invalid as e:
            db.session.rollback()
            form.rows.errors.append(e.message)
        else:
            flash("Tabellens definition är sparad.", "success")
            return redirect(url_for(".grid", plan_key=plan_key, key=saved.key))
    status = 422 if request.method == "POST" else 200
    return render_template("tables/definition.html", plan=plan, table=table, form=form), status
