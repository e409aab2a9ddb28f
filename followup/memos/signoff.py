"""Signing off a memo: the record the board receives.

Signing is a deliberate act by the approver: the sign page shows what is signed
(``readiness``), signing with items not approved needs a written reason, and the
approver confirms. Signing takes a snapshot of the plan as it stands (its plan
file), renders every document from it in every variant (the case and each
document, ordinary PDF, PDF/A and the preview's HTML), and stores them with the
sign-off row in one transaction: a crash leaves both or neither. From then on
every download and preview of the memo is one of those files, byte for byte, and
the phase is frozen. A partial unique index lets one version be in force at a
time, so concurrent signings end in exactly one.
"""

import errno
import hashlib
import logging
import sqlite3
import time
from dataclasses import dataclass, field

from sqlalchemy.exc import DBAPIError, IntegrityError

from followup.core import pdf, signals
from followup.core.errors import (
    Damaged, Frozen, Invalid, NotFound, ServiceError, Unavailable,
)
from followup.core.extensions import db
from followup.core.types import utcnow
from followup.followups import boards, controls, followups
from followup.followups.models.followup import FollowupState
from followup.memos import content, reports, snapshots
from followup.memos.models import MemoSignoff, MemoState, SignedFile
from followup.people import permissions
from followup.planfile import transfer
from followup.plans import lock

MEMO_STATE_LABELS = {MemoState.draft: "Utkast", MemoState.signed: "Fastställd",
                     MemoState.reopened: "Återöppnad"}
CASE = "case"
VARIANTS = ("pdf", "archival", "html")
log = logging.getLogger("followup.signoff")


class StorageFull(ServiceError):
    """No room on the server for the signed documents. Signing is one transaction, so
    none of it was kept: the memo is as it was."""

    status = 507  # Insufficient Storage


FULL_MESSAGE = ("Tjänsteskrivelsen kunde inte fastställas: det finns inte plats kvar på "
                "servern att spara de fastställda dokumenten. Ingenting har ändrats, "
                "tjänsteskrivelsen är som den var. Be IT frigöra utrymme och fastställ "
                "sedan igen.")


