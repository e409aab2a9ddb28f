"""bin/run: the demo logins come last, HOST and PORT are heeded, and stopping it stops
every process it started, the PDF workers too."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """Every living process below ``pid`` (from /proc: ppid links)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z":  # zombies have ended
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids):
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if state[state.rindex(")") + 2] != "Z":
            living.add(pid)
    return living


def log_in_and_render_a_pdf(base, output):
    email, password = re.search(r"Strateg i SOC\s+(\S+)\s+(\S+)", output).groups()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    opener.open(base + "/login", urllib.parse.urlencode(
        {"csrf_token": token, "email": email, "password": password}).encode(), timeout=30)
    pdf = opener.open(base + "/plans/SOC-2026/phases/augusti/tjansteskrivelse/pdf",
                      timeout=120).read()
    assert pdf.startswith(b"%PDF")


def test_logins_last_and_stopping_stops_everything(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env.update(PORT=str(port), HOST="127.0.0.1", FOLLOWUP_INSTANCE_PATH=str(tmp_path),
               FOLLOWUP_PDF_WORKERS="2", FOLLOWUP_SESSION_COOKIE_SECURE="false")
    run = subprocess.Popen([str(ROOT / "bin" / "run")], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                           start_new_session=True)
    lines, started = [], set()
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("  ") and "Administratör" in line:  # the last demo login
                break
        output = "".join(lines)
        assert "Demoanvändare" in output, output
        started = output.index(f"kör på http://127.0.0.1:{port}")
        assert started < output.index("Demoanvändare")  # the logins come last
        assert lines[-1].strip().startswith("Administratör")

        log_in_and_render_a_pdf(f"http://127.0.0.1:{port}", output)
        started = descendants(run.pid)
        assert len(started) >= 3  # the server and its PDF workers (and more)

        run.send_signal(signal.SIGINT)  # as Ctrl+C
        run.wait(timeout=180)  # a loaded machine stops slowly; a hang fails
        time.sleep(0.5)
        assert alive(started) == set()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for pid in alive(started):
            os.kill(pid, signal.SIGKILL)
