"""A real app server for the tests that speak HTTP to one: gunicorn on loopback, on the
test database, stopped when the test is done."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url, tmp_path, workers, **settings):
    """Yields (base URL, gunicorn's pid). ``settings`` become FOLLOWUP_<NAME> variables;
    a value None leaves the variable out."""
    import requests

    env = dict(os.environ, FOLLOWUP_INSTANCE_PATH=str(tmp_path / "instance"),
               FOLLOWUP_DATABASE_URL=database_url, FOLLOWUP_SESSION_COOKIE_SECURE="false")
    for name, value in settings.items():
        env.pop(f"FOLLOWUP_{name}", None)
        if value is not None:
            env[f"FOLLOWUP_{name}"] = value
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--timeout", "120",
         "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(base + "/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "gunicorn started not within 30 s"
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(20)
        log.close()


REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_for(check, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except AssertionError:
            raise
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} started not within {seconds} s")


def require_redis():
    """Skips the test without redis-server, except in CI, where it fails."""
    import pytest

    if not os.path.exists(REDIS):
        if os.environ.get("CI") or os.environ.get("FOLLOWUP_REQUIRE_BROWSER"):
            pytest.fail("redis-server saknas (apt-get install redis-server)")
        pytest.skip("redis-server saknas (apt-get install redis-server)")


@contextmanager
def redis_server(directory):
    """A real redis-server on a free loopback port, nothing written to disk: its URL."""
    import redis

    require_redis()
    port = free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(directory), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(redis.Redis(host="127.0.0.1", port=port).ping, "redis-server")
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


@contextmanager
def process_group(args, env, log_path):
    """A process in a session of its own, its output in ``log_path``; stopped with all
    it started (TERM, then KILL after 30 s)."""
    log = open(log_path, "w")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        log.close()


@contextmanager
def job_worker(database_url, broker_url, instance_path, concurrency=2, **settings):
    """A real worker of the job queue (``celery -A followup.worker worker``) on the test
    database and the given Redis, as the README runs one: yields its process."""
    env = dict(os.environ, FOLLOWUP_INSTANCE_PATH=str(instance_path),
               FOLLOWUP_DATABASE_URL=database_url, FOLLOWUP_JOBS_BROKER_URL=broker_url,
               FOLLOWUP_SECRET_KEY="test", FOLLOWUP_LOG_FORMAT="text")
    env.update({f"FOLLOWUP_{k}": v for k, v in settings.items()})
    os.makedirs(str(instance_path), exist_ok=True)
    log_path = os.path.join(str(instance_path), "worker.log")
    with process_group(
            [sys.executable, "-m", "celery", "-A", "followup.worker", "worker", "--loglevel",
             "INFO", "--concurrency", str(concurrency), "--without-gossip", "--without-mingle",
             "--hostname", f"test-{free_port()}@%h"], env, log_path) as process:

        def ready():
            assert process.poll() is None, open(log_path).read()[-2000:]
            return "ready." in open(log_path).read()

        wait_for(ready, "the job worker", 60)
        yield process


class Mailbox:
    """What a mail sink received: (recipients, message) pairs."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append((envelope.rcpt_tos,
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Meddelandet mottaget"

    def to(self, address):
        return [m for rcpt, m in self.messages if address in rcpt]


@contextmanager
def mail_sink():
    """A real SMTP server (aiosmtpd) on loopback: yields (its port, its Mailbox)."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, box
    finally:
        controller.stop()


class OidcProvider:
    """A real OpenID Connect provider (tests/oidc/provider.mjs, panva's oidc-provider
    from npm) on loopback: ``issuer``, the clients it knows, and its accounts, which a
    test changes with ``set_account`` (read again at every sign-in)."""

    CLIENT_ID, CLIENT_SECRET = "planuppfoljning", "test-klienthemlighet"
    OTHER_ID, OTHER_SECRET = "annan-tjanst", "annan-hemlighet"

    def __init__(self, config_path, issuer, config):
        self.config_path, self.issuer, self.config = config_path, issuer, config

    def set_account(self, account_id, **claims):
        self.config["accounts"][account_id] = claims
        self._write()

    def _write(self):
        with open(self.config_path, "w", encoding="utf-8") as f:
            json.dump(self.config, f)

    def settings(self):
        """The application's settings for this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": self.CLIENT_ID,
                "OIDC_CLIENT_SECRET": self.CLIENT_SECRET, "OIDC_SCOPES": "openid profile email"}


NODE = shutil.which("node")
PROVIDER_SCRIPT = os.path.join(ROOT, "tests", "oidc", "provider.mjs")


@contextmanager
def oidc_provider(directory, redirect_bases, id_token_ttl=3600):
    """A provider whose client ``planuppfoljning`` comes back to each of
    ``redirect_bases`` (the application's addresses), and a second client of another
    service. Skipped without node or the npm package, unless FOLLOWUP_REQUIRE_BROWSER
    (CI) makes that a failure."""
    missing = None if NODE else "node saknas (apt-get install nodejs)"
    if not os.path.isdir(os.path.join(ROOT, "node_modules", "oidc-provider")):
        missing = missing or "oidc-provider saknas (npm ci)"
    if missing:
        if os.environ.get("FOLLOWUP_REQUIRE_BROWSER"):
            pytest.fail(missing)
        pytest.skip(missing)
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    config = {
        "issuer": issuer, "port": port, "id_token_ttl": id_token_ttl, "accounts": {},
        "clients": [
            {"client_id": OidcProvider.CLIENT_ID, "client_secret": OidcProvider.CLIENT_SECRET,
             "redirect_uris": [f"{b}/login/kommunen/svar" for b in redirect_bases],
             "post_logout_redirect_uris": [f"{b}/login" for b in redirect_bases],
             "grant_types": ["authorization_code"], "response_types": ["code"]},
            {"client_id": OidcProvider.OTHER_ID, "client_secret": OidcProvider.OTHER_SECRET,
             "redirect_uris": ["http://127.0.0.1:9/svar"],
             "grant_types": ["authorization_code"], "response_types": ["code"]},
        ]}
    provider = OidcProvider(os.path.join(str(directory), "oidc.json"), issuer, config)
    provider._write()
    log_path = os.path.join(str(directory), "oidc.log")
    with process_group([NODE, PROVIDER_SCRIPT, provider.config_path], dict(os.environ),
                       log_path) as process:

        def ready():
            assert process.poll() is None, open(log_path).read()[-2000:]
            return "ready" in open(log_path).read()

        wait_for(ready, "the OpenID provider", 30)
        yield provider


def memory_mb(pid):
    """The memory of a process and every process below it, in MB: {"rss", "pss"}. RSS
    counts a page shared by several of them (a library, what gunicorn's workers share
    with the process they were forked from) once for each; PSS splits it among them, so
    its sum is what the server takes of the machine."""
    total, todo = {"rss": 0, "pss": 0}, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total["rss"] += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total["pss"] += int(re.search(r"Pss:\s+(\d+)", rollup).group(1))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except (OSError, AttributeError):
            continue
        todo += [int(c) for c in children]
    return {k: round(v / 1024, 1) for k, v in total.items()}
