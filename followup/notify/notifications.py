"""Notifications: who is told what, in the app and by e-mail.

Events (a follow-up returned, a phase opened, every entry approved, a memo signed or
reopened) are recorded when they happen; reminders about deadlines when ``notify
send`` runs. Each notification has a key naming its event, unique per user, so
nothing is recorded, or e-mailed, twice. The e-mail says what the in-app list says:
both are made from the same subject, body and links.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from followup.core import links
from followup.core.extensions import db
from followup.core.formatting import count, days_left, in_sentence, iso_date
from followup.core.types import utcnow
from followup.followups import progress
from followup.followups.models.followup import FollowupState
from followup.memos.models import Memo, MemoState
from followup.notify.models import Notification, NotificationOptOut
from followup.people import permissions
from followup.people.models import BoardRole, Role, UnitMembership, User
from followup.plans.models.plan import Phase

# kind → (who gets it, what the settings page calls it)
KINDS = {
    "phase_opened": (Role.reporter, "En fas öppnas för rapportering"),
    "deadline_soon": (Role.reporter, "Sista dagen för rapportering närmar sig"),
    "deadline_passed": (Role.reporter, "Sista dagen har passerat och något är inte inskickat"),
    "returned": (Role.reporter, "En uppföljning av min enhet återremitteras"),
    "ready_to_sign": (Role.approver, "Allt är godkänt och tjänsteskrivelsen kan fastställas"),
    "memo_signed": (Role.compiler, "En tjänsteskrivelse fastställs"),
    "memo_reopened": (Role.compiler, "En fastställd tjänsteskrivelse återöppnas"),
}
OUTSTANDING = (FollowupState.empty, FollowupState.draft, FollowupState.returned)


@dataclass
class Message:
    kind: str
    key: str
    subject: str
    body: str  # plain text; paragraphs apart by a blank line
    links: list = field(default_factory=list)  # [{"label", "path"}]


def kinds_for(user):
    held = permissions.all_roles(user)
    return [(kind, label) for kind, (role, label) in KINDS.items() if role in held]


def opted_out(user):
    return set(db.session.scalars(
        select(NotificationOptOut.kind).where(NotificationOptOut.user_id == user.id)))


def set_preferences(user, wanted):
    """Keep the kinds in ``wanted`` (of the user's role) on, turn the others off."""
    for kind, _ in kinds_for(user):
        row = db.session.scalar(select(NotificationOptOut).where(
            NotificationOptOut.user_id == user.id, NotificationOptOut.kind == kind))
        if kind in wanted and row is not None:
            db.session.delete(row)
        elif kind not in wanted and row is None:
            db.session.add(NotificationOptOut(user_id=user.id, kind=kind))


def unwritten(pairs):
    """The (user, message) pairs that are not yet recorded and not turned off."""
    pairs = list(pairs)
    if not pairs:
        return []
    user_ids = {u.id for u, _ in pairs}
    existing = set(db.session.execute(
        select(Notification.user_id, Notification.key).where(
            Notification.user_id.in_(user_ids),
            Notification.key.in_({m.key for _, m in pairs}))).all())
    off = set(db.session.execute(select(NotificationOptOut.user_id, NotificationOptOut.kind)
                                 .where(NotificationOptOut.user_id.in_(user_ids))).all())
    return [(u, m) for u, m in pairs
            if (u.id, m.key) not in existing and (u.id, m.kind) not in off]


def record(pairs):
    """Record each (user, message) not yet recorded for that user; returns the new rows.

    Every notification waits to be e-mailed, whether or not the process that records it
    has the mail settings: ``notify send``, which has them, sends it (one recorded by a
    web server without them was kept for the app alone and never e-mailed).
    Recorded in the transaction of the change it is about (a signal's receivers run in
    the sender's), which its caller commits; in a savepoint of its own, so that the same
    event recorded at the same moment elsewhere (a duplicate key) drops these notices
    and never the change.
    """
    rows = [Notification(user_id=u.id, kind=m.kind, key=m.key, subject=m.subject, body=m.body,
                         links=m.links, mail_state="pending")
            for u, m in unwritten(pairs)]
    if not rows:
        return []
    try:
        with db.session.begin_nested():
            db.session.add_all(rows)
    except IntegrityError:  # the same event recorded at the same moment elsewhere
        return []
    return rows


def for_user(user, limit=50):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc())
                              .limit(limit)).all()


def unread_count(user):
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_read(user):
    now = utcnow()
    for n in db.session.scalars(select(Notification).where(
            Notification.user_id == user.id, Notification.read_at.is_(None))):
        n.read_at = now


