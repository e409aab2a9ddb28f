"""The signed record: the sign page, signing as a deliberate and atomic act, the signed
documents stored in the database and served byte for byte, reopening and version 2."""

import hashlib
import io
import threading
from datetime import date

import pypdf
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from followup.core.errors import Frozen, Invalid, ServiceError
from followup.core.extensions import db
from followup.memos import signoff
from followup.memos.models import Memo, MemoSignoff, MemoState, SignedFile
from followup.plans import lookup
from tests.fixtures import snapshot
from tests.pdftext import reading_order

MEMO = "/plans/SOC-2026/phases/augusti/tjansteskrivelse"
U1_AUGUST = "/plans/SOC-2026/phases/augusti/nodes/u1"
REASON = "Två uppdrag rapporteras muntligt på sammanträdet."


def memo():
    return db.session.scalar(select(Memo))


def sign(browser, reason=REASON, confirm=True):
    browser.get(MEMO + "/signera")
    data = {"reason": reason}
    if confirm:
        data["confirm"] = "y"
    return browser.post(MEMO + "/signera", data)


def downloads(browser):
    """Every document of the memo as it is served: both case variants, each document's
    ordinary and archival PDF, and each preview."""
    m = memo()
    urls = [MEMO + "/pdf", MEMO + "/pdf/arkiv"]
    for a in m.appendices:
        urls += [f"{MEMO}/pdf/bilaga/{a.number}", f"{MEMO}/pdf/bilaga/{a.number}/arkiv",
                 f"{MEMO}/forhandsgranska/bilaga-{a.number}"]
    urls.append(MEMO + "/forhandsgranska/memo")
    out = {}
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 200, url
        out[url] = response.data
    return out


def test_memo_page_lists_documents_with_preview_and_pdf(as_user):
    page = as_user("per").get(MEMO + "/").text
    assert "Delårsbokslut per augusti 2026" in page and "Utkast" in page
    assert "Bilaga 1 – Uppföljning av verksamhetsplan per augusti 2026" in page
    assert "Gå igenom och fastställ" not in page  # a reader does not sign


def test_every_pdf_link_on_the_memo_page_gives_the_file_it_names(as_user):
    """Each PDF link, signed or not, gives a PDF: the ordinary one where it says PDF, the
    archival one (PDF/A, with its output intent) where it says so. The
    archival links led to …/arkiv/arkiv, a 404, and the ordinary ones to PDF/A."""
    import re

    lena, per = as_user("lena"), as_user("per")
    for signed in (False, True):
        if signed:
            assert sign(lena).status_code == 302
        page = per.get(MEMO + "/").text
        links = re.findall(r'<a class="pdf" download="([^"]+)" href="([^"]+)">', page)
        assert len(links) == 2 * (1 + len(memo().appendices)) + signed
        for name, href in links:
            response = per.get(href)
            assert response.status_code == 200, href
            assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
            archival = name.endswith("-arkiv.pdf") or "faststalld" in name
            catalog = pypdf.PdfReader(io.BytesIO(response.data)).trailer["/Root"]
            assert ("/OutputIntents" in catalog) == archival, href


def test_preview_is_the_html_of_the_document_and_drafts_say_so(as_user):
    html = as_user("per").get(MEMO + "/forhandsgranska/bilaga-1").text
    assert html.startswith("<!doctype html>") and 'lang="sv"' in html
    assert "/static/print.css" in html and "Ekbacka ska ha en välfärd" in html
    assert '<p class="status-mark draft-mark">UTKAST</p>' in html
    assert as_user("per").get(MEMO + "/forhandsgranska/bilaga-9").status_code == 404


def test_every_page_of_a_draft_pdf_says_utkast(as_user):
    pdf = as_user("per").get(MEMO + "/pdf").data
    _, pages = reading_order(pdf)
    # In the page head, beside the running header.
    assert len(pages) > 3 and all("UTKAST" in text.split()[:15] for text in pages)


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
        assert b.get(MEMO + "/signera").status_code == 403
        assert b.post(MEMO + "/signera", {"confirm": "y", "reason": "x"}).status_code == 403
    assert memo().state is MemoState.draft


