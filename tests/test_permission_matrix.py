"""The permission matrix of DESIGN.md, one row per role and action, on the services."""

import pytest

from followup.core.errors import Forbidden
from followup.followups import followups as fu
from followup.plans import lookup, phases

OK = "ok"
# action: (what it does, {role: OK or a fragment of the refusal})
MATRIX = {
    "save own unit, open phase": {"anna": OK, "sara": OK, "lena": "läsa men inte ändra",
                                  "per": "läsa men inte ändra", "it": "läsa men inte ändra"},
    "save other unit": {"anna": "annan enhet", "sara": OK, "lena": "läsa men inte ändra",
                        "per": "läsa men inte ändra", "it": "läsa men inte ändra"},
    "save in closed phase": {"anna": "stängd", "sara": OK, "lena": "läsa men inte ändra",
                             "per": "läsa men inte ändra", "it": "läsa men inte ändra"},
    "approve": {"anna": "strateg", "sara": OK, "lena": "strateg", "per": "strateg", "it": "strateg"},
    "return": {"anna": "strateg", "sara": OK, "lena": "strateg", "per": "strateg", "it": "strateg"},
    "open phase": {"anna": "strateg", "sara": OK, "lena": "strateg", "per": "strateg",
                   "it": "strateg"},
    "read": {"anna": OK, "sara": OK, "lena": OK, "per": OK, "it": "inte behörighet"},
}


def act(demo, user, action):
    plan = demo.plan
    december, august = plan.phase("december"), plan.phase("augusti")
    u1, u5 = lookup.find_node(plan, "u1"), lookup.find_node(plan, "u5")
    if action == "save own unit, open phase":
        fu.save(user, u1, december, level_key="paborjad", comment=None, version=0)
    elif action == "save other unit":
        fu.save(user, u5, december, level_key="paborjad", comment=None, version=0)
    elif action == "save in closed phase":
        fu.save(user, u1, august, level_key="fardig", comment=None, version=1)
    elif action == "approve":
        fu.approve(user, u1, august)
    elif action == "return":
        fu.approve(demo.sara, u1, august)
        fu.return_for_changes(user, u1, august, "Komplettera.")
    elif action == "open phase":
        phases.set_open(user, august, True)
    elif action == "read":
        from followup.people import permissions
        permissions.require_read(user, plan)


@pytest.mark.parametrize("action, role", [(a, r) for a, roles in MATRIX.items() for r in roles])
def test_matrix(demo, action, role):
    _allowed_or_refused(MATRIX[action][role], (Forbidden,),
                        lambda: act(demo, getattr(demo, role), action))


def _allowed_or_refused(expected, refusals, action):
    """The action goes through where the matrix says OK; elsewhere it is refused with the
    matrix's words."""
    if expected == OK:
        action()
    else:
        with pytest.raises(refusals, match=expected):
            action()


# Separated duties (issue 9): a compiler manages reporters' and readers' accounts only;
# approvers, compilers and administrators are an administrator's to make, change and
# give passwords, so nobody who compiles can sign or log in as one who signs.
NEW_PASSWORD = "ett-helt-nytt-och-långt-lösenord"
USER_MATRIX = {
    "create reporter": {"sara": OK, "it": OK, "anna": "strateg eller administratör",
                        "lena": "strateg eller administratör", "per": "strateg eller administratör"},
    "create reader": {"sara": OK, "it": OK, "anna": "strateg eller administratör",
                      "lena": "strateg eller administratör", "per": "strateg eller administratör"},
    "create compiler": {"sara": "bara en administratör", "it": OK,
                        "anna": "strateg eller administratör", "lena": "strateg eller administratör",
                        "per": "strateg eller administratör"},
    "create approver": {"sara": "bara en administratör", "it": OK,
                        "anna": "strateg eller administratör", "lena": "strateg eller administratör",
                        "per": "strateg eller administratör"},
    "create admin": {"sara": "bara en administratör", "it": OK,
                     "anna": "strateg eller administratör", "lena": "strateg eller administratör",
                     "per": "strateg eller administratör"},
    "reset reporter's password": {"sara": OK, "it": OK, "lena": "strateg eller administratör",
                                  "per": "strateg eller administratör"},
    "reset approver's password": {"sara": "bara en administratör", "it": OK,
                                  "anna": "strateg eller administratör",
                                  "per": "strateg eller administratör"},
    "reset admin's password": {"sara": "bara en administratör", "anna": "strateg eller administratör",
                               "lena": "strateg eller administratör"},
    "reset compiler's password": {"it": OK, "anna": "strateg eller administratör",
                                  "lena": "strateg eller administratör"},
    "make reporter an approver": {"sara": "bara en administratör", "it": OK,
                                  "per": "strateg eller administratör"},
    "make approver a reader": {"sara": "bara en administratör", "it": OK,
                               "anna": "strateg eller administratör"},
    "make reader a reporter": {"sara": OK, "it": OK, "lena": "strateg eller administratör"},
}


def act_on_users(demo, actor, action):
    from followup.people import users

    verb, _, rest = action.partition(" ")
    if verb == "create":
        role = rest
        users.create_user_as(actor, f"ny-{role}@ekbacka.example", "Ny Person", role, NEW_PASSWORD)
        return
    if verb == "reset":
        target = {"reporter's": demo.anna, "approver's": demo.lena, "admin's": demo.it,
                  "compiler's": demo.sara}[rest.split()[0]]
        users.update_user(actor, target, name=target.name, role=target.role, unit_ids=[
            m.unit_id for m in target.memberships], active=True, password=NEW_PASSWORD)
        return
    target, new_role = {"make reporter an approver": (demo.anna, "approver"),
                        "make approver a reader": (demo.lena, "reader"),
                        "make reader a reporter": (demo.per, "reporter")}[action]
    users.update_user(actor, target, name=target.name, role=new_role, unit_ids=[],
                      active=True)


@pytest.mark.parametrize("action, role", [(a, r) for a, roles in USER_MATRIX.items()
                                          for r in roles])
def test_user_matrix(demo, action, role):
    from followup.people.users import UserError

    _allowed_or_refused(USER_MATRIX[action][role], (Forbidden, UserError),
                        lambda: act_on_users(demo, getattr(demo, role), action))


def test_a_compiler_sees_only_reporter_and_reader_to_choose_and_cannot_open_an_approver(
        as_user, demo):
    sara = as_user("sara")
    page = sara.get("/anvandare/").text
    assert 'value="reporter"' in page and 'value="reader"' in page
    for role in ("approver", "compiler", "admin"):
        assert f'value="{role}"' not in page
    assert f'href="/anvandare/{demo.lena.id}"' not in page
    assert sara.get(f"/anvandare/{demo.lena.id}").status_code == 403
    sara.get("/anvandare/")
    response = sara.post(f"/anvandare/{demo.lena.id}", {
        "name": "Lena", "role": "approver", "active": "y", "password": NEW_PASSWORD})
    assert response.status_code == 403
    from followup.core.extensions import db
    from followup.people.models import User

    assert not db.session.get(User, demo.lena.id).check_password(NEW_PASSWORD)
