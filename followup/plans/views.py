"""The compiler edits the plan's structure: the goal tree, units, and scales."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from followup.core.errors import Invalid
from followup.core.extensions import db
from followup.core.forms import EmptyForm, choices
from followup.people import access
from followup.plans import lookup, rollover, structure, timeline
from followup.plans.forms import ItemForm, LevelForm, UnitForm
from followup.plans.models.plan import Level, Unit

bp = Blueprint("structure", __name__, template_folder="templates",
               url_prefix="/plans/<plan_key>/struktur")


bp.before_request(access.require_plan_compiler)


def _node_form(plan, node=None, formdata=None):
    """The form to edit ``node``; the node fills it only for showing, never under posted
    data."""
    form = ItemForm(formdata=formdata, obj=node if formdata is None else None)
    form.parent.choices = choices([("", "Överst i planen")] + [
        (n.key, "\N{EM SPACE}" * depth + f"{n.type.label} {n.number or ''} {n.title[:60]}")
        for n, depth in structure.parents_for(plan, node)])
    form.unit.choices = choices([("", "Ingen enhet")] + [(u.key, u.name) for u in plan.units])
    phases = [(p.key, p.label) for p in plan.phases]
    form.since.choices = choices([("", "Första fasen")] + phases)
    form.until.choices = choices([("", "Sista fasen")] + phases)
    if formdata is None:
        form.since.data = node.since.key if node.since else ""
        form.until.data = node.until.key if node.until else ""
        form.parent.data = node.parent.key if node.parent else ""
        form.unit.data = node.unit.key if node.unit else ""
        form.notes.data = "\n".join(node.notes or [])
        form.carried_over_from.data = str(node.carried_over_from or "")
        form.title_prefix.data = (node.prefix or "").strip()
    return form


def _new_node_form(plan, parent, formdata=None):
    """The form to add a node under ``parent`` (None: at the top), of the sort most
    likely there."""
    form = ItemForm(formdata=formdata)
    form.type.choices = choices([(t.key, t.label) for t in plan.node_types])
    form.unit.choices = choices([("", "Ingen enhet")] + [(u.key, u.name) for u in plan.units])
    now = timeline.current_phase(plan)
    # A new node is never followed up from a signed phase or one before it.
    open_ = structure.open_to_new_nodes(plan)
    form.since.choices = choices(
        ([("", f"Fasen som pågår nu ({now.label.lower()})")] if now in open_ else [])
        + [(p.key, p.label) for p in open_])
    if formdata is None:
        sort = structure.child_type(plan, parent)
        form.type.data = sort.key if sort else ""
        form.unit.data = parent.unit.key if parent is not None and parent.unit else ""
    return form


def _level_form(level=None, formdata=None, prefix=""):
    form = LevelForm(formdata=formdata, obj=level if formdata is None else None, prefix=prefix)
    form.tone.choices = choices(list(structure.TONES.items()))
    return form


def _tree_heading(plan):
    """"Inriktningsmål, nämndmål, uppdrag och åtgärder": the plan's own words."""
    sorts = [(t.plural or t.label).lower() for t in plan.node_types]
    heading = (" och ".join([", ".join(sorts[:-1]), sorts[-1]]) if len(sorts) > 1
               else sorts[0] if sorts else "punkter i planen")
    return heading[:1].upper() + heading[1:]


def _page(plan, *, focus=None, editing=None, adding=None, expand_all=False, section=None,
          unit_form=None, status=200):
    """The structure page. ``focus``: the node just changed or asked for, shown open with
    what is above it; ``editing``: (node, form) edited in place; ``adding``: (parent or
    None, form) for a new node under parent; ``section``: "enheter" or "skala-<key>",
    open and where the page's messages are shown."""
    if editing:
        focus = editing[0]
    elif adding and adding[0] is not None:
        focus = adding[0]
    opened = {n.id for n in ([focus] + structure.ancestors(focus))} if focus else set()
    return render_template(
        "structure/index.html", plan=plan, outline=structure.outline(plan), focus=focus,
        opened=opened, expand_all=expand_all, editing=editing, adding=adding,
        section=section or ("enheter" if unit_form is not None else None),
        current=timeline.current_phase(plan), tree_heading=_tree_heading(plan),
        name_of=structure.name,
        unit_form=unit_form or UnitForm(formdata=None),
        unit_forms={u.id: UnitForm(formdata=None, obj=u, prefix=f"u{u.id}") for u in plan.units},
        level_forms={lv.id: _level_form(lv, prefix=f"l{lv.id}")
                     for s in plan.scales for lv in s.levels},
        new_level_forms={s.key: _level_form(prefix=f"ny-{s.key}") for s in plan.scales},
        button=EmptyForm()), status