def test_the_sign_page_shows_what_is_signed(as_user):
    page = as_user("lena").get(MEMO + "/signera").text
    assert "Antal per läge" in page and "Uppföljningar" in page and "Internkontroll" in page
    # The demo's augusti follow-ups are drafts: every one is listed as not approved.
    assert "Inte godkänt (" in page and "Utveckla familjebehandlingen" in page
    # Control points named as the control pages name them.
    assert "Kontrollmoment IK1: Efterlevnad av regler och beslut" in page
    assert "Skäl till att fastställa fast allt inte är godkänt" in page
    assert "Jag har gått igenom underlaget" in page


def test_signing_needs_confirmation_and_a_reason_while_items_are_open(as_user):
    lena = as_user("lena")
    response = sign(lena, confirm=False)
    assert response.status_code == 422 and "Bekräfta" in response.text
    response = sign(lena, reason="")
    assert response.status_code == 422 and "inte godkända" in response.text
    assert memo().state is MemoState.draft
    assert db.session.scalar(select(func.count(MemoSignoff.id))) == 0


def test_sign_stores_every_document_in_the_database_and_serves_it(as_user):
    lena = as_user("lena")
    assert sign(lena).status_code == 302
    m = memo()
    entry = db.session.scalar(select(MemoSignoff))
    assert m.state is MemoState.signed and entry.version == 1 and entry.reason == REASON
    files = {(f.document, f.variant): f for f in entry.files}
    n = len(m.appendices)
    assert len(files) == 2 + 3 * (n + 1)
    for f in files.values():
        assert hashlib.sha256(f.content).hexdigest() == f.sha256
    archival = files[("case", "archival")].content
    assert hashlib.sha256(archival).hexdigest() == entry.sha256
    assert "pdfaid" in pypdf.PdfReader(io.BytesIO(archival)).trailer["/Root"]["/Metadata"] \
        .get_object().get_data().decode()
    # The snapshot is the plan file as signed, and its checksum is printed on the record.
    assert hashlib.sha256(entry.snapshot.encode()).hexdigest() == entry.snapshot_sha256
    _, pages = reading_order(files[("case", "pdf")].content)
    assert all("UTKAST" not in text for text in pages)
    assert all("Fastställd av Lena" in text for text in pages)
    assert f"Underlagets kontrollsumma (SHA-256): {entry.snapshot_sha256[:16]}" in pages[-1]

    per = as_user("per")
    assert per.get(MEMO + "/pdf/arkiv").data == archival
    assert per.get(MEMO + "/pdf").data == files[("case", "pdf")].content
    assert per.get(MEMO + "/pdf/bilaga/2/arkiv").data == files[("bilaga-2", "archival")].content
    assert per.get(MEMO + "/forhandsgranska/bilaga-1").data == files[("bilaga-1", "html")].content
    page = lena.get(MEMO + "/").text
    assert "Fastställd" in page and entry.sha256 in page and REASON in page
    # The phase is frozen for everyone, and cannot be opened for reporting.
    sara = as_user("sara")
    sara.get(U1_AUGUST)
    frozen = sara.post(U1_AUGUST, {"level": "fardig", "comment": "x", "version": "1",
                                  "action": "save"})
    assert frozen.status_code == 409 and "fastställd" in frozen.text


def test_a_signed_phase_cannot_be_opened_for_reporting(demo):
    from followup.plans import phases

    august = demo.plan.phase("augusti")
    signoff.sign(demo.lena, memo(), confirm=True, reason=REASON)
    with pytest.raises(Frozen, match="kan inte öppnas"):
        phases.set_open(demo.sara, august, True)
    assert not august.is_open
    signoff.reopen(demo.lena, memo(), "Rättelse")
    phases.set_open(demo.sara, august, True)
    assert august.is_open