def disk_full(error):
    """Whether ``error`` (or what caused it) is a full disk: ENOSPC or a quota from the
    operating system, SQLite's "database or disk is full", PostgreSQL's disk_full."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(error, sqlite3.Error) and (
                getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                or "database or disk is full" in str(error)):
            return True
        if getattr(error, "sqlstate", None) == "53100":  # PostgreSQL's disk_full
            return True
        error = (error.orig if isinstance(error, DBAPIError) else None) \
            or error.__cause__ or error.__context__
    return False


def _refuse_if_full(error, memo):
    """A full disk while signing: nothing kept (rolled back), StorageFull to say so."""
    if disk_full(error):
        db.session.rollback()
        log.error("signoff.disk_full memo=%d error=%r", memo.id, str(error)[:500])
        raise StorageFull(FULL_MESSAGE) from None


@dataclass
class Readiness:
    """What the approver sees before signing."""

    followups: dict  # FollowupState → count
    controls: dict  # FollowupState → count
    open_items: list = field(default_factory=list)  # (kind, label, url args) not approved
    warnings: list = field(default_factory=list)  # table figures that disagree

    @property
    def all_approved(self):
        return not self.open_items


def readiness(memo):
    plan, phase = memo.plan, memo.phase
    items = followups.phase_overview(plan, phase)
    results = controls.phase_results(plan, phase) if plan.internal_control else []
    out = Readiness(followups.state_counts(items), followups.state_counts(results),
                    warnings=reports.table_warnings(memo))
    for cur in items:
        if cur.state is not FollowupState.approved:
            label = " ".join(x for x in (cur.node.type.label, cur.node.number) if x)
            out.open_items.append(("node", f"{label}: {cur.node.title}", cur.node.key, cur.state))
    for cur in results:
        if cur.state is not FollowupState.approved:
            point = cur.subject
            # Named as the control pages name it: its key and area.
            name = f"Kontrollmoment {point.key}" + (f": {point.area}" if point.area else "")
            out.open_items.append(("control", name, point.key, cur.state))
    return out


@dataclass
class Stamp:
    """How a signed document says who signed it, and the checksum of what was signed."""

    name: str
    title: str
    date: object
    snapshot_sha256: str


def signer_title(user, memo):
    """The signer's title as the memo or the plan gives it, else the role's name."""
    for person in memo.signatures or []:
        if person.get("name") == user.name and person.get("title"):
            return person["title"]
    if memo.plan.director_name == user.name and memo.plan.director_title:
        return memo.plan.director_title
    return "Direktör"


TOO_LONG = ("Tjänsteskrivelsen kunde inte fastställas: det tog för lång tid att skapa "
            "dokumenten, och arbetet avbröts. Ingenting har fastställts. Försök igen om en "
            "stund, och kontakta IT om felet står kvar.")


def sign(user, memo, *, confirm, reason=None, deadline=None):
    """Sign ``memo``: its signed version stored, the phase frozen, the compilers told.

    ``deadline`` (a time.monotonic() value): past it nothing is stored (Unavailable).
    Signing keeps its own transactions, the one exception to "the view commits" (issue
    22.4), so a caller commits nothing: the signed record is committed here, under the
    plan's lock and before anyone is told of it (a signing that failed has kept nothing,
    and the lock goes with it); the notices about it (the receivers of
    ``signals.memo_signed``) are then committed in a transaction of their own, so that
    notices that find no room never undo a signing that was stored."""
    permissions.require_approver(user, memo.plan)
    # The plan's lock first, held until the signed version is stored: every change to
    # the plan landed before the readiness and the snapshot are read, or waits and is
    # then refused (the phase is frozen). What was loaded before is read again.
    lock.lock_plan(memo.plan_id)
    db.session.expire_all()
    try:
        signoff = _sign_locked(user, memo, confirm, reason)
        # Past its time (``deadline``, time.monotonic()) a signing keeps nothing: its job
        # is reported as failed, and must not be stored after that.
        if deadline is not None and time.monotonic() > deadline:
            raise Unavailable(TOO_LONG)
        _commit_record(memo)
    except ServiceError:
        db.session.rollback()  # and with it the lock
        raise
    _announce_signed(memo, signoff, user)
    return signoff


def _sign_locked(user, memo, confirm, reason):
    """The signed version, checked, rendered and added to the session (not committed)."""
    ready, reason = check_signing(memo, confirm, reason)
    snapshot = transfer.dump(transfer.export_plan(memo.plan.key))
    snapshot_sha256 = hashlib.sha256(snapshot.encode("utf-8")).hexdigest()
    now = utcnow()
    # Written from the snapshot that is stored with them, not from the database.
    source = snapshots.Source(snapshot, memo.phase.key, snapshots.review_states(memo.plan_id),
                              boards.printed(memo.plan, memo.phase.key))
    files = _render_checked(memo, source, Stamp(user.name, signer_title(user, memo), now,
                                                snapshot_sha256))
    version = max((s.version for s in memo.signoffs), default=0) + 1
    manifest = manifest_text(manifest_entries(files, snapshot))
    signoff = MemoSignoff(
        memo=memo, version=version, signed_by_id=user.id, signed_at=now,
        reason=reason if not ready.all_approved else None, snapshot=snapshot,
        snapshot_sha256=snapshot_sha256, manifest=manifest,
        manifest_sha256=hashlib.sha256(manifest.encode("utf-8")).hexdigest(),
        sha256=next(f.sha256 for f in files if (f.document, f.variant) == (CASE, "archival")),
        files=files)
    memo.state = MemoState.signed
    memo.phase.is_open = False
    db.session.add(signoff)
    return signoff


def check_signing(memo, confirm, reason):
    """Whether the memo may be signed as asked: (its readiness, the reason given or
    None); Frozen or Invalid where not."""
    if memo.state is MemoState.signed:
        raise Frozen("Tjänsteskrivelsen är redan fastställd.")
    if not confirm:
        raise Invalid("Bekräfta att du fastställer tjänsteskrivelsen.", "confirm")
    ready = readiness(memo)
    reason = (reason or "").strip() or None
    if not ready.all_approved and reason is None:
        n = len(ready.open_items)
        raise Invalid(f"{n} {'punkt är' if n == 1 else 'punkter är'} inte godkända. Skriv "
                      "varför tjänsteskrivelsen ändå fastställs.", "reason")
    if reason is not None and len(reason) > 2000:
        raise Invalid("Skälet får ha högst 2 000 tecken.", "reason")
    return ready, reason


def _render_checked(memo, source, stamp):
    """Every signed document rendered; a document that cannot be made is an Invalid, a
    full disk StorageFull."""
    try:
        return _render(memo, source, stamp)
    except pdf.RenderFailed as e:
        # Nothing is stored before every document is rendered: nothing has changed.
        raise Invalid(f"Tjänsteskrivelsen är inte fastställd, och inget har ändrats. "
                      f"{e.message}", "confirm") from None
    except OSError as e:  # e.g. no room for a temporary file while rendering
        _refuse_if_full(e, memo)
        raise


def _commit_record(memo):
    """Commit the signed version: a second version in force is someone else's signing
    (Frozen), any other refusal a record that could not be stored."""
    try:
        db.session.commit()
    except IntegrityError as e:
        db.session.rollback()
        # Only a second version in force (or the same version twice) is a signing by
        # someone else; any other refusal is a record that could not be stored.
        if "memo_signoff" in str(e.orig) and ("unique" in str(e.orig).lower()
                                              or "duplicate" in str(e.orig).lower()):
            raise Frozen("Tjänsteskrivelsen fastställdes just av någon annan.") from None
        raise Unavailable("Tjänsteskrivelsen kunde inte fastställas: de fastställda "
                           "dokumenten kunde inte sparas. Ingenting har ändrats; försök igen, "
                           "och kontakta IT om felet står kvar.") from None
    except (OSError, DBAPIError) as e:
        _refuse_if_full(e, memo)
        raise


def _announce_signed(memo, signoff, user):
    """The notices of a stored signing, committed in a transaction of their own: a full
    disk loses them (logged), never the signing."""
    try:
        signals.memo_signed.send(memo, signoff=signoff, by=user)
        db.session.commit()
    except (OSError, DBAPIError) as e:
        db.session.rollback()
        if not disk_full(e):
            raise
        # Signed and stored; only the notices about it found no room.
        log.error("signoff.notices_disk_full memo=%d error=%r", memo.id, str(e)[:500])


def _render(memo, source, stamp):
    docs = snapshots.documents(source, stamp=stamp)
    previews = snapshots.documents(source, preview=True, stamp=stamp)
    title, author = memo.title, memo.plan.administration
    # One layout per document, in parallel, written in both variants; the cases are
    # those documents joined.
    rendered = pdf.render_variants(docs, keep=False)
    ordinary = [plain for plain, _ in rendered]
    archival = [kept for _, kept in rendered]
    files = [_file(CASE, "pdf", pdf.join(ordinary, title, author)),
             _file(CASE, "archival", pdf.join(archival, title, author))]
    for doc, plain, kept, preview in zip(docs, ordinary, archival, previews):
        files += [_file(doc.key, "pdf", plain), _file(doc.key, "archival", kept),
                  _file(doc.key, "html", preview.html.encode("utf-8"))]
    return files


def _file(document, variant, content):
    return SignedFile(document=document, variant=variant, content=content,
                      sha256=hashlib.sha256(content).hexdigest())


# The manifest: what was signed, cross-checked. Its text is one line per stored file and
# for the snapshot, in name order; its SHA-256 is kept on the sign-off row. A file, its
# checksum column or the snapshot changed afterwards no longer matches it. (Migration
# 0010 keeps a frozen copy of this format.)
MANIFEST_HEADER = "followup-manifest 1\n"
SNAPSHOT = "snapshot"


def file_key(document, variant):
    return f"{document}/{variant}"


def manifest_entries(files, snapshot):
    """{name: sha256} of the files (from their content) and of the snapshot."""
    entries = {file_key(f.document, f.variant): hashlib.sha256(f.content).hexdigest()
               for f in files}
    if snapshot is not None:
        entries[SNAPSHOT] = hashlib.sha256(snapshot.encode("utf-8")).hexdigest()
    return entries


def manifest_text(entries):
    return MANIFEST_HEADER + "".join(
        f"{digest}  {name}\n" for name, digest in sorted(entries.items()))


def read_manifest(signoff):
    """{name: sha256} as signed, or None when the manifest is missing, altered (it does
    not match its own SHA-256) or not readable."""
    text = signoff.manifest
    if not text or not signoff.manifest_sha256 or hashlib.sha256(
            text.encode("utf-8")).hexdigest() != signoff.manifest_sha256:
        return None
    if not text.startswith(MANIFEST_HEADER):
        return None
    entries = {}
    for line in text[len(MANIFEST_HEADER):].splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not name:
            return None
        entries[name] = digest
    return entries


def file_label(name):
    """A stored file's name in words: "case/archival" → "hela ärendet (arkiv-PDF)"."""
    if name == SNAPSHOT:
        return "underlaget (planen som den fastställdes)"
    document, _, variant = name.partition("/")
    what = {CASE: "hela ärendet", "memo": "tjänsteskrivelsen"}.get(document)
    if what is None:
        what = document.replace("-", " ") if document.startswith("bilaga-") else document
    kind = {"pdf": "PDF", "archival": "arkiv-PDF", "html": "förhandsgranskning"}.get(variant,
                                                                                   variant)
    return f"{what} ({kind})"


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def snapshot_fault(signoff, entries):
    """Why the snapshot does not match what was signed, or None."""
    signed = entries.get(SNAPSHOT)
    if signoff.snapshot is None:
        return "underlaget saknas" if signed else None
    if signed is None:
        return "underlaget finns inte i förteckningen över det som fastställdes"
    digest = _sha(signoff.snapshot.encode("utf-8"))
    if digest != signed or (signoff.snapshot_sha256 or digest) != signed:
        return "underlaget har ändrats sedan fastställelsen"
    return None


