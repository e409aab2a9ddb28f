"""Alembic migrations bring any database to the current schema, and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from followup import create_app
from followup.core.extensions import db


def _schema_differences():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_empty_sqlite_database_is_brought_to_the_current_schema(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/new.sqlite", "SECRET_KEY": "x"},
                     instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"plan", "node", "followup", "followup_revision", "user", "memo"} <= tables
        assert _schema_differences() == []
        upgrade()  # a second run is a no-op


def test_test_database_downgrades_and_upgrades_again(app):
    """Runs on whichever database the suite uses (SQLite or PostgreSQL)."""
    with app.app_context():
        assert _schema_differences() == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _schema_differences() == []
