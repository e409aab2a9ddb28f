"""Plans in and out: import a plan file, export one, list them."""

from datetime import datetime, timezone
from pathlib import Path

import simplejson
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from followup import planfile
from followup.core import formatting
from followup.core.errors import Forbidden, Invalid, NotFound
from followup.core.extensions import db
from followup.core.faults import json_path
from followup.followups.models.followup import Followup
from followup.followups.models.internal_control import ControlPoint, ControlResult, InternalControl
from followup.memos.models import Appendix, Memo
from followup.people import permissions
from followup.people.models import Role, UnitMembership
from followup.planfile import Fault, PlanFileError
from followup.planfile.reader import build_plan, plan_key
from followup.planfile.sources import source_faults
from followup.planfile.writer import plan_file
from followup.plans import structure, timeline
from followup.plans.models.node import Node
from followup.plans.models.plan import Plan, Scale, Unit
from followup.tables import figures
from followup.tables.models import FigureTable


class PlanExists(Exception):
    def __init__(self, key):
        super().__init__(f"planen {key} finns redan; använd --replace för att ersätta den")
        self.key = key


class PlanNotFound(LookupError):
    def __init__(self, key):
        super().__init__(f"planen {key} finns inte")
        self.key = key


def get_plan(key):
    plan = Plan.by_key(key)
    if plan is None:
        raise PlanNotFound(key)
    return plan


def list_plans():
    return db.session.scalars(
        select(Plan).options(selectinload(Plan.phases))
        .order_by(Plan.key)
    ).all()


def import_plan(raw, replace=False, archive_dir=None, board_check=None):
    """Import a plan file (text or bytes): all of it or nothing, in the caller's
    transaction (the caller commits). The file is checked, and the plan built from it,
    before anything changes.

    Raises PlanFileError with every fault, or PlanExists when the plan's key is
    taken and ``replace`` is false. On ``replace`` the old plan's export is kept in
    ``archive_dir`` first, and reporters keep their units where the unit key stays.
    ``board_check`` is called with the file's organisation before anything changes.
    """
    data = planfile.validate(planfile.parse(raw))
    if board_check is not None:
        board_check(data["organisation"])
    key = plan_key(data)
    faults = source_faults(data, key)
    if faults:
        raise PlanFileError(faults)
    session = db.session
    existing = session.scalar(select(Plan).where(Plan.key == key))
    if existing is not None:
        if not replace:
            raise PlanExists(key)
        faults = _signed_phase_faults(existing, data)
        if faults:
            raise PlanFileError(faults)
    plan = build_plan(data)
    kept_memberships = []
    if existing is not None:
        if archive_dir is not None:
            _archive(existing, Path(archive_dir))
        kept_memberships = session.execute(
            select(UnitMembership.user_id, Unit.key)
            .join(Unit).where(Unit.plan_id == existing.id)
        ).all()
        existing_id = existing.id
        session.expunge_all()
        # The database cascades the delete to everything the plan owns.
        session.execute(delete(Plan).where(Plan.id == existing_id))
    session.add(plan)
    session.flush()
    permissions.forget_municipal_boards()
    units = {u.key: u for u in plan.units}
    for user_id, unit_key in kept_memberships:
        if unit_key in units:
            session.add(UnitMembership(user_id=user_id, unit=units[unit_key]))
    return plan


def _signed_phase_faults(existing, data):
    """What a plan file would change in the phases of ``existing`` whose memo is signed:
    a node that would enter or leave one (its ``since``/``until``, or its parent's), or
    a signed phase the file no longer has. What a signed memo shows stays as it was."""
    signed = structure.signed_phases(existing)
    if not signed:
        return []
    positions = {p["key"]: i for i, p in enumerate(data["phases"])}
    faults = []
    for phase in signed:
        label = formatting.in_sentence(phase.label)
        if phase.key not in positions:
            faults.append(Fault("phases", f"fasen {phase.key} ({label}) saknas, men "
                                          "dess tjänsteskrivelse är fastställd"))
            continue
        before = {n.key for n, _ in structure.tree(existing) if timeline.in_phase(n, phase)}
        after = {}
        _file_nodes_in_phase(data["nodes"], ("nodes",), positions, positions[phase.key], after)
        for key in sorted(set(after) - before):
            faults.append(Fault(json_path(after[key]), f"punkten {key} skulle komma med i "
                                f"{label}, vars tjänsteskrivelse är fastställd"))
        for key in sorted(before - set(after)):
            faults.append(Fault("nodes", f"punkten {key} skulle försvinna ur {label}, vars "
                                         "tjänsteskrivelse är fastställd"))
    return faults