def file_fault(signoff, entries, name, stored):
    """Why a stored file (None: missing) does not match what was signed, or None."""
    signed = entries.get(name)
    if stored is None:
        return f"{file_label(name)} saknas" if signed else None
    if signed is None:
        return f"{file_label(name)} finns inte i förteckningen över det som fastställdes"
    if _sha(stored.content) != signed or stored.sha256 != signed or (
            name == file_key(CASE, "archival") and signoff.sha256 != signed):
        return f"{file_label(name)} har ändrats sedan fastställelsen"
    return None


def faults(signoff):
    """Everything about a signed version that does not match its manifest, in Swedish
    words (empty: all as signed). For ``flask report verify``."""
    entries = read_manifest(signoff)
    if entries is None:
        return ["förteckningen över det som fastställdes saknas eller har ändrats"]
    out = []
    stored = {file_key(f.document, f.variant): f for f in signoff.files}
    for name in sorted(set(entries) | set(stored)):
        if name == SNAPSHOT:
            continue
        fault = file_fault(signoff, entries, name, stored.get(name))
        if fault:
            out.append(fault)
    fault = snapshot_fault(signoff, entries)
    if fault:
        out.append(fault)
    return out


def _require_as_signed(signoff, name, stored):
    """Damaged (409, logged) unless the manifest, the snapshot and this file (None:
    missing) are as they were signed."""
    entries = read_manifest(signoff)
    if entries is None:
        fault = "förteckningen över det som fastställdes saknas eller har ändrats"
    else:
        fault = snapshot_fault(signoff, entries) or file_fault(signoff, entries, name, stored)
    if fault is None:
        return
    log.error("signoff.damaged memo=%d version=%d file=%s fault=%r", signoff.memo_id,
              signoff.version, name, fault)
    if stored is None and entries is not None and entries.get(name):
        raise Damaged(f"Den fastställda filen för version {signoff.version} saknas: {fault}. "
                      "Kontakta IT: den behöver läsas tillbaka från säkerhetskopian.")
    raise Damaged(f"Den fastställda versionen {signoff.version} stämmer inte med "
                  f"kontrollsumman från fastställelsen: {fault}. Den visas därför inte. "
                  "Kontakta IT: den behöver läsas tillbaka från säkerhetskopian.")


