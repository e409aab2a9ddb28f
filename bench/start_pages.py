"""The start pages of a municipality's installation: SQL queries and time of the
strateg's review page and the director's page with 1 and 20 boards (issue 18); prints
JSON.

    .venv/bin/python bench/start_pages.py [--boards 1,20] [--repeat N] [--database-url URL]

Each board is the demo plan under its own board code, its december phase open, with a
memo for december. The strateg and the director hold their role on every board. Each
page is fetched through the Flask test client, logged in, as a browser would.
"""

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import downgrade, upgrade  # noqa: E402
from sqlalchemy import event  # noqa: E402

from followup import create_app  # noqa: E402
from followup.core.extensions import db  # noqa: E402

PASSWORD = "ett-långt-lösenord-för-mätning"
PAGES = {"compiler": "/granskning/", "approver": "/att-faststalla"}


def load(boards):
    from followup.demo import PLAN_FILE
    from followup.memos import memos
    from followup.people import users
    from followup.planfile import transfer

    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    sara = users.create_user("sara@bench.example", "Sara", "compiler", PASSWORD)
    users.create_user("lena@bench.example", "Lena", "approver", PASSWORD)
    for i in range(boards):
        data["organisation"].update(board_code=f"N{i:02d}", board=f"Nämnd {i:02d}")
        plan = transfer.import_plan(json.dumps(data))
        plan.phase("december").is_open = True
        memos.create_memo(sara, plan, plan.phase("december"))
    db.session.commit()


def measure(app, who, repeat):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as s:
        token = s.get("csrf_token")
    client.post("/login", data={"email": f"{ {'compiler': 'sara', 'approver': 'lena'}[who]}"
                                         "@bench.example", "password": PASSWORD,
                                "csrf_token": token})
    statements = []

    def count(*_):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    times, queries = [], []
    for _ in range(repeat + 1):
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        response = client.get(PAGES[who])
        elapsed = time.perf_counter() - start
        event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.status_code
        times.append(elapsed)
        queries.append(len(statements))
    times = times[1:]  # the first warms up
    return {"queries": max(queries[1:]), "seconds": {
        "min": round(min(times), 4), "median": round(statistics.median(times), 4)}}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--boards", default="1,20")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    result = {"boards": {}}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        result["database"] = url.split(":", 1)[0]
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                          "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"},
                         instance_path=tmp)
        for n in [int(b) for b in args.boards.split(",")]:
            with app.app_context():
                upgrade()
                load(n)
                db.session.remove()
            result["boards"][str(n)] = {who: measure(app, who, args.repeat) for who in PAGES}
            with app.app_context():
                db.session.remove()
                downgrade(revision="base")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
