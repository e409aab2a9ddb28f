"""What the server sends (issue 9): security headers on every answer, no caching of
private data, every value escaped in attributes (SVG too), chart ids unique per page."""

from collections import Counter
from html.parser import HTMLParser

import pytest

from followup.core.extensions import db
from followup.people import tokens
from followup.plans.models.plan import Level, Scale

HOSTILE = "g\" onload=\"alert('x')"


class Elements(HTMLParser):
    """Every element's attributes, as a browser would parse them."""

    def __init__(self, text):
        super().__init__()
        self.attrs = []
        self.scripts = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.attrs.append((tag, dict(attrs)))
        if tag == "script":
            self.scripts.append(dict(attrs))

    def ids(self):
        return [a["id"] for _, a in self.attrs if "id" in a]

    def event_handlers(self):
        return [(tag, name) for tag, a in self.attrs for name in a if name.startswith("on")]


def test_every_page_has_the_security_headers(as_user):
    response = as_user("sara").get("/granskning/SOC-2026/augusti")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"


def test_login_page_and_errors_have_them_too(client, demo):
    for response in (client.get("/login"), client.get("/finns-inte")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_api_answers_are_not_stored(client, demo):
    token = tokens.create_token(demo.per)
    response = client.get("/api/plans/SOC-2026/phases/december/followups",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pdf_downloads_are_not_stored(as_user):
    response = as_user("per").get(
        "/plans/SOC-2026/phases/augusti/tjansteskrivelse/pdf/bilaga/1")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/app.css")
    assert response.status_code == 200 and "no-store" not in response.headers.get(
        "Cache-Control", "")


@pytest.mark.parametrize("user, url", [
    ("sara", "/granskning/SOC-2026/augusti"),
    ("anna", "/plans/SOC-2026/phases/december/nodes/u1"),
    ("sara", "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"),
    ("sara", "/plans/SOC-2026/tabeller/resultat-augusti"),
    ("lena", "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"),
])
def test_pages_carry_no_inline_script(as_user, user, url):
    page = as_user(user).get(url)
    assert page.status_code == 200
    elements = Elements(page.text)
    assert all("src" in s for s in elements.scripts), elements.scripts
    assert elements.event_handlers() == []


def _hostile_scale_key():
    """A key from before keys were checked on every way in, written straight to the
    database: what the pages must still escape."""
    scale = db.session.scalars(db.select(Scale).where(Scale.key == "assignment_status")).first()
    scale.key = HOSTILE
    db.session.commit()


def test_a_hostile_key_in_data_stays_text_on_the_board(as_user):
    sara = as_user("sara")
    _hostile_scale_key()
    page = sara.get("/granskning/SOC-2026/augusti")
    assert page.status_code == 200
    elements = Elements(page.text)
    assert elements.event_handlers() == []
    assert "onload=\"alert" not in page.text


def test_chart_ids_are_unique_on_the_board_and_the_memo_preview(as_user):
    sara = as_user("sara")
    for url in ("/granskning/SOC-2026/augusti",
                "/plans/SOC-2026/phases/augusti/tjansteskrivelse/forhandsgranska/bilaga-1"):
        page = sara.get(url)
        assert page.status_code == 200, url
        ids = Elements(page.text).ids()
        assert ids and [i for i, n in Counter(ids).items() if n > 1] == [], url


def test_the_same_chart_twice_on_a_page_gets_two_ids(app, demo):
    from followup.followups import distributions

    with app.test_request_context("/"):
        first = str(distributions.control_chart(demo.plan, demo.plan.phase("augusti")).svg)
        second = str(distributions.control_chart(demo.plan, demo.plan.phase("augusti")).svg)
    ids = Elements(first + second).ids()
    assert len(ids) == len(set(ids)) > 20
    assert 'aria-labelledby="internkontroll-resultat"' in first
    assert 'aria-labelledby="internkontroll-resultat-2"' in second
    # Within the chart every reference points at its own elements.
    assert "url(#internkontroll-resultat-2-" in second and "url(#internkontroll-resultat-" in first


def test_each_request_draws_the_same_svg_again(as_user):
    """The PDF cache keys on the HTML: ids must not change from one request to the next."""
    import re

    sara = as_user("sara")
    drawn = [re.findall(r"<svg.*?</svg>", sara.get("/granskning/SOC-2026/augusti").text, re.S)
             for _ in range(2)]
    assert len(drawn[0]) == 3 and drawn[0] == drawn[1]


def test_a_hostile_level_label_is_escaped_in_the_chart(app, demo):
    from followup.followups import distributions

    level = db.session.scalars(db.select(Level).where(Level.key == "paborjad")).first()
    level.label = "</title><script>alert(1)</script>"
    db.session.commit()
    svg = "".join(str(c.svg) for c in distributions.level_charts(demo.plan,
                                                                 demo.plan.phase("augusti")))
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_an_appendix_with_several_charts_has_no_anchor_defined_twice(as_user, caplog):
    import logging

    from followup.core import pdf

    pdf.forget_rendered()
    caplog.set_level(logging.WARNING, logger="weasyprint")
    response = as_user("per").get("/plans/SOC-2026/phases/augusti/tjansteskrivelse/pdf/bilaga/1")
    assert response.status_code == 200
    twice = [r.getMessage() for r in caplog.records if "Anchor defined twice" in r.getMessage()]
    assert twice == []
