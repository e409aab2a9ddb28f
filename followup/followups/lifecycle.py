"""The review cycle shared by follow-ups and control results.

An entry (a node's follow-up or a control point's result, in one phase) is saved,
submitted, returned with a remark, approved. Every change bumps the version and
writes a revision; a change based on an older version than the stored one raises
Conflict with what is stored now, so nobody's text is silently overwritten.
"""

from dataclasses import replace
from functools import wraps

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from followup.core import html, signals
from followup.core.errors import Conflict, Invalid
from followup.core.extensions import db
from followup.core.formatting import in_sentence
from followup.core.types import utcnow
from followup.followups.models.followup import FollowupState
from followup.people import permissions
from followup.plans import lock

# The workflow's own words: never a level's (a scale may well have "Ej påbörjad").
STATE_LABELS = {
    FollowupState.empty: "Ej rapporterad",
    FollowupState.draft: "Utkast",
    FollowupState.submitted: "Inskickad",
    FollowupState.returned: "Återremitterad",
    FollowupState.approved: "Godkänd",
}

CONFLICT_MESSAGE = ("Någon annan har ändrat uppföljningen efter att du öppnade den. "
                    "Jämför texterna och spara igen.")


def row_value(name, empty=None):
    """A property: the entry's row's ``name``, or ``empty`` before the first save."""
    return property(lambda entry: getattr(entry.row, name) if entry.row else empty)


class Entry:
    """What an entry is now: a dataclass of what it belongs to (its ``subject``: has
    ``unit_id``), its ``phase`` and its ``row`` (None before the first save), in that
    order. Subclasses name the subject's and the row's fields (``SUBJECT``, ``ROW``: the
    row and its revision name them alike), the row's and the revision's models
    (``MODELS``), the endpoint of its page and the argument that takes the subject's key
    (``LINK``); they give ``scale``, ``what`` (its name in messages), ``heading`` (kind,
    number, title) and read themselves again (``reload``)."""

    @property
    def subject(self):
        return getattr(self, self.SUBJECT)

    @property
    def row(self):
        return getattr(self, self.ROW)

    noun = "uppföljningen"  # in messages: "… innan uppföljningen skickas in."
    state = row_value("state", FollowupState.empty)
    version = row_value("version", 0)
    level = row_value("level")
    comment = row_value("comment")
    remark = row_value("remark")

    @property
    def link(self):
        """The endpoint and values of the entry's page."""
        endpoint, key = self.LINK
        return endpoint, {"plan_key": self.phase.plan.key, "phase_key": self.phase.key,
                          key: self.subject.key}

    def new_row(self):
        row_model, _ = self.MODELS
        return row_model(**{self.SUBJECT: self.subject}, phase=self.phase,
                         state=FollowupState.draft)

    def new_revision(self, row, **fields):
        _, revision_model = self.MODELS
        return revision_model(**{self.ROW: row}, **fields)

    def with_row(self, row):
        return replace(self, **{self.ROW: row})


def clean_comment(comment):
    """Sanitise a comment; an editor's empty document counts as no comment."""
    if comment is None:
        return None
    if not isinstance(comment, str):
        raise Invalid("Kommentaren ska vara text.", "comment")
    try:
        comment = html.sanitize(comment)
    except html.TextTooLong as e:
        raise Invalid(f"Kommentaren är för lång: {e}.", "comment") from None
    if not html.has_text(comment):
        return None
    return comment


def resolve_level(entry, level_key):
    if level_key in (None, ""):
        return None
    if not isinstance(level_key, str):
        raise Invalid("Nivån ska anges med sin nyckel, som text.", "level")
    scale = entry.scale
    if scale is None:
        raise Invalid(f"{entry.what} följs upp med text; den har ingen skala att välja nivå i.",
                      "level")
    level = scale.level(level_key)
    if level is None:
        choices = ", ".join(f"{lv.key} ({lv.label})" for lv in scale.levels)
        raise Invalid(f'"{level_key}" är ingen nivå i skalan {scale.label}. Välj en av: {choices}.',
                      "level")
    return level


def check_version(entry, version):
    if version is None:
        return
    if not isinstance(version, int) or isinstance(version, bool):
        raise Invalid("Versionen ska vara ett heltal.")
    if version != entry.version:
        raise Conflict(CONFLICT_MESSAGE, entry)


def _require_content(entry, level, comment, act="skickas in"):
    """An entry is sent in (or approved: ``act``) only with what it must say."""
    if entry.scale is not None and level is None:
        raise Invalid(f"Välj {in_sentence(entry.scale.label)} innan {entry.noun} {act}.",
                      "level")
    if entry.scale is None and comment is None:
        raise Invalid(f"Skriv en kommentar innan {entry.noun} {act}.", "comment")


