"""Every link on a phase page leads somewhere for the one who sees it: a phase without
a memo yet linked everyone to a memo page that only a compiler can open (404)."""

import re

PHASE = "/plans/SOC-2026/phases/{}/"


def _links(html):
    return [u for u in re.findall(r'href="(/[^"#]*)"', html)
            if not u.startswith("/static/") and "pdf" not in u]


def test_every_link_on_a_phase_page_works_for_every_role(as_user):
    followed = 0
    for name in ("anna", "sara", "lena", "per"):
        user = as_user(name)
        for phase in ("april", "augusti", "december"):
            page = user.get(PHASE.format(phase))
            assert page.status_code == 200, (name, phase)
            for url in _links(page.text):
                # The start page sends each role on to its own to-do list.
                assert user.get(url, follow_redirects=True).status_code == 200, \
                    (name, phase, url)
                followed += 1
    assert followed > 12


def test_a_phase_without_a_memo_says_so_and_a_compiler_may_write_it(as_user):
    anna, sara = as_user("anna"), as_user("sara")
    memo = "/plans/SOC-2026/phases/april/tjansteskrivelse/"
    page = anna.get(PHASE.format("april")).text
    assert "Ingen tjänsteskrivelse för uppföljning per april ännu" in page
    assert memo not in page
    page = sara.get(PHASE.format("april")).text
    assert f'<a href="{memo}">Skriv tjänsteskrivelsen för uppföljning per april</a>' in page
    page = anna.get(PHASE.format("augusti")).text
    assert "Tjänsteskrivelse och bilagor för" in page
