"""The memo page, preview and downloads; sign-off freezes, stores and hashes; reopen; v2."""

import hashlib
import io
from pathlib import Path

import pypdf
from sqlalchemy import select

from followup.extensions import db
from followup.models import Memo, MemoSignoff, MemoState

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
U1_AUGUST = "/plans/SOC-2026/phases/augusti/nodes/u1"


def test_memo_page_lists_documents_with_preview_and_pdf(as_user):
    page = as_user("per").get(MEMO + "/").text
    assert "Delårsbokslut per augusti 2026" in page and "Utkast" in page
    assert "Bilaga 1 – Uppföljning av verksamhetsplan per augusti 2026" in page
    assert "Fastställ tjänsteskrivelsen" not in page  # a reader does not sign


def test_preview_is_the_html_of_the_document(as_user):
    html = as_user("per").get(MEMO + "/forhandsgranska/bilaga-1").text
    assert html.startswith("<!doctype html>") and 'lang="sv"' in html
    assert "/static/print.css" in html and "Ekbacka ska ha en välfärd" in html
    assert as_user("per").get(MEMO + "/forhandsgranska/bilaga-9").status_code == 404


def test_downloads_whole_case_and_one_appendix(as_user):
    per = as_user("per")
    whole = per.get(MEMO + "/pdf")
    assert whole.status_code == 200 and whole.mimetype == "application/pdf"
    one = per.get(MEMO + "/pdf/bilaga/2")
    assert one.status_code == 200
    whole_pages = len(pypdf.PdfReader(io.BytesIO(whole.data)).pages)
    one_reader = pypdf.PdfReader(io.BytesIO(one.data))
    assert len(one_reader.pages) < whole_pages
    assert one_reader.metadata.title == "Bilaga 2 – Uppföljning av internkontrollplan per augusti 2026"


def test_only_the_approver_signs(as_user):
    for who in ("sara", "anna", "per"):
        b = as_user(who)
        b.get(MEMO + "/")
        b.post(MEMO + "/signera")
    assert db.session.scalar(select(Memo.state)) is MemoState.draft


def test_sign_freezes_stores_hashes_and_serves_the_stored_file(as_user, app):
    lena = as_user("lena")
    lena.get(MEMO + "/")
    response = lena.post(MEMO + "/signera")
    assert response.status_code == 302
    assert "fastställd (version 1)" in lena.get(MEMO + "/").text

    memo = db.session.scalar(select(Memo))
    entry = db.session.scalar(select(MemoSignoff))
    assert memo.state is MemoState.signed and entry.version == 1
    stored = Path(app.instance_path, entry.pdf_path).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == entry.sha256
    assert "pdfaid" in pypdf.PdfReader(io.BytesIO(stored)).trailer["/Root"]["/Metadata"] \
        .get_object().get_data().decode()

    # From now on the download is the stored file, byte for byte.
    assert as_user("per").get(MEMO + "/pdf").data == stored
    # The phase is frozen: nobody edits its follow-ups.
    sara = as_user("sara")
    sara.get(U1_AUGUST)
    frozen = sara.post(U1_AUGUST, {"level": "fardig", "comment": "x", "version": "1",
                                  "action": "save"})
    assert frozen.status_code == 403 and "fastställd" in frozen.text
    assert "Fastställd" in lena.get(MEMO + "/").text and entry.sha256 in lena.get(MEMO + "/").text


def test_reopen_needs_the_approver_and_a_reason_then_v2_keeps_v1(as_user, app):
    lena = as_user("lena")
    lena.get(MEMO + "/")
    lena.post(MEMO + "/signera")
    v1 = as_user("per").get(MEMO + "/pdf/version/1").data

    sara = as_user("sara")
    sara.get(MEMO + "/")
    sara.post(MEMO + "/ateroppna", {"reason": "Fel siffra"})
    assert db.session.scalar(select(Memo.state)) is MemoState.signed
    lena.get(MEMO + "/")
    lena.post(MEMO + "/ateroppna", {"reason": ""})
    assert db.session.scalar(select(Memo.state)) is MemoState.signed
    lena.post(MEMO + "/ateroppna", {"reason": "Nyckeltalen för HVB var fel."})
    assert db.session.scalar(select(Memo.state)) is MemoState.reopened

    # Reopened: the compiler corrects a follow-up, the approver signs again.
    sara.get(U1_AUGUST)
    assert sara.post(U1_AUGUST, {"level": "fardig", "comment": "<p>Rättad.</p>", "version": "1",
                                 "action": "save"}).status_code == 302
    lena.get(MEMO + "/")
    lena.post(MEMO + "/signera")
    versions = db.session.scalars(select(MemoSignoff).order_by(MemoSignoff.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].reopen_reason == "Nyckeltalen för HVB var fel."
    assert as_user("per").get(MEMO + "/pdf/version/1").data == v1
    v2 = as_user("per").get(MEMO + "/pdf/version/2").data
    assert v2 != v1 and hashlib.sha256(v2).hexdigest() == versions[1].sha256
    page = lena.get(MEMO + "/").text
    assert "Version 1 (PDF/A)" in page and "Version 2 (PDF/A)" in page


def test_a_tampered_stored_file_is_refused(as_user, app):
    lena = as_user("lena")
    lena.get(MEMO + "/")
    lena.post(MEMO + "/signera")
    entry = db.session.scalar(select(MemoSignoff))
    path = Path(app.instance_path, entry.pdf_path)
    path.write_bytes(path.read_bytes() + b"%changed")
    response = as_user("per").get(MEMO + "/pdf")
    assert response.status_code == 422 and "kontrollsumma" in response.text


def test_phase_without_memo_says_so(as_user):
    response = as_user("per").get("/plans/SOC-2026/phases/april/tjansteskrivelse/")
    assert response.status_code == 404 and "har ingen tjänsteskrivelse" in response.text
