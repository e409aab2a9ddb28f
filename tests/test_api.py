"""The JSON API: tokens, the follow-up list, saving with versions, review, phases."""

import pytest

from tests.fixtures import snapshot

BASE = "/api/plans/SOC-2026/phases/december/followups"


@pytest.fixture
def auth(bearer):
    """Authorization headers per demo user."""
    return bearer("anna", "omar", "sara", "lena", "per", "it")


def unchanged_after(client, headers, request):
    """Runs ``request`` (which must be refused) and asserts that it changed no row. The
    token is used once first: its first use is recorded, which is not a change."""
    client.get(BASE + "/u1", headers=headers)
    before = snapshot()
    response = request()
    assert snapshot() == before
    return response


def put(client, headers, node="u1", **body):
    payload = {"level": "paborjad", "comment": "<p>Text</p>", "version": 0}
    payload.update(body)
    return client.put(f"{BASE}/{node}", json=payload, headers=headers)


def test_without_a_valid_token_it_is_401_json(client, demo):
    for headers in ({}, {"Authorization": "Bearer fel"}, {"Authorization": "Basic eDp5"}):
        response = client.get(BASE, headers=headers)
        assert response.status_code == 401
        assert "API-nyckel" in response.json["error"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_cookies_do_not_authenticate_and_none_are_set(client, demo, auth):
    response = client.get(BASE, headers=auth["per"])
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_list_is_every_followed_up_node_in_tree_order(client, demo, auth):
    response = client.get(BASE, headers=auth["per"])
    assert response.status_code == 200
    items = response.json
    keys = [i["node"] for i in items]
    # Goals, nämndmål and uppdrag have a scale; åtgärder (no scale, no comment) are left out.
    assert keys[:4] == ["im1", "nm1-1", "u1", "u2"]
    assert not any(k.endswith("-a1") for k in keys)
    assert len(keys) == 3 + 6 + 12
    u1 = items[2]
    assert u1 == {"node": "u1", "type": "uppdrag", "number": "1.1.1",
                  "title": "Utveckla familjebehandlingen med insatser på kvällstid och helger",
                  "unit": "barn-unga", "level": None, "comment": None, "state": "empty",
                  "version": 0}


def test_list_of_a_reported_phase_has_levels_and_comments(client, demo, auth):
    items = client.get("/api/plans/SOC-2026/phases/augusti/followups", headers=auth["per"]).json
    u3 = next(i for i in items if i["node"] == "u3")
    assert u3["level"] == "fardig" and u3["state"] == "draft" and u3["version"] == 1
    assert u3["comment"].startswith("<p>E-tjänsten för orosanmälningar")


def test_admin_reads_no_follow_ups(client, demo, auth):
    assert client.get(BASE, headers=auth["it"]).status_code == 403


def test_put_saves_and_returns_the_new_follow_up(client, demo, auth):
    response = put(client, auth["anna"])
    assert response.status_code == 200
    assert response.json["version"] == 1 and response.json["state"] == "draft"
    assert client.get(f"{BASE}/u1", headers=auth["per"]).json["comment"] == "<p>Text</p>"


def test_stale_version_is_409_with_the_current_follow_up(client, demo, auth):
    put(client, auth["anna"], comment="<p>Först</p>")
    response = put(client, auth["sara"], comment="<p>Sen</p>", version=0)
    assert response.status_code == 409
    assert response.json["current"]["comment"] == "<p>Först</p>"
    assert response.json["current"]["version"] == 1
    assert "ändrat" in response.json["error"]


@pytest.mark.parametrize("who, node", [("anna", "u5"), ("per", "u1"), ("lena", "u1"), ("it", "u1")])
def test_put_is_403_for_who_may_not(client, demo, auth, who, node):
    response = put(client, auth[who], node=node)
    assert response.status_code == 403 and response.json["error"]


def test_put_in_a_closed_phase_is_403_for_a_reporter(client, demo, auth):
    response = client.put("/api/plans/SOC-2026/phases/augusti/followups/u1",
                          json={"level": "fardig", "comment": None, "version": 1},
                          headers=auth["anna"])
    assert response.status_code == 403 and "stängd" in response.json["error"]


@pytest.mark.parametrize("url", [
    "/api/plans/NOPE-2026/phases/december/followups/u1",
    "/api/plans/SOC-2026/phases/juni/followups/u1",
    "/api/plans/SOC-2026/phases/december/followups/nope",
])
def test_unknown_plan_phase_or_node_is_404(client, demo, auth, url):
    response = client.put(url, json={"level": None, "comment": None, "version": 0},
                          headers=auth["sara"])
    assert response.status_code == 404 and "finns inte" in response.json["error"]


@pytest.mark.parametrize("payload, message", [
    ({"level": "klar", "comment": None, "version": 0}, '"klar" är ingen nivå'),
    ({"level": "paborjad", "comment": None}, "Fält saknas: version"),
    ({"level": "paborjad", "comment": None, "version": "1"}, "heltal"),
    ({"level": "paborjad", "comment": None, "version": 0, "state": "approved"}, "Okända fält: state"),
    ({"level": "paborjad", "comment": "x" * 100_001, "version": 0}, "för lång"),
    ({"level": "paborjad", "comment": ["<p>"], "version": 0}, "ska vara text"),
    ([1, 2], "JSON-objekt"),
])
def test_bad_body_is_422_with_a_swedish_message(client, demo, auth, payload, message):
    response = unchanged_after(client, auth["anna"], lambda: client.put(
        f"{BASE}/u1", json=payload, headers=auth["anna"]))
    assert response.status_code == 422
    assert message in response.json["error"]
    assert client.get(f"{BASE}/u1", headers=auth["per"]).json["version"] == 0


def test_body_that_is_not_json_is_422(client, demo, auth):
    response = unchanged_after(client, auth["anna"], lambda: client.put(
        f"{BASE}/u1", data="{inte json", headers={
            **auth["anna"], "Content-Type": "application/json"}))
    assert response.status_code == 422


@pytest.mark.parametrize("hostile, stored", [
    ('<p>a<img src=x onerror="alert(1)">b</p>', "<p>ab</p>"),
    ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ('<p><a href="javascript:alert(1)">länk</a></p>', "<p>länk</p>"),
])
def test_hostile_html_is_cleaned_by_the_same_allowlist(client, demo, auth, hostile, stored):
    assert put(client, auth["anna"], comment=hostile).json["comment"] == stored


def test_review_cycle_through_the_api(client, demo, auth):
    put(client, auth["anna"])
    submitted = client.post(f"{BASE}/u1/submit", headers=auth["anna"])
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"
    assert client.post(f"{BASE}/u1/return", json={"remark": "x"},
                       headers=auth["anna"]).status_code == 403
    returned = client.post(f"{BASE}/u1/return", json={"remark": "Ange antal familjer."},
                           headers=auth["sara"])
    assert returned.status_code == 200 and returned.json["state"] == "returned"
    fixed = put(client, auth["anna"], comment="<p>23 familjer.</p>", version=returned.json["version"])
    assert fixed.json["state"] == "draft"
    client.post(f"{BASE}/u1/submit", json={"version": fixed.json["version"]}, headers=auth["anna"])
    approved = client.post(f"{BASE}/u1/approve", headers=auth["sara"])
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    assert put(client, auth["anna"], version=approved.json["version"]).status_code == 403


def test_return_without_remark_is_422(client, demo, auth):
    put(client, auth["anna"])
    client.post(f"{BASE}/u1/submit", headers=auth["anna"])
    response = unchanged_after(client, auth["sara"], lambda: client.post(
        f"{BASE}/u1/return", json={}, headers=auth["sara"]))
    assert response.status_code == 422


def test_compiler_opens_and_closes_phases(client, demo, auth):
    url = "/api/plans/SOC-2026/phases/augusti"
    assert client.post(url + "/open", headers=auth["anna"]).status_code == 403
    opened = client.post(url + "/open", headers=auth["sara"])
    assert opened.status_code == 200 and opened.json["open"] is True
    response = client.put(url + "/followups/u1", json={"level": "fardig", "comment": None,
                                                        "version": 1}, headers=auth["anna"])
    assert response.status_code == 200
    closed = client.post(url + "/close", headers=auth["sara"])
    assert closed.json["open"] is False


def test_unknown_api_route_and_method_are_json(client, demo, auth):
    assert client.get("/api/nope", headers=auth["per"]).json["error"]
    response = client.delete(f"{BASE}/u1", headers=auth["sara"])
    assert response.status_code == 405 and response.json["error"]


def test_token_command_prints_a_token_that_works(cli, client, demo):
    result = cli.invoke(args=["user", "token", "per@ekbacka.example", "--name", "Test"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert client.get(BASE, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    from sqlalchemy import select

    from followup.core.extensions import db
    from followup.people.models import ApiToken
    assert token not in db.session.scalar(select(ApiToken.token_hash))
    assert cli.invoke(args=["user", "token", "nobody@x.se", "--name", "X"]).exit_code == 1


def test_a_browser_session_cookie_does_not_authenticate_the_api(as_user):
    sara = as_user("sara")  # logged in with a session cookie
    response = sara.client.post("/api/plans/SOC-2026/phases/augusti/open")
    assert response.status_code == 401


def test_browser_routes_keep_csrf_protection(as_user):
    sara = as_user("sara")
    sara.get("/granskning/SOC-2026/december")
    response = sara.post("/granskning/SOC-2026/faser/augusti",
                         {"augusti-label": "Ny", "augusti-is_open": "y"}, csrf=False)
    assert response.status_code == 400


def test_a_signed_memo_freezes_its_phase_for_the_api_too(client, demo, auth):
    from sqlalchemy import select

    from followup.core.extensions import db
    from followup.memos.models import Memo, MemoState
    from followup.plans.models.plan import Phase

    memo = db.session.scalar(select(Memo))
    memo.state = MemoState.signed
    august = db.session.scalar(select(Phase).where(Phase.key == "augusti"))
    august.is_open = True
    db.session.commit()
    url = "/api/plans/SOC-2026/phases/augusti/followups/u1"
    for who in ("anna", "sara"):
        response = client.put(url, json={"level": "fardig", "comment": None, "version": 1},
                              headers=auth[who])
        assert response.status_code == 409 and "fastställd" in response.json["error"]
    assert client.post(url + "/approve", headers=auth["sara"]).status_code == 409


# The record through the API (issue #8)

MEMO_API = "/api/plans/SOC-2026/phases/augusti/memo"


def test_a_save_must_say_which_version_it_is_based_on(client, auth):
    url = "/api/plans/SOC-2026/phases/december/followups/u1"
    for version in (None, "1", 1.5, True):
        response = unchanged_after(client, auth["anna"], lambda: client.put(
            url, json={"level": "paborjad", "comment": None, "version": version},
            headers=auth["anna"]))
        assert response.status_code == 422, version
    ok = client.put(url, json={"level": "paborjad", "comment": None, "version": 0},
                    headers=auth["anna"])
    assert ok.status_code == 200 and ok.json["version"] == 1
    blind = unchanged_after(client, auth["anna"], lambda: client.put(
        url, json={"level": "fardig", "comment": None, "version": None}, headers=auth["anna"]))
    assert blind.status_code == 422
    assert client.get(url, headers=auth["anna"]).json["level"] == "paborjad"


def test_sign_and_reopen_through_the_api(client, auth):
    assert client.post(MEMO_API + "/sign", json={"confirm": True, "reason": "x"},
                       headers=auth["sara"]).status_code == 403
    assert unchanged_after(client, auth["lena"], lambda: client.post(
        MEMO_API + "/sign", json={"confirm": False}, headers=auth["lena"])).status_code == 422
    response = unchanged_after(client, auth["lena"], lambda: client.post(
        MEMO_API + "/sign", json={"confirm": True}, headers=auth["lena"]))
    assert response.status_code == 422 and "inte godkända" in response.json["error"]
    response = client.post(MEMO_API + "/sign", json={"confirm": True, "reason": "Muntligt."},
                           headers=auth["lena"])
    assert response.status_code == 201 and response.json["version"] == 1
    signed_hash = response.json["sha256"]
    again = client.post(MEMO_API + "/sign", json={"confirm": True, "reason": "x"},
                        headers=auth["lena"])
    assert again.status_code == 409 and "redan fastställd" in again.json["error"]
    archival = client.get(MEMO_API + "/pdf?variant=archival", headers=auth["per"])
    assert archival.status_code == 200
    import hashlib
    assert hashlib.sha256(archival.data).hexdigest() == signed_hash
    appendix = client.get(MEMO_API + "/pdf?appendix=1", headers=auth["per"])
    assert appendix.status_code == 200 and appendix.data.startswith(b"%PDF")
    assert client.get(MEMO_API + "/pdf?appendix=x", headers=auth["per"]).status_code == 422
    assert client.get(MEMO_API + "/pdf?appendix=9", headers=auth["per"]).status_code == 404
    assert unchanged_after(client, auth["lena"], lambda: client.post(
        MEMO_API + "/reopen", json={}, headers=auth["lena"])).status_code == 422
    reopened = client.post(MEMO_API + "/reopen", json={"reason": "Fel siffra."},
                           headers=auth["lena"])
    assert reopened.status_code == 200 and reopened.json["state"] == "reopened"


def test_add_a_node_through_the_api(client, auth):
    data = {"parent": "nm2-2", "type": "uppdrag", "title": "Starta natthärbärge",
            "number": "2.2.9"}
    assert client.post("/api/plans/SOC-2026/nodes", json=data,
                       headers=auth["anna"]).status_code == 403
    response = client.post("/api/plans/SOC-2026/nodes", json=data, headers=auth["sara"])
    assert response.status_code == 201
    # Added while december is open: followed up from december, not in augusti.
    assert response.json["since"] == "december"
    key = response.json["key"]
    december = client.get("/api/plans/SOC-2026/phases/december/followups", headers=auth["sara"])
    assert key in [f["node"] for f in december.json]
    august = client.get("/api/plans/SOC-2026/phases/augusti/followups", headers=auth["sara"])
    assert key not in [f["node"] for f in august.json]
    assert client.get(f"/api/plans/SOC-2026/phases/augusti/followups/{key}",
                      headers=auth["sara"]).status_code == 404
    for bad in ({"type": "uppdrag"}, {"type": "delmal", "title": "x"},
                {"type": "uppdrag", "title": "x", "parent": "finns-inte"},
                {"type": "uppdrag", "title": 5}):
        response = unchanged_after(client, auth["sara"], lambda: client.post(
            "/api/plans/SOC-2026/nodes", json=bad, headers=auth["sara"]))
        assert response.status_code in (404, 422), bad
