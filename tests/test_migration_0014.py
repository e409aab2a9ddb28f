"""Migration 0014 gives every user their role on every board there is, so a one-board
installation works as before, and keeps every row that refers to a user (SQLite
copies the user table to change its role column)."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from followup import create_app
from followup.core.extensions import db


@pytest.fixture
def old_database(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite", "SECRET_KEY": "x"},
                     instance_path=str(tmp_path))
    with app.app_context():
        upgrade(revision="0013")
        yield app


def _insert(conn, sql):
    conn.execute(text(sql))


def test_roles_become_roles_on_each_board_and_nothing_referring_to_a_user_is_lost(old_database):
    with db.engine.begin() as conn:
        for plan_id, code in [(1, "SOC"), (2, "SOC"), (3, "UBN")]:
            _insert(conn, "INSERT INTO plan (id, key, year, municipality, board_name, board_code, "
                          f"administration, created_at, updated_at) VALUES ({plan_id}, "
                          f"'{code}-{2024 + plan_id}', {2024 + plan_id}, 'K', 'N', '{code}', 'F', "
                          "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        _insert(conn, "INSERT INTO unit (id, plan_id, position, key, name) VALUES (1, 1, 0, 'u', 'U')")
        _insert(conn, 'INSERT INTO "user" (id, email, name, password_hash, role, active, '
                      "created_at, session_generation) VALUES "
                      "(1, 'a@x.se', 'A', 'h', 'reporter', 1, '2026-01-01 00:00:00', 0), "
                      "(2, 'b@x.se', 'B', 'h', 'compiler', 1, '2026-01-01 00:00:00', 0), "
                      "(3, 'c@x.se', 'C', 'h', 'admin', 1, '2026-01-01 00:00:00', 0)")
        _insert(conn, "INSERT INTO unit_membership (user_id, unit_id) VALUES (1, 1)")
        _insert(conn, "INSERT INTO api_token (user_id, token_hash, name, created_at) "
                      "VALUES (2, 'abc', 'n', '2026-01-01 00:00:00')")
    upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(text(
            "SELECT user_id, board_code, role FROM board_role ORDER BY user_id, board_code")
        ).all() == [(1, "SOC", "reporter"), (1, "UBN", "reporter"),
                    (2, "SOC", "compiler"), (2, "UBN", "compiler")]
        assert conn.execute(text('SELECT id, role FROM "user" ORDER BY id')).all() == [
            (1, None), (2, None), (3, "admin")]
        assert conn.execute(text("SELECT user_id, unit_id FROM unit_membership")).all() == [(1, 1)]
        assert conn.execute(text("SELECT user_id FROM api_token")).all() == [(2,)]
    downgrade(revision="0013")
    with db.engine.connect() as conn:
        assert conn.execute(text('SELECT id, role FROM "user" ORDER BY id')).all() == [
            (1, "reporter"), (2, "compiler"), (3, "admin")]
        assert conn.execute(text("SELECT count(*) FROM api_token")).scalar() == 1


def test_without_any_plan_a_role_stays_on_every_board(old_database):
    with db.engine.begin() as conn:
        _insert(conn, 'INSERT INTO "user" (id, email, name, password_hash, role, active, '
                      "created_at, session_generation) VALUES "
                      "(1, 'b@x.se', 'B', 'h', 'compiler', 1, '2026-01-01 00:00:00', 0)")
    upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(text('SELECT role FROM "user"')).scalar() == "compiler"
        assert conn.execute(text("SELECT count(*) FROM board_role")).scalar() == 0
