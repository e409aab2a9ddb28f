"""Signing off a memo: the phase freezes and the archival PDF is stored with its hash.

A signed memo is reopened only by an approver with a reason; signing again makes
the next version, and every version stays downloadable byte for byte.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from ..extensions import db
from ..models import MemoSignoff, MemoState, Role
from ..models._types import utcnow
from . import notifications, reports
from .errors import Forbidden, Invalid, NotFound

MEMO_STATE_LABELS = {MemoState.draft: "Utkast", MemoState.signed: "Fastställd",
                     MemoState.reopened: "Återöppnad"}


def require_approver(user):
    if user is None or not user.active or user.role is not Role.approver:
        raise Forbidden("Bara direktören (godkännare) får fastställa eller återöppna.")


def sign(user, memo, storage_dir):
    """Render the archival PDF, store it, record who signed, freeze the phase."""
    require_approver(user)
    if memo.state is MemoState.signed:
        raise Invalid("Tjänsteskrivelsen är redan fastställd.")
    data = reports.render_pdf(memo, archival=True)
    version = max((s.version for s in memo.signoffs), default=0) + 1
    relative = Path("signed") / f"{memo.plan.key}-{memo.phase.key}-v{version}.pdf"
    _write_once(Path(storage_dir) / relative, data)
    signoff = MemoSignoff(memo=memo, version=version, pdf_path=str(relative),
                          sha256=hashlib.sha256(data).hexdigest(), signed_by_id=user.id,
                          signed_at=utcnow())
    memo.state = MemoState.signed
    db.session.add(signoff)
    db.session.commit()
    notifications.memo_signed(memo, signoff, user)
    return signoff


def _write_once(path, data):
    """Write a new file durably; a signed file is never overwritten. A file left by
    an attempt whose database commit failed (no sign-off names it) is moved aside."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.rename(path.with_name(f"{path.name}.failed-{utcnow():%Y%m%dT%H%M%S%f}"))
    fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.link(temporary, path)  # fails rather than replace an existing file
    finally:
        os.unlink(temporary)


def reopen(user, memo, reason):
    require_approver(user)
    if memo.state is not MemoState.signed:
        raise Invalid("Bara en fastställd tjänsteskrivelse kan återöppnas.")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Ange skälet till att tjänsteskrivelsen återöppnas.")
    latest = max(memo.signoffs, key=lambda s: s.version)
    latest.reopened_by_id = user.id
    latest.reopened_at = utcnow()
    latest.reopen_reason = reason[:2000]
    memo.state = MemoState.reopened
    db.session.commit()
    notifications.memo_reopened(memo, latest, user)
    return latest


def signed_pdf(memo, storage_dir, version=None):
    """The stored PDF of a signed version (the latest by default), checked against its hash."""
    if not memo.signoffs:
        raise NotFound("Tjänsteskrivelsen har inte fastställts.")
    if version is None:
        signoff = max(memo.signoffs, key=lambda s: s.version)
    else:
        signoff = next((s for s in memo.signoffs if s.version == version), None)
        if signoff is None:
            raise NotFound(f"Det finns ingen fastställd version {version}.")
    data = (Path(storage_dir) / signoff.pdf_path).read_bytes()
    if hashlib.sha256(data).hexdigest() != signoff.sha256:
        raise Invalid(f"Den lagrade filen för version {signoff.version} stämmer inte med sin "
                      "kontrollsumma. Kontakta IT.")
    return signoff, data
