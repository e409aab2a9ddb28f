"""plan import / export / list through the CLI, with the shared fixtures and the demo plan."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from followup.core.extensions import db
from followup.demo import PLAN_FILE as DEMO_PLAN
from followup.followups.models.followup import Followup, FollowupRevision, FollowupState
from followup.planfile import validate
from followup.plans.models.node import Node
from followup.plans.models.plan import Plan
from tests.fixtures import fixture_params, load_json, plan_params, snapshot
from tests.roundtrip import round_trip_differences


def import_file(cli, path, *args):
    return cli.invoke(args=["plan", "import", str(path), *args])


@pytest.mark.parametrize("path", plan_params())
def test_fixture_imports_and_exports_what_it_read(cli, ctx, path, tmp_path):
    result = import_file(cli, path)
    assert result.exit_code == 0, result.stderr
    original = load_json(path)
    key = f'{original["organisation"]["board_code"]}-{original["year"]}'
    assert result.stdout.strip() == key

    out = tmp_path / "export.json"
    result = cli.invoke(args=["plan", "export", key, str(out)])
    assert result.exit_code == 0, result.stderr
    exported = load_json(out)
    assert round_trip_differences(original, exported) == []
    validate(exported)  # what we write is a valid plan file again


@pytest.mark.parametrize("path", plan_params())
def test_fixture_export_is_stable_through_a_second_round(cli, ctx, path, tmp_path):
    import_file(cli, path)
    key = "{}-{}".format(load_json(path)["organisation"]["board_code"], load_json(path)["year"])
    first = cli.invoke(args=["plan", "export", key]).stdout
    second_file = tmp_path / "again.json"
    second_file.write_text(first, encoding="utf-8")
    assert import_file(cli, second_file, "--replace").exit_code == 0
    assert cli.invoke(args=["plan", "export", key]).stdout == first


def test_both_fixtures_live_side_by_side(cli, ctx):
    from tests.fixtures import FIXTURE_FILES

    if len(FIXTURE_FILES) < 2:
        pytest.skip("../shared/fixtures saknas")
    for path in FIXTURE_FILES:
        assert import_file(cli, path).exit_code == 0
    # Plans of the same board in different years keep their own organisation data.
    for path in FIXTURE_FILES:
        original = load_json(path)
        key = f'{original["organisation"]["board_code"]}-{original["year"]}'
        exported = json.loads(cli.invoke(args=["plan", "export", key]).stdout)
        assert exported["organisation"] == original["organisation"]


@pytest.mark.parametrize("path", fixture_params())
def test_imported_fixture_is_in_the_database_as_a_tree(cli, ctx, path):
    import_file(cli, path)
    original = load_json(path)

    def count(nodes):
        return sum(1 + count(n["children"]) for n in nodes)

    def followups(nodes):
        return sum(len(n["followups"]) + followups(n["children"]) for n in nodes)

    plan = db.session.scalar(select(Plan))
    assert db.session.scalar(select(func.count(Node.id)).where(Node.plan_id == plan.id)) == count(original["nodes"])
    assert [n.key for n in plan.root_nodes] == [n["key"] for n in original["nodes"]]
    n_followups = followups(original["nodes"])
    assert db.session.scalar(select(func.count(Followup.id))) == n_followups
    # Every imported follow-up is a draft at version 1, with its import as revision 1.
    assert set(db.session.scalars(select(Followup.state))) <= {FollowupState.draft}
    assert db.session.scalar(select(func.count(FollowupRevision.id)).where(
        FollowupRevision.source == "import", FollowupRevision.version == 1)) == n_followups


def test_demo_plan_round_trips(cli, ctx):
    assert import_file(cli, DEMO_PLAN).exit_code == 0
    exported = json.loads(cli.invoke(args=["plan", "export", "SOC-2026"]).stdout)
    assert round_trip_differences(load_json(DEMO_PLAN), exported) == []


def test_export_writes_to_stdout_with_swedish_text_as_utf8(cli, ctx):
    import_file(cli, DEMO_PLAN)
    result = cli.invoke(args=["plan", "export", "SOC-2026"])
    assert result.exit_code == 0
    assert "Förvaltningsdirektör" in result.stdout  # not \u00f6 escapes
    assert json.loads(result.stdout)["format"] == "followup-plan/2"


def test_export_of_unknown_plan_fails(cli, ctx):
    result = cli.invoke(args=["plan", "export", "XYZ-1999"])
    assert result.exit_code == 1
    assert "planen XYZ-1999 finns inte" in result.stderr


def test_existing_key_is_refused_without_replace(cli, ctx):
    import_file(cli, DEMO_PLAN)
    before = snapshot()
    result = import_file(cli, DEMO_PLAN)
    assert result.exit_code == 1
    assert "SOC-2026 finns redan" in result.stderr and "--replace" in result.stderr
    assert snapshot() == before


def test_replace_swaps_the_plan_keeps_units_of_reporters_and_archives_the_old(cli, ctx, app, tmp_path):
    import_file(cli, DEMO_PLAN)
    password = "ett-långt-lösenord"
    cli.invoke(args=["user", "create", "a@ekbacka.example", "--name", "A", "--role", "reporter",
                     "--unit", "SOC-2026:vuxen"], input=password + "\n")
    changed = load_json(DEMO_PLAN)
    changed["nodes"][0]["title"] = "Ny lydelse av målet"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")

    result = import_file(cli, path, "--replace")
    assert result.exit_code == 0, result.stderr
    exported = json.loads(cli.invoke(args=["plan", "export", "SOC-2026"]).stdout)
    assert exported["nodes"][0]["title"] == "Ny lydelse av målet"
    assert db.session.scalar(select(func.count(Plan.id))) == 1
    assert "SOC-2026:vuxen" in cli.invoke(args=["user", "list"]).stdout
    archived = sorted(Path(app.instance_path, "replaced").glob("SOC-2026-*.json"))
    assert archived, "the replaced plan's export is kept in instance/replaced"
    assert load_json(archived[-1])["nodes"][0]["title"] == load_json(DEMO_PLAN)["nodes"][0]["title"]


def test_list_shows_key_board_year_and_phases(cli, ctx):
    assert cli.invoke(args=["plan", "list"]).stdout.strip() == "Inga planer."
    import_file(cli, DEMO_PLAN)
    line = cli.invoke(args=["plan", "list"]).stdout.strip()
    assert line.split("\t") == ["SOC-2026", "Socialnämnden", "2026", "april, augusti, december"]
