"""Who may do what (DESIGN.md, "Users and what they do"). Every service calls these;
hiding a button in a template is a courtesy, not the rule."""

from followup.core.errors import Forbidden, Frozen
from followup.memos.models import Memo, MemoState
from followup.people.models import Role

# Everyone who works with the plan reads all of it; IT administrators manage
# accounts and do not read the follow-ups.
READ_ROLES = frozenset({Role.reporter, Role.compiler, Role.approver, Role.reader})


def is_compiler(user):
    return user is not None and user.active and user.role is Role.compiler


def can_read(user):
    return user is not None and user.active and user.role in READ_ROLES


def require_read(user):
    if not can_read(user):
        raise Forbidden("Du har inte behörighet att läsa planen.")


def is_admin(user):
    return user is not None and user.active and user.role is Role.admin


# A compiler manages the accounts of those who report and read, nobody else's.
COMPILER_MANAGED_ROLES = frozenset({Role.reporter, Role.reader})


def may_manage(actor, target_role):
    """Whether ``actor`` may create, change or set the password of a user with that role."""
    return is_admin(actor) or (is_compiler(actor) and target_role in COMPILER_MANAGED_ROLES)


def require_user_manager(user):
    if not (is_compiler(user) or is_admin(user)):
        raise Forbidden("Bara strateg eller administratör får hantera användare.")


def require_compiler(user):
    if not is_compiler(user):
        raise Forbidden("Bara strategisk enhet (strateg) får göra detta.")


def phase_is_frozen(phase):
    """A phase whose memo is signed: its follow-ups may not change."""
    return Memo.state_in(phase) is MemoState.signed


def owns(user, node):
    return node.unit_id is not None and any(m.unit_id == node.unit_id for m in user.memberships)


FROZEN_MESSAGE = "Fasen är fastställd: tjänsteskrivelsen är signerad och uppföljningarna är låsta."


def edit_refusal(user, node, phase, state=None):
    """Why ``user`` may not change the follow-up of ``node`` in ``phase`` (None: allowed)."""
    if user is None or not user.active:
        return "Du måste logga in."
    if phase_is_frozen(phase):
        return FROZEN_MESSAGE
    if user.role is Role.compiler:
        return None
    if user.role is not Role.reporter:
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
