"""The main pages have no serious or critical WCAG 2.1 AA violations (axe-core)."""

import pytest

PAGES = [
    (None, "/login"),
    ("anna", "/mina"),
    ("anna", "/plans/SOC-2026/phases/december/nodes/u1"),
    ("anna", "/plans/SOC-2026/phases/augusti/nodes/u3/historik"),
    ("per", "/planer"),
    ("per", "/plans/SOC-2026/phases/augusti/"),
    ("per", "/plans/SOC-2026/phases/augusti/nodes/im1"),
    ("sara", "/granskning/SOC-2026/december"),
    ("sara", "/plans/SOC-2026/phases/december/nodes/im1"),
    ("sara", "/plans/SOC-2026/struktur/"),
    ("sara", "/anvandare/"),
    ("lena", "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"),
    ("sara", "/plans/SOC-2026/phases/augusti/tjansteskrivelse/redigera/"),
    ("sara", "/plans/SOC-2026/tabeller/nyckeltal-hvb"),
    ("sara", "/plans/SOC-2026/struktur/nasta-ar"),
    ("omar", "/plans/SOC-2026/phases/december/internkontroll/IK1"),
    ("sara", "/plans/SOC-2026/internkontroll/"),
]


@pytest.mark.parametrize("user, url", PAGES, ids=[f"{u}:{p}" for u, p in PAGES])
def test_page_has_no_serious_violations(open_page, axe, user, url):
    page = open_page(user)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert axe(page) == []
