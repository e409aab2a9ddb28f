"""Users, their roles per board, the units they report for, and their API tokens."""

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from followup.core.extensions import db
from followup.core.types import UTCDateTime, utcnow
from followup.plans.models.plan import Unit


class Role(enum.Enum):
    reporter = "reporter"  # handläggare
    compiler = "compiler"  # strateg
    approver = "approver"  # direktör
    reader = "reader"
    admin = "admin"


# The roles held on a board's plans; admin is held on the installation.
BOARD_ROLES = (Role.reporter, Role.compiler, Role.approver, Role.reader)

ROLE_LABELS = {
    Role.reporter: "Handläggare",
    Role.compiler: "Strateg",
    Role.approver: "Direktör",
    Role.reader: "Läsare",
    Role.admin: "Administratör",
}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    # A role on every board (and admin, which only this holds); None: only the roles
    # of ``board_roles``.
    role: Mapped[Role | None] = mapped_column(
        Enum(Role, name="role", native_enum=False, length=20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Part of the login a session cookie carries: raising it ends every session the
    # user has (logout, a new password, a new role, deactivation).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Who the municipality's identity provider says this is (Entra ID's ``oid``, else
    # ``sub``): set at the first sign-in with it, then how the user is found.
    subject: Mapped[str | None] = mapped_column(String(255), unique=True, index=True)

    memberships: Mapped[list["UnitMembership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    board_roles: Mapped[list["BoardRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan",
        order_by="(BoardRole.board_code, BoardRole.role)"
    )

    @property
    def is_active(self):  # Flask-Login: a deactivated user cannot log in
        return self.active

    def get_id(self):
        # Flask-Login's alternative id: a cookie from before the generation changed
        # names nobody (services/sessions.py).
        return f"{self.id}:{self.session_generation}"

    def end_sessions(self):
        self.session_generation = (self.session_generation or 0) + 1

    def set_password(self, password):
        # Salted scrypt; the tests lower its cost through PASSWORD_HASH_METHOD.
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    @property
    def units(self):
        return [m.unit for m in self.memberships]


class BoardRole(db.Model):
    """A role a user holds on one board: on its plans of every year (a board's plans
    share its ``board_code``)."""

    __table_args__ = (UniqueConstraint("user_id", "board_code", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    board_code: Mapped[str] = mapped_column(String(40), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, name="role", native_enum=False, length=20))

    user: Mapped[User] = relationship(back_populates="board_roles")


class GroupRole(db.Model):
    """A group (or app role) of the identity provider and the role it gives: on one
    board (``board_code``), or on every board (None; admin only so). A reporter's
    ``unit_key`` names the unit of the board's plans they report for."""

    __table_args__ = (UniqueConstraint("group", "role", "board_code", "unit_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group: Mapped[str] = mapped_column(String(255), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, name="role", native_enum=False, length=20))
    board_code: Mapped[str | None] = mapped_column(String(40))
    unit_key: Mapped[str | None] = mapped_column(String(80))


class UnitMembership(db.Model):
    """A reporter reports for a unit of a plan."""

    __table_args__ = (UniqueConstraint("user_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship(back_populates="memberships")
    unit: Mapped[Unit] = relationship()


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored. It works until it expires or is
    revoked; a revoked token stays listed, so one can see what it was."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")
