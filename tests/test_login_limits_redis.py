"""The login limit holds across server processes when RATELIMIT_STORAGE_URI names a
Redis (issue 9: with two gunicorn workers and per-process counting, 20 of 40 attempts
got through a 10-a-minute limit).

Runs gunicorn with two workers against a real Redis from Debian's packages
(``redis-server``, installed by ``bin/setup --dev`` as root) that the test starts on a
free loopback port. Without redis-server the test is skipped, except in CI.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
ATTEMPTS = 40
LIMIT = 10


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, what, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} started not within {seconds} s")


@pytest.fixture
def redis_url(tmp_path):
    if not os.path.exists(REDIS):
        if os.environ.get("CI") or os.environ.get("FOLLOWUP_REQUIRE_BROWSER"):
            pytest.fail("redis-server saknas (apt-get install redis-server)")
        pytest.skip("redis-server saknas (apt-get install redis-server)")
    import redis

    port = _free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path), "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(host="127.0.0.1", port=port)
        _wait(client.ping, "redis-server")
        yield f"redis://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def two_workers(tmp_path, redis_url):
    """gunicorn with two worker processes sharing the limits in Redis."""
    import requests

    instance = tmp_path / "instance"
    env = dict(os.environ,
               FOLLOWUP_INSTANCE_PATH=str(instance),
               FOLLOWUP_DATABASE_URL="sqlite:///" + str(tmp_path / "limits.sqlite"),
               FOLLOWUP_SECRET_KEY="limits-test",
               FOLLOWUP_SESSION_COOKIE_SECURE="false",
               FOLLOWUP_RATELIMIT_STORAGE_URI=redis_url,
               FOLLOWUP_LOGIN_ADDRESS_LIMIT=f"{LIMIT} per minute",
               FOLLOWUP_LOGIN_ACCOUNT_LIMIT="1000 per minute",
               FOLLOWUP_PDF_WORKERS="0")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=root,
                   env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "app:app"], cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: requests.get(base + "/healthz", timeout=2).ok, "gunicorn")
        yield base
    finally:
        server.terminate()
        server.wait(10)


def test_ten_failed_logins_a_minute_hold_across_two_worker_processes(two_workers):
    import requests

    session = requests.Session()
    page = session.get(two_workers + "/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    codes = []
    for i in range(ATTEMPTS):
        # A fresh connection each time, so that both workers answer.
        response = session.post(two_workers + "/login", headers={"Connection": "close"},
                                data={"csrf_token": token, "email": f"person{i}@ekbacka.example",
                                      "password": "fel-lösenord"})
        codes.append(response.status_code)
    assert codes.count(400) == LIMIT, codes
    assert codes.count(429) == ATTEMPTS - LIMIT
    assert "Vänta en minut" in response.text
