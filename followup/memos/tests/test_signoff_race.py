"""Writes during sign-off (issue 23.1): nine PUTs answered 200 during a 0.8 s signing,
and the frozen phase then held "Ändrad under signeringen 3" and a prognosis of 904,0
while the signed snapshot and PDF held the earlier text and 94,1.

Signing takes the plan's lock first and keeps it until the signed version is stored;
every change takes it before checking whether the phase is frozen. So each change
either lands before the snapshot (and is in it, and in the PDF), or waits and is
refused with 409 and a Swedish message.

Runs gunicorn (four worker processes) on the test database, SQLite or PostgreSQL
(FOLLOWUP_TEST_DATABASE_URL), writers in threads through the API and the web forms
while the director signs in the browser, then compares the frozen data with the
snapshot field by field.
"""

import io
import json
import re
import threading
import time

import pypdf
import pytest
from sqlalchemy import select

from followup.core.extensions import db
from followup.followups import followups as fu
from followup.memos.models import Memo, MemoSignoff
from followup.people import tokens
from followup.planfile import transfer
from followup.plans import lookup
from tests.fixtures import PASSWORD
from tests.servers import gunicorn

PLAN, PHASE = "SOC-2026", "augusti"
TABLE = "resultat-augusti"
POINT = "IK1"
MEMO = f"/plans/{PLAN}/phases/{PHASE}/tjansteskrivelse"


@pytest.fixture
def server(app, demo, database_url, tmp_path):
    """gunicorn with four workers on the test database, the demo loaded."""
    db.session.commit()
    db.session.remove()
    with gunicorn(database_url, tmp_path, 4, SECRET_KEY="race-test", PDF_WORKERS="0") as (base, _):
        yield base


TOKEN = re.compile(r'name="(?:[\w-]*-)?csrf_token"[^>]*value="([^"]+)"')


def _login(base, name):
    import requests

    session = requests.Session()
    page = session.get(base + "/login")
    token = TOKEN.search(page.text).group(1)
    response = session.post(base + "/login", allow_redirects=False, data={
        "csrf_token": token, "email": f"{name}@ekbacka.example", "password": PASSWORD})
    assert response.status_code == 302, response.text[:300]
    # The session is new after logging in, and with it the CSRF token.
    session.csrf = TOKEN.search(session.get(base + "/").text).group(1)
    return session


def _hidden(page, name):
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


class Writers:
    """Writer threads, one item each, writing until stopped. Every attempt is logged
    as (kind, item, value written, started, finished, status, message)."""

    def __init__(self, base, token, login):
        import requests

        self.base, self.stop, self.log = base, threading.Event(), []
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {token}"
        self.web = login()  # the control result's writer
        self.memo_web = login()  # the memo's
        self.lock = threading.Lock()
        self.control_page = None

    def record(self, kind, item, value, started, response):
        try:
            message = response.json().get("error") if response.headers.get(
                "Content-Type", "").startswith("application/json") else None
        except ValueError:
            message = None
        if message is None and response.status_code >= 400:
            found = re.search(r'<p class="lead">(.*?)</p>|<main.*?<p>(.*?)</p>', response.text, re.S)
            message = next((g for g in (found.groups() if found else ()) if g), response.text[:300])
        with self.lock:
            self.log.append(dict(kind=kind, item=item, value=value, started=started,
                                 finished=time.monotonic(), status=response.status_code,
                                 message=message))

    def loop(self, kind, item, attempt):
        n = 0
        while not self.stop.is_set():
            n += 1
            attempt(item, n)
            time.sleep(0.02)

    def followup(self, node_key, n):
        url = f"{self.base}/api/plans/{PLAN}/phases/{PHASE}/followups/{node_key}"
        current = self.api.get(url).json()
        value = f"<p>Ändrad under signeringen {node_key} nr {n}</p>"
        started = time.monotonic()
        response = self.api.put(url, json={"level": current["level"], "comment": value,
                                           "version": current["version"]})
        self.record("followup", node_key, value, started, response)

    def table(self, row_key, n):
        url = f"{self.base}/api/plans/{PLAN}/tables/{TABLE}"
        current = self.api.get(url).json()
        values = current["rows"][row_key]
        values[2] = 900 + n + 0.5  # the prognosis
        started = time.monotonic()
        response = self.api.put(url, data=json.dumps({"version": current["version"],
                                                      "rows": {row_key: values}}),
                                headers={"Content-Type": "application/json"})
        self.record("table", row_key, values[2], started, response)

    def control(self, key, n):
        url = f"{self.base}/plans/{PLAN}/phases/{PHASE}/internkontroll/{key}"
        page = self.web.get(url).text
        # A signed phase's page has no form: post what the last page had, as a tab
        # left open would.
        if 'name="version"' in page:
            self.control_page = page
        page = self.control_page
        value = f"<p>Kontrollen ändrad under signeringen nr {n}</p>"
        level = re.search(r'name="level"[^>]*value="([^"]+)"[^>]*checked|'
                          r'checked[^>]*name="level"[^>]*value="([^"]+)"', page)
        started = time.monotonic()
        response = self.web.post(url, allow_redirects=False, data={
            "csrf_token": self.web.csrf, "version": _hidden(page, "version"),
            "level": next(g for g in level.groups() if g) if level else "",
            "comment": value})
        self.record("control", key, value, started, response)

    def memo_title(self, fields, n):
        url = f"{self.base}{MEMO}/redigera/"
        value = f"Delårsbokslut per augusti 2026, ändrad nr {n}"
        started = time.monotonic()
        response = self.memo_web.post(url, allow_redirects=False, data={
            **fields, "csrf_token": self.memo_web.csrf, "title": value})
        self.record("memo", "title", value, started, response)


