"""Counts the SQL queries and times building every document's HTML of the demo memo,
with the demo plan's goal tree ×1, ×4 and ×16 (issue 20, item 8); prints JSON.

    .venv/bin/python bench/queries.py [--repeat N] [--database-url URL]

The HTML only (memos/content.documents), not the PDF's layout. Each build starts from a
session that has forgotten everything, as a request does. ``seconds`` is per build
(min and median); ``nodes`` how many nodes the plan has.
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

from flask_migrate import upgrade  # noqa: E402

from followup import create_app  # noqa: E402
from followup.core.extensions import db  # noqa: E402
from followup.documents.tests.test_document_queries import (  # noqa: E402
    build_html, count_nodes, import_scaled,
)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--factors", default="1,4,16")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True},
                         instance_path=tmp)
        result = {"database": url.split(":", 1)[0], "factors": {}}
        with app.app_context(), app.test_request_context():
            upgrade()
            for factor in [int(f) for f in args.factors.split(",")]:
                data, memo_id = import_scaled(factor)
                build_html(memo_id)  # warm up
                times, queries = [], []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    _, statements = build_html(memo_id)
                    times.append(time.perf_counter() - start)
                    queries.append(len(statements))
                result["factors"][f"x{factor}"] = {
                    "nodes": count_nodes(data["nodes"]), "queries": max(queries),
                    "seconds": {"min": round(min(times), 4),
                                "median": round(statistics.median(times), 4)}}
            db.session.remove()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
