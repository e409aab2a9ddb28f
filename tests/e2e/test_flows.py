"""The key flows in a real browser: the reporter writes and submits, the compiler
returns, the reporter fixes and resubmits, the compiler approves."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from followup.core.extensions import db
from followup.followups.models.followup import Followup, FollowupState
from followup.plans.models.node import Node
from followup.plans.models.plan import Phase

EDIT = "/plans/SOC-2026/phases/december/nodes/{}"


def stored(key):
    db.session.expire_all()
    return db.session.scalar(select(Followup).join(Node).join(Phase, Followup.phase_id == Phase.id).where(
        Node.key == key, Phase.key == "december"))


def write_in_editor(page, text_parts):
    editor = page.locator(".ql-editor")
    editor.click()
    for kind, text in text_parts:
        if kind == "bold":
            page.keyboard.press("Control+B")
            page.keyboard.type(text)
            page.keyboard.press("Control+B")
        elif kind == "bullets":
            page.keyboard.press("Enter")
            page.get_by_role("button", name="Punktlista").click()
            for i, item in enumerate(text):
                if i:
                    page.keyboard.press("Enter")
                page.keyboard.type(item)
        else:
            page.keyboard.type(text)


def test_reporter_writes_formatted_text_saves_and_submits(open_page):
    page = open_page("anna")
    expect(page.get_by_role("heading", name="Mina uppföljningar")).to_be_visible()
    page.get_by_role("link", name=re.compile("Utveckla familjebehandlingen")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Utveckla familjebehandlingen")
    page.get_by_label("Påbörjad", exact=True).check()
    write_in_editor(page, [("text", "Kvällsmottagningen har "), ("bold", "23 familjer"),
                           ("text", " i gång."), ("bullets", ["Två behandlare", "Helger från 2027"])])
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()

    followup = stored("u1")
    assert followup.state is FollowupState.draft and followup.level.key == "paborjad"
    assert followup.comment == ("<p>Kvällsmottagningen har <strong>23 familjer</strong> i gång.</p>"
                                "<ul><li>Två behandlare</li><li>Helger från 2027</li></ul>")

    page.get_by_role("button", name="Skicka in för granskning").click()
    expect(page.get_by_text("Uppföljningen är inskickad för granskning.")).to_be_visible()
    assert stored("u1").state is FollowupState.submitted
    expect(page.locator("#followup-form")).to_have_count(0)


def test_return_fix_resubmit_approve(open_page):
    anna = open_page("anna")
    anna.goto(EDIT.format("u2"))
    anna.get_by_label("Påbörjad", exact=True).check()
    write_in_editor(anna, [("text", "Nio nya familjehem.")])
    anna.get_by_role("button", name="Skicka in för granskning").click()
    expect(anna.get_by_text("inskickad för granskning")).to_be_visible()

    sara = open_page("sara")
    sara.goto("/granskning/SOC-2026/december?lage=submitted")
    sara.get_by_role("link", name=re.compile("Rekrytera fler familjehem")).click()
    sara.get_by_label("Anmärkning till handläggaren").fill("Hur många har avslutat sina uppdrag?")
    sara.get_by_role("button", name="Återremittera").click()
    expect(sara.get_by_text("återremitterad till handläggaren")).to_be_visible()

    anna.goto(EDIT.format("u2"))
    expect(anna.get_by_text("Hur många har avslutat sina uppdrag?")).to_be_visible()
    anna.locator(".ql-editor").click()
    anna.keyboard.press("End")
    anna.keyboard.type(" Sju har avslutat sina uppdrag.")
    anna.get_by_role("button", name="Skicka in för granskning").click()
    expect(anna.get_by_text("inskickad för granskning")).to_be_visible()

    sara.goto(EDIT.format("u2"))
    expect(sara.locator(".comment, .ql-editor").first).to_contain_text("Sju har avslutat")
    sara.get_by_role("button", name="Godkänn").click()
    expect(sara.get_by_text("Uppföljningen är godkänd.")).to_be_visible()
    followup = stored("u2")
    assert followup.state is FollowupState.approved
    assert followup.comment == "<p>Nio nya familjehem. Sju har avslutat sina uppdrag.</p>"


def test_copy_previous_phase_with_one_click(open_page):
    page = open_page("anna")
    page.goto(EDIT.format("u2"))
    page.get_by_role("link", name=re.compile("Kopiera till")).click()
    expect(page.locator(".ql-editor")).to_contain_text("Kampanjen har gett 41 intresseanmälningar")
    expect(page.get_by_label("Påbörjad", exact=True)).to_be_checked()
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    assert "Kampanjen har gett 41" in stored("u2").comment


def test_text_pasted_from_word_arrives_clean(open_page):
    page = open_page("anna")
    page.goto(EDIT.format("u1"))
    word_html = ("<html xmlns:o='urn:schemas-microsoft-com:office:office'><body>"
                 "<p class=MsoNormal style='margin:0cm;font-family:Calibri'><span lang=SV "
                 "style='font-size:11pt;color:#1F497D'>Från <b>Word</b> med <i>stil</i></span>"
                 "<o:p></o:p></p><table><tr><td>cell</td></tr></table></body></html>")
    page.locator(".ql-editor").click()
    page.evaluate("""html => {
        const data = new DataTransfer();
        data.setData('text/html', html);
        data.setData('text/plain', 'Från Word med stil');
        document.querySelector('.ql-editor').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", word_html)
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    comment = stored("u1").comment
    assert "<strong>Word</strong>" in comment and "<em>stil</em>" in comment
    assert "style" not in comment and "class" not in comment and "Mso" not in comment


def test_autosave_keeps_a_draft_and_leaving_with_unsaved_text_warns(open_page):
    page = open_page("anna")
    page.goto(EDIT.format("u4"))
    write_in_editor(page, [("text", "Halvfärdig text")])
    page.locator("#followup-form").dispatch_event("followup:autosave")
    expect(page.locator("#autosave-status")).to_contain_text("sparades automatiskt")
    assert stored("u4").comment == "<p>Halvfärdig text</p>"
    # Swedish time, as the history shows it, whatever the device's clock is set to.
    from followup.core.formatting import local_time
    expect(page.locator("#autosave-status")).to_have_text(
        f"Utkastet sparades automatiskt {local_time(stored('u4').updated_at)[-5:]}.")
    assert page.locator("input[name=version]").input_value() == "1"

    write_in_editor(page, [("text", " och mer")])
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


def test_without_javascript_the_form_still_works(open_page):
    page = open_page(javascript=False)
    page.goto("/login")
    page.get_by_label("E-postadress").fill("anna@ekbacka.example")
    page.get_by_label("Lösenord").fill("ett-långt-testlösenord")
    page.get_by_role("button", name="Logga in").click()
    page.goto(EDIT.format("u1"))
    expect(page.locator("textarea[name=comment]")).to_be_visible()
    page.get_by_label("Påbörjad", exact=True).check()
    page.locator("textarea[name=comment]").fill("<p>Utan <em>skript</em></p>")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    assert stored("u1").comment == "<p>Utan <em>skript</em></p>"


def test_table_grid_computes_live_and_marks_a_bad_cell(open_page):
    page = open_page("sara")
    page.goto("/plans/SOC-2026/tabeller/nyckeltal-hvb")
    page.get_by_label("Kostnad för placeringar, Utfall jan–aug 2026").fill("40 000")
    expect(page.locator("#o-2-0")).to_have_text("38\u00a0790")  # netto, computed by the server
    page.get_by_label("Avgår: ersättningar och intäkter, Utfall jan–aug 2026").fill("ett tusen")
    expect(page.locator("#e-1-0")).to_have_text("”ett tusen” är inget tal")
    expect(page.locator("#o-2-0")).to_have_text("")
