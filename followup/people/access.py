"""The checks a blueprint runs before each of its pages: logged in, and holding the role
the page needs on the plan its address names (``plan_key``). The rules themselves are
``permissions``'; this only reads the plan from the address."""

from flask import request
from flask_login import current_user, login_required

from followup.people import permissions


def _plan_key():
    return (request.view_args or {}).get("plan_key")


@login_required
def require_plan_reader():
    permissions.require_read_key(current_user, _plan_key())


@login_required
def require_plan_compiler():
    permissions.require_compiler_key(current_user, _plan_key())
