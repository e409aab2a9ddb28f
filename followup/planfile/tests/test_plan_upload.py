"""The strategic unit imports a plan file in the browser and downloads one: whole or not
at all, with every fault named by its place in the file; an existing plan is never
replaced from here (its signed documents would go with it)."""

import io
import json

from sqlalchemy import func, select

from followup.core.extensions import db
from followup.demo import PLAN_FILE
from followup.plans.models.node import Node
from followup.plans.models.plan import Plan
from tests.fixtures import Browser

NEIGHBOUR = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
NEIGHBOUR["organisation"]["board_code"] = "KFN"
NEIGHBOUR["organisation"]["board"] = "Kultur- och fritidsnämnden"


def send(browser, data, name="plan.json"):
    browser.get("/planer")
    raw = data if isinstance(data, bytes) else json.dumps(data).encode("utf-8")
    return browser.post("/planer", {"planfil": (io.BytesIO(raw), name)},
                        content_type="multipart/form-data")


def test_a_new_plan_is_imported_and_its_file_downloaded_again(as_user):
    sara = as_user("sara")
    page = sara.get("/planer").text
    assert "Importera en plan" in page and 'type="file"' in page
    response = send(sara, NEIGHBOUR)
    assert response.status_code == 302
    page = sara.get(response.headers["Location"]).text
    assert "Planen KFN-2026 är importerad: Kultur- och fritidsnämnden 2026." in page
    plan = db.session.scalar(select(Plan).where(Plan.key == "KFN-2026"))
    assert plan is not None and plan.board_name == "Kultur- och fritidsnämnden"
    download = sara.get("/planer/KFN-2026/planfil")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert 'filename="KFN-2026.json"' in download.headers["Content-Disposition"]
    exported = json.loads(download.data)
    assert exported["organisation"]["board"] == "Kultur- och fritidsnämnden"
    assert len(exported["nodes"]) == len(NEIGHBOUR["nodes"])


def test_a_broken_file_imports_nothing_and_names_every_fault(as_user):
    sara = as_user("sara")
    broken = json.loads(json.dumps(NEIGHBOUR))
    broken["phases"][0]["key"] = "ogiltig nyckel"
    broken["year"] = "tjugohundra"
    nodes = db.session.scalar(select(func.count(Node.id)))
    response = send(sara, broken)
    assert response.status_code == 422
    assert "Inget importerades. Planfilen har" in response.text
    assert "<code>phases[0].key</code>" in response.text
    assert "<code>year</code>" in response.text
    assert db.session.scalar(select(func.count(Node.id))) == nodes
    assert db.session.scalar(select(Plan).where(Plan.key == "KFN-2026")) is None
    not_json = send(sara, b"{ inte json", "trasig.json")
    assert not_json.status_code == 422 and "Inget importerades" in not_json.text
    empty = sara.post("/planer", {}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Välj en planfil att importera." in empty.text


def test_an_existing_plan_is_not_replaced_from_the_browser(as_user, demo):
    sara = as_user("sara")
    before = db.session.scalar(select(func.count(Node.id)))
    response = send(sara, json.loads(PLAN_FILE.read_text(encoding="utf-8")))
    assert response.status_code == 422
    assert "Planen SOC-2026 finns redan. En befintlig plan ersätts inte här" in response.text
    assert db.session.scalar(select(func.count(Node.id))) == before


def test_who_may_import_and_download(as_user, app):
    for name in ("anna", "lena", "per"):
        user = as_user(name)
        assert "Importera en plan" not in user.get("/planer").text
        assert send(user, NEIGHBOUR).status_code == 403
    assert db.session.scalar(select(Plan).where(Plan.key == "KFN-2026")) is None
    assert as_user("per").get("/planer/SOC-2026/planfil").status_code == 200
    admin = as_user("it")
    assert admin.get("/planer").status_code == 403  # users, not plans
    admin.get("/konto/")
    assert admin.post("/planer", {"planfil": (io.BytesIO(b"{}"), "p.json")},
                      content_type="multipart/form-data").status_code == 403
    assert as_user("sara").get("/planer/NOPE-1/planfil").status_code == 404
    anonymous = Browser(app.test_client())
    assert anonymous.get("/planer/SOC-2026/planfil").status_code == 302  # to the login
