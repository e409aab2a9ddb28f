"""The document previews have a way back to the memo page: in the preview's own HTML,
so that a signed memo's stored preview has it too, and never in a PDF."""

from urllib.parse import urljoin

from sqlalchemy import select

from followup.core.extensions import db
from followup.memos.models import MemoSignoff
from tests.pdftext import reading_order

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"
BACK = '<nav class="preview-back" aria-label="Tillbaka"><a href="../">← Tillbaka till tjänsteskrivelsen</a></nav>'


def test_every_preview_leads_back_to_the_memo_page(as_user):
    per = as_user("per")
    for doc in ("memo", "bilaga-1", "bilaga-2"):
        url = f"{MEMO}forhandsgranska/{doc}"
        html = per.get(url).text
        assert BACK in html, doc
        # The product's icon in the tab, as on every other page.
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
        assert urljoin("http://localhost" + url, "../") == "http://localhost" + MEMO
    page = per.get(MEMO)
    assert page.status_code == 200 and "Förhandsgranska" in page.text


def test_the_signed_preview_keeps_its_way_back_and_no_pdf_has_it(as_user):
    lena = as_user("lena")
    lena.get(MEMO + "signera")
    assert lena.post(MEMO + "signera", {"reason": "Muntligt på mötet.", "confirm": "y"}) \
        .status_code == 302
    files = {(f.document, f.variant): f.content
             for f in db.session.scalar(select(MemoSignoff)).files}
    assert BACK.encode() in files[("bilaga-1", "html")]
    assert lena.get(MEMO + "forhandsgranska/bilaga-1").data == files[("bilaga-1", "html")]
    for key in (("case", "pdf"), ("bilaga-1", "pdf"), ("bilaga-1", "archival")):
        words, _ = reading_order(files[key])
        assert "Tillbaka" not in words and "←" not in " ".join(words), key
