"""Configuration order: defaults, then instance/config.py, then FOLLOWUP_* variables."""

from followup import create_app


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FOLLOWUP_DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/followup.sqlite"


def test_instance_config_then_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("FOLLOWUP_DATABASE_URL", raising=False)
    (tmp_path / "config.py").write_text(
        'DATABASE_URL = "sqlite:////srv/from-instance.sqlite"\nSECRET_KEY = "from-instance"\n'
    )
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:////srv/from-instance.sqlite"
    assert app.config["SECRET_KEY"] == "from-instance"

    monkeypatch.setenv("FOLLOWUP_DATABASE_URL", "postgresql://u:p@db.example:5432/followup")
    monkeypatch.setenv("FOLLOWUP_SECRET_KEY", "from-environment")
    app = create_app(instance_path=str(tmp_path))
    # psycopg 3 is the driver we install; a plain postgresql:// URL must use it.
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/followup"
    assert app.config["SECRET_KEY"] == "from-environment"


def test_secret_key_is_made_once_and_kept_private(tmp_path, monkeypatch):
    monkeypatch.delenv("FOLLOWUP_SECRET_KEY", raising=False)
    first = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    second = create_app(instance_path=str(tmp_path)).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert create_app(instance_path=str(tmp_path / "other")).config["SECRET_KEY"] != first
