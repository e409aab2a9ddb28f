"""Generated text: assessments per level and internal control, in Swedish words."""

from types import SimpleNamespace

import pytest

from followup.followups import followups as fu
from followup.memos import summaries
from followup.plans import lookup
from tests.fixtures import FIXTURE_FILES


@pytest.mark.parametrize("n, neuter, word", [(1, True, "ett"), (1, False, "en"), (2, True, "två"),
                                             (12, False, "tolv"), (13, True, "13")])
def test_numbers_in_words(n, neuter, word):
    assert summaries.in_words(n, neuter) == word


@pytest.mark.parametrize("label, plural, definite", [
    ("Inriktningsmål", "Inriktningsmål", "inriktningsmålen"),
    ("Uppdrag", "Uppdrag", "uppdragen"),
    ("Åtgärd", "Åtgärder", "åtgärderna"),
    ("Fråga", "Frågor", "frågorna"),
    ("Strategiskt mål", "Strategiska mål", "strategiska målen"),
    ("Delmål", None, "delmålen"),
    ("Ambition", "Ambitioner", None),  # not known: not inflected
])
def test_definite_plural(label, plural, definite):
    assert summaries.definite_plural(SimpleNamespace(label=label, plural=plural)) == definite


def test_demo_assessments_and_control(demo):
    plan = demo.plan
    august = plan.phase("augusti")
    types = {t.key: t for t in plan.node_types}
    assert summaries.assessment_summary(plan, august, types["inriktningsmal"]) == (
        "För ett av de tre inriktningsmålen är bedömningen ”i hög grad uppfyllt” "
        "och för två ”delvis uppfyllt”.")
    assert summaries.assessment_summary(plan, august, types["uppdrag"]) == (
        "För sex av de tolv uppdragen är statusen ”påbörjad”, för ett ”stoppad” "
        "och för fem ”färdig”.")
    assert summaries.assessment_summary(plan, august, types["atgard"]) is None  # no scale
    assert summaries.control_summary(plan, august) == (
        "Sammanlagt har nio kontroller genomförts i fem kontrollmoment. Sex av nio gav "
        "resultatet ”utan anmärkning”, två ”mindre anmärkning” och en ”väsentlig anmärkning”.")


def test_unassessed_goals_are_said(demo):
    plan = demo.plan
    december = plan.phase("december")
    goal_type = next(t for t in plan.node_types if t.key == "inriktningsmal")
    assert summaries.assessment_summary(plan, december, goal_type) == \
        "Inget av inriktningsmålen är bedömt än."
    fu.save(demo.sara, lookup.find_node(plan, "im1"), december, level_key="helt", comment=None,
            version=0)
    assert summaries.assessment_summary(plan, december, goal_type) == (
        "För ett av de tre inriktningsmålen är bedömningen ”helt uppfyllt”. "
        "Två är inte bedömda.")


@pytest.mark.skipif(not FIXTURE_FILES, reason="../shared/fixtures saknas")
def test_the_2023_report_figures_come_out_of_the_data(cli, ctx):
    path = next(p for p in FIXTURE_FILES if "2023" in p.name)
    cli.invoke(args=["plan", "import", str(path)])
    plan = lookup.find_plan("SCN-2023")
    # The report says: "Sammanlagt har 32 kontroller genomförts … 29 av 32 … utan anmärkning".
    assert summaries.control_summary(plan, plan.phase("december")) == (
        "Sammanlagt har 32 kontroller genomförts i 18 kontrollmoment. 29 av 32 gav resultatet "
        "”utan anmärkning” och tre ”mindre anmärkning”.")


@pytest.mark.parametrize("label, definite", [
    ("Bedömning", "bedömningen"), ("Status", "statusen"), ("Måluppfyllelse", "måluppfyllelsen"),
    ("Läge", "läget"), ("Tillstånd", None)])
def test_definite_singular_of_a_scale(label, definite):
    assert summaries._definite(label) == definite


def test_another_municipalitys_words_are_inflected_right_or_not_at_all(demo):
    """A neighbour's plan: "Strategiskt mål" is neuter whatever its plural looks like,
    and "Måluppfyllelse" is "måluppfyllelsen"; words the sentence does not know (here
    "Ambition") are not inflected at all (it wrote "måluppfyllelseen" and "en av de tre
    strategiska målen")."""
    from followup.core.extensions import db

    plan = demo.plan
    august = plan.phase("augusti")
    types = {t.key: t for t in plan.node_types}
    goal, assignment = types["inriktningsmal"], types["uppdrag"]
    goal.label, goal.plural, goal.scale.label = "Strategiskt mål", "Strategiska mål", \
        "Måluppfyllelse"
    assignment.label, assignment.plural = "Ambition", "Ambitioner"
    db.session.flush()
    assert summaries.assessment_summary(plan, august, goal) == (
        "För ett av de tre strategiska målen är måluppfyllelsen ”i hög grad uppfyllt” "
        "och för två ”delvis uppfyllt”.")
    assert summaries.assessment_summary(plan, august, assignment) == (
        "Ambitioner, status: 6 av 12 ”påbörjad”, 1 ”stoppad” och 5 ”färdig”.")
