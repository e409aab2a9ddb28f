"""Migration 0006 turns stored figures (JSON numbers) into exact strings,
and its downgrade keeps every row."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from followup import create_app
from followup.core.extensions import db


def _values(conn):
    return conn.execute(text('SELECT CAST("values" AS TEXT) FROM figure_row ORDER BY id')
                        ).scalars().all()


def test_figures_become_exact_strings_and_come_back_as_numbers(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/m.sqlite", "SECRET_KEY": "x"},
                     instance_path=str(tmp_path))
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO plan (id, key, year, municipality, board_name, board_code, "
                "administration, created_at, updated_at) VALUES (1, 'T-2026', 2026, 'K', 'N', "
                "'T', 'F', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"))
            conn.execute(text(
                "INSERT INTO figure_table (id, plan_id, position, key, title, columns) "
                "VALUES (1, 1, 0, 't', 'T', '[\"A\", \"B\", \"C\"]')"))
            conn.execute(text(
                'INSERT INTO figure_row (id, table_id, position, label, "values", strong) VALUES '
                "(1, 1, 0, 'a', '[1.247, 189.0, null]', 0), (2, 1, 1, 'b', NULL, 0)"))
        upgrade()
        with db.engine.connect() as conn:
            assert _values(conn) == ['["1.247", "189.0", null]', None]
            assert conn.execute(text("SELECT version FROM figure_table")).scalar() == 1
        downgrade(revision="0004")
        with db.engine.connect() as conn:
            assert _values(conn) == ["[1.247, 189.0, null]", None]