# Who ------------------------------------------------------------------------------

def _active(role, plan):
    """Active users holding ``role`` on ``plan``'s board (there, or on every board)."""
    on_board = select(BoardRole.id).where(
        BoardRole.user_id == User.id, BoardRole.board_code == plan.board_code,
        BoardRole.role == role).exists()
    return select(User).where(User.active.is_(True), or_(User.role == role, on_board)) \
        .order_by(User.id)


def reporters_of(plan, unit_ids):
    if not unit_ids:
        return []
    return db.session.scalars(
        _active(Role.reporter, plan).join(UnitMembership)
        .where(UnitMembership.unit_id.in_(unit_ids)).distinct()).all()


def users_with(role, plan):
    return db.session.scalars(_active(role, plan)).all()


# What -------------------------------------------------------------------------------

def heading_text(entry):
    kind, number, title = entry.heading
    return " ".join(part for part in (kind.lower(), number, title) if part)


def entry_link(entry):
    endpoint, values = entry.link
    return {"label": heading_text(entry)[:1].upper() + heading_text(entry)[1:],
            "path": links.path(endpoint, **values)}


def _where(phase):
    plan = phase.plan
    return f"{in_sentence(phase.label)}, {plan.board_name} {plan.year}"


def entry_returned(entry, by):
    """To the reporters of the entry's unit: returned, with the remark."""
    message = Message(
        "returned", f"returned:{entry.link[0]}:{entry.row.id}:v{entry.version}",
        f"Återremitterad: {heading_text(entry)}",
        f"{by.name} har återremitterat {heading_text(entry)} ({_where(entry.phase)}) "
        f"med anmärkningen:\n\n{entry.remark}\n\nÄndra och skicka in den igen.",
        [entry_link(entry)])
    return record((u, message) for u in reporters_of(entry.phase.plan, {entry.subject.unit_id} - {None}))


def returned_answered(entry):
    """An entry sent in again: the notices that it was returned are dealt with, for
    every reporter of its unit (they stayed "Ny" after the answer was sent)."""
    prefix = f"returned:{entry.link[0]}:{entry.row.id}:"
    db.session.execute(update(Notification).where(
        Notification.key.startswith(prefix, autoescape=True),
        Notification.read_at.is_(None)).values(read_at=utcnow()))


def phase_opened(phase):
    """To the reporters whose units have something to report in the phase."""
    by_unit = {}
    for entry in progress.entries(phase.plan, phase):
        if entry.subject.unit_id is not None:
            by_unit.setdefault(entry.subject.unit_id, []).append(entry)
    pairs = []
    for user in reporters_of(phase.plan, set(by_unit)):
        mine = [e for unit in user.memberships for e in by_unit.get(unit.unit_id, [])]
        deadline = (f" Sista dag för rapportering är {iso_date(phase.deadline)}."
                    if phase.deadline else "")
        yours = _your_units(user, phase)
        pairs.append((user, Message(
            "phase_opened", f"phase_opened:{phase.id}:{date.today().isoformat()}",
            f"{phase.label} är öppen för rapportering",
            f"{phase.label} ({phase.plan.board_name} {phase.plan.year}) är öppen för "
            f"rapportering. {yours[:1].upper()}{yours[1:]} har {_count(mine)} att "
            f"rapportera.{deadline}",
            [{"label": "Mina uppföljningar", "path": links.path("followups.mine")}])))
    return record(pairs)


def _count(entries):
    """"3 uppföljningar och 2 kontrollresultat", "1 uppföljning", "1 kontrollresultat":
    the follow-ups and the control results counted apart, each in its own word."""
    followups = sum(1 for e in entries if progress.is_followup(e))
    controls = len(entries) - followups
    parts = []
    if followups or not controls:
        parts.append(count(followups, "uppföljning", "uppföljningar"))
    if controls:
        parts.append(count(controls, "kontrollresultat", "kontrollresultat"))
    return " och ".join(parts)


def _your_units(user, phase):
    """"din enhet" or "dina enheter": as many as the user reports for in the plan."""
    units = {m.unit_id for m in user.memberships if m.unit.plan_id == phase.plan_id}
    return "dina enheter" if len(units) > 1 else "din enhet"


def _not_sent_in(entries, yours):
    """"2 uppföljningar och 1 kontrollresultat från dina enheter är inte inskickade än",
    "En uppföljning från din enhet är inte inskickad än"."""
    if len(entries) > 1:
        return f"{_count(entries)} från {yours} är inte inskickade än"
    if progress.is_followup(entries[0]):
        return f"En uppföljning från {yours} är inte inskickad än"
    return f"Ett kontrollresultat från {yours} är inte inskickat än"


