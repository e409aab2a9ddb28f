"""A real app server for the tests that speak HTTP to one: gunicorn on loopback, on the
test database, stopped when the test is done."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

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
