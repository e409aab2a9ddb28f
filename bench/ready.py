"""How soon documents are ready, on one app server or two (issue 20, item 9); prints JSON.

    .venv/bin/python bench/ready.py [FILE] [--factors 1,16] [--servers 1,2]
        [--modes queue,none] [--repeat 3] [--downloads 40] [--database-url URL]
        [--no-chromium] [--no-preload]

For each plan size (FILE, by default the larger shared fixture, its goal tree repeated
``factor`` times), number of app servers and mode, a fresh stack is started on
127.0.0.1: the database (SQLite in a temporary folder unless ``--database-url`` names an
empty PostgreSQL database), and in the mode "queue" a redis-server and one job worker
(``celery -A followup.worker worker``, one process a core); then the app servers, each
gunicorn with 4 gthread workers, as the README runs them. The mode "none" is the same
servers without a queue: each lays out the PDFs it serves itself, in its own worker
processes, and a signing runs inside its request (how the product ran before the queue).

Measured, in seconds unless named otherwise:

- ``first_download_s``: the first download of the case, nothing laid out yet.
- ``fresh_after_save_s``: from a saved comment (the API's PUT, on the first server)
  until a download of the case started at that moment has the fresh PDF (on the next
  server in turn): min, median and max of ``--repeat`` saves.
- ``download_ms``: ``--downloads`` downloads of the fresh case, in turn from each
  server: p50 and p95 per server.
- ``signoff_answer_s`` and ``signoff_done_s``: from the director's confirmation until
  the server answers it, and until the memo is signed (the page that follows the job
  sends the browser to the signed memo).
- ``server_rss_mb`` and ``server_pss_mb``: the memory of each app server (gunicorn and
  its workers, and the processes they started) after the downloads, as the sum of their
  resident sizes (a shared page counted in each process) and of their proportional ones
  (a shared page split among them: what the server takes of the machine).
- ``chromium_print_s``: in the same run, Debian's Chromium printing the case's HTML
  documents, as many at once as the machine has cores (warm browser, best of
  ``--repeat``): what a click would cost if Chromium laid out our documents.

The goals of the issue: a fresh case PDF within 1.5 s of a saved comment on the 2023 case
and 5 s on it ×16; a fresh download within 100 ms at p95 from either server; a sign-off
answered within 300 ms; at most 600 MB per app server with 4 workers.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from common import default_plan_file  # noqa: E402  (bench/, the script's folder)

from tests.servers import free_port, memory_mb, process_group as process, wait_for  # noqa: E402

PYTHON = sys.executable
GUNICORN = [PYTHON, "-m", "gunicorn", "--worker-class", "gthread", "--workers", "4",
            "--threads", "4", "--timeout", "300", "--log-level", "warning"]
CHROMIUM = os.environ.get("FOLLOWUP_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "ett-långt-bänklösenord"


def wait_until(check, what, seconds=60):
    try:
        wait_for(check, what, seconds)
    except AssertionError as e:
        raise SystemExit(str(e)) from None


def flask(env, *args, stdin=""):
    return subprocess.run([PYTHON, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          check=True, capture_output=True, text=True, input=stdin).stdout


def scaled(path, factor):
    from followup.documents.tests.test_document_queries import count_nodes, scaled_plan

    data = json.loads(path.read_text(encoding="utf-8"))
    if factor > 1:
        data = scaled_plan(data, factor)
    return data, count_nodes(data["nodes"])


def prepare(env, tmp, data):
    """The database with the plan, a compiler with an API key and a director: (plan
    key, phase key, node key, the compiler's key)."""
    flask(env, "db", "upgrade")
    plan_file = Path(tmp) / "plan.json"
    plan_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    flask(env, "plan", "import", str(plan_file))
    flask(env, "user", "create", "strateg@bank.example", "--name", "Sara Strateg", "--role",
          "compiler", stdin=PASSWORD + "\n")
    flask(env, "user", "create", "direktor@bank.example", "--name", "Dina Direktör",
          "--role", "approver", stdin=PASSWORD + "\n")
    token = flask(env, "user", "token", "strateg@bank.example", "--name", "bänk").strip()
    plan_key = f"{data['organisation']['board_code']}-{data['year']}"
    phase = data["documents"][0]["phase"]
    node = next(n for n in walk(data["nodes"]) if phase in n.get("followups", {}))
    return plan_key, phase, node["key"], token


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node.get("children", []))


class Browser:
    """A signed-in person on one server, as a browser is: a session cookie and the
    form's CSRF token."""

    TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def __init__(self, base, email):
        import requests

        self.base, self.http = base, requests.Session()
        self.post("/login", {"email": email, "password": PASSWORD}, page="/login")

    def get(self, path, **kw):
        return self.http.get(self.base + path, timeout=600, **kw)

    def post(self, path, data, page=None):
        token = self.TOKEN.search(self.get(page or path).text).group(1)
        return self.http.post(self.base + path, data=dict(data, csrf_token=token),
                              allow_redirects=False, timeout=600)