def reopen(user, memo, reason):
    """Reopen a signed memo with a reason; the compilers are told in the same
    transaction, which the caller commits."""
    permissions.require_approver(user, memo.plan)
    if memo.state is not MemoState.signed:
        raise Invalid("Bara en fastställd tjänsteskrivelse kan återöppnas.")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Ange skälet till att tjänsteskrivelsen återöppnas.", "reason")
    latest = in_force(memo)
    latest.reopened_by_id = user.id
    latest.reopened_at = utcnow()
    latest.reopen_reason = reason[:2000]
    memo.state = MemoState.reopened
    signals.memo_reopened.send(memo, signoff=latest, by=user)
    return latest


def in_force(memo):
    return max(memo.signoffs, key=lambda s: s.version)


def signed_file(memo, document=CASE, variant="archival", version=None):
    """A stored document of a signed version (the one in force by default), checked
    against its checksum: ``(signoff, bytes)``."""
    if not memo.signoffs:
        raise NotFound("Tjänsteskrivelsen har inte fastställts.")
    if version is None:
        signoff = in_force(memo)
    else:
        signoff = next((s for s in memo.signoffs if s.version == version), None)
        if signoff is None:
            raise NotFound(f"Det finns ingen fastställd version {version}.")
    stored = next((f for f in signoff.files
                   if f.document == document and f.variant == variant), None)
    if stored is None:
        if document == CASE and variant == "archival" or not signoff.files:
            raise Damaged(f"Den fastställda filen för version {signoff.version} saknas. "
                          "Kontakta IT: den behöver läsas tillbaka från säkerhetskopian.")
        entries = read_manifest(signoff)
        if entries is None or file_key(document, variant) not in entries:
            raise NotFound("Dokumentet finns inte i den fastställda versionen.")
    # Checked against the manifest of the sign-off: the file, its checksum column and
    # the snapshot as they were signed.
    _require_as_signed(signoff, file_key(document, variant), stored)
    return signoff, stored.content


def document(memo, document=CASE, variant="pdf"):
    """A document of the memo as it is to be read now: for a signed memo the stored file,
    byte for byte; else rendered from the data. ``document``: "case", "memo" or
    "bilaga-N"; ``variant``: "pdf", "archival" or "html" (not for the case)."""
    if memo.state is MemoState.signed:
        try:
            return signed_file(memo, document, variant)[1]
        except NotFound:
            # Signed before every variant was stored: the archival case is the record.
            if (document, variant) == (CASE, "pdf"):
                return signed_file(memo, CASE, "archival")[1]
            raise
    if variant == "html":
        loaded = content.load_memo(memo.id)
        doc = next((d for d in reports.documents(loaded, preview=True) if d.key == document),
                   None)
        if doc is None:
            raise NotFound("Dokumentet finns inte i tjänsteskrivelsen.")
        return doc.html.encode("utf-8")
    number = None
    if document != CASE:
        if not document.startswith("bilaga-") or not document[7:].isdigit():
            raise NotFound("Dokumentet finns inte i tjänsteskrivelsen.")
        number = int(document[7:])
    return reports.render_pdf(memo, number, archival=variant == "archival")