def test_a_signed_phase_keeps_its_name_and_dates(as_user, demo):
    """The phase's name and period are in the signed documents: once signed, the board
    shows them locked, and a changed name sent all the same is refused and not saved."""
    from followup.plans import phases

    august = demo.plan.phase("augusti")
    sara = as_user("sara")
    board = "/granskning/SOC-2026/augusti"
    assert 'name="augusti-label"' in sara.get(board).text
    signoff.sign(demo.lena, memo(), confirm=True, reason=REASON)
    page = sara.get(board).text
    assert 'name="augusti-label"' in page and "Spara delårsbokslut per augusti" not in page
    assert "Fastställd av direktören: fasen kan inte ändras." in page
    assert 'name="december-label"' in page and "Spara" in page  # the open phase is not
    response = sara.post("/granskning/SOC-2026/faser/augusti", {
        "augusti-label": "Ändrat efter signering", "augusti-period_end": "2026-08-31",
        "tillbaka": "augusti"}, follow_redirects=True)
    assert response.status_code == 200
    assert "är fastställd. Namnet och datumen står i de fastställda dokumenten" in response.text
    db.session.refresh(august)
    assert august.label == "Delårsbokslut per augusti"
    with pytest.raises(Frozen):
        phases.update(demo.sara, august, label=august.label, period_end=august.period_end,
                      deadline=None if august.deadline else date(2026, 9, 1), is_open=False)
    phases.update(demo.sara, august, label=august.label, period_end=august.period_end,
                  deadline=august.deadline, is_open=False)  # nothing changed: nothing refused
    signoff.reopen(demo.lena, memo(), "Rättelse")
    phases.update(demo.sara, august, label="Delårsbokslut augusti", period_end=august.period_end,
                  deadline=august.deadline, is_open=False)
    assert august.label == "Delårsbokslut augusti"


def test_everything_downloaded_after_signing_stays_byte_for_byte(as_user, demo):
    from followup.followups import controls, followups
    from followup.plans import structure

    lena, per, sara = as_user("lena"), as_user("per"), as_user("sara")
    sign(lena)
    before = downloads(per)
    plan, compiler = memo().plan, demo.sara
    changes = 0
    # The structure: a new uppdrag (from december), a new title, one taken out.
    goal = lookup.find_node(plan, "nm1-1")
    structure.add_node(compiler, plan, parent=goal, type_key="uppdrag", number="1.1.9",
                       title="Ett nytt uppdrag i december", unit_key="barn-unga")
    changes += 1
    u2 = lookup.find_node(plan, "u2")
    structure.update_node(compiler, u2, number="1.1.2", title="Ny lydelse efter fastställelsen",
                          unit_key="barn-unga", notes="", group="", responsible_boards="",
                          carried_over_from="", parent_key="nm1-1")
    changes += 1
    structure.take_out(compiler, lookup.find_node(plan, "u3"))
    changes += 1
    # A control point's wording and next phase's follow-ups.
    point = controls.find_point(plan, plan.internal_control.points[0].key)
    controls.update_point(compiler, plan, point, area="Nytt område", process=point.process,
                          risk=point.risk, control="En ny kontroll", method=point.method,
                          mandatory=point.mandatory, unit_key=None)
    changes += 1
    december = plan.phase("december")
    followups.save(compiler, lookup.find_node(plan, "u1"), december, level_key="fardig",
                   comment="<p>Klart i december.</p>", version=0)
    changes += 1
    db.session.commit()  # as the pages that make them commit them
    # What the signed memo shows is refused: its tables, its memo, its phase.
    for attempt in (
        lambda: sara.post(MEMO + "/redigera/", {"title": "Ändrad rubrik"}),
        lambda: sara.post(U1_AUGUST, {"level": "fardig", "comment": "x", "version": "1",
                                      "action": "save"}),
    ):
        sara.get(MEMO + "/")
        assert attempt().status_code == 409
        changes += 1
    after = downloads(per)
    assert list(after) == list(before)
    for url in before:
        assert after[url] == before[url], url
    print(f"{len(before)} nedladdningar byte för byte lika efter {changes} ändringar")


