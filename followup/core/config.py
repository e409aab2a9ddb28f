"""Configuration: defaults here, then ``instance/config.py``, then ``FOLLOWUP_*`` variables."""

import os
import secrets
from pathlib import Path

ENV_PREFIX = "FOLLOWUP_"


class Defaults:
    SECRET_KEY = None
    DATABASE_URL = None  # None: SQLite file in the instance folder
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Browsers send Secure cookies to http://127.0.0.1 and localhost, so this stays
    # on for local use too; set FOLLOWUP_SESSION_COOKIE_SECURE=false only for a
    # plain-http address that is not local.
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "followup_session"
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # a working day after login, in seconds
    SESSION_IDLE_TIMEOUT = 60 * 60  # an hour without a request ends the session
    # Failed logins (a right password costs nothing): per account from one network
    # address, and per address alone, far higher, since a whole municipality may come
    # through one proxy; past the address's limit only accounts already guessed from it
    # wait. bin/run starts a local Redis and sets RATELIMIT_STORAGE_URI to it, so that
    # every server process counts the same failures; memory:// counts per process.
    LOGIN_ACCOUNT_LIMIT = "5 per minute;20 per hour"
    LOGIN_ADDRESS_LIMIT = "100 per 15 minutes"
    RATELIMIT_STORAGE_URI = "memory://"
    # Behind reverse proxies: how many of them add X-Forwarded-For (and -Proto, -Host).
    # 0 trusts no such header: each client is then the proxy's address.
    PROXY_COUNT = 0
    RATELIMIT_HEADERS_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # valid for the session: long edits must not lose their form
    # 100 000 characters of HTML per text field, a 120-node plan is ~150 kB;
    # 20 MB leaves room for large plan files without inviting abuse.
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # One field of a form may hold up to 4 MB, so that a text far over its limit reaches
    # the form's own check, which says so on the field and keeps the text (beyond Flask's
    # 500 kB the whole post was refused and the text lost).
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024
    PASSWORD_HASH_METHOD = "scrypt"  # Werkzeug's default cost
    # E-mail (Flask-Mail's names). Without a server, notifications are only shown in the app.
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = None
    # Where the links in e-mails point: the address users open the application at.
    BASE_URL = "http://127.0.0.1:5000"
    NOTIFY_DEADLINE_DAYS = 3  # a deadline reminder goes out this many days before
    MAIL_MAX_AGE_DAYS = 7  # a notification older than this is not e-mailed any more
    # Seconds one document's layout may take in a PDF worker; past it the worker is killed
    # and the user told which document it was (a case's documents take a few seconds).
    PDF_RENDER_TIMEOUT = 120
    # The job queue's Redis (redis://…): documents are then laid out, memos signed and
    # e-mail sent by the workers (``celery -A followup.worker worker``). None: no queue,
    # each job is done by the process that asks for it, before it answers.
    JOBS_BROKER_URL = None
    # Seconds a signing job may take in all (every document laid out in both variants,
    # one after another); past it the job is stopped and nothing is signed.
    SIGN_TIMEOUT = 900
    # With a queue, a plan's documents are laid out again this many seconds after the
    # last change to it, so that a burst of saves is laid out once.
    DOCUMENTS_QUIET_SECONDS = 0.5
    # The server's log on standard error: "json" (one object a line, with the request
    # id) or "text" (followup/core/logs.py).
    LOG_FORMAT = "json"
    # Sign-in with the municipality's own accounts (OpenID Connect): the provider's
    # issuer (its /.well-known/openid-configuration is read), our client at it, and the
    # scopes asked for. Without an issuer only passwords sign in.
    OIDC_ISSUER = None
    OIDC_CLIENT_ID = None
    OIDC_CLIENT_SECRET = None
    OIDC_SCOPES = "openid profile email"
    OIDC_LEEWAY = 30  # seconds of clock skew an ID token's times may have
    # Passwords: "on" for everyone, "admins" only for administrators (break-glass
    # accounts while the provider is down), "off" for nobody. API tokens are not affected.
    PASSWORD_LOGIN = "on"


def load(app, overrides=None):
    """Fill ``app.config`` in the documented order and settle the database URL."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env(ENV_PREFIX.rstrip("_"))
    if overrides:
        app.config.update(overrides)

    url = app.config.get("DATABASE_URL") or _default_sqlite_url(app.instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_url(url)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _default_sqlite_url(instance_path):
    return "sqlite:///" + os.path.join(instance_path, "followup.sqlite")


def _normalise_url(url):
    # "postgresql://" would pick psycopg2, which we do not install; we use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _instance_secret(instance_path):
    """A random key kept in the instance folder, made on first start."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
