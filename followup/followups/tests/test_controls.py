"""Internal control in the browser: results per phase with the follow-ups' review
cycle, history and concurrency; the compiler maintains the control points."""

import pytest
from sqlalchemy import select

from followup.core.errors import Conflict, Forbidden
from followup.core.extensions import db
from followup.followups import controls
from followup.followups.models.followup import FollowupState
from followup.followups.models.internal_control import (
    ControlPoint, ControlResult, ControlResultRevision,
)

IK = "/plans/SOC-2026/phases/december/internkontroll"


def point(demo, key):
    return controls.find_point(demo.plan, key)


def version(demo, key):
    """The stored version: the demo file lists december as not reported (null), so
    those rows exist from the import."""
    return controls.current(point(demo, key), demo.plan.phase("december")).version


def test_reporter_of_the_unit_records_a_result_and_submits(demo):
    december = demo.plan.phase("december")
    saved = controls.save(demo.omar, point(demo, "IK1"), december, level_key="utan",
                          comment="<p>Tio beslut granskade.</p>", version=1)  # IK1: stod
    assert saved.state is FollowupState.draft and saved.version == 2
    assert controls.submit(demo.omar, point(demo, "IK1"), december).state is FollowupState.submitted
    revisions = db.session.scalars(select(ControlResultRevision)).all()
    assert [(r.version, r.state.value, r.author_id) for r in revisions] == [
        (2, "draft", demo.omar.id), (3, "submitted", demo.omar.id)]


def test_not_checked_is_recorded_as_the_not_applicable_level(demo):
    saved = controls.save(demo.omar, point(demo, "IK3"), demo.plan.phase("december"),
                          level_key="ej", comment=None, version=version(demo, "IK3"), submit=True)
    assert saved.level.tone == "not_applicable" and saved.state is FollowupState.submitted


@pytest.mark.parametrize("who, key, why", [("anna", "IK1", "annan enhet"),
                                           ("per", "IK2", "läsa men inte ändra")])
def test_who_may_not_record(demo, who, key, why):
    with pytest.raises(Forbidden, match=why):
        controls.save(getattr(demo, who), point(demo, key), demo.plan.phase("december"),
                      level_key="utan", comment=None, version=version(demo, key))


def test_review_cycle_and_stale_version(demo):
    december = demo.plan.phase("december")
    ik2 = point(demo, "IK2")  # barn-unga: Anna
    controls.save(demo.anna, ik2, december, level_key="mindre", comment="<p>En brist.</p>",
                  version=1, submit=True)
    returned = controls.return_for_changes(demo.sara, ik2, december, "Vilken brist?")
    assert returned.state is FollowupState.returned and returned.remark == "Vilken brist?"
    with pytest.raises(Conflict) as caught:
        controls.save(demo.anna, ik2, december, level_key="mindre", comment="<p>x</p>", version=2)
    assert caught.value.current.version == 3
    controls.save(demo.anna, ik2, december, level_key="mindre",
                  comment="<p>En utredning saknade förlängning.</p>", version=3, submit=True)
    assert controls.approve(demo.sara, ik2, december).state is FollowupState.approved


def test_results_page_and_edit_in_the_browser(as_user):
    omar = as_user("omar")
    page = omar.get(IK + "/").text
    assert "Kontroll av att delegationsbeslut" in page and "IK5" in page
    omar.get(IK + "/IK1")
    response = omar.post(IK + "/IK1", {"level": "utan", "comment": "<p>OK.</p>", "version": "1",
                                      "action": "submit"})
    assert response.status_code == 302
    page = omar.get(IK + "/IK1").text
    assert "inskickat för granskning" in page and "Inskickad" in page and "Historik" in page
    sara = as_user("sara")
    sara.get(IK + "/IK1")
    sara.post(IK + "/IK1/approve", {"version": "2"})
    result = db.session.scalar(select(ControlResult).join(ControlPoint)
                               .where(ControlPoint.key == "IK1", ControlResult.version == 3))
    assert result.state is FollowupState.approved


def test_a_far_too_long_result_is_refused_on_the_form_and_kept_in_it(as_user):
    omar = as_user("omar")
    omar.get(IK + "/IK1")
    text = "<p>Inledning " + "å" * 300_000 + "</p>"
    response = omar.post(IK + "/IK1", {"level": "utan", "comment": text, "version": "1"})
    assert response.status_code == 422
    assert "Texten är för lång: högst 100\N{NO-BREAK SPACE}000 tecken tillåts." in response.text
    assert "&lt;p&gt;Inledning " + "å" * 1000 in response.text


