"""Load on the JSON API under gunicorn, against a trivial Flask app in the same run.

    .venv/bin/python bench/web.py [--clients 20 50] [--seconds 30] [--database-url URL]

Starts gunicorn on 127.0.0.1 with a fresh database holding the demo plan, then
for each client count runs that many concurrent API clients for the given time.
Each client loops: GET a follow-up of the open phase (a read), PUT a new comment
based on the version it read (a save: 200, or 409 when another client got there
first). At the end every acknowledged save is looked up: the newest one per node
must be what the database holds, and every one must be in the history; a save
that is neither is a lost update. The same clients then load a trivial Flask
endpoint (GET and PUT /ping) under the same gunicorn settings for the ratio.
Both servers first get a few unmeasured seconds of the same load, so that every
worker has started and warmed up. Prints one JSON object. Traffic goes to
127.0.0.1 only, bounded in time.
"""

import argparse
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = [PYTHON, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "4",
            "--threads", "4", "--log-level", "warning", "--keep-alive", "30"]
PLAN, PHASE = "SOC-2026", "december"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(target, port, env, cwd):
    proc = subprocess.Popen(GUNICORN + ["--bind", f"127.0.0.1:{port}", target], cwd=cwd, env=env)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"gunicorn did not start: {target}")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


def flask(env, *args):
    return subprocess.run([PYTHON, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True, input="").stdout


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return round(values[k] * 1000, 2)


class Client(threading.Thread):
    def __init__(self, port, token, nodes, seconds, number, trivial=False):
        super().__init__(daemon=True)
        self.port, self.token, self.nodes = port, token, nodes
        self.seconds, self.number, self.trivial = seconds, number, trivial
        self.reads, self.saves = [], []  # latencies of successful answers
        self.refused, self.failed = [], []  # of 409s, and of other failures
        self.conflicts = self.errors = 0
        self.acked = []  # (node, version, comment) of every 200 on a save
        self.rng = random.Random(number)

    def request(self, conn, method, path, body=None):
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        start = time.perf_counter()
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - start

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        end = time.perf_counter() + self.seconds
        n = 0
        while time.perf_counter() < end:
            n += 1
            node = self.rng.choice(self.nodes)
            try:
                if self.trivial:
                    status, _, t = self.request(conn, "GET", "/ping")
                    (self.reads if status == 200 else self.failed).append(t)
                    status, _, t = self.request(conn, "PUT", "/ping", {"comment": "x", "version": n})
                    (self.saves if status == 200 else self.failed).append(t)
                    continue
                url = f"/api/plans/{PLAN}/phases/{PHASE}/followups/{node}"
                status, data, t = self.request(conn, "GET", url)
                if status != 200:
                    self.failed.append(t)
                    self.errors += 1
                    continue
                self.reads.append(t)
                current = json.loads(data)
                comment = f"<p>Klient {self.number}, skrivning {n}.</p>"
                status, data, t = self.request(conn, "PUT", url, {
                    "level": current["level"], "comment": comment, "version": current["version"]})
                # Only successful saves count as served: a 409 is a refusal, counted apart.
                if status == 200:
                    self.saves.append(t)
                    self.acked.append((node, json.loads(data)["version"], comment))
                elif status == 409:
                    self.refused.append(t)
                    self.conflicts += 1
                else:
                    self.failed.append(t)
                    self.errors += 1
            except (OSError, http.client.HTTPException):
                self.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.close()


def load(port, token, nodes, clients, seconds, trivial=False):
    threads = [Client(port, token, nodes, seconds, i, trivial) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    reads = [x for t in threads for x in t.reads]
    saves = [x for t in threads for x in t.saves]
    result = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(reads) + len(saves),
        # Successful answers only; refusals (409) and failures are reported apart.
        "requests_per_s": round((len(reads) + len(saves)) / elapsed, 1),
        "refused_409_per_s": round(sum(len(t.refused) for t in threads) / elapsed, 1),
        "failed_requests": sum(len(t.failed) for t in threads),
        "read_ms": {"p50": percentile(reads, 50), "p95": percentile(reads, 95),
                    "p99": percentile(reads, 99)},
        "save_ms": {"p50": percentile(saves, 50), "p95": percentile(saves, 95),
                    "p99": percentile(saves, 99)},
        "errors": sum(t.errors for t in threads),
    }
    if not trivial:
        result["conflicts_409"] = sum(t.conflicts for t in threads)
        result["saves_acknowledged"] = sum(len(t.acked) for t in threads)
    return result, [a for t in threads for a in t.acked]


def lost_updates(env, acked):
    """Acknowledged saves that the database does not hold: the newest per node must be
    the stored follow-up, and every acknowledged save must be in the history."""
    code = """
import json, sys
from app import app
from followup.core.extensions import db
from followup.models import Followup, FollowupRevision, Node, Phase
from sqlalchemy import select
with app.app_context():
    rows = db.session.execute(select(Node.key, Followup.version, Followup.comment)
        .join(Followup.node).join(Followup.phase).where(Phase.key == sys.argv[1])).all()
    revs = db.session.execute(select(Node.key, FollowupRevision.version, FollowupRevision.comment)
        .join(FollowupRevision.followup).join(Followup.node).join(Followup.phase)
        .where(Phase.key == sys.argv[1])).all()
    print(json.dumps({"current": [list(r) for r in rows], "history": [list(r) for r in revs]}))
"""
    out = subprocess.run([PYTHON, "-c", code, PHASE], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    db = json.loads(out)
    current = {node: (version, comment) for node, version, comment in db["current"]}
    history = {(node, version): comment for node, version, comment in db["history"]}
    newest = {}
    for node, version, comment in acked:
        if node not in newest or version > newest[node][0]:
            newest[node] = (version, comment)
    lost = sum(1 for node, v in newest.items() if current.get(node) != v)
    lost += sum(1 for node, version, comment in acked if history.get((node, version)) != comment)
    return lost


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds first")
    parser.add_argument("--database-url")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, FOLLOWUP_INSTANCE_PATH=tmp, PYTHONPATH=str(ROOT))
        env["FOLLOWUP_DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        env["FOLLOWUP_SECRET_KEY"] = "bench"
        if args.database_url:  # start from an empty server database
            subprocess.run([PYTHON, "-c", "from app import app\nfrom followup.core.extensions import db\n"
                            "from sqlalchemy import text\nwith app.app_context():\n"
                            "    db.session.execute(text('DROP SCHEMA public CASCADE'))\n"
                            "    db.session.execute(text('CREATE SCHEMA public'))\n"
                            "    db.session.commit()"], cwd=ROOT, env=env, check=True)
        flask(env, "db", "upgrade")
        flask(env, "demo", "load")
        token = flask(env, "user", "token", "sara.lind@ekbacka.example", "--name", "bench").strip()
        nodes = json.loads(subprocess.run(
            [PYTHON, "-c", "import json\nfrom app import app\n"
             "from followup.followups import followups as fu\nfrom followup.plans import lookup\n"
             "with app.app_context():\n"
             f"    plan = lookup.find_plan('{PLAN}')\n"
             f"    print(json.dumps([c.node.key for c in fu.phase_overview(plan, plan.phase('{PHASE}'))]))"],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout)

        port = free_port()
        server = start("app:app", port, env, ROOT)
        try:
            load(port, token, nodes, max(args.clients), args.warmup)  # every worker warm
            runs = []
            for clients in args.clients:
                result, acked = load(port, token, nodes, clients, args.seconds)
                result["lost_updates"] = lost_updates(env, acked)
                runs.append(result)
        finally:
            stop(server)

        trivial_port = free_port()
        trivial = start("trivial_app:app", trivial_port, env, ROOT / "bench")
        try:
            load(trivial_port, token, nodes, max(args.clients), args.warmup, trivial=True)
            baseline = [load(trivial_port, token, nodes, c, args.seconds, trivial=True)[0]
                        for c in args.clients]
        finally:
            stop(trivial)

    for run, base in zip(runs, baseline):
        run["trivial_requests_per_s"] = base["requests_per_s"]
        run["ratio_to_trivial"] = round(run["requests_per_s"] / base["requests_per_s"], 3)
    print(json.dumps({
        "database": env["FOLLOWUP_DATABASE_URL"].split(":", 1)[0],
        "server": "gunicorn gthread, 4 workers x 4 threads",
        "nodes": len(nodes),
        "runs": runs,
    }))


if __name__ == "__main__":
    main()