def _followups(snapshot):
    """{node key: the phase's follow-up} of every node in a plan file."""
    out = {}

    def walk(nodes):
        for node in nodes:
            out[node["key"]] = (node.get("followups") or {}).get(PHASE)
            walk(node.get("children") or [])

    walk(snapshot["nodes"])
    return out


def _frozen_parts(planfile):
    """What the signed phase shows, field by field: {(what, key, field): value}."""
    out = {}
    for key, followup in _followups(planfile).items():
        out[("followup", key, "level+comment")] = followup
    for point in planfile["internal_control"]["points"]:
        out[("control", point["key"], "result")] = (point.get("results") or {}).get(PHASE)
        out[("control", point["key"], "comment")] = (point.get("comments") or {}).get(PHASE)
    for table in planfile["tables"]:
        for row in table["rows"]:
            out[("table", f"{table['key']}/{row.get('key')}", "values")] = row.get("values")
        out[("table", table["key"], "comment")] = table.get("comment")
    document = next(d for d in planfile["documents"] if d["phase"] == PHASE)
    for field in ("title", "date", "diarienummer", "recipient", "proposals"):
        out[("memo", PHASE, field)] = document.get(field)
    return out


def _pdf_text(data):
    text = "".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", re.sub(r"[\u00ad]|-\n", "", text))