def _back(plan, node=None, section=None):
    """Back to the page, at ``node`` (opened) or at a section."""
    if node is not None:
        return redirect(url_for(".index", plan_key=plan.key, punkt=node.key)
                        + f"#punkt-{node.key}")
    if section is not None:
        return redirect(url_for(".index", plan_key=plan.key, visa=section) + f"#{section}")
    return redirect(url_for(".index", plan_key=plan.key))


@bp.get("/")
def index(plan_key):
    plan = lookup.find_plan(plan_key)
    args = request.args
    editing = adding = None
    edited = structure.find_node(plan, args.get("redigera"))
    if edited is not None:
        editing = (edited, _node_form(plan, edited))
    elif "ny" in args:
        parent = structure.find_node(plan, args["ny"])
        adding = (parent, _new_node_form(plan, parent))
    shown = args.get("visa", "")
    sections = {"enheter"} | {f"skala-{s.key}" for s in plan.scales}
    return _page(plan, focus=structure.find_node(plan, args.get("punkt")), editing=editing,
                 adding=adding, expand_all=shown == "alla",
                 section=shown if shown in sections else None)


@bp.post("/noder")
def add_node(plan_key):
    plan = lookup.find_plan(plan_key)
    parent = structure.find_node(plan, request.form.get("parent"))
    form = _new_node_form(plan, parent, formdata=request.form)

    def add():
        if request.form.get("parent") and parent is None:
            raise Invalid("Den valda överordnade punkten finns inte i planen.")
        return structure.add_node(current_user, plan, parent=parent, type_key=form.type.data,
                                  number=form.number.data, title=form.title.data,
                                  unit_key=form.unit.data, since_key=form.since.data,
                                  prefix=form.title_prefix.data)

    return (_save_node(plan, form, add, lambda node: f"{structure.name(node)} har lagts till.")
            or _page(plan, adding=(parent, form), status=422))


def _save_node(plan, form, save, saved):
    """A node's valid form ``save``d: committed, ``saved(node)`` said, back at the node.
    None where the form or the service refused it (the message under its field)."""
    if not form.validate():
        return None
    try:
        node = save()
    except Invalid as e:
        _error_field(form, e).errors.append(e.message)
        return None
    db.session.commit()
    flash(saved(node), "success")
    _tell_namesakes(node)
    return _back(plan, node)


def _error_field(form, error):
    """The field a refusal concerns (since, for a signed phase), else the title."""
    name = getattr(error, "field", None)
    name = "title_prefix" if name == "prefix" else name
    return form[name] if name in form else form.title


def _tell_namesakes(node):
    for other in structure.namesakes(node):
        flash(f"Observera: {structure.name(node)} finns redan, ”{other.title}”. "
              "Kontrollera numret.", "info")


@bp.get("/noder/<node_key>")
def edit_node_form(plan_key, node_key):
    """The node's form, in place in the tree (the address of the former edit page)."""
    plan = lookup.find_plan(plan_key)
    node = lookup.find_node(plan, node_key)
    return redirect(url_for(".index", plan_key=plan.key, redigera=node.key)
                    + f"#punkt-{node.key}")


@bp.post("/noder/<node_key>")
def edit_node(plan_key, node_key):
    plan = lookup.find_plan(plan_key)
    node = lookup.find_node(plan, node_key)
    form = _node_form(plan, node, formdata=request.form)

    def update():
        return structure.update_node(
            current_user, node, number=form.number.data, title=form.title.data,
            unit_key=form.unit.data, notes=form.notes.data, group=form.group.data,
            responsible_boards=form.responsible_boards.data,
            carried_over_from=form.carried_over_from.data, parent_key=form.parent.data,
            since_key=form.since.data, until_key=form.until.data,
            prefix=form.title_prefix.data)

    return (_save_node(plan, form, update, lambda node: (
        f"Ändringarna i {_lower_first(structure.name(node))} har sparats."))
            or _page(plan, editing=(node, form), status=422))


def _lower_first(text):
    return text[:1].lower() + text[1:]


