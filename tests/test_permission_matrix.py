"""The permission matrix of DESIGN.md, one row per role and action, on the services."""

import pytest

from followup.services import followups as fu
from followup.services import phases
from followup.services.errors import Forbidden

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
    u1, u5 = fu.find_node(plan, "u1"), fu.find_node(plan, "u5")
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
        from followup.services import permissions
        permissions.require_read(user)


@pytest.mark.parametrize("action, role", [(a, r) for a, roles in MATRIX.items() for r in roles])
def test_matrix(demo, action, role):
    expected = MATRIX[action][role]
    user = getattr(demo, role)
    if expected == OK:
        act(demo, user, action)
    else:
        with pytest.raises(Forbidden, match=expected):
            act(demo, user, action)
