"""The follow-up lifecycle and who may do what, tested on the services directly."""

import pytest
from sqlalchemy import select

from followup.core.errors import Conflict, Forbidden, Frozen, Invalid
from followup.core.extensions import db
from followup.followups import followups as fu
from followup.followups import lifecycle
from followup.followups.models.followup import FollowupRevision, FollowupState
from followup.memos.models import Memo, MemoState
from followup.plans import lookup


def node(demo, key):
    return lookup.find_node(demo.plan, key)


def phase(demo, key="december"):
    return lookup.find_phase(demo.plan, key)


def save(demo, user, key="u1", level="paborjad", comment="<p>Text</p>", version=0, **kw):
    return fu.save(user, node(demo, key), phase(demo), level_key=level, comment=comment,
                   version=version, **kw)


def test_reporter_saves_and_submits_own_units_follow_up(demo):
    saved = save(demo, demo.anna)
    assert saved.state is FollowupState.draft and saved.version == 1
    assert saved.level.key == "paborjad" and saved.comment == "<p>Text</p>"
    submitted = fu.submit(demo.anna, node(demo, "u1"), phase(demo), version=1)
    assert submitted.state is FollowupState.submitted and submitted.version == 2


def test_every_change_is_a_revision_with_author(demo):
    save(demo, demo.anna, comment="<p>Ett</p>")
    save(demo, demo.anna, comment="<p>Två</p>", version=1)
    fu.submit(demo.anna, node(demo, "u1"), phase(demo))
    fu.return_for_changes(demo.sara, node(demo, "u1"), phase(demo), "Lägg till siffror.")
    revisions = db.session.scalars(
        select(FollowupRevision).join(FollowupRevision.followup)
        .where(FollowupRevision.source != "import").order_by(FollowupRevision.version)
    ).all()
    assert [(r.version, r.state.value, r.author_id) for r in revisions] == [
        (1, "draft", demo.anna.id), (2, "draft", demo.anna.id),
        (3, "submitted", demo.anna.id), (4, "returned", demo.sara.id)]
    assert [r.comment for r in revisions[:2]] == ["<p>Ett</p>", "<p>Två</p>"]
    assert revisions[3].remark == "Lägg till siffror."


@pytest.mark.parametrize("who, key, why", [
    ("anna", "u5", "annan enhet"),  # u5 belongs to vuxen
    ("per", "u1", "får läsa men inte ändra"),
    ("lena", "u1", "får läsa men inte ändra"),
    ("it", "u1", "får läsa men inte ändra"),
])
def test_who_may_not_save(demo, who, key, why):
    with pytest.raises(Forbidden, match=why):
        save(demo, getattr(demo, who), key)


def test_reporter_may_not_write_in_a_closed_phase_but_the_compiler_may(demo):
    with pytest.raises(Forbidden, match="stängd"):
        fu.save(demo.anna, node(demo, "u1"), phase(demo, "augusti"), level_key="fardig",
                comment=None, version=1)
    done = fu.save(demo.sara, node(demo, "u1"), phase(demo, "augusti"), level_key="fardig",
                   comment=None, version=1)
    assert done.version == 2 and done.state is FollowupState.draft


def test_signed_memo_freezes_the_phase_for_everyone(demo):
    memo = db.session.scalar(select(Memo))
    memo.state = MemoState.signed
    db.session.commit()
    august = phase(demo, "augusti")
    august.is_open = True
    db.session.commit()
    for user in (demo.anna, demo.sara):
        with pytest.raises(Frozen, match="fastställd"):
            fu.save(user, node(demo, "u1"), august, level_key="fardig", comment=None, version=1)
    with pytest.raises(Frozen, match="fastställd"):
        fu.approve(demo.sara, node(demo, "u1"), august)


def test_submitted_follow_up_is_locked_for_the_reporter_until_returned(demo):
    save(demo, demo.anna)
    fu.submit(demo.anna, node(demo, "u1"), phase(demo))
    with pytest.raises(Forbidden, match="inskickad"):
        save(demo, demo.anna, version=2)
    fu.return_for_changes(demo.sara, node(demo, "u1"), phase(demo), "Komplettera.")
    again = save(demo, demo.anna, comment="<p>Kompletterad</p>", version=3)
    assert again.state is FollowupState.draft and again.remark == "Komplettera."
    resubmitted = fu.submit(demo.anna, node(demo, "u1"), phase(demo))
    assert resubmitted.remark is None
    assert fu.approve(demo.sara, node(demo, "u1"), phase(demo)).state is FollowupState.approved


