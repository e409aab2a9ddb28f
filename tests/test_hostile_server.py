"""Hostile input against a real server (issue 23, items 2 and 3): gunicorn with its
workers and their PDF worker pool, on the test database, spoken to over HTTP.

- A comment of lists nested 120 and 5 000 deep is saved, and the case and the appendix
  print with its deepest words (WeasyPrint's RecursionError gave every document a 500).
- Excel bombs are refused in Swedish with 422 and change nothing, and the workers'
  memory does not grow (a 409 kB file took a worker to 1.85 GB).
"""

import io
import os
import re
import time

import pypdf
import pytest

from followup.core.extensions import db
from followup.memos.tests.test_signoff_race import _hidden, _login
from followup.plans import lookup
from followup.tables.tests.test_excel_bombs import BOMBS
from tests.fixtures import snapshot
from tests.servers import gunicorn
from tests.test_html import nested_list

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
EDIT = "/plans/SOC-2026/phases/augusti/nodes/u1"
GRID = "/plans/SOC-2026/tabeller/nyckeltal-hvb"


@pytest.fixture
def server(app, demo, database_url, tmp_path):
    """gunicorn with two workers and, as in production, their PDF worker processes."""
    db.session.commit()
    db.session.remove()
    with gunicorn(database_url, tmp_path, 2, SECRET_KEY="hostile-test", PDF_WORKERS=None) as running:
        yield running


def _tree_rss_mb(pid):
    """Resident memory of a process and all its descendants, in MB (Linux /proc)."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
        except (OSError, StopIteration):
            pass
        stack.extend(children.get(current, []))
    return total / 1024


def _words(pdf_bytes):
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages)


def _current(node_key, phase_key):
    from followup.followups import followups as fu
    from followup.planfile import transfer

    db.session.remove()
    plan = transfer.get_plan("SOC-2026")
    return fu.current(lookup.find_node(plan, node_key), plan.phase(phase_key))


def test_a_deeply_nested_comment_prints_from_a_real_server(server, demo):
    import requests

    from followup.people import tokens

    base, _ = server
    sara = _login(base, "sara")
    page = sara.get(base + EDIT).text
    current = _current("u1", "augusti")
    started = time.monotonic()
    # 120 levels through the browser's form ...
    response = sara.post(base + EDIT, allow_redirects=False, data={
        "csrf_token": _hidden(page, "csrf_token"), "level": current.level.key,
        "comment": nested_list(120), "version": str(current.version), "action": "save"})
    assert response.status_code == 302, response.text[:500]
    case = sara.get(base + MEMO + "/pdf", timeout=120)
    assert case.status_code == 200
    words = _words(case.content)
    assert "punkt 1" in words and "punkt 120" in words
    first = time.monotonic() - started
    # ... and 5 000 through the API.
    headers = {"Authorization": "Bearer " + tokens.create_token(demo.sara)}
    db.session.commit()
    url = base + "/api/plans/SOC-2026/phases/augusti/followups/u1"
    current = requests.get(url, headers=headers, timeout=30).json()
    started = time.monotonic()
    response = requests.put(url, headers=headers, timeout=60, json={
        "level": current["level"], "comment": nested_list(5000, items=False),
        "version": current["version"]})
    assert response.status_code == 200, response.text[:300]
    appendix = sara.get(base + MEMO + "/pdf/bilaga/1", timeout=120)
    case = sara.get(base + MEMO + "/pdf", timeout=120)
    second = time.monotonic() - started
    assert appendix.status_code == 200 and case.status_code == 200
    assert "djupast" in _words(appendix.content) and "djupast" in _words(case.content)
    print(f"120 nivåer: sparad och utskriven på {first:.1f} s; 5 000 nivåer: {second:.1f} s")
    assert first < 60 and second < 60


def test_excel_bombs_are_refused_by_a_real_server_with_bounded_memory(server):
    base, pid = server
    sara = _login(base, "sara")
    # A first upload of a plain file warms the workers up: what grows after it is the
    # bombs' doing.
    from followup.tables.tests.test_excel_bombs import plain_workbook

    page = sara.get(base + GRID).text
    token = TOKEN_OF(page)
    sara.post(base + GRID + "/inlasning", data={"csrf_token": token},
              files={"file": ("plain.xlsx", plain_workbook())})
    before = snapshot()
    baseline = _tree_rss_mb(pid)
    grew = {}
    for name, (build, words) in BOMBS.items():
        data = build()
        response = sara.post(base + GRID + "/inlasning", data={"csrf_token": token},
                             files={"file": ("bomba.xlsx", data)}, timeout=60)
        assert response.status_code == 422, (name, response.status_code, response.text[:300])
        assert words in response.text, name
        grew[name] = round(_tree_rss_mb(pid) - baseline)
    db.session.remove()
    assert snapshot() == before
    print("minnet växte (MB):", grew)
    assert max(grew.values()) < 100, grew


def TOKEN_OF(page):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
