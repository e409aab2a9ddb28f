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
from followup.followups.models.followup import FollowupState
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

    @property
    def row(self):
        return self.result

    @property
    def subject(self):
        return self.point

    @property
    def scale(self):
        return self.point.internal_control.scale

    @property
    def what(self):
        return "Kontrollmomentet"

    @property
    def heading(self):
        return "Kontrollmoment", self.point.key, self.point.area or self.point.control

    @property
    def link(self):
        return "controls.edit", dict(plan_key=self.phase.plan.key, phase_key=self.phase.key,
                                     key=self.point.key)

    def new_row(self):
        return ControlResult(point=self.point, phase=self.phase, state=FollowupState.draft)

    def new_revision(self, row, **fields):
        return ControlResultRevision(result=row, **fields)

    def reload(self):
        return current(self.point, self.phase)

    def with_row(self, row):
        return ControlCurrent(self.point, self.phase, row)


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


def save(user, point, phase, *, level_key, comment, version, source="web", submit=False):
    return lifecycle.save(user, current(point, phase), level_key=level_key, comment=comment,
                          version=version, source=source, submit=submit)


def submit(user, point, phase, version=None, source="web"):
    return lifecycle.submit(user, current(point, phase), version, source)


def return_for_changes(user, point, phase, remark, version=None, source="web"):
    return lifecycle.return_for_changes(user, current(point, phase), remark, version, source)


def approve(user, point, phase, version=None, source="web"):
    return lifecycle.approve(user, current(point, phase), version, source)


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
