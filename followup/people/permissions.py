"""Who may do what (DESIGN.md, "Users and what they do"). Every service calls these;
hiding a button in a template is a courtesy, not the rule.

Roles are held per board (people/models.py ``BoardRole``): a check about a plan asks
what the user holds on that plan's board. A role on the user itself (``User.role``)
holds on every board, as ``flask user create --role`` gives it."""

from flask import g, has_app_context
from sqlalchemy import select

from followup.core.errors import Forbidden, Frozen
from followup.core.extensions import db
from followup.memos.models import Memo, MemoState
from followup.people.models import BOARD_ROLES, Role
from followup.plans.models.plan import Plan

# Everyone who works with a plan reads all of it; IT administrators manage accounts
# and do not read the follow-ups.
READ_ROLES = frozenset(BOARD_ROLES)


def _active(user):
    return user is not None and user.active


def municipal_boards():
    """The board codes of municipality-level plans (FORMAT.md 2.2), once per request."""
    if has_app_context() and "municipal_boards" in g:
        return g.municipal_boards
    codes = frozenset(db.session.scalars(
        select(Plan.board_code).where(Plan.level == "municipality").distinct()))
    if has_app_context():
        g.municipal_boards = codes
    return codes


def forget_municipal_boards():
    """After a plan is imported: a municipality's plan may have come."""
    if has_app_context():
        g.pop("municipal_boards", None)


def held_roles(user):
    """{board code or None (every board): {Role}} of an active user: what they may do."""
    return stored_roles(user) if _active(user) else {}


def stored_roles(user):
    """{board code or None: {Role}} as the account holds them, active or not: what an
    account would give whoever could use it (the checks of who may change it)."""
    if user is None:
        return {}
    held = {}
    if user.role is not None:
        held.setdefault(None, set()).add(user.role)
    for grant in user.board_roles:
        held.setdefault(grant.board_code, set()).add(grant.role)
    return held


def roles_on(user, plan):
    """What the user holds on ``plan``'s board."""
    return roles_on_board(user, plan.board_code)


def roles_on_board(user, board_code):
    """What the user holds on a board: their roles there and on every board, and
    reading where they compile the municipality's plan."""
    held = held_roles(user)
    roles = held.get(None, set()) | held.get(board_code, set())
    roles.discard(Role.admin)
    if Role.reader not in roles and any(
            Role.compiler in held.get(code, ()) for code in municipal_boards()):
        roles.add(Role.reader)
    return frozenset(roles)


def all_roles(user, stored=False):
    """Every role the user holds on any board (and admin): what their menu offers;
    ``stored``: also of a turned-off account."""
    held = stored_roles(user) if stored else held_roles(user)
    return frozenset(r for roles in held.values() for r in roles)


def is_compiler(user, plan):
    return Role.compiler in roles_on(user, plan)


def is_approver(user, plan):
    return Role.approver in roles_on(user, plan)


def is_reporter(user, plan):
    return Role.reporter in roles_on(user, plan)


def can_read(user, plan):
    return bool(roles_on(user, plan) & READ_ROLES)


def reads_any(user):
    """Whether the user holds a board role anywhere (the plan list is theirs to see)."""
    return bool(all_roles(user) & READ_ROLES)


def compiles_any(user):
    return Role.compiler in all_roles(user)


def readable(user, plans):
    return [p for p in plans if can_read(user, p)]


def require_read(user, plan):
    if not can_read(user, plan):
        raise Forbidden("Du har inte behörighet att läsa planen.")


def require_reads_any(user):
    if not reads_any(user):
        raise Forbidden("Du har inte behörighet att läsa planerna.")


def require_read_key(user, plan_key):
    """The check of a page or an API call whose address names a plan: reading it.
    Where the address names none, or a plan that is not there (the page then answers
    that), reading some plan."""
    plan = Plan.by_key(plan_key)
    if plan is None:
        require_reads_any(user)
    else:
        require_read(user, plan)


def require_compiler_key(user, plan_key):
    """As require_read_key, for what only the plan's compiler does."""
    plan = Plan.by_key(plan_key)
    if plan is not None:
        require_compiler(user, plan)
    elif not compiles_any(user):
        raise Forbidden("Bara strategisk enhet (strateg) får göra detta.")


def is_admin(user):
    return _active(user) and user.role is Role.admin


# A compiler manages the accounts of those who report and read, nobody else's.
COMPILER_MANAGED_ROLES = frozenset({Role.reporter, Role.reader})


def may_manage(actor, target_roles):
    """Whether ``actor`` may create, change or set the password of a user who holds
    ``target_roles`` (every role they hold anywhere)."""
    if is_admin(actor):
        return True
    return compiles_any(actor) and all(r in COMPILER_MANAGED_ROLES for r in target_roles)


def manages_account(actor, user):
    """Whether ``actor`` may change ``user``'s account itself (name, password, whether
    it is active): an administrator always; a compiler only where every role the user
    holds is reporting or reading on boards the compiler compiles (on every board:
    a compiler on every board). Not another board's people: a password set by them
    would let them act as that person there."""
    if is_admin(actor):
        return True
    if not compiles_any(actor):
        return False
    for code, roles in stored_roles(user).items():
        if any(r not in COMPILER_MANAGED_ROLES for r in roles):
            return False
        if code is None and actor.role is not Role.compiler:
            return False
        if code is not None and Role.compiler not in roles_on_board(actor, code):
            return False
    return True


def require_user_manager(user):
    if not (compiles_any(user) or is_admin(user)):
        raise Forbidden("Bara strateg eller administratör får hantera användare.")


def require_compiler(user, plan):
    if not is_compiler(user, plan):
        raise Forbidden("Bara strategisk enhet (strateg) får göra detta.")


def require_approver(user, plan):
    if not is_approver(user, plan):
        raise Forbidden("Bara direktören (godkännare) får fastställa eller återöppna.")


def duty_conflict(held):
    """Whether ``held`` ({board or None: {Role}}) lets one person both compile and sign
    a board's plan: on one board, or through a role on every board."""
    everywhere = held.get(None, set())
    return any({Role.compiler, Role.approver} <= (everywhere | roles)
               for roles in held.values())


def phase_is_frozen(phase):
    """A phase whose memo is signed: its follow-ups may not change."""
    return Memo.state_in(phase) is MemoState.signed


def owns(user, node):
    return node.unit_id is not None and any(m.unit_id == node.unit_id for m in user.memberships)


FROZEN_MESSAGE = "Fasen är fastställd: tjänsteskrivelsen är signerad och uppföljningarna är låsta."


def edit_refusal(user, node, phase, state=None):
    """Why ``user`` may not change the follow-up of ``node`` in ``phase`` (None: allowed)."""
    if not _active(user):
        return "Du måste logga in."
    if phase_is_frozen(phase):
        return FROZEN_MESSAGE
    roles = roles_on(user, phase.plan)
    if Role.compiler in roles:
        return None
    if Role.reporter not in roles:
        return "Din roll får läsa men inte ändra uppföljningar."
    if not owns(user, node):
        return "Uppföljningen tillhör en annan enhet än din."
    if not phase.is_open:
        return "Fasen är stängd för rapportering."
    if state is not None and state.value in ("submitted", "approved"):
        return ("Uppföljningen är inskickad och kan inte ändras nu. "
                "Be strategen återremittera den om något behöver ändras.")
    return None


def require_edit(user, node, phase, state=None):
    reason = edit_refusal(user, node, phase, state)
    if reason == FROZEN_MESSAGE:
        raise Frozen(reason)
    if reason:
        raise Forbidden(reason)
