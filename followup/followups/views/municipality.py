"""The municipality's overview of a phase: the boards' progress and their levels per
goal of the municipality's plan."""

from datetime import date

from flask import Blueprint, render_template

from followup.core.errors import NotFound
from followup.followups import municipality
from followup.followups.models.followup import FollowupState
from followup.people import access
from followup.plans import lookup

bp = Blueprint("municipality", __name__, template_folder="../templates",
               url_prefix="/kommunen/<plan_key>/<phase_key>")


bp.before_request(access.require_plan_reader)


@bp.get("/")
def overview(plan_key, phase_key):
    plan, phase, _ = lookup.locate(plan_key, phase_key)
    if plan.level != "municipality":
        raise NotFound(f"Planen {plan.key} är en nämnds plan, inte kommunens.")
    return render_template(
        "municipality/overview.html", plan=plan, phase=phase, today=date.today(),
        boards=municipality.board_progress(plan, phase.key),
        goals=municipality.goal_levels(plan, phase.key), stages=municipality.STAGE_LABELS,
        submitted=FollowupState.submitted, approved=FollowupState.approved)