@pytest.mark.parametrize("action", ["return", "approve"])
def test_only_the_compiler_reviews(demo, action):
    save(demo, demo.anna)
    fu.submit(demo.anna, node(demo, "u1"), phase(demo))
    for user in (demo.anna, demo.lena, demo.per, demo.it):
        with pytest.raises(Forbidden):
            if action == "return":
                fu.return_for_changes(user, node(demo, "u1"), phase(demo), "x")
            else:
                fu.approve(user, node(demo, "u1"), phase(demo))


def test_return_needs_a_remark_and_a_submitted_follow_up(demo):
    save(demo, demo.anna)
    with pytest.raises(Invalid, match="inskickad eller godkänd"):
        fu.return_for_changes(demo.sara, node(demo, "u1"), phase(demo), "x")
    fu.submit(demo.anna, node(demo, "u1"), phase(demo))
    with pytest.raises(Invalid, match="Skriv en anmärkning"):
        fu.return_for_changes(demo.sara, node(demo, "u1"), phase(demo), "   ")


def test_submit_and_approve_need_a_level_where_the_type_has_a_scale(demo):
    save(demo, demo.anna, level=None)
    # Each is told of their own step: approving is not the reporter's.
    with pytest.raises(Invalid, match="^Välj status innan uppföljningen skickas in.$"):
        fu.submit(demo.anna, node(demo, "u1"), phase(demo))
    with pytest.raises(Invalid, match="^Välj status innan uppföljningen godkänns.$"):
        fu.approve(demo.sara, node(demo, "u1"), phase(demo))


def test_stale_version_is_a_conflict_and_nothing_is_lost(demo):
    save(demo, demo.anna, comment="<p>Annas text</p>")
    with pytest.raises(Conflict) as caught:
        save(demo, demo.sara, comment="<p>Saras text</p>", version=0)
    assert caught.value.current.comment == "<p>Annas text</p>"
    assert caught.value.current.version == 1
    assert fu.current(node(demo, "u1"), phase(demo)).comment == "<p>Annas text</p>"


def test_the_database_refuses_a_concurrent_update_the_check_did_not_see(demo, app):
    """Two sessions read version 1; the second UPDATE finds version 2 and fails."""
    save(demo, demo.anna, comment="<p>Först</p>")
    db.session.commit()
    cur = fu.current(node(demo, "u1"), phase(demo))
    with app.app_context():  # another request, another session
        other = fu.current(lookup.find_node(lookup.find_plan("SOC-2026"), "u1"),
                           lookup.find_phase(lookup.find_plan("SOC-2026"), "december"))
        other.followup.comment = "<p>Annan</p>"
        db.session.commit()
        db.session.remove()
    with pytest.raises(Conflict):
        lifecycle.record_change(cur, demo.sara, "web",
                                lambda f: setattr(f, "comment", "<p>Min</p>"))
    assert fu.current(node(demo, "u1"), phase(demo)).comment == "<p>Annan</p>"


@pytest.mark.parametrize("level, key, message", [
    ("klar", "u1", '"klar" är ingen nivå i skalan Status'),
    ("fardig", "u1-a1", "följs upp med text"),
    (3, "u1", "som text"),
])
def test_unknown_level_is_refused(demo, level, key, message):
    with pytest.raises(Invalid, match=message):
        save(demo, demo.sara, key=key, level=level)


def test_comment_is_sanitised_and_limited(demo):
    saved = save(demo, demo.anna, comment='<p onclick="x()">Hej<script>alert(1)</script>'
                                          '<img src=x onerror=alert(1)><a href="javascript:x">du</a></p>')
    assert saved.comment == "<p>Hejdu</p>"
    with pytest.raises(Invalid, match="för lång"):
        save(demo, demo.anna, comment="x" * 100_001, version=1)
    assert save(demo, demo.anna, comment="<p><br></p>", version=1).comment is None


def test_approve_many_reports_what_it_could_not_approve(demo):
    for key in ("u1", "u2"):
        save(demo, demo.anna, key=key)
    save(demo, demo.anna, key="u4", level=None)
    approved, refused = fu.approve_many(demo.sara, phase(demo), ["u1", "u2", "u4", "nope"])
    assert approved == ["u1", "u2"]
    assert set(refused) == {"u4", "nope"}
