"""Keys enter only as the plan file allows them (``^[A-Za-z0-9][A-Za-z0-9_.-]*$``, at
most 80 characters), through every form as through import: they become parts of
addresses and element ids (issue 9: keys with / or quotes got in and broke pages)."""

import re

import pytest

from tests.fixtures import snapshot

STRUCTURE = "/plans/SOC-2026/struktur"
BAD_KEYS = ['g" onload="alert(1)', "a/b", "../x", "-a", ".a", "a b", "å", "x" * 81, ""]


def _post(sara, url, data):
    sara.get(url.rsplit("/", 1)[0] + "/" if "tabeller" not in url else url)
    before = snapshot()
    response = sara.post(url, data)
    return response, before


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_unit_key_outside_the_pattern_is_refused(as_user, key):
    sara = as_user("sara")
    response, before = _post(sara, STRUCTURE + "/enheter", {"key": key, "name": "Ny enhet"})
    assert response.status_code == 422
    assert re.search(r'<p class="error" id="key-fel">(Enhetens beteckning|Beteckningen) ', response.text)
    assert snapshot() == before


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_level_key_outside_the_pattern_is_refused(as_user, key):
    sara = as_user("sara")
    response, before = _post(sara, STRUCTURE + "/skalor/assignment_status", {
        "ny-assignment_status-key": key, "ny-assignment_status-label": "Ny",
        "ny-assignment_status-tone": "good"})
    assert response.status_code in (302, 422)
    assert snapshot() == before


@pytest.mark.parametrize("title", ['g" onload="alert(1)', "../x", "å ä ö", "-", "x" * 200])
def test_a_new_tables_key_is_made_from_its_title_within_the_pattern(as_user, title):
    """Table keys are not typed: the editor makes them from the title."""
    from followup.core.extensions import db
    from followup.core.inputs import is_key
    from followup.tables.models import FigureTable
    from tests.html_forms import form_fields

    sara = as_user("sara")
    url = "/plans/SOC-2026/tabeller/ny"
    fields = form_fields(sara.get(url).text, "definition-form")
    fields.update({"title": title, "c-0-label": "Helår", "r-0-label": "Rad"})
    assert sara.post(url, {**fields, "action": "save"}).status_code == 302
    key = max(db.session.scalars(db.select(FigureTable)), key=lambda t: t.id).key
    assert is_key(key)


@pytest.mark.parametrize("key", BAD_KEYS[:-1])
def test_a_posted_row_key_outside_the_pattern_is_refused(as_user, key):
    """The editor carries row keys in hidden fields; a forged one changes nothing."""
    from tests.html_forms import form_fields

    sara = as_user("sara")
    url = "/plans/SOC-2026/tabeller/nyckeltal-hvb/definition"
    fields = form_fields(sara.get(url).text, "definition-form")
    before = snapshot()
    fields["r-0-key"] = key
    response = sara.post(url, {**fields, "action": "save"})
    assert response.status_code == 422 and "kunde inte läsas" in response.text
    assert snapshot() == before


@pytest.mark.parametrize("key", BAD_KEYS)
def test_a_control_point_key_outside_the_pattern_is_refused(as_user, key):
    sara = as_user("sara")
    sara.get("/plans/SOC-2026/internkontroll/")
    before = snapshot()
    response = sara.post("/plans/SOC-2026/internkontroll/", {
        "ny-key": key, "ny-control": "Stickprov på fakturor"})
    assert response.status_code == 302 and snapshot() == before
    assert "Beteckningen" in sara.get("/plans/SOC-2026/internkontroll/").text


def test_keys_the_pattern_allows_are_taken(as_user):
    sara = as_user("sara")
    sara.get("/plans/SOC-2026/internkontroll/")
    sara.post("/plans/SOC-2026/internkontroll/", {
        "ny-key": "IK.6-b_2", "ny-control": "Stickprov på fakturor"})
    assert "IK.6-b_2" in sara.get("/plans/SOC-2026/internkontroll/").text
    sara.get(STRUCTURE + "/")
    assert sara.post(STRUCTURE + "/enheter", {"key": "Ekonomi.2", "name": "E"}).status_code == 302


def test_a_node_number_never_makes_a_key_outside_the_pattern(as_user):
    from followup.core.extensions import db
    from followup.core.inputs import is_key
    from followup.plans.models.node import Node

    sara = as_user("sara")
    sara.get(STRUCTURE + "/")
    response = sara.post(STRUCTURE + "/noder", {
        "parent": "", "type": "inriktningsmal", "number": '"/../' + "9" * 30,
        "title": "Nytt mål", "unit": ""})
    assert response.status_code == 302
    keys = db.session.scalars(db.select(Node.key)).all()
    assert any(k.startswith("inriktningsmal-") for k in keys)
    assert all(is_key(k) for k in keys)