def test_stale_save_in_the_browser_shows_both(as_user):
    omar, sara = as_user("omar"), as_user("sara")
    omar.get(IK + "/IK4")
    sara.get(IK + "/IK4")
    sara.post(IK + "/IK4", {"level": "utan", "comment": "<p>Saras</p>", "version": "1"})
    response = omar.post(IK + "/IK4", {"level": "vasentlig", "comment": "<p>Omars</p>",
                                      "version": "1"})
    assert response.status_code == 409
    assert "Saras" in response.text and "Omars" in response.text


def test_compiler_adds_and_edits_control_points(as_user, demo):
    sara = as_user("sara")
    sara.get("/plans/SOC-2026/internkontroll/")
    response = sara.post("/plans/SOC-2026/internkontroll/", {
        "ny-key": "IK6", "ny-area": "Dokumentation", "ny-control": "Journalanteckningar görs inom 14 dagar.",
        "ny-unit": "barn-unga", "ny-mandatory": "y"})
    assert response.status_code == 302
    ik6 = db.session.scalar(select(ControlPoint).where(ControlPoint.key == "IK6"))
    assert ik6.unit.key == "barn-unga" and ik6.mandatory and ik6.position == 5
    sara.get("/plans/SOC-2026/internkontroll/")
    sara.post("/plans/SOC-2026/internkontroll/IK6", {f"p{ik6.id}-control": "Inom tio dagar.",
                                                     f"p{ik6.id}-unit": "vuxen"})
    changed = db.session.get(ControlPoint, ik6.id)
    assert changed.control == "Inom tio dagar." and changed.unit.key == "vuxen"
    assert as_user("anna").get("/plans/SOC-2026/internkontroll/").status_code == 403


def test_results_recorded_in_the_browser_reach_the_document_and_the_summary(as_user, demo):
    from followup.memos import summaries
    omar = as_user("omar")
    omar.get(IK + "/IK5")
    omar.post(IK + "/IK5", {"level": "utan", "comment": "<p>Alla 20 hade beslut.</p>",
                            "version": "1"})
    december = demo.plan.phase("december")
    assert summaries.control_summary(demo.plan, december).startswith(
        "Sammanlagt har tio kontroller genomförts")


def test_what_the_browser_records_round_trips_through_the_plan_file(demo, cli):
    import json

    from followup.tables import tables
    from tests.roundtrip import round_trip_differences

    december = demo.plan.phase("december")
    controls.save(demo.omar, point(demo, "IK1"), december, level_key="utan",
                  comment="<p>Inga fel.</p>", version=1)
    controls.add_point(demo.sara, demo.plan, key="IK6", area="Dokumentation", process=None,
                       risk=None, control="Journal inom 14 dagar.", method=None,
                       mandatory=True, unit_key="vuxen")
    hvb = next(t for t in demo.plan.tables if t.key == "nyckeltal-hvb")
    tables.save_values(demo.sara, hvb, {(0, 0): "32 000,5"})
    first = json.loads(cli.invoke(args=["plan", "export", "SOC-2026"]).stdout)
    ik1 = next(p for p in first["internal_control"]["points"] if p["key"] == "IK1")
    assert ik1["results"]["december"] == "utan" and ik1["comments"]["december"] == "<p>Inga fel.</p>"
    assert first["internal_control"]["points"][-1]["unit"] == "vuxen"
    assert first["tables"][1]["rows"][0]["values"][0] == 32000.5
    cli.invoke(args=["plan", "import", "--replace", "-"], input=json.dumps(first))
    again = json.loads(cli.invoke(args=["plan", "export", "SOC-2026"]).stdout)
    assert round_trip_differences(first, again) == []


def test_a_result_the_plan_file_leaves_empty_is_not_reported_not_a_draft(demo):
    """The demo file lists december as null: nobody has written anything, so the
    point is "not reported" everywhere (no draft on the start page or in the counts),
    and it cannot be approved, with a message about the control result."""
    from followup.core.errors import Invalid

    december = demo.plan.phase("december")
    assert controls.current(point(demo, "IK3"), december).state is FollowupState.empty
    with pytest.raises(Invalid, match="innan kontrollresultatet godkänns"):
        controls.approve(demo.sara, point(demo, "IK3"), december)
    # What the file says stays a draft until someone reviews it.
    assert controls.current(point(demo, "IK1"), demo.plan.phase("augusti")).state \
        is FollowupState.draft
