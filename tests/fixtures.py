"""Test setup: one migrated database for the session, emptied after every test.

The database is a fresh SQLite file, or the PostgreSQL database named by
FOLLOWUP_TEST_DATABASE_URL (bin/postgres creates one).
"""

import contextvars
import json
import os
import re
import time
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from followup import create_app
from followup.core.extensions import db, limiter

# The repository, and the shared documents beside it (absent on a machine without them).
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
FIXTURE_FILES = sorted(FIXTURES.glob("*.json")) if FIXTURES.is_dir() else []
LARGER_FIXTURE = max(FIXTURE_FILES, key=lambda p: p.stat().st_size) if FIXTURE_FILES else None


OWN_PLANS = sorted((Path(__file__).parent / "plans").glob("*.json"))


def plan_params():
    """The shared fixtures and the project's own plan files, written in other
    municipalities' styles. Without ../shared its cases are reported as skipped, not
    left out unseen."""
    shared = [pytest.param(p, id=p.stem) for p in FIXTURE_FILES] or [
        pytest.param(None, id="shared", marks=pytest.mark.skip(reason="../shared saknas"))]
    return shared + [pytest.param(p, id=p.stem) for p in OWN_PLANS]


def fixture_params():
    """One parameter per shared fixture, or one skipped parameter where shared/ is absent."""
    if not FIXTURE_FILES:
        return [pytest.param(None, marks=pytest.mark.skip(reason="../shared/fixtures saknas"))]
    return [pytest.param(p, id=p.stem) for p in FIXTURE_FILES]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("FOLLOWUP_TEST_DATABASE_URL") or (
        "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
    )


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, as a server does.

    Flask reuses an app context that a test has pushed, and with it ``g`` (where
    Flask-WTF caches the CSRF token) and the database session; a real request
    never shares those. After the request, the test's own session forgets what
    it had loaded, so its next query sees what the request committed.
    """

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url,
         "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"},
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        upgrade()
    return app


def _reset_schema():
    """Start the session from an empty database, whatever an earlier run left."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    limiter.reset()
    with app.app_context():
        db.session.remove()
        # A job of the queue's worker may still be ending (one stopped at its time limit
        # is killed a moment after it is reported failed): its locks can refuse the
        # emptying once, as a deadlock or a busy database. Tried again, then it fails.
        for attempt in range(20):
            try:
                _empty_tables()
                break
            except OperationalError:
                if attempt == 19:
                    raise
                time.sleep(0.5)


def _empty_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def live_server(app):
    """The app on a free loopback port, served in a thread: for the browser and the fuzzer."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def oidc(live_server, tmp_path_factory):
    """A real OpenID provider for the session (tests/servers.py, OidcProvider), coming
    back to the live server and to the test client (http://localhost)."""
    from tests.servers import oidc_provider

    with oidc_provider(tmp_path_factory.mktemp("oidc"), [live_server, "http://localhost"]) \
            as provider:
        yield provider


@pytest.fixture
def sso_app(app, oidc):
    """The app signing in with the test provider, for one test."""
    names = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES",
             "OIDC_LEEWAY", "PASSWORD_LOGIN")
    saved = {name: app.config.get(name) for name in names}
    app.config.update(oidc.settings())
    yield app
    app.config.update(saved)


@pytest.fixture(scope="session")
def queue_redis(tmp_path_factory):
    """A real Redis for the job queue, one for the session."""
    from tests import servers

    with servers.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="session")
def queued_app(app, database_url, queue_redis, tmp_path_factory):
    """A second server of the same database whose jobs go to a queue in Redis, with one
    real worker running them (``celery -A followup.worker worker``) and e-mailing to a
    real SMTP sink. ``job_log()`` gives what the worker has logged so far, ``mailbox``
    what the sink received."""
    from tests import servers

    instance = tmp_path_factory.mktemp("queued")
    queued = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": database_url,
         "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "JOBS_BROKER_URL": queue_redis},
        instance_path=str(instance))
    queued.test_client_class = IsolatedClient
    with servers.mail_sink() as (port, mailbox), servers.job_worker(
            database_url, queue_redis, instance, MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port),
            MAIL_DEFAULT_SENDER="Planuppföljning <planer@ekbacka.example>"):
        queued.job_log = lambda: (instance / "worker.log").read_text()
        queued.mailbox = mailbox
        yield queued


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli(app):
    """Runs ``flask --app app …`` commands; result.stdout and result.stderr are apart."""
    return app.test_cli_runner()


def snapshot():
    """Every row of every table, to prove that a refused operation changed nothing."""
    rows = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            pk = list(table.primary_key.columns)
            rows[table.name] = [tuple(r) for r in conn.execute(table.select().order_by(*pk))]
    return rows


def without_token_use(rows):
    """A snapshot less the API keys' last use, which every call through the API records."""
    rows.pop("api_token")
    return rows


def load_json(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


PASSWORD = "ett-långt-testlösenord"


@pytest.fixture
def demo(ctx):
    """The demo plan (december open) and one user per role, all with PASSWORD.

    Anna reports for barn-unga; Omar for vuxen and stod.
    """
    from types import SimpleNamespace

    from followup import demo as demo_data
    from followup.people import users
    from followup.people.models import Role
    from followup.planfile import transfer

    plan = transfer.import_plan(demo_data.PLAN_FILE.read_bytes())
    december = plan.phase(demo_data.OPEN_PHASE)
    december.is_open = True
    december.deadline = demo_data.OPEN_PHASE_DEADLINE
    db.session.commit()
    people = SimpleNamespace(plan=plan)
    for name, role, units in [
        ("anna", Role.reporter, ["barn-unga"]),
        ("omar", Role.reporter, ["vuxen", "stod"]),
        ("sara", Role.compiler, []),
        ("lena", Role.approver, []),
        ("per", Role.reader, []),
        ("it", Role.admin, []),
    ]:
        user = users.create_user(f"{name}@ekbacka.example", name.title(), role, PASSWORD,
                                 [f"{plan.key}:{u}" for u in units])
        setattr(people, name, user)
    db.session.commit()  # the operations leave the commit to their caller (issue 22.4)
    return people


@pytest.fixture
def bearer(demo):
    """bearer("anna", "sara") → {name: its Authorization header}: an API key each, made
    and committed as /konto would."""
    from followup.people import tokens

    def headers(*names):
        made = {name: {"Authorization": "Bearer " + tokens.create_token(getattr(demo, name))}
                for name in names}
        db.session.commit()
        return made
    return headers


class Browser:
    """The Flask test client, posting forms the way a browser does: with the CSRF
    token of the page it last loaded."""

    TOKEN = re.compile(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, client):
        self.client = client
        self.token = None

    def get(self, url, **kw):
        response = self.client.get(url, **kw)
        found = self.TOKEN.search(response.text) if response.mimetype == "text/html" else None
        if found:
            self.token = found.group(1)
        return response

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf and self.token:
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kw)

    def login(self, email, password=PASSWORD):
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def as_user(app, demo):
    """as_user("anna") → a Browser logged in as that demo user."""
    def login(name):
        b = Browser(app.test_client())
        response = b.login(f"{name}@ekbacka.example")
        assert response.status_code == 302, response.text[:500]
        return b
    return login
