"""The compiler edits the plan's structure: the goal tree, units, and scales."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Level, Unit
from ..services import followups as fu
from ..services import permissions, rollover, structure, timeline
from ..services.errors import Invalid
from .forms import EmptyForm, LevelForm, NodeForm, UnitForm, choices

bp = Blueprint("structure", __name__, url_prefix="/plans/<plan_key>/struktur")


@bp.before_request
@login_required
def require_compiler():
    permissions.require_compiler(current_user)


def _node_form(plan, node=None, formdata=None):
    # The node fills the form only for showing, never under posted data.
    form = NodeForm(formdata=formdata, obj=node if formdata is None else None)
    tree = structure.tree(plan, include_archived=False)
    form.parent.choices = choices([("", "Överst i planen")] + [
        (n.key, "\N{EM SPACE}" * depth + f"{n.type.label} {n.number or ''} {n.title[:60]}")
        for n, depth in tree if node is None or n is not node])
    form.type.choices = choices([(t.key, t.label) for t in plan.node_types])
    form.unit.choices = choices([("", "Ingen enhet")] + [(u.key, u.name) for u in plan.units])
    phases = [(p.key, p.label) for p in plan.phases]
    form.since.choices = choices([("", "Fasen som pågår nu" if node is None else "Första fasen")]
                                 + phases)
    form.until.choices = choices([("", "Sista fasen")] + phases)
    if node is not None and formdata is None:
        form.since.data = node.since.key if node.since else ""
        form.until.data = node.until.key if node.until else ""
        form.parent.data = node.parent.key if node.parent else ""
        form.unit.data = node.unit.key if node.unit else ""
        form.notes.data = "\n".join(node.notes or [])
        form.carried_over_from.data = str(node.carried_over_from or "")
    return form


def _level_form(level=None, formdata=None, prefix=""):
    form = LevelForm(formdata=formdata, obj=level if formdata is None else None, prefix=prefix)
    form.tone.choices = choices(list(structure.TONES.items()))
    return form


def _page(plan, node_form=None, unit_form=None, status=200):
    return render_template(
        "structure/index.html", plan=plan, tree=structure.tree(plan),
        node_form=node_form or _node_form(plan), unit_form=unit_form or UnitForm(formdata=None),
        unit_forms={u.id: UnitForm(formdata=None, obj=u, prefix=f"u{u.id}") for u in plan.units},
        level_forms={lv.id: _level_form(lv, prefix=f"l{lv.id}")
                     for s in plan.scales for lv in s.levels},
        new_level_forms={s.key: _level_form(prefix=f"ny-{s.key}") for s in plan.scales},
        button=EmptyForm()), status


def _back(plan, anchor=""):
    return redirect(url_for(".index", plan_key=plan.key) + anchor)


@bp.get("/")
def index(plan_key):
    return _page(fu.find_plan(plan_key))


@bp.post("/noder")
def add_node(plan_key):
    plan = fu.find_plan(plan_key)
    form = _node_form(plan, formdata=request.form)
    if form.validate():
        try:
            parent = fu.find_node(plan, form.parent.data) if form.parent.data else None
            node = structure.add_node(current_user, plan, parent=parent, type_key=form.type.data,
                                      number=form.number.data, title=form.title.data,
                                      unit_key=form.unit.data, since_key=form.since.data)
        except Invalid as e:
            form.title.errors.append(e.message)
        else:
            flash(f"{node.type.label} {node.number or ''} är tillagd.", "success")
            return _back(plan, f"#nod-{node.key}")
    return _page(plan, node_form=form, status=422)


@bp.route("/noder/<node_key>", methods=["GET", "POST"])
def edit_node(plan_key, node_key):
    plan = fu.find_plan(plan_key)
    node = fu.find_node(plan, node_key)
    form = _node_form(plan, node, formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            structure.update_node(
                current_user, node, number=form.number.data, title=form.title.data,
                unit_key=form.unit.data, notes=form.notes.data, group=form.group.data,
                responsible_boards=form.responsible_boards.data,
                carried_over_from=form.carried_over_from.data, parent_key=form.parent.data,
                since_key=form.since.data, until_key=form.until.data)
        except Invalid as e:
            db.session.rollback()
            form.title.errors.append(e.message)
        else:
            flash("Noden är sparad.", "success")
            return _back(plan, f"#nod-{node.key}")
    status = 422 if request.method == "POST" else 200
    return render_template("structure/node.html", plan=plan, node=node, form=form), status


@bp.post("/noder/<node_key>/<action>")
def node_action(plan_key, node_key, action):
    plan = fu.find_plan(plan_key)
    node = fu.find_node(plan, node_key)
    if not EmptyForm().validate():
        return _back(plan)
    if action == "upp":
        structure.move(current_user, node, -1)
    elif action == "ner":
        structure.move(current_user, node, +1)
    elif action == "ta-bort":
        structure.take_out(current_user, node)
        flash(f"{node.type.label} {node.number or ''} är borttagen ur planen från "
              f"{timeline.current_phase(plan).label.lower()}; den finns kvar i tidigare faser.",
              "success")
    elif action == "ta-tillbaka":
        structure.put_back(current_user, node)
        flash(f"{node.type.label} {node.number or ''} är tillbaka i planen.", "success")
    else:
        return _back(plan)
    return _back(plan, f"#nod-{node.key}")


@bp.post("/enheter")
def add_unit(plan_key):
    plan = fu.find_plan(plan_key)
    form = UnitForm()
    if form.validate():
        try:
            structure.add_unit(current_user, plan, key=form.key.data, name=form.name.data)
        except Invalid as e:
            form.key.errors.append(e.message)
        else:
            flash("Enheten är tillagd.", "success")
            return _back(plan, "#enheter")
    return _page(plan, unit_form=form, status=422)


@bp.post("/enheter/<int:unit_id>")
def rename_unit(plan_key, unit_id):
    plan = fu.find_plan(plan_key)
    unit = db.get_or_404(Unit, unit_id)
    if unit.plan_id != plan.id:
        return _back(plan)
    form = UnitForm(prefix=f"u{unit.id}")
    if form.validate():
        structure.rename_unit(current_user, unit, form.name.data)
        flash("Enheten är sparad.", "success")
    else:
        flash("Enheten behöver ett namn.", "error")
    return _back(plan, "#enheter")


@bp.post("/skalor/<scale_key>")
def add_level(plan_key, scale_key):
    plan = fu.find_plan(plan_key)
    scale = structure.find_scale(plan, scale_key)
    if scale is None:
        return _back(plan)
    form = _level_form(formdata=request.form, prefix=f"ny-{scale.key}")
    if form.validate():
        try:
            structure.add_level(current_user, scale, key=form.key.data, label=form.label.data,
                                text=form.text.data, tone=form.tone.data, done=form.done.data)
        except Invalid as e:
            flash(e.message, "error")
        else:
            flash("Nivån är tillagd.", "success")
    else:
        flash("Nivån behöver en etikett.", "error")
    return _back(plan, f"#skala-{scale.key}")


@bp.post("/nivaer/<int:level_id>")
def update_level(plan_key, level_id):
    plan = fu.find_plan(plan_key)
    level = db.get_or_404(Level, level_id)
    if level.scale.plan_id != plan.id:
        return _back(plan)
    form = _level_form(formdata=request.form, prefix=f"l{level.id}")
    if form.validate():
        try:
            structure.update_level(current_user, level, label=form.label.data,
                                   text=form.text.data, tone=form.tone.data, done=form.done.data)
        except Invalid as e:
            flash(e.message, "error")
        else:
            flash("Nivån är sparad.", "success")
    else:
        flash("Nivån behöver en etikett.", "error")
    return _back(plan, f"#skala-{level.scale.key}")


@bp.get("/nasta-ar")
def next_year(plan_key):
    plan = fu.find_plan(plan_key)
    return render_template("structure/next_year.html", plan=plan, new_key=rollover.next_key(plan),
                           decisions=rollover.preview(plan), form=EmptyForm())


@bp.post("/nasta-ar")
def create_next_year(plan_key):
    plan = fu.find_plan(plan_key)
    if not EmptyForm().validate():
        return redirect(url_for(".next_year", plan_key=plan.key))
    chosen = set(request.form.getlist("med"))
    leave_out = [d.node.key for d in rollover.preview(plan)
                 if d.outcome != rollover.STAYS and d.node.key not in chosen]
    try:
        new = rollover.create(current_user, plan, leave_out)
    except Invalid as e:
        flash(e.message, "error")
        return redirect(url_for(".next_year", plan_key=plan.key))
    flash(f"Planen {new.key} är skapad. Faserna är stängda tills du öppnar dem.", "success")
    return redirect(url_for(".index", plan_key=new.key))