@bp.post("/noder/<node_key>/<action>")
def node_action(plan_key, node_key, action):
    plan = lookup.find_plan(plan_key)
    node = lookup.find_node(plan, node_key)
    if not EmptyForm().validate():
        return _back(plan, node)
    name = structure.name(node)
    try:
        _node_action(plan, node, name, action)
    except Invalid as e:
        flash(e.message, "error")
    else:
        db.session.commit()
    return _back(plan, node)


def _node_action(plan, node, name, action):
    if action == "upp":
        structure.move(current_user, node, -1)
        flash(f"{name} har flyttats upp.", "success")
    elif action == "ner":
        structure.move(current_user, node, +1)
        flash(f"{name} har flyttats ner.", "success")
    elif action == "ta-bort":
        structure.take_out(current_user, node)
        if node.archived:
            flash(f"{name} har tagits bort ur planen. Punkten ingick inte i någon tidigare "
                  "fas.", "success")
        else:
            flash(f"{name} har tagits bort ur planen från och med "
                  f"{timeline.current_phase(plan).label.lower()}. I tidigare faser och deras "
                  "dokument finns punkten kvar.", "success")
    elif action == "ta-tillbaka":
        structure.put_back(current_user, node)
        flash(f"{name} är tillbaka i planen.", "success")


@bp.post("/enheter")
def add_unit(plan_key):
    plan = lookup.find_plan(plan_key)
    form = UnitForm()
    if form.validate():
        try:
            structure.add_unit(current_user, plan, key=form.key.data, name=form.name.data)
        except Invalid as e:
            form.key.errors.append(e.message)
        else:
            db.session.commit()
            flash("Enheten är tillagd.", "success")
            return _back(plan, section="enheter")
    return _page(plan, unit_form=form, status=422)


@bp.post("/enheter/<int:unit_id>")
def rename_unit(plan_key, unit_id):
    plan = lookup.find_plan(plan_key)
    unit = db.get_or_404(Unit, unit_id)
    if unit.plan_id != plan.id:
        return _back(plan)
    form = UnitForm(prefix=f"u{unit.id}")
    if form.validate():
        structure.rename_unit(current_user, unit, form.name.data)
        db.session.commit()
        flash("Enheten är sparad.", "success")
    else:
        flash("Enheten behöver ett namn.", "error")
    return _back(plan, section="enheter")


@bp.post("/skalor/<scale_key>")
def add_level(plan_key, scale_key):
    plan = lookup.find_plan(plan_key)
    scale = structure.find_scale(plan, scale_key)
    if scale is None:
        return _back(plan)
    return _save_level(plan, scale, f"ny-{scale.key}", "Nivån är tillagd.", lambda form: (
        structure.add_level(current_user, scale, key=form.key.data, label=form.label.data,
                            text=form.text.data, tone=form.tone.data, done=form.done.data)))


@bp.post("/nivaer/<int:level_id>")
def update_level(plan_key, level_id):
    plan = lookup.find_plan(plan_key)
    level = db.get_or_404(Level, level_id)
    if level.scale.plan_id != plan.id:
        return _back(plan)
    return _save_level(plan, level.scale, f"l{level.id}", "Nivån är sparad.", lambda form: (
        structure.update_level(current_user, level, label=form.label.data,
                               text=form.text.data, tone=form.tone.data, done=form.done.data)))


def _save_level(plan, scale, prefix, saved, save):
    """The posted level form (fields named with ``prefix``) given to ``save``; back at the
    scale with ``saved`` or what was wrong."""
    form = _level_form(formdata=request.form, prefix=prefix)
    if not form.validate():
        flash("Nivån behöver en etikett.", "error")
        return _back(plan, section=f"skala-{scale.key}")
    try:
        save(form)
    except Invalid as e:
        flash(e.message, "error")
    else:
        db.session.commit()
        flash(saved, "success")
    return _back(plan, section=f"skala-{scale.key}")


@bp.get("/nasta-ar")
def next_year(plan_key):
    plan = lookup.find_plan(plan_key)
    return render_template("structure/next_year.html", plan=plan, new_key=rollover.next_key(plan),
                           decisions=rollover.preview(plan), form=EmptyForm())


@bp.post("/nasta-ar")
def create_next_year(plan_key):
    plan = lookup.find_plan(plan_key)
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
    db.session.commit()
    flash(f"Planen {new.key} är skapad. Faserna är stängda tills du öppnar dem.", "success")
    return redirect(url_for(".index", plan_key=new.key))
