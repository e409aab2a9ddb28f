"""The internal control table's headers are said once (wording.CONTROL_HEADERS): a
column whose header the editor leaves blank prints the header the table prints when
the plan file gives no columns, the one the editor shows (issue 22.5)."""

import re

from sqlalchemy import select

from followup.core.extensions import db
from followup.documents import wording
from followup.memos import memos
from followup.memos.models import Memo

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"


def control_part():
    memo = db.session.scalar(select(Memo).where(Memo.title.contains("augusti")))
    return next(a for a in memo.appendices if a.kind == "internal_control")


def headers(browser, number):
    html = browser.get(f"{MEMO}/forhandsgranska/bilaga-{number}").text
    thead = re.search(r'<table class="control">.*?</thead>', html, re.S).group(0)
    return re.findall(r"<th[^>]*>([^<]*)</th>", thead)


def test_a_blank_header_prints_the_default(as_user):
    sara = as_user("sara")
    appendix = control_part()
    assert appendix.columns is None
    default = headers(sara, appendix.number)
    assert default[0] == "Kontrollområde" and "Resultat" in default
    fields = [name for name in wording.CONTROL_HEADERS
              if wording.CONTROL_HEADERS[name] in default]
    k = f"k{appendix.id}"
    form = {f"{k}-columns-{i}-field": name for i, name in enumerate(fields)}
    form |= {f"{k}-columns-{i}-header": "" for i in range(len(fields))}
    sara.get(f"{MEMO}/redigera/bilagor/{appendix.id}")
    response = sara.post(f"{MEMO}/redigera/bilagor/{appendix.id}/kolumner", form)
    assert response.status_code == 302, response.text[:500]
    assert [c["header"] for c in control_part().columns] == [
        wording.CONTROL_HEADERS[name] for name in fields]
    assert headers(sara, appendix.number) == default


def test_the_editor_names_the_fields_as_the_documents_head_them():
    assert memos.CONTROL_FIELDS == wording.CONTROL_HEADERS