def test_every_write_during_signing_lands_before_the_snapshot_or_is_refused(server, demo, app):
    with app.app_context():
        plan = lookup.find_plan(PLAN)
        phase = plan.phase(PHASE)
        nodes = [c.node.key for c in fu.phase_overview(plan, phase)
                 if c.followup is not None][:4]
        memo = db.session.scalar(select(Memo).where(Memo.phase_id == phase.id))
        header = {"date": memo.date.isoformat(), "diarienummer": memo.diarienummer or "",
                  "handlaggare": ", ".join(memo.handlaggare or []),
                  "recipient": memo.recipient or "",
                  "meeting_date": memo.meeting_date.isoformat() if memo.meeting_date else ""}
        token = tokens.create_token(demo.sara, "race")
        db.session.commit()  # the key, as the page that makes one commits it
        before = _frozen_parts(json.loads(transfer.dump(transfer.export_plan(PLAN))))
        db.session.remove()
    assert len(nodes) == 4

    writers = Writers(server, token, lambda: _login(server, "sara"))
    threads = [threading.Thread(target=writers.loop, args=("followup", k, writers.followup))
               for k in nodes]
    threads += [threading.Thread(target=writers.loop, args=("table", "bou", writers.table)),
                threading.Thread(target=writers.loop, args=("control", POINT, writers.control)),
                threading.Thread(target=writers.loop,
                                 args=("memo", header, writers.memo_title))]
    director = _login(server, "lena")
    page = director.get(server + MEMO + "/signera").text
    csrf = TOKEN.search(page).group(1)
    for t in threads:
        t.start()
    time.sleep(0.5)
    sign_started = time.monotonic()
    signed = director.post(server + MEMO + "/signera", allow_redirects=False, data={
        "csrf_token": csrf, "confirm": "y", "reason": "Prov av samtidiga ändringar."})
    sign_finished = time.monotonic()
    time.sleep(0.5)
    writers.stop.set()
    for t in threads:
        t.join(30)
    assert signed.status_code == 302, signed.text[:500]

    log = writers.log
    landed = [w for w in log if w["status"] in (200, 302)]
    refused = [w for w in log if w["status"] == 409 and "fastställd" in (w["message"] or "")]
    other = [w for w in log if w not in landed and w not in refused]
    during = [w for w in log if w["finished"] > sign_started and w["started"] < sign_finished]
    print(f"\nsigning took {sign_finished - sign_started:.2f} s; writes tried {len(log)}, "
          f"landed {len(landed)} (before the snapshot), refused {len(refused)}, "
          f"other {len(other)}; during the signing: tried {len(during)}, landed "
          f"{sum(w in landed for w in during)}, refused {sum(w in refused for w in during)}")
    assert not other, [(w["kind"], w["status"], w["message"]) for w in other][:6]
    assert landed and refused
    # Once a write of an item is refused, no later write of it lands.
    for w in refused:
        assert all(v["started"] < w["finished"] for v in landed if v["item"] == w["item"]
                   and v["kind"] == w["kind"]), w

    with app.app_context():
        signoff = db.session.scalar(select(MemoSignoff))
        snapshot = _frozen_parts(json.loads(signoff.snapshot))
        now = _frozen_parts(json.loads(transfer.dump(transfer.export_plan(PLAN))))
        case = next(f.content for f in signoff.files if (f.document, f.variant) == ("case", "pdf"))
    faults = [(k, snapshot.get(k), now.get(k)) for k in sorted(set(snapshot) | set(now), key=str)
              if snapshot.get(k) != now.get(k)]
    assert not faults, faults[:5]
    # The last write of each item that landed is what the snapshot holds.
    last = {}
    for w in sorted(landed, key=lambda w: w["finished"]):
        last[(w["kind"], w["item"] if w["kind"] != "memo" else "title")] = w["value"]
    for (kind, item), value in last.items():
        if kind == "followup":
            assert snapshot[("followup", item, "level+comment")]["comment"] == value
        elif kind == "table":
            assert float(snapshot[("table", f"{TABLE}/{item}", "values")][2]) == value
        elif kind == "control":
            assert snapshot[("control", item, "comment")] == value
        else:
            assert snapshot[("memo", PHASE, "title")] == value
    assert any(before[k] != snapshot[k] for k in before), "no write landed before signing"
    text = _pdf_text(case)
    for (kind, item), value in last.items():
        if kind == "followup":
            words = re.sub(r"<[^>]+>", "", value).replace(" ", "")
            assert words in text, (item, value)


def test_taking_the_lock_leaves_the_plan_row_as_it_was(demo):
    """The lock is a write to the plan's row on SQLite: it must not stamp updated_at."""
    from followup.plans.models.plan import Plan

    plan = lookup.find_plan(PLAN)
    stamp = db.session.scalar(select(Plan.updated_at))
    phase = plan.phase("december")
    cur = fu.phase_overview(plan, phase)[0]
    fu.save(demo.sara, cur.node, phase, level_key=None, comment="<p>Ändrad</p>",
            version=cur.version)
    db.session.expire_all()
    assert db.session.scalar(select(Plan.updated_at)) == stamp