def _file_nodes_in_phase(nodes, path, positions, position, out):
    """{key: path} of the file's nodes (and their children) in the phase at ``position``."""
    for i, n in enumerate(nodes or []):
        since = positions.get(n.get("since"), 0) if n.get("since") else 0
        until = positions.get(n.get("until"), position) if n.get("until") else position
        if since <= position <= until:
            out[n["key"]] = path + (i,)
            _file_nodes_in_phase(n.get("children"), path + (i, "children"), positions,
                                 position, out)


def table_warnings(plan):
    """What the plan's tables print that their author should look at: a reported figure
    far from the computed one, a division by zero."""
    return [w for t in plan.tables for w in figures.printed_table(t).warnings]


def upload(user, raw):
    """A plan file sent from the browser, by the strategic unit: a new plan only.
    Replacing a plan takes its follow-ups and signed documents with it, so that stays
    with the command line, which archives the old one first."""
    if not permissions.compiles_any(user):
        raise Forbidden("Bara strategisk enhet (strateg) får importera planer.")

    def may_import(organisation):
        board_code = organisation["board_code"]
        if Role.compiler not in permissions.roles_on_board(user, board_code):
            raise Forbidden(f"Du är inte strateg för nämnden {board_code} och kan inte "
                            "importera dess plan.")
        # Whoever compiles the municipality's plan reads every board's: a board's
        # strateg may not make their board the municipality's.
        if organisation.get("level") == "municipality" \
                and board_code not in permissions.municipal_boards() \
                and user.role is not Role.compiler:
            raise Forbidden("Kommunens egen plan (organisation.level \"municipality\") "
                            "importeras första gången av driftsansvarig eller av en strateg "
                            "för alla nämnder.")

    try:
        return import_plan(raw, board_check=may_import)
    except PlanExists as e:
        raise Invalid(f"Planen {e.key} finns redan. En befintlig plan ersätts inte här: "
                      "be driftsansvarig ersätta den, så sparas den gamla först.") from None


def download(user, key):
    """The plan file of plan ``key`` as text, for whoever may read the plan."""
    plan = Plan.by_key(key)
    if plan is None:
        permissions.require_reads_any(user)
        raise NotFound(f"Planen {key} finns inte.")
    permissions.require_read(user, plan)
    return dump(export_plan(key))


def _archive(plan, folder):
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    path = folder / f"{plan.key}-{stamp}.json"
    path.write_text(dump(export_plan(plan.key)), encoding="utf-8")
    return path


def export_plan(key):
    """The plan file of plan ``key`` as a dict, in the order of FORMAT.md."""
    plan = db.session.scalar(
        select(Plan).where(Plan.key == key).options(
            selectinload(Plan.phases),
            selectinload(Plan.scales).selectinload(Scale.levels),
            selectinload(Plan.node_types),
            selectinload(Plan.units),
            selectinload(Plan.internal_control).options(
                selectinload(InternalControl.scale),
                selectinload(InternalControl.points).options(
                    selectinload(ControlPoint.unit),
                    selectinload(ControlPoint.results).options(
                        selectinload(ControlResult.level), selectinload(ControlResult.phase)),
                ),
            ),
            selectinload(Plan.tables).selectinload(FigureTable.rows),
            selectinload(Plan.memos).options(
                selectinload(Memo.phase),
                selectinload(Memo.sections),
                selectinload(Memo.appendices).options(
                    selectinload(Appendix.sections),
                    selectinload(Appendix.chapters).selectinload(Appendix.sections)),
            ),
        )
    )
    if plan is None:
        raise PlanNotFound(key)
    # Load the whole goal tree in three queries; the identity map links it up.
    db.session.scalars(
        select(Node).where(Node.plan_id == plan.id).options(
            selectinload(Node.children),
            selectinload(Node.unit),
            selectinload(Node.followups).options(
                selectinload(Followup.level), selectinload(Followup.phase)),
        )
    ).all()
    return plan_file(plan)


def dump(data):
    """A plan file's text: UTF-8 JSON, one-space indent like the fixtures. Table figures
    (Decimal) are JSON numbers with exactly their digits, which ``json`` cannot write."""
    return simplejson.dumps(data, ensure_ascii=False, indent=1, use_decimal=True) + "\n"
