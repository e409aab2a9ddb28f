"""The memo (tjänsteskrivelse) of a phase with its proposals, sections and appendices."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON, CheckConstraint, Enum, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint,
    select, text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from followup.core.extensions import db
from followup.core.types import UTCDateTime, utcnow
from followup.plans.models.plan import Phase, Plan


class MemoState(enum.Enum):
    draft = "draft"
    signed = "signed"
    reopened = "reopened"


class Memo(db.Model):
    __table_args__ = (UniqueConstraint("plan_id", "phase_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phase.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[date | None]
    diarienummer: Mapped[str | None] = mapped_column(String(80))
    handlaggare: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipient: Mapped[str | None] = mapped_column(String(200))
    meeting_date: Mapped[date | None]
    proposals_intro: Mapped[str | None] = mapped_column(Text)
    proposals: Mapped[list[str]] = mapped_column(JSON, default=list)
    # None: the plan file left them out, and the defaults apply (numbered; the director
    # signs; "Beslutsunderlag"). Kept apart from a given value so an export says the same.
    numbered_proposals: Mapped[bool | None]
    signatures: Mapped[list[dict] | None] = mapped_column(JSON)
    appendices_heading: Mapped[str | None] = mapped_column(Text)
    # FORMAT.md 2.1; None where the file gives none and the default applies.
    document_type: Mapped[str | None] = mapped_column(Text)
    issuer: Mapped[str | None] = mapped_column(Text)
    header: Mapped[list[dict] | None] = mapped_column(JSON)
    running_lines: Mapped[list[str] | None] = mapped_column(JSON)
    state: Mapped[MemoState] = mapped_column(
        Enum(MemoState, name="memo_state", native_enum=False, length=20), default=MemoState.draft
    )

    plan: Mapped[Plan] = relationship(back_populates="memos")
    phase: Mapped[Phase] = relationship()
    sections: Mapped[list["Section"]] = relationship(
        back_populates="memo", order_by="Section.position", cascade="all, delete-orphan"
    )
    # The bilagor; chapters of a report hang on their appendix.
    appendices: Mapped[list["Appendix"]] = relationship(
        primaryjoin="and_(Memo.id == Appendix.memo_id, Appendix.parent_id.is_(None))",
        order_by="Appendix.position", cascade="all, delete-orphan", overlaps="memo",
    )
    signoffs: Mapped[list["MemoSignoff"]] = relationship(
        back_populates="memo", order_by="MemoSignoff.version", cascade="all, delete-orphan"
    )


    @staticmethod
    def state_in(phase):
        """The state of the phase's memo, or None where it has none: one small query, for
        pages that need to know it and not the memo (the follow-ups' overview, the editor)."""
        return db.session.scalar(select(Memo.state).where(Memo.phase_id == phase.id))


class Appendix(db.Model):
    """A bilaga: a document of its own, with its own header fields (none of the memo's).

    A chapter of a report in one document is an appendix row too, under its report
    (``parent``), with no number and no header fields of its own.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(ForeignKey("memo.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("appendix.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    number: Mapped[int | None]
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))  # plan, internal_control, text, tables
    intro: Mapped[str | None] = mapped_column(Text)
    node_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    tables: Mapped[list[str]] = mapped_column(JSON, default=list)
    document_type: Mapped[str | None] = mapped_column(String(200))
    heading: Mapped[str | None] = mapped_column(Text)
    date: Mapped[date | None]
    diarienummer: Mapped[str | None] = mapped_column(String(80))
    handlaggare: Mapped[list[str]] = mapped_column(JSON, default=list)
    # How it prints (FORMAT.md): kept as the plan file gives them, None where it does not.
    layout: Mapped[dict | None] = mapped_column(JSON)  # plan: per node type or group
    columns: Mapped[list[dict] | None] = mapped_column(JSON)  # internal control
    phases: Mapped[list[str] | None] = mapped_column(JSON)  # internal control
    contents: Mapped[bool | None]
    # ``contents`` given as a depth (1–3) instead of true/false.
    contents_depth: Mapped[int | None]
    # FORMAT.md 2.1; None where the file gives none and the default applies.
    issuer: Mapped[str | None] = mapped_column(Text)
    header: Mapped[list[dict] | None] = mapped_column(JSON)
    running_lines: Mapped[list[str] | None] = mapped_column(JSON)
    orientation: Mapped[str | None] = mapped_column(String(10))
    level_chart: Mapped[bool | None]
    wording: Mapped[dict | None] = mapped_column(JSON)
    cover: Mapped[dict | None] = mapped_column(JSON)
    new_page: Mapped[bool | None]  # a chapter's

    memo: Mapped[Memo] = relationship(overlaps="appendices")
    parent: Mapped["Appendix | None"] = relationship(back_populates="chapters", remote_side=[id])
    chapters: Mapped[list["Appendix"]] = relationship(
        back_populates="parent", order_by="Appendix.position", cascade="all, delete-orphan"
    )
    sections: Mapped[list["Section"]] = relationship(
        back_populates="appendix", order_by="Section.position", cascade="all, delete-orphan"
    )


class Section(db.Model):
    """A heading with an HTML body (or none: a heading over what follows) and its tables."""

    __table_args__ = (
        CheckConstraint("(memo_id IS NULL) <> (appendix_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int | None] = mapped_column(
        ForeignKey("memo.id", ondelete="CASCADE"), index=True
    )
    appendix_id: Mapped[int | None] = mapped_column(
        ForeignKey("appendix.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    heading: Mapped[str] = mapped_column(Text)
    level: Mapped[int | None]
    body: Mapped[str | None] = mapped_column(Text)
    tables: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_after: Mapped[str | None] = mapped_column(Text)  # printed after the tables

    memo: Mapped[Memo | None] = relationship(back_populates="sections")
    appendix: Mapped[Appendix | None] = relationship(back_populates="sections")


class MemoSignoff(db.Model):
    """A signed version of a memo: who signed and when, why when items were not approved,
    the snapshot of everything its documents show, and the documents themselves
    (``files``), stored in the same transaction. At most one version is in force: the
    partial unique index makes concurrent signings end in exactly one."""

    __table_args__ = (
        UniqueConstraint("memo_id", "version"),
        Index("uq_memo_signoff_in_force", "memo_id", unique=True,
              sqlite_where=text("reopened_at IS NULL"),
              postgresql_where=text("reopened_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(ForeignKey("memo.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))  # of the archival case PDF
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why it was signed although items were not approved; None when all were.
    reason: Mapped[str | None] = mapped_column(Text)
    # The plan file of the plan as signed (JSON text) and its SHA-256: the underlag.
    snapshot: Mapped[str | None] = mapped_column(Text)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64))
    # What was signed, cross-checked: one line "<sha256>  <name>" per stored file
    # ("case/archival", "bilaga-1/pdf" …) and for the snapshot ("snapshot"), in name
    # order (services.signoff.manifest_text), and the SHA-256 of that text, computed
    # once when signing. Every download is checked against it.
    manifest: Mapped[str | None] = mapped_column(Text)
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_reason: Mapped[str | None] = mapped_column(Text)

    memo: Mapped[Memo] = relationship(back_populates="signoffs")
    files: Mapped[list["SignedFile"]] = relationship(
        back_populates="signoff", cascade="all, delete-orphan", passive_deletes=True)


class SignedFile(db.Model):
    """One stored document of a signed version: ``document`` is "case", "memo" or
    "bilaga-N"; ``variant`` is "pdf", "archival" (PDF/A) or "html" (the preview)."""

    __table_args__ = (UniqueConstraint("signoff_id", "document", "variant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signoff_id: Mapped[int] = mapped_column(
        ForeignKey("memo_signoff.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(String(40))
    variant: Mapped[str] = mapped_column(String(20))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))

    signoff: Mapped[MemoSignoff] = relationship(back_populates="files")