def test_concurrent_signings_make_exactly_one_version(app, demo):
    """Four approvers' requests at once (as after one reopen): one version results."""
    signoff.sign(demo.lena, memo(), confirm=True, reason=REASON)
    signoff.reopen(demo.lena, memo(), "En siffra var fel.")
    db.session.commit()  # as the reopen page does
    lena_id, memo_id = demo.lena.id, memo().id
    db.session.remove()
    outcomes, barrier = [], threading.Barrier(4)

    def attempt():
        with app.app_context():
            from followup.people.models import User

            user = db.session.get(User, lena_id)
            target = db.session.get(Memo, memo_id)
            barrier.wait()
            try:
                outcomes.append(signoff.sign(user, target, confirm=True, reason=REASON).version)
            except (Frozen, Invalid) as e:
                outcomes.append(e.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    versions = sorted(db.session.scalars(select(MemoSignoff.version)))
    print(f"4 samtidiga fastställelser gav versionerna {versions}")
    assert versions == [1, 2]
    assert outcomes.count(2) == 1 and len(outcomes) == 4
    assert all(isinstance(o, int) or "fastställd" in o for o in outcomes)


def test_reopen_needs_the_approver_and_a_reason_then_v2_keeps_v1(as_user):
    lena = as_user("lena")
    sign(lena)
    v1 = as_user("per").get(MEMO + "/pdf/version/1").data

    sara = as_user("sara")
    sara.get(MEMO + "/")
    sara.post(MEMO + "/ateroppna", {"reason": "Fel siffra"})
    assert memo().state is MemoState.signed
    lena.get(MEMO + "/")
    lena.post(MEMO + "/ateroppna", {"reason": ""})
    assert memo().state is MemoState.signed
    lena.post(MEMO + "/ateroppna", {"reason": "Nyckeltalen för HVB var fel."})
    assert memo().state is MemoState.reopened

    # Reopened: the compiler corrects a follow-up, the approver signs again.
    sara.get(U1_AUGUST)
    assert sara.post(U1_AUGUST, {"level": "fardig", "comment": "<p>Rättad.</p>", "version": "1",
                                 "action": "save"}).status_code == 302
    sign(lena)
    versions = db.session.scalars(select(MemoSignoff).order_by(MemoSignoff.version)).all()
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].reopen_reason == "Nyckeltalen för HVB var fel."
    assert as_user("per").get(MEMO + "/pdf/version/1").data == v1
    v2 = as_user("per").get(MEMO + "/pdf/version/2").data
    assert v2 != v1 and hashlib.sha256(v2).hexdigest() == versions[1].sha256
    page = lena.get(MEMO + "/").text
    assert "Version 1 (PDF/A)" in page and "Version 2 (PDF/A)" in page


def test_a_tampered_or_missing_stored_file_is_a_clear_error(as_user):
    lena = as_user("lena")
    sign(lena)
    stored = db.session.scalar(select(SignedFile).where(SignedFile.document == "case",
                                                        SignedFile.variant == "archival"))
    stored.content = stored.content + b"%changed"
    db.session.commit()
    response = as_user("per").get(MEMO + "/pdf/arkiv")
    assert response.status_code == 409 and "kontrollsumma" in response.text
    db.session.delete(db.session.get(SignedFile, stored.id))
    db.session.commit()
    response = as_user("per").get(MEMO + "/pdf/version/1")
    assert response.status_code == 409 and "saknas" in response.text