def percentiles(values):
    values = sorted(values)

    def at(p):
        return round(values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] * 1000, 1)

    return {"p50": at(50), "p95": at(95)}


def measure(bases, servers, plan_key, phase, node, token, repeat, downloads):
    import requests

    memo = f"/plans/{plan_key}/phases/{phase}/tjansteskrivelse"
    readers = [Browser(base, "strateg@bank.example") for base in bases]
    out = {}
    start = time.perf_counter()
    first = readers[0].get(memo + "/pdf")
    assert first.status_code == 200, first.text[:300]
    out["first_download_s"] = round(time.perf_counter() - start, 3)
    import pypdfium2

    out["pages"] = len(pypdfium2.PdfDocument(first.content))

    api = f"{bases[0]}/api/plans/{plan_key}/phases/{phase}"
    auth = {"Authorization": f"Bearer {token}"}
    requests.post(api + "/open", headers=auth, timeout=60)
    fresh, before = [], first.content
    for i in range(repeat):
        current = requests.get(f"{api}/followups/{node}", headers=auth, timeout=60).json()
        body = {"level": current.get("level"), "version": current.get("version", 0),
                "comment": (current.get("comment") or "") + f"<p>Bänkändring {i} {time.time()}.</p>"}
        start = time.perf_counter()
        saved = requests.put(f"{api}/followups/{node}", json=body, headers=auth, timeout=60)
        assert saved.status_code == 200, saved.text[:300]
        answer = readers[(i + 1) % len(readers)].get(memo + "/pdf")
        fresh.append(time.perf_counter() - start)
        assert answer.status_code == 200 and answer.content != before
        before = answer.content
    out["fresh_after_save_s"] = {"min": round(min(fresh), 3),
                                 "median": round(statistics.median(fresh), 3),
                                 "max": round(max(fresh), 3)}
    # Until the documents are laid out again in the background too.
    wait_until(lambda: "PDF:erna uppdateras" not in readers[0].get(memo + "/").text,
               "the refresh", 600)
    times = {i: [] for i in range(len(readers))}
    for n in range(downloads):
        i = n % len(readers)
        start = time.perf_counter()
        answer = readers[i].get(memo + "/pdf")
        times[i].append(time.perf_counter() - start)
        assert answer.status_code == 200
    out["download_ms"] = [percentiles(t) for t in times.values()]
    memory = [memory_mb(s.pid) for s in servers]
    out["server_rss_mb"] = [m["rss"] for m in memory]
    out["server_pss_mb"] = [m["pss"] for m in memory]

    director = Browser(bases[0], "direktor@bank.example")
    start = time.perf_counter()
    answer = director.post(memo + "/signera", {"confirm": "y",
                                               "reason": "Bänken fastställer."})
    out["signoff_answer_s"] = round(time.perf_counter() - start, 3)
    assert answer.status_code == 302, answer.text[:300]
    location = answer.headers["Location"]
    while "/signera/" in location:
        time.sleep(0.1)
        step = director.http.get(location if location.startswith("http")
                                 else bases[0] + location, allow_redirects=False, timeout=600)
        if step.status_code != 200:
            location = step.headers.get("Location", "")
            assert step.status_code == 302, step.text[:300]
        elif 'http-equiv="refresh"' not in step.text:
            raise SystemExit("the signing failed: " + step.text[:500])
    out["signoff_done_s"] = round(time.perf_counter() - start, 3)
    assert "fastställd" in director.get(memo + "/").text
    return out


def chromium_print(bases, plan_key, phase, repeat):
    """Chromium printing the case's HTML documents, one page a core at once."""
    if not os.path.exists(CHROMIUM):
        return None
    from playwright.async_api import async_playwright

    reader = Browser(bases[0], "strateg@bank.example")
    memo = f"/plans/{plan_key}/phases/{phase}/tjansteskrivelse"
    keys = re.findall(r"/forhandsgranska/([\w-]+)", reader.get(memo + "/").text)
    css = (ROOT / "followup" / "static" / "print.css").read_text(encoding="utf-8")
    htmls = sorted((reader.get(f"{memo}/forhandsgranska/{k}").text.replace(
        "</head>", f"<style>{css}</style></head>") for k in dict.fromkeys(keys)),
        key=len, reverse=True)

    async def run():
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM,
                                              args=["--no-sandbox", "--disable-gpu"])
            pages = [await browser.new_page() for _ in range(os.cpu_count() or 1)]
            queue = list(htmls)

            async def printer(page):
                while queue:
                    html = queue.pop(0)
                    await page.set_content(html)
                    await page.pdf(format="A4", print_background=True)

            best = None
            for _ in range(repeat + 1):  # the first warms the browser
                start = time.perf_counter()
                queue[:] = htmls
                await asyncio.gather(*(printer(page) for page in pages))
                took = time.perf_counter() - start
                best = took if best is None else min(best, took)
            await browser.close()
            return round(best, 3)

    return asyncio.run(run())


