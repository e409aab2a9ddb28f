"""Issue 21: what the screens say must be true, and the tests must be able to tell.

The conflict page shows the user's own text formatted, with a way back into the editor;
the review board approves control results with the follow-ups; the reporter's start page
does not say "all sent in" while something is returned, and a submit leads on to the next
item to write. And the test helpers: a text expected twice must be found twice, and the
shared fixtures' cases are skipped where ../shared is absent, not dropped unseen."""

import pytest

from followup.extensions import db
from followup.models import FollowupState
from followup.services import controls
from followup.services import followups as fu

from . import conftest
from .conftest import snapshot
from .pdftext import InOrder, WordList

PHASE = "/plans/SOC-2026/phases/december"


# The test helpers ------------------------------------------------------------------------

def test_a_text_expected_twice_must_be_there_twice():
    doc = WordList("Mål ett Delvis uppfyllt Mål två".split())
    reader = InOrder(doc)
    reader.find("Delvis uppfyllt", "bedömning")
    reader.find("Delvis uppfyllt", "bedömning")  # dropped the second time
    assert reader.found == 1 and len(reader.missing) == 1

    doc = WordList("Mål ett Delvis uppfyllt Mål två Delvis uppfyllt".split())
    reader = InOrder(doc)
    for _ in range(2):
        reader.find("Delvis uppfyllt", "bedömning")
    assert reader.found == 2 and not reader.missing


def test_a_text_found_moves_on_past_itself():
    reader = InOrder(WordList("a b c b".split()))
    reader.find("a b")
    reader.find("b")
    assert reader.position == 4 and not reader.missing


def test_without_shared_the_fixture_cases_are_skipped_not_dropped(monkeypatch):
    monkeypatch.setattr(conftest, "FIXTURE_FILES", [])
    params = conftest.plan_params()
    skipped = [p for p in params if p.values[0] is None]
    assert len(skipped) == 1
    (mark,) = skipped[0].marks
    assert mark.name == "skip" and mark.kwargs["reason"] == "../shared saknas"
    assert len(params) == 1 + len(conftest.OWN_PLANS)
