"""A board's node that is the municipality's goal or assignment (FORMAT.md 2.2
``source``): the link is checked on import against the municipality's plan, kept, and
written back on export; a link to nothing refuses the whole file with its path."""

import json

import pytest

from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.planfile import PlanFileError, transfer
from followup.plans import lookup
from tests.fixtures import snapshot

DEMO = PLAN_FILE.read_text(encoding="utf-8")


def plan_file(code, board, level=None, sources=()):
    """The demo plan as board ``code``; ``sources`` [(path of node indices, source)]."""
    data = json.loads(DEMO)
    data["organisation"].update(board_code=code, board=board)
    if level:
        data["organisation"]["level"] = level
    for path, source in sources:
        node = data["nodes"][path[0]]
        for i in path[1:]:
            node = node["children"][i]
        node["source"] = source
    return data


def write(tmp_path, data):
    path = tmp_path / f'{data["organisation"]["board_code"]}.json'
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def municipality(ctx):
    transfer.import_plan(json.dumps(plan_file("KF", "Kommunfullmäktige", "municipality")))
    transfer.import_plan(json.dumps(plan_file("UBN", "Utbildningsnämnden")))
    db.session.commit()


def test_a_board_s_node_names_the_municipal_goal_it_is_and_keeps_it(municipality, cli, tmp_path):
    data = plan_file("SCN", "Socialnämnden", sources=[((0,), "KF-2026/im1"),
                                                      ((0, 1), "KF-2026/nm1-2")])
    result = cli.invoke(args=["plan", "import", str(write(tmp_path, data))])
    assert result.exit_code == 0, result.stderr
    plan = lookup.find_plan("SCN-2026")
    assert lookup.find_node(plan, "im1").source == "KF-2026/im1"
    exported = json.loads(cli.invoke(args=["plan", "export", "SCN-2026"]).stdout)
    assert exported["nodes"][0]["source"] == "KF-2026/im1"
    assert exported["nodes"][0]["children"][1]["source"] == "KF-2026/nm1-2"
    assert "source" not in exported["nodes"][1]


def test_links_to_nothing_refuse_the_file_with_every_path(municipality, cli, tmp_path):
    data = plan_file("SCN", "Socialnämnden", sources=[
        ((0,), "KF-2030/im1"),            # no such plan
        ((1,), "KF-2026/finns-inte"),     # no such node
        ((0, 0), "UBN-2026/im1"),         # a board's plan, not the municipality's
        ((0, 1), "SCN-2026/im2"),         # its own plan
    ])
    before = snapshot()
    result = cli.invoke(args=["plan", "import", str(write(tmp_path, data))])
    assert result.exit_code != 0
    for path, words in [("nodes[0].source", 'planen "KF-2030" finns inte'),
                        ("nodes[1].source", 'noden "finns-inte" finns inte i planen KF-2026'),
                        ("nodes[0].children[0].source", "är inte kommunens plan"),
                        ("nodes[0].children[1].source", "sin egen plan")]:
        assert path in result.stderr and words in result.stderr, (path, result.stderr)
    assert snapshot() == before


def test_the_municipality_s_plan_comes_first(ctx):
    data = plan_file("SCN", "Socialnämnden", sources=[((0,), "KF-2026/im1")])
    with pytest.raises(PlanFileError) as refused:
        transfer.import_plan(json.dumps(data))
    assert [f.path for f in refused.value.faults] == ["nodes[0].source"]
    assert "importera kommunens plan först" in refused.value.faults[0].message