def deadline_reminders(today, days):
    """(user, message) for every reporter with something not yet sent in, in every open
    phase whose deadline is within ``days`` days or has passed."""
    pairs = []
    for phase in db.session.scalars(select(Phase).where(Phase.is_open.is_(True),
                                                        Phase.deadline.is_not(None))):
        left = (phase.deadline - today).days
        if left > days:
            continue
        kind = "deadline_soon" if left >= 0 else "deadline_passed"
        outstanding = {}
        for entry in progress.entries(phase.plan, phase):
            if entry.state in OUTSTANDING and entry.subject.unit_id is not None:
                outstanding.setdefault(entry.subject.unit_id, []).append(entry)
        for user in reporters_of(phase.plan, set(outstanding)):
            mine = [e for m in user.memberships for e in outstanding.get(m.unit_id, [])]
            when = days_left(phase.deadline, today)
            if kind == "deadline_soon":
                subject = f"Sista dag för {in_sentence(phase.label)} är {iso_date(phase.deadline)}"
                first = (f"Sista dag för rapportering av {_where(phase)} är "
                         f"{iso_date(phase.deadline)} ({when}).")
            else:
                subject = f"Sista dag för {in_sentence(phase.label)} har passerat"
                first = (f"Sista dag för rapportering av {_where(phase)} var "
                         f"{iso_date(phase.deadline)} ({when}).")
            body = f"{first} {_not_sent_in(mine, _your_units(user, phase))}:"
            pairs.append((user, Message(
                kind, f"{kind}:{phase.id}:{phase.deadline.isoformat()}", subject, body,
                [entry_link(e) for e in mine])))
    return pairs


def ready_to_sign(phase):
    """To the approvers, once every entry of a phase with an unsigned memo is approved."""
    memo = db.session.scalar(select(Memo).where(Memo.phase_id == phase.id))
    return record((u, m) for u, m in _ready_messages([memo] if memo else []))


def ready_reminders():
    """Every draft memo ready to sign whose approvers have not been told: one made after
    the last approval. (A reopened memo is announced by the next approval, not at once:
    the approver has just reopened it to have something changed.)"""
    return _ready_messages(db.session.scalars(select(Memo).where(
        Memo.state == MemoState.draft)).all())


def _ready_messages(memos):
    pairs = []
    for memo in memos:
        if memo.state is MemoState.signed:
            continue
        state = progress.readiness(memo.plan, memo.phase)
        if not state.ready:
            continue
        signed_before = len(memo.signoffs)
        message = Message(
            "ready_to_sign", f"ready_to_sign:{memo.id}:{signed_before}",
            f"Klar att fastställa: {memo.title}",
            (f"Alla {state.total} uppföljningar och kontrollresultat för {_where(memo.phase)} "
             "är godkända." if state.total != 1 else
             f"Det enda som skulle godkännas för {_where(memo.phase)} är godkänt.")
            + " Tjänsteskrivelsen kan fastställas.",
            [{"label": memo.title, "path": links.path(
                "memos.show", plan_key=memo.plan.key, phase_key=memo.phase.key)}])
        pairs += [(u, message) for u in users_with(Role.approver, memo.plan)]
    return pairs


def memo_signed(memo, signoff, by):
    return _to_compilers(memo, "memo_signed", f"memo_signed:{memo.id}:v{signoff.version}",
                         f"Fastställd: {memo.title}",
                         f"{by.name} har fastställt tjänsteskrivelsen för {_where(memo.phase)} "
                         f"(version {signoff.version}). Fasens uppföljningar är låsta.")


def memo_reopened(memo, signoff, by):
    return _to_compilers(memo, "memo_reopened", f"memo_reopened:{memo.id}:v{signoff.version}",
                         f"Återöppnad: {memo.title}",
                         f"{by.name} har återöppnat tjänsteskrivelsen för {_where(memo.phase)} "
                         f"med skälet:\n\n{signoff.reopen_reason}\n\nUppföljningarna kan ändras "
                         "igen; nästa fastställelse blir en ny version.")


def _to_compilers(memo, kind, key, subject, body):
    message = Message(kind, key, subject, body, [{"label": memo.title, "path": links.path(
        "memos.show", plan_key=memo.plan.key, phase_key=memo.phase.key)}])
    return record((u, message) for u in users_with(Role.compiler, memo.plan))