def run_stack(args, path, factor, n_servers, mode):
    data, nodes = scaled(path, factor)
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        env = dict(os.environ, FOLLOWUP_INSTANCE_PATH=tmp, FOLLOWUP_SECRET_KEY="bänk",
                   FOLLOWUP_SESSION_COOKIE_SECURE="false", FOLLOWUP_LOG_FORMAT="text",
                   FOLLOWUP_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/bench.sqlite")
        env.pop("FOLLOWUP_JOBS_BROKER_URL", None)
        if args.database_url:
            reset_postgres(args.database_url)
        plan_key, phase, node, token = prepare(env, tmp, data)
        if mode == "queue":
            import redis

            port = free_port()
            stack.enter_context(process(
                [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port),
                 "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp],
                env, Path(tmp) / "redis.log"))
            wait_until(redis.Redis(port=port).ping, "redis-server")
            env["FOLLOWUP_JOBS_BROKER_URL"] = f"redis://127.0.0.1:{port}/1"
            env["FOLLOWUP_RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{port}/0"
            log = Path(tmp) / "worker.log"
            stack.enter_context(process(
                [PYTHON, "-m", "celery", "-A", "followup.worker", "worker", "--loglevel",
                 "INFO", "--hostname", f"bench-{port}@%h"], env, log))
            wait_until(lambda: "ready." in log.read_text(), "the job worker")
        # The project's gunicorn.conf.py (the app loaded once, before the workers fork),
        # or with --no-preload an empty one: each worker loads the app on its own.
        config = ROOT / "gunicorn.conf.py"
        if args.no_preload:
            config = Path(tmp) / "empty.conf.py"
            config.write_text("")
        bases, servers = [], []
        for i in range(n_servers):
            port = free_port()
            servers.append(stack.enter_context(process(
                GUNICORN + ["--config", str(config), "--bind", f"127.0.0.1:{port}", "app:app"],
                env,
                Path(tmp) / f"gunicorn-{i}.log")))
            bases.append(f"http://127.0.0.1:{port}")
        import requests

        for base in bases:
            wait_until(lambda base=base: requests.get(base + "/healthz", timeout=2).ok,
                       "gunicorn")
        figures = measure(bases, servers, plan_key, phase, node, token, args.repeat,
                          args.downloads)
        if mode == "queue" and n_servers == 1 and not args.no_chromium:
            figures["chromium_print_s"] = chromium_print(bases, plan_key, phase, args.repeat)
    return {"factor": factor, "nodes": nodes, "servers": n_servers, "mode": mode,
            "preload": not args.no_preload, **figures}


def reset_postgres(url):
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def goals(runs):
    """Whether each goal of the issue holds, in the runs that measure it."""
    out = {}
    for run in runs:
        if run["mode"] != "queue":
            continue
        limit = 1.5 if run["factor"] == 1 else 5.0
        name = f"x{run['factor']}, {run['servers']} server(s)"
        out[f"fresh PDF <= {limit} s after a save ({name})"] = \
            run["fresh_after_save_s"]["median"] <= limit
        out[f"fresh download p95 <= 100 ms ({name})"] = all(
            d["p95"] <= 100 for d in run["download_ms"])
        out[f"sign-off answered <= 300 ms ({name})"] = run["signoff_answer_s"] <= 0.3
        for measure in ("rss", "pss"):
            out[f"<= 600 MB a server, {measure.upper()} ({name})"] = all(
                m <= 600 for m in run[f"server_{measure}_mb"])
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=default_plan_file())
    parser.add_argument("--factors", default="1,16")
    parser.add_argument("--servers", default="1,2")
    parser.add_argument("--modes", default="queue,none")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--downloads", type=int, default=40)
    parser.add_argument("--database-url")
    parser.add_argument("--no-chromium", action="store_true")
    parser.add_argument("--no-preload", action="store_true")
    args = parser.parse_args()
    runs = []
    for factor in [int(f) for f in args.factors.split(",")]:
        for mode in args.modes.split(","):
            for n in [int(s) for s in args.servers.split(",")]:
                runs.append(run_stack(args, args.file, factor, n, mode))
                print(json.dumps(runs[-1], ensure_ascii=False), file=sys.stderr)
    print(json.dumps({"file": args.file.name, "cpus": os.cpu_count(),
                      "database": (args.database_url or "sqlite").split(":", 1)[0],
                      "runs": runs, "goals_met": goals(runs)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
