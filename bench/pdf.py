"""Times rendering the whole case (memo and appendices) of a plan file; prints JSON.

    .venv/bin/python bench/pdf.py [FILE] [--repeat 3]

FILE defaults to the larger fixture in ../shared/fixtures (else the demo plan).
Figures: pages; seconds for a cold render (a fresh process: imports, fonts,
starting the render workers, layout), for a full render with the workers
running, for rendering again unchanged, and after one comment changed; peak
memory; and, in the same run, the seconds Debian's Chromium (driven by
Playwright, browser already started) takes to print the same HTML documents to
PDF, with the ratio WeasyPrint / Chromium for the cold render.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = os.environ.get("FOLLOWUP_CHROMIUM", "/usr/bin/chromium")


def default_file():
    fixtures = sorted((ROOT.parent / "shared" / "fixtures").glob("*.json"))
    return max(fixtures, key=lambda p: p.stat().st_size) if fixtures else \
        ROOT / "followup" / "demo" / "demo-plan.json"


def setup(tmp, path):
    from flask_migrate import upgrade

    from followup import create_app
    from followup.services import plans

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench"},
                     instance_path=tmp)
    with app.app_context():
        upgrade()
        plan = plans.import_plan(path.read_bytes())
        data = json.loads(path.read_text(encoding="utf-8"))
        return app, plan.key, data["documents"][0]["phase"]


def cold(tmp, key, phase):
    """A fresh process renders the case once: what the first request after a start pays."""
    code = f"""
import sys, time, json, resource
sys.path.insert(0, {str(ROOT)!r})
start = time.perf_counter()
from followup import create_app
from followup.services import reports
app = create_app({{"DATABASE_URL": "sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "b"}}, instance_path={tmp!r})
with app.app_context():
    memo = reports.find_memo({key!r}, {phase!r})
    pdf = reports.render_pdf(memo)
print(json.dumps({{"seconds": time.perf_counter() - start,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def chromium_seconds(docs):
    if not os.path.exists(CHROMIUM):
        return None
    from playwright.sync_api import sync_playwright

    css = (ROOT / "followup" / "static" / "print.css").read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page()
        page.set_content("<p>warm</p>")
        page.pdf()
        start = time.perf_counter()
        for doc in docs:
            page.set_content(doc.html.replace("</head>", f"<style>{css}</style></head>"))
            page.pdf(format="A4", print_background=True)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=default_file())
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import pypdf
    from sqlalchemy import select

    from followup import pdf
    from followup.extensions import db
    from followup.models import Followup, Node
    from followup.services import reports

    with tempfile.TemporaryDirectory() as tmp:
        app, key, phase = setup(tmp, args.file)
        cold_run = cold(tmp, key, phase)
        with app.app_context():
            memo = reports.find_memo(key, phase)
            first = reports.render_pdf(memo)  # starts the workers
            warm = []
            for _ in range(args.repeat):
                pdf.forget_rendered()
                start = time.perf_counter()
                reports.render_pdf(reports.find_memo(key, phase))
                warm.append(time.perf_counter() - start)
            warm_first = min(warm)
            unchanged = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                again = reports.render_pdf(reports.find_memo(key, phase))
                unchanged.append(time.perf_counter() - start)
            changed = []
            for i in range(args.repeat):
                followup = db.session.scalar(
                    select(Followup).join(Node).where(Followup.comment.is_not(None))
                    .order_by(Node.id).limit(1))
                followup.comment = (followup.comment or "") + f"<p>Ändrad {i}.</p>"
                db.session.commit()
                start = time.perf_counter()
                reports.render_pdf(reports.find_memo(key, phase))
                changed.append(time.perf_counter() - start)
            docs = reports.documents(reports.find_memo(key, phase))
        chromium = chromium_seconds(docs)

    pages = len(pypdf.PdfReader(io.BytesIO(first)).pages)
    result = {
        "file": args.file.name,
        "documents": len(docs),
        "pages": pages,
        "cold_render_s": round(cold_run["seconds"], 2),
        "full_render_warm_workers_s": round(warm_first, 2),
        "rerender_unchanged_s": round(min(unchanged), 3),
        "rerender_one_comment_changed_s": round(min(changed), 2),
        "identical_bytes_when_unchanged": again == first,
        "peak_rss_mb_cold_process": round(cold_run["peak_rss_mb"], 1),
        "peak_rss_mb_this_process": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "chromium_print_s": round(chromium, 2) if chromium is not None else None,
    }
    if chromium:
        result["ratio_cold_to_chromium"] = round(cold_run["seconds"] / chromium, 2)
        result["ratio_warm_to_chromium"] = round(warm_first / chromium, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
