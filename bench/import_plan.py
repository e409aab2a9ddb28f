"""Times importing and exporting a plan file; prints JSON.

    .venv/bin/python bench/import_plan.py [FILE] [--repeat N] [--database-url URL]

FILE defaults to the larger fixture in ../shared/fixtures (else the demo plan).
Each repetition replaces the plan, so the database stays the same size. The
figures are seconds per operation (min and median); ``parse_validate`` is the
share spent before the database is touched, for a ratio that the machine's
noise does not move much.
"""

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from followup import planfile  # noqa: E402
from followup import create_app
from followup.planfile import transfer  # noqa: E402
from common import default_plan_file, durations  # noqa: E402  (bench/, the script's folder)


def timed(fn, repeat):
    times = durations(fn, repeat)
    return {"min": round(min(times), 4), "median": round(statistics.median(times), 4)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=default_plan_file())
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    raw = args.file.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"}, instance_path=tmp)
        with app.app_context():
            upgrade()
            key = transfer.import_plan(raw, replace=True).key  # warm up
            result = {
                "file": args.file.name,
                "bytes": len(raw),
                "database": url.split(":", 1)[0],
                "repeat": args.repeat,
                "parse_validate_s": timed(lambda: planfile.validate(planfile.parse(raw)), args.repeat),
                "import_s": timed(lambda: transfer.import_plan(raw, replace=True), args.repeat),
                "export_s": timed(lambda: transfer.export_plan(key), args.repeat),
            }
    result["validate_share_of_import"] = round(
        result["parse_validate_s"]["median"] / result["import_s"]["median"], 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
