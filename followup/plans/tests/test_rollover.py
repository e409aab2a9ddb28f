"""Next year's plan: what comes along, what stays, and KVAR FRÅN."""

import json

from sqlalchemy import func, select

from followup.core.extensions import db
from followup.followups.models.followup import Followup
from followup.planfile import transfer
from followup.plans import rollover
from followup.plans.models.node import Node
from followup.plans.models.plan import Plan
from tests.fixtures import snapshot
from tests.roundtrip import round_trip_differences

DONE_IN_AUGUST = {"u3", "u5", "u8", "u9", "u11"}


def node_keys(plan_key):
    return set(db.session.scalars(select(Node.key).join(Plan).where(Plan.key == plan_key)))


def test_preview_decides_per_node(demo):
    decisions = {d.node.key: d for d in rollover.preview(demo.plan)}
    for key in DONE_IN_AUGUST:
        assert decisions[key].outcome == rollover.STAYS
        assert all(decisions[c.key].outcome == rollover.STAYS
                   for c in decisions[key].node.children)
    assert decisions["u1"].outcome == rollover.CARRIED  # påbörjad
    assert decisions["u6"].outcome == rollover.CARRIED  # stoppad
    assert decisions["im1"].outcome == rollover.COMES  # a goal: no done level
    assert decisions["u1-a1"].outcome == rollover.COMES


def test_create_copies_structure_without_follow_ups(demo):
    new = rollover.create(demo.sara, demo.plan)
    assert new.key == "SOC-2027" and new.year == 2027
    keys = node_keys("SOC-2027")
    assert not keys & DONE_IN_AUGUST
    assert {"u3-a1", "u3-a2"} & keys == set()  # the subtree stays with its uppdrag
    assert {"im1", "nm1-1", "u1", "u1-a1", "u12"} <= keys
    nodes = {n.key: n for n in db.session.scalars(select(Node).where(Node.plan_id == new.id))}
    assert nodes["u1"].carried_over_from == 2026 and nodes["u6"].carried_over_from == 2026
    assert nodes["im1"].carried_over_from is None and nodes["u1-a1"].carried_over_from is None
    assert [c.key for c in nodes["nm1-2"].children] == ["u4"]  # u3 stayed
    assert nodes["u4"].position == 0
    assert db.session.scalar(select(func.count(Followup.id)).join(Node)
                             .where(Node.plan_id == new.id)) == 0
    assert [p.key for p in new.phases] == ["april", "augusti", "december"]
    assert new.phases[0].period_end.isoformat() == "2027-04-30"
    assert not any(p.is_open for p in new.phases)
    assert [p.key for p in new.internal_control.points] == [f"IK{i}" for i in range(1, 6)]
    assert all(not p.results for p in new.internal_control.points)
    table = next(t for t in new.tables if t.key == "nyckeltal-hvb")
    assert [r.values for r in table.rows if r.formula is None] == [[None, None]] * 3
    assert [r.formula for r in table.rows if r.formula] == ["kost - int", "netto / dygn"]
    # Reporters keep their units in the new plan.
    from followup.people.models import UnitMembership
    from followup.plans.models.plan import Unit
    anna_units = db.session.execute(
        select(Plan.key, Unit.key).join(Unit.plan).join(UnitMembership, UnitMembership.unit_id == Unit.id)
        .where(UnitMembership.user_id == demo.anna.id)).all()
    assert ("SOC-2027", "barn-unga") in anna_units


def test_the_new_plan_exports_as_a_valid_plan_file_that_round_trips(demo, cli):
    rollover.create(demo.sara, demo.plan)
    text = cli.invoke(args=["plan", "export", "SOC-2027"]).stdout
    data = json.loads(text)
    assert data["year"] == 2027
    cli.invoke(args=["plan", "import", "--replace", "-"], input=text)
    again = json.loads(cli.invoke(args=["plan", "export", "SOC-2027"]).stdout)
    assert round_trip_differences(data, again) == []


def test_cli_dry_run_changes_nothing_and_the_real_run_prints_the_key(demo, cli):
    before = snapshot()
    result = cli.invoke(args=["plan", "rollover", "SOC-2026", "--dry-run"])
    assert result.exit_code == 0
    assert "Uppdrag 1.1.1: Utveckla familjebehandlingen" in result.stdout
    assert "påbörjad: följer med som KVAR FRÅN 2026" in result.stdout
    assert "färdig: stannar i 2026" in result.stdout
    assert "Provkörning: SOC-2027 skapades inte." in result.stdout
    assert snapshot() == before
    result = cli.invoke(args=["plan", "rollover", "SOC-2026"])
    assert result.exit_code == 0 and result.stdout.strip().endswith("SOC-2027")
    again = cli.invoke(args=["plan", "rollover", "SOC-2026"])
    assert again.exit_code == 1 and "SOC-2027 finns redan" in again.stderr


def test_compiler_previews_and_leaves_items_out_in_the_browser(as_user):
    sara = as_user("sara")
    page = sara.get("/plans/SOC-2026/struktur/nasta-ar").text
    assert "Skapa SOC-2027 ur SOC-2026" in page and "KVAR FRÅN 2026" in page
    assert 'value="u3"' not in page  # staying items have no checkbox
    keep = [k for k in ("im1", "nm1-1", "u1", "u1-a1", "u1-a2", "im2", "nm2-1", "u6", "u6-a1")]
    response = sara.post("/plans/SOC-2026/struktur/nasta-ar", {"med": keep})
    assert response.status_code == 302
    assert node_keys("SOC-2027") == set(keep)


def test_only_the_compiler_creates_next_years_plan(as_user):
    for who in ("anna", "lena", "per"):
        b = as_user(who)
        assert b.get("/plans/SOC-2026/struktur/nasta-ar").status_code == 403
    assert db.session.scalar(select(Plan).where(Plan.key == "SOC-2027")) is None


def test_next_years_tables_keep_their_whole_definition_without_figures(demo):
    from followup.tables import tables

    plan = transfer.import_plan(ECONOMY_WITH_REPORTED)
    new = rollover.create(demo.sara, plan)
    table = new.tables[0]
    assert table.chart == "line" and table.comment is None and table.version == 1
    rows = sorted(table.rows, key=lambda r: r.position)
    assert [(r.formula, r.values, r.cell_decimals) for r in rows] == [
        (None, [None, None], [1, 3]),
        ("sum", [None, None], None),  # still takes its reported figures, now empty
    ]
    assert [r.source for r in table.revisions] == ["rollover"]
    tables.save_values(demo.sara, table, {(1, 0): "3,0"})
    assert str(rows[1].values[0]) == "3.0"


ECONOMY_WITH_REPORTED = """{
 "format": "followup-plan/2",
 "organisation": {"municipality": "Test kommun", "board": "Testnämnden", "board_code": "TN",
                  "administration": "Testförvaltningen"},
 "year": 2026, "phases": [{"key": "augusti", "label": "Per augusti"}],
 "scales": {}, "node_types": {}, "units": [], "nodes": [], "internal_control": null,
 "tables": [{"key": "t", "title": "T", "unit": "mnkr", "columns": ["A", "B"], "chart": "line",
   "rows": [{"key": "a", "label": "A", "values": [1.4, 1.247], "decimals": [1, 3]},
            {"key": "s", "label": "Summa", "formula": "sum", "values": [1.4, 1.247]}],
   "comment": "<p>Text</p>"}],
 "documents": []
}"""
