"""Internal control in the browser: the compiler maintains the control points; per
phase the point's unit records the result on the control scale and a comment,
through the same review cycle as follow-ups. A phase in which a point is not
checked gets the scale's not-applicable level, not a blank."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core import inputs
from followup.core.errors import Invalid, NotFound
from followup.core.extensions import db
from followup.followups import lifecycle
from followup.followups.models.internal_control import (
    ControlPoint, ControlResult, ControlResultRevision, InternalControl,
)
from followup.people import permissions
from followup.plans import lock
from followup.plans.models.plan import Phase


@dataclass
class ControlCurrent(lifecycle.Entry):
    point: ControlPoint
    phase: Phase
    result: ControlResult | None

    what = "Kontrollmomentet"
    noun = "kontrollresultatet"
    SUBJECT, ROW, MODELS = "point", "result", (ControlResult, ControlResultRevision)
    LINK = "controls.edit", "key"

    @property
    def heading(self):
        return "Kontrollmoment", self.point.key, self.point.area or self.point.control

    @property
    def scale(self):
        return self.point.internal_control.scale

    def reload(self):
        return current(self.point, self.phase)


def find_point(plan, key):
    ic = plan.internal_control
    point = next((p for p in ic.points if p.key == key), None) if ic else None
    if point is None:
        raise NotFound(f"Kontrollmomentet {key} finns inte i planen {plan.key}.")
    return point


def current(point, phase):
    result = db.session.scalar(
        select(ControlResult).where(ControlResult.point_id == point.id,
                                    ControlResult.phase_id == phase.id)
        .options(selectinload(ControlResult.level)))
    return ControlCurrent(point, phase, result)


def phase_results(plan, phase):
    """Every control point with its result in ``phase``, in the plan's order."""
    return phase_results_many([(plan, phase)])[phase.id]


def phase_results_many(pairs):
    """{phase id: phase_results(plan, phase)} for (plan, phase) pairs of any plans, in
    the same three queries however many."""
    pairs = list(pairs)
    if not pairs:
        return {}
    controls = {ic.plan_id: ic for ic in db.session.scalars(
        select(InternalControl).where(InternalControl.plan_id.in_({p.id for p, _ in pairs}))
        .options(selectinload(InternalControl.points)))}
    results = {(r.point_id, r.phase_id): r for r in db.session.scalars(
        select(ControlResult).where(ControlResult.phase_id.in_([ph.id for _, ph in pairs]))
        .options(selectinload(ControlResult.level)))} if controls else {}
    return {phase.id: [ControlCurrent(p, phase, results.get((p.id, phase.id)))
                       for p in (controls[plan.id].points if plan.id in controls else [])]
            for plan, phase in pairs}


# The review cycle on a control point's result in a phase: save(user, point, phase, …)
# and so on.
save, submit, return_for_changes, approve = lifecycle.by_subject(current)


def revisions(point, phase):
    return db.session.scalars(
        select(ControlResultRevision).join(ControlResult)
        .where(ControlResult.point_id == point.id, ControlResult.phase_id == phase.id)
        .options(selectinload(ControlResultRevision.level))
        .order_by(ControlResultRevision.version)).all()


def _point_fields(plan, area, process, risk, control, method, mandatory, unit_key):
    unit = None
    if unit_key:
        unit = next((u for u in plan.units if u.key == unit_key), None)
        if unit is None:
            raise Invalid(f"Enheten {unit_key} finns inte i planen.")
    return dict(area=inputs.text(area, "Området", 500), process=inputs.text(process, "Processen", 500),
                risk=inputs.text(risk, "Risken", 4000),
                control=inputs.text(control, "Kontrollen", 4000, required=True),
                method=inputs.text(method, "Metoden", 4000), mandatory=bool(mandatory), unit=unit)


def add_point(user, plan, *, key, **fields):
    permissions.require_compiler(user, plan)
    lock.lock_plan(plan.id)
    ic = plan.internal_control
    if ic is None:
        raise Invalid("Planen har ingen internkontrollplan (ingen kontrollskala).")
    key = inputs.key(key, "Beteckningen")
    if any(p.key == key for p in ic.points):
        raise Invalid(f"Kontrollmomentet {key} finns redan.")
    point = ControlPoint(key=key, position=len(ic.points), **_point_fields(plan, **fields))
    ic.points.append(point)
    return point


def update_point(user, plan, point, **fields):
    permissions.require_compiler(user, plan)
    lock.lock_plan(plan.id)
    for name, value in _point_fields(plan, **fields).items():
        setattr(point, name, value)
    return point


def move_point(user, plan, point, offset):
    permissions.require_compiler(user, plan)
    lock.lock_plan(plan.id)
    inputs.reorder(plan.internal_control.points, point, offset)