def record_change(entry, user, source, change):
    """Apply ``change`` to the entry's row (made if missing) and write its revision, in a
    savepoint of the request's transaction (the caller commits).

    Turns a concurrent change (stale version, or a duplicate first save) into Conflict:
    the savepoint is rolled back, nothing of the change stays, and the entry is read
    again. The plan's lock is taken before (``_lock``): on SQLite that write began the
    transaction the savepoint lives in.
    """
    user_id = user.id
    try:
        with db.session.begin_nested():
            row = entry.row
            if row is None:
                row = entry.new_row()
                db.session.add(row)
            change(row)
            row.updated_at = utcnow()
            row.updated_by_id = user_id
            db.session.flush()
            db.session.add(entry.new_revision(
                row, version=row.version, level=row.level, comment=row.comment,
                state=row.state, remark=row.remark, author_id=user_id, source=source))
    except (StaleDataError, IntegrityError):
        raise Conflict(CONFLICT_MESSAGE, entry.reload()) from None
    return entry.with_row(row)


def _lock(entry):
    """The plan's lock, then the entry's row as it is now: the checks that follow see
    every change that landed before, and a signing that started first."""
    lock.lock_plan(entry.phase.plan_id)
    if entry.row is not None:
        db.session.refresh(entry.row)


def _require_edit(user, entry):
    permissions.require_edit(user, entry.subject, entry.phase, entry.state)


def save(user, entry, *, level_key, comment, version, source="web", submit=False):
    """Save a level and a comment based on ``version``; with ``submit``, also send it
    for review in the same change. A reporter's save makes the entry a draft. A save
    always says which version it is based on: without it, a write could overwrite
    another's text unseen."""
    _lock(entry)
    _require_edit(user, entry)
    if version is None:
        raise Invalid("Ange vilken version ändringen bygger på (version, ett heltal; 0 för "
                      "en uppföljning som inte har sparats än).", "version")
    check_version(entry, version)
    level = resolve_level(entry, level_key)
    comment = clean_comment(comment)
    if submit:
        _require_content(entry, level, comment)

    def change(row):
        row.level = level
        row.comment = comment
        if submit:
            row.state = FollowupState.submitted
            row.remark = None
        elif not permissions.is_compiler(user, entry.phase.plan) or row.state is FollowupState.returned:
            row.state = FollowupState.draft

    saved = record_change(entry, user, source, change)
    if submit:
        signals.entry_sent_in.send(saved)
    return saved


def _set_state(entry, user, source, state, remark=None):
    def change(row):
        row.state = state
        row.remark = remark

    return record_change(entry, user, source, change)


def submit(user, entry, version=None, source="web"):
    _lock(entry)
    _require_edit(user, entry)
    check_version(entry, version)
    if entry.state is FollowupState.submitted:
        raise Invalid("Uppföljningen är redan inskickad.")
    _require_content(entry, entry.level, entry.comment)
    sent = _set_state(entry, user, source, FollowupState.submitted)
    signals.entry_sent_in.send(sent)
    return sent


def return_for_changes(user, entry, remark, version=None, source="web"):
    """The compiler sends an entry back to its reporter with a remark."""
    permissions.require_compiler(user, entry.phase.plan)
    _lock(entry)
    _require_edit(user, entry)
    check_version(entry, version)
    if remark is not None and not isinstance(remark, str):
        raise Invalid("Anmärkningen ska vara text.")
    remark = (remark or "").strip()
    if not remark:
        raise Invalid("Skriv en anmärkning så att handläggaren vet vad som ska ändras.")
    if len(remark) > 10_000:
        raise Invalid("Anmärkningen får vara högst 10 000 tecken.")
    if entry.state not in (FollowupState.submitted, FollowupState.approved):
        raise Invalid("Bara en inskickad eller godkänd uppföljning kan återremitteras.")
    returned = _set_state(entry, user, source, FollowupState.returned, remark)
    signals.entry_returned.send(returned, by=user)
    return returned


def approve(user, entry, version=None, source="web"):
    permissions.require_compiler(user, entry.phase.plan)
    _lock(entry)
    _require_edit(user, entry)
    check_version(entry, version)
    if entry.state is FollowupState.approved:
        raise Invalid("Uppföljningen är redan godkänd.")
    _require_content(entry, entry.level, entry.comment, "godkänns")
    approved = _set_state(entry, user, source, FollowupState.approved)
    signals.entry_approved.send(approved)
    return approved


def by_subject(find):
    """The review cycle as the views, the API and the commands call it, with an entry's
    subject and phase: (save, submit, return_for_changes, approve), each on the entry
    ``find(subject, phase)`` gives as it is now."""
    def on_found(operation):
        @wraps(operation)
        def run(user, subject, phase, *args, **kwargs):
            return operation(user, find(subject, phase), *args, **kwargs)
        return run
    return tuple(on_found(op) for op in (save, submit, return_for_changes, approve))