def test_a_failed_commit_leaves_no_sign_off_and_no_files(demo, monkeypatch):
    """Signing is one transaction: when it fails, nothing of it remains."""
    from followup.memos import signoff as module

    def broken_render(memo, source, stamp):
        files = original(memo, source, stamp)
        files[0].sha256 = None  # violates NOT NULL at commit
        return files

    original = module._render
    monkeypatch.setattr(module, "_render", broken_render)
    before = snapshot()
    # The failure meant: the database refused the broken file at commit (not an error
    # before rendering, which pytest.raises(Exception) let pass), told as a service error.
    with pytest.raises(ServiceError) as refused:
        signoff.sign(demo.lena, memo(), confirm=True, reason=REASON)
    cause = refused.value.__cause__ or refused.value.__context__
    assert isinstance(cause, IntegrityError) and "sha256" in str(cause)
    # Not told as someone else's signing, which it is not.
    assert "någon annan" not in refused.value.message and refused.value.status == 503
    db.session.rollback()
    assert db.session.scalar(select(func.count(MemoSignoff.id))) == 0
    assert db.session.scalar(select(func.count(SignedFile.id))) == 0
    assert memo().state is MemoState.draft
    assert snapshot() == before  # the phase is as open as it was, and nothing else moved


def test_phase_without_memo_says_so(as_user):
    response = as_user("per").get("/plans/SOC-2026/phases/april/tjansteskrivelse/")
    assert response.status_code == 404 and "har ingen tjänsteskrivelse" in response.text


def test_the_signature_stamp_never_takes_a_page_of_its_own(as_user):
    """Signing grew Bilaga 1 by a page that held only "Fastställd av …" and the
    checksum. The signed document has the pages of its draft: who signed it and the
    checksum stand in every page's foot, where the draft has its mark in the head."""
    import io

    import pdfplumber

    lena = as_user("lena")
    drafts = {a.number: lena.get(f"{MEMO}/pdf/bilaga/{a.number}").data for a in memo().appendices}
    draft_memo = lena.get(f"{MEMO}/pdf").data
    assert sign(lena).status_code == 302
    entry = memo().signoffs[-1]
    mm = 72 / 25.4
    stamp = f"Underlagets kontrollsumma (SHA-256): {entry.snapshot_sha256[:16]}"
    for a in memo().appendices:
        url = f"{MEMO}/pdf/bilaga/{a.number}"
        with pdfplumber.open(io.BytesIO(drafts[a.number])) as draft, \
                pdfplumber.open(io.BytesIO(lena.get(url).data)) as signed:
            assert len(signed.pages) == len(draft.pages), url
            for page in signed.pages:
                foot = page.crop((0, page.height - 20 * mm, page.width, page.height)).extract_text()
                assert "Fastställd av Lena" in foot and stamp in " ".join(foot.split()), url
    with pdfplumber.open(io.BytesIO(draft_memo)) as draft, \
            pdfplumber.open(io.BytesIO(lena.get(f"{MEMO}/pdf").data)) as signed:
        assert len(signed.pages) == len(draft.pages)
    # The memo page names the same checksum of what was signed as the documents do,
    # and the file's own beside it, each said in words.
    page = lena.get(MEMO + "/").text
    assert f'Underlaget, som det står i dokumenten: <code class="hash">{entry.snapshot_sha256[:16]}</code>' in page
    assert "PDF/A-filen: <code" in page

def test_a_signed_memo_is_not_offered_for_editing(as_user):
    """The editor of a signed memo showed open forms; saving went to a bare page headed
    "Konflikt", with what was typed lost and no way back."""
    lena, sara = as_user("lena"), as_user("sara")
    assert sign(lena).status_code == 302
    for part in ("", "forslag", "avsnitt", "bilagor"):
        response = sara.get(f"{MEMO}/redigera/{part}")
        assert response.status_code == 302 and response.location.endswith(MEMO + "/"), part
    page = sara.get(MEMO + "/", follow_redirects=True).text
    assert "Tjänsteskrivelsen är fastställd och kan inte ändras. Direktören kan öppna den igen." \
        in page
    # A form left open from before the signing: refused in words, with a way back.
    refused = sara.post(MEMO + "/redigera/", {"title": "Ändrad rubrik"},
                        headers={"Referer": f"http://localhost{MEMO}/redigera/"})
    assert refused.status_code == 409
    assert "<h1>Det gick inte att spara</h1>" in refused.text and "Konflikt" not in refused.text
    assert f'<a href="{MEMO}/redigera/">← Tillbaka</a>' in refused.text
