"""Running the application (issue 20.7): JSON log lines with a request id, an access
line a request, /healthz naming what is down, and the backup and restore that
docs/operations.md describes, restored and verified with ``flask report verify``."""

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.engine import make_url

from followup import create_app
from followup.core.extensions import db
from followup.core.logs import JSONFormatter
from followup.memos.models import Memo
from followup.people.tests.test_login_limits_redis import redis_url  # noqa: F401 (a fixture)
from tests.fixtures import PASSWORD
from tests.servers import gunicorn, memory_mb

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def access_lines(caplog):
    return [r for r in caplog.records if r.name == "followup.access"]


def test_a_sane_request_id_is_kept_and_echoed_and_any_other_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="followup")
    response = client.get("/healthz", headers={"X-Request-ID": "lb-4711.a:b_c"})
    assert response.headers["X-Request-ID"] == "lb-4711.a:b_c"
    for bad in ("<script>", "a b", "x" * 200, "", "ä"):
        response = client.get("/healthz", headers={"X-Request-ID": bad})
        made = response.headers["X-Request-ID"]
        assert made != bad and len(made) == 32 and int(made, 16) >= 0
    [first, *_] = access_lines(caplog)
    line = json.loads(JSONFormatter().format(first))
    assert line["request_id"] == "lb-4711.a:b_c" and line["logger"] == "followup.access"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert isinstance(line["duration_ms"], float) and "user_id" not in line


def test_the_access_line_names_the_user_and_never_a_password_or_query(browser, demo, caplog):
    caplog.set_level(logging.INFO, logger="followup")
    browser.login("anna@ekbacka.example")
    browser.get("/mina?token=hemlig-token-123")
    lines = [json.loads(JSONFormatter().format(r)) for r in caplog.records
             if r.name.startswith("followup")]
    logged = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert PASSWORD not in logged and "hemlig-token-123" not in logged
    [mine] = [line for line in lines
              if line["logger"] == "followup.access" and line["path"] == "/mina"]
    assert mine["user_id"] == demo.anna.id and mine["status"] == 200
    [login] = [line for line in lines if line.get("event") == "login"]
    assert login["user_id"] == demo.anna.id and login["request_id"]
    # The security line and the access line of one request have the same id.
    assert any(line["logger"] == "followup.access" and line["path"] == "/login"
               and line["request_id"] == login["request_id"] for line in lines)


def test_healthz_answers_503_json_naming_the_database_when_it_is_down(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/x.sqlite"},
                     instance_path=str(tmp_path / "instance"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "down": ["database"]}


def test_a_gunicorn_server_logs_json_lines_and_healthz_names_redis_when_it_goes(
        app, database_url, tmp_path, redis_url):  # noqa: F811
    import redis

    with gunicorn(database_url, tmp_path, 1, RATELIMIT_STORAGE_URI=redis_url,
                  JOBS_BROKER_URL=redis_url + "/1", SECRET_KEY="ops-test",
                  PDF_WORKERS="0") as (base, _):
        ok = requests.get(base + "/healthz", headers={"X-Request-ID": "kontroll-1"})
        assert ok.status_code == 200 and ok.json() == {"status": "ok"}
        assert ok.headers["X-Request-ID"] == "kontroll-1"
        redis.Redis.from_url(redis_url).shutdown(nosave=True)
        down = requests.get(base + "/healthz")
        assert down.status_code == 503 and down.headers["Content-Type"] == "application/json"
        assert down.json() == {"status": "unavailable", "down": ["redis", "queue"]}
        time.sleep(0.5)
    lines = [json.loads(line) for line in (tmp_path / "gunicorn.log").read_text().splitlines()
             if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "followup.access"]
    assert [(a["path"], a["status"]) for a in access if a["path"] == "/healthz"][-2:] == [
        ("/healthz", 200), ("/healthz", 503)]
    assert any(a["request_id"] == "kontroll-1" for a in access)
    assert not any("secret_key_not_shared" in str(line) for line in lines)


def test_a_server_of_four_workers_loads_the_app_once_and_they_share_it(
        app, database_url, tmp_path):
    """gunicorn.conf.py: the workers are forked from the server process with the app
    loaded, so the app is imported and created once, and its memory is shared. Each
    worker loading it on its own took 362 MB for the server (PSS), forked 187 MB."""
    with gunicorn(database_url, tmp_path, 4, SECRET_KEY=None, PDF_WORKERS="0") as (base, pid):
        for _ in range(16):  # every worker serves the login page, its templates loaded
            assert requests.get(base + "/login").status_code == 200
        memory = memory_mb(pid)
    log = (tmp_path / "gunicorn.log").read_text()
    # Made once, in the server process: one warning that the key is not shared.
    assert log.count("secret_key_not_shared") == 1
    assert memory["pss"] < 280, memory


# --- backup and restore ---------------------------------------------------------------------

def _sign_august(demo):
    from followup.memos import signoff

    signoff.sign(demo.lena, db.session.scalar(select(Memo)), confirm=True,
                 reason="Två uppdrag rapporteras muntligt på sammanträdet.")


def _verify(database_url, tmp_path):
    env = dict(os.environ, FOLLOWUP_DATABASE_URL=database_url, FOLLOWUP_SECRET_KEY="x",
               FOLLOWUP_INSTANCE_PATH=str(tmp_path / "restored-instance"),
               FOLLOWUP_PDF_WORKERS="0")
    return subprocess.run([sys.executable, "-m", "flask", "--app", "app", "report", "verify"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_a_backup_restored_into_a_fresh_database_verifies(demo, database_url, tmp_path):
    """docs/operations.md, "Backup and restore": the database copied while the app runs
    (SQLite's backup API; pg_dump on PostgreSQL), restored into a fresh database, and
    ``flask report verify`` on the restored one finds the signed memo as it was signed."""
    _sign_august(demo)
    db.session.remove()
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        backup = tmp_path / "backup.sqlite"
        with sqlite3.connect(url.database) as source, sqlite3.connect(backup) as target:
            source.backup(target)
        restored = tmp_path / "restored.sqlite"
        shutil.copyfile(backup, restored)  # restoring is copying the file back
        result = _verify(f"sqlite:///{restored}", tmp_path)
    else:
        if not (shutil.which("pg_dump") and shutil.which("psql")):
            pytest.skip("pg_dump och psql saknas (apt-get install postgresql-client)")
        env = dict(os.environ, PGPASSWORD=url.password or "")
        dump = tmp_path / "backup.sql"
        connect = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                   "-U", url.username]
        made = subprocess.run(["pg_dump", *connect, "--no-owner", "-f", str(dump),
                               url.database], env=env, capture_output=True, text=True)
        if made.returncode and "version mismatch" in made.stderr:
            pytest.skip(f"pg_dump passar inte servern: {made.stderr.strip()}")
        assert made.returncode == 0, made.stderr
        fresh = f"followup_restore_{uuid.uuid4().hex[:8]}"
        psql = ["psql", *connect, "-v", "ON_ERROR_STOP=1", "-q"]
        subprocess.run([*psql, "-d", url.database, "-c", f"CREATE DATABASE {fresh}"],
                       env=env, check=True, capture_output=True)
        try:
            subprocess.run([*psql, "-d", fresh, "-f", str(dump)], env=env, check=True,
                           capture_output=True)
            result = _verify(url.set(database=fresh).render_as_string(hide_password=False),
                             tmp_path)
        finally:
            subprocess.run([*psql, "-d", url.database, "-c", f"DROP DATABASE {fresh}"],
                           env=env, capture_output=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Den fastställda versionen stämmer med det som fastställdes." in result.stdout
