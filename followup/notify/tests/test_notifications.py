"""Notifications: recorded when things happen, reminders by ``notify send``, e-mailed
over SMTP to a real server started here (aiosmtpd), read back and followed."""

from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from followup.core.extensions import db, mail
from followup.followups.models.followup import Followup, FollowupState
from followup.followups.models.internal_control import ControlResult
from followup.notify.models import Notification
from followup.plans.models.plan import Phase
from tests.fixtures import snapshot
from tests.servers import Mailbox, free_port

BASE_URL = "https://planer.ekbacka.example"
EDIT = "/plans/SOC-2026/phases/december/nodes/{}"
MAIL_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_DEFAULT_SENDER", "MAIL_SUPPRESS_SEND",
                 "BASE_URL")


# What the SMTP server received: [(recipients, parsed message)].
Inbox = Mailbox


@contextmanager
def serving_mail(app, handler):
    """A real SMTP server (aiosmtpd) on loopback with ``handler``, and the app set to
    send to it, for the duration."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in MAIL_SETTINGS}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_DEFAULT_SENDER="Planuppföljning <planer@ekbacka.example>",
                      MAIL_SUPPRESS_SEND=False, BASE_URL=BASE_URL)
    mail.init_app(app)
    try:
        yield handler
    finally:
        controller.stop()
        app.config.update(saved)
        mail.init_app(app)


@pytest.fixture
def smtp(app):
    with serving_mail(app, Inbox()) as inbox:
        yield inbox


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def app_path(url):
    parsed = urlsplit(url)
    assert f"{parsed.scheme}://{parsed.netloc}" == BASE_URL
    return parsed.path


def send(cli, *args):
    result = cli.invoke(args=["notify", "send", *args])
    return result


def submit(b, node):
    b.get(EDIT.format(node))
    return b.post(EDIT.format(node), {"level": "paborjad", "comment": "<p>Text</p>",
                                      "version": 0, "action": "submit"})


def test_returned_follow_up_is_emailed_with_the_remark_and_its_link_opens_it(
        as_user, cli, smtp):
    anna, sara = as_user("anna"), as_user("sara")
    submit(anna, "u2")
    sara.get(EDIT.format("u2"))
    sara.post(EDIT.format("u2") + "/return", {"remark": "Hur många har avslutat sina uppdrag?",
                                              "version": 1})
    result = send(cli)
    assert result.exit_code == 0, result.output
    assert "0 nya aviseringar, 1 e-postmeddelande skickat." in result.output

    [message] = smtp.to("anna@ekbacka.example")
    assert message["Subject"] == "Återremitterad: uppdrag 1.1.2 Rekrytera fler familjehem och stärka stödet till befintliga familjehem"
    assert "Planuppföljning" in message["From"]
    text, html = parts(message)
    assert "Sara har återremitterat uppdrag 1.1.2 Rekrytera fler familjehem" in text
    assert "Hur många har avslutat sina uppdrag?" in text and "Hur många har avslutat" in html
    link = next(line for line in text.splitlines() if line.startswith(BASE_URL))
    assert f'href="{link}"' in html
    assert app_path(link) == EDIT.format("u2")

    page = anna.get(app_path(link)).text  # the link opens the follow-up with its remark
    assert "Återremitterad med anmärkning" in page and "Hur många har avslutat" in page
    assert not smtp.to("omar@ekbacka.example")  # another unit's reporter

    # The in-app list says what the e-mail said.
    inbox = anna.get("/aviseringar").text
    assert message["Subject"] in inbox and "Hur många har avslutat sina uppdrag?" in inbox
    assert f'href="{EDIT.format("u2")}"' in inbox

    # Idempotent: a second run sends nothing again, and what was sent is recorded.
    assert send(cli).exit_code == 0
    assert len(smtp.messages) == 1
    row = db.session.scalar(select(Notification).where(Notification.kind == "returned"))
    assert row.mail_state == "sent" and row.mailed_at is not None


def test_a_return_notice_is_dealt_with_once_the_answer_is_sent_in(as_user):
    """It stayed "Ny" in the reporter's list after the follow-up was sent in again."""
    from followup.notify import notifications

    anna, sara = as_user("anna"), as_user("sara")
    submit(anna, "u2")
    sara.get(EDIT.format("u2"))
    sara.post(EDIT.format("u2") + "/return", {"remark": "Hur många?", "version": 1})
    [notice] = db.session.scalars(select(Notification).where(
        Notification.kind == "returned")).all()
    user = notice.user
    assert notice.read_at is None and notifications.unread_count(user) == 1
    anna.get(EDIT.format("u2"))
    anna.post(EDIT.format("u2"), {"level": "paborjad", "comment": "<p>Tolv.</p>",
                                  "version": 2, "action": "submit"})
    db.session.refresh(notice)
    assert notice.read_at is not None and notifications.unread_count(user) == 0


def test_deadline_reminders_come_n_days_before_and_after_once(as_user, cli, smtp):
    anna = as_user("anna")
    submit(anna, "u1")
    assert send(cli, "--today", "2027-01-11").exit_code == 0  # 4 days before: nothing yet
    assert smtp.messages == []

    result = send(cli, "--today", "2027-01-12")
    assert result.exit_code == 0, result.output
    [to_anna] = smtp.to("anna@ekbacka.example")
    assert to_anna["Subject"] == "Sista dag för årsbokslut är 2027-01-15"
    text, _ = parts(to_anna)
    assert "(om 3 dagar)" in text and "inte inskickade" in text
    assert "Rekrytera fler familjehem" in text  # u2, still to do
    assert "Utveckla familjebehandlingen" not in text  # u1, sent in
    assert smtp.to("omar@ekbacka.example")
    assert not smtp.to("sara@ekbacka.example") and not smtp.to("per@ekbacka.example")

    count = len(smtp.messages)
    assert send(cli, "--today", "2027-01-13").exit_code == 0  # the same deadline: once
    assert len(smtp.messages) == count

    send(cli, "--today", "2027-01-16")
    late = smtp.to("anna@ekbacka.example")[-1]
    assert late["Subject"] == "Sista dag för årsbokslut har passerat"
    assert "(i går)" in parts(late)[0]


def test_dry_run_lists_and_changes_nothing(as_user, cli, smtp):
    before = snapshot()
    result = send(cli, "--today", "2027-01-14", "--dry-run")
    assert result.exit_code == 0
    assert "deadline_soon\tanna@ekbacka.example\tSista dag för årsbokslut" in result.output
    assert "Inget har ändrats." in result.output
    assert snapshot() == before and smtp.messages == []


def test_a_user_turns_a_kind_off_on_her_page(as_user, cli, smtp):
    anna = as_user("anna")
    page = anna.get("/konto/aviseringar").text
    assert "Sista dagen för rapportering närmar sig" in page
    assert "klar att fastställa" not in page.lower()  # the approver's kind, not hers
    kinds = ["phase_opened", "deadline_passed", "returned"]  # deadline_soon left out
    assert anna.post("/konto/aviseringar", {"kind": kinds}).status_code == 302
    page = anna.get("/konto/aviseringar").text
    assert 'value="deadline_soon" id="kind-deadline_soon">' in page  # unchecked
    assert 'value="returned" id="kind-returned" checked>' in page

    send(cli, "--today", "2027-01-12")
    assert not smtp.to("anna@ekbacka.example") and smtp.to("omar@ekbacka.example")
    assert "Sista dag" not in anna.get("/aviseringar").text  # nor in the app


def open_december(as_user, cli):
    """December closed, then opened by Sara on the review board, and notify send run."""
    db.session.execute(update(Phase).values(is_open=False))
    db.session.commit()
    sara = as_user("sara")
    sara.get("/granskning/SOC-2026/december")
    sara.post("/granskning/SOC-2026/faser/december", {
        "december-label": "Årsbokslut", "december-deadline": "2027-01-15",
        "december-is_open": "y"})
    send(cli)


def test_opening_a_phase_tells_the_reporters_with_something_in_it(as_user, cli, smtp, demo):
    open_december(as_user, cli)
    [message] = smtp.to("anna@ekbacka.example")
    assert message["Subject"] == "Årsbokslut är öppen för rapportering"
    text, _ = parts(message)
    assert "Sista dag för rapportering är 2027-01-15" in text
    assert app_path(next(line for line in text.splitlines() if line.startswith(BASE_URL))) == "/mina"
    assert smtp.to("omar@ekbacka.example")
    assert {r[0] for r, _ in smtp.messages} == {"anna@ekbacka.example", "omar@ekbacka.example"}


def test_approver_hears_when_all_is_approved_and_compiler_when_signed_and_reopened(
        as_user, cli, smtp, demo):
    august = demo.plan.phase("augusti")
    db.session.execute(update(Followup).where(Followup.phase_id == august.id)
                       .values(state=FollowupState.approved))
    db.session.execute(update(ControlResult).where(ControlResult.phase_id == august.id)
                       .values(state=FollowupState.approved))
    last = db.session.scalar(select(Followup).where(Followup.phase_id == august.id).limit(1))
    last.state = FollowupState.submitted
    db.session.commit()
    sara = as_user("sara")
    url = f"/plans/SOC-2026/phases/augusti/nodes/{last.node.key}"
    sara.get(url)
    sara.post(url + "/approve", {"version": last.version})
    send(cli)
    [ready] = smtp.to("lena@ekbacka.example")
    assert ready["Subject"].startswith("Klar att fastställa: ")
    text, _ = parts(ready)
    assert "är godkända. Tjänsteskrivelsen kan fastställas." in text
    memo_path = app_path(next(line for line in text.splitlines() if line.startswith(BASE_URL)))
    assert memo_path == "/plans/SOC-2026/phases/augusti/tjansteskrivelse/"

    lena = as_user("lena")
    assert "Gå igenom och fastställ" in lena.get(memo_path).text
    lena.get(memo_path + "signera")
    assert lena.post(memo_path + "signera", {"confirm": "y"}).status_code == 302
    lena.get(memo_path)
    lena.post(memo_path + "ateroppna", {"reason": "Fel siffra i bilaga 3."})
    send(cli)
    subjects = [m["Subject"] for m in smtp.to("sara@ekbacka.example")]
    assert [s.split(":")[0] for s in subjects] == ["Fastställd", "Återöppnad"]
    assert "Fel siffra i bilaga 3." in parts(smtp.to("sara@ekbacka.example")[1])[0]
    assert len(smtp.to("lena@ekbacka.example")) == 1  # told once


def test_without_a_mail_server_notifications_stay_in_the_app(as_user, cli):
    anna, sara = as_user("anna"), as_user("sara")
    submit(anna, "u2")
    sara.get(EDIT.format("u2"))
    sara.post(EDIT.format("u2") + "/return", {"remark": "Komplettera.", "version": 1})
    result = send(cli)
    assert result.exit_code == 0 and "E-post är inte inställd" in result.output
    assert 'class="badge">1<' in anna.get("/mina").text  # one unread, in the header
    assert "Återremitterad: uppdrag 1.1.2" in anna.get("/aviseringar").text
    assert 'class="badge"' not in anna.get("/mina").text  # read now


def test_an_unreachable_server_leaves_the_mail_pending(as_user, cli, app):
    anna, sara = as_user("anna"), as_user("sara")
    submit(anna, "u2")
    saved = {k: app.config.get(k) for k in MAIL_SETTINGS}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(),
                      MAIL_DEFAULT_SENDER="planer@ekbacka.example", MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)
    try:
        sara.get(EDIT.format("u2"))
        sara.post(EDIT.format("u2") + "/return", {"remark": "Komplettera.", "version": 1})
        result = send(cli)
    finally:
        app.config.update(saved)
        mail.init_app(app)
    assert result.exit_code == 1 and "svarar inte" in result.output
    assert db.session.scalar(select(Notification.mail_state)) == "pending"


def test_a_mail_server_without_a_sender_is_a_clear_error(as_user, cli, app):
    saved = {k: app.config.get(k) for k in MAIL_SETTINGS}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_DEFAULT_SENDER=None)
    try:
        result = send(cli)
    finally:
        app.config.update(saved)
    assert result.exit_code == 1 and "FOLLOWUP_MAIL_DEFAULT_SENDER saknas" in result.output


def test_a_bad_date_is_refused_in_swedish(cli):
    result = send(cli, "--today", "2027-13-01")
    assert result.exit_code == 2 and "är inget datum; skriv ÅÅÅÅ-MM-DD" in result.output


def test_a_reporter_with_two_units_hears_of_her_units_and_each_sort_counted_apart(
        as_user, cli, smtp, demo):
    """Omar reports for vuxen and stod: the reminder says "dina enheter", and counts the
    follow-ups and the control results apart, each as many as it lists."""
    from followup.followups import progress

    december = demo.plan.phase("december")
    units = {u.unit_id for u in demo.omar.memberships}
    outstanding = [e for e in progress.entries(demo.plan, december)
                   if e.state in (FollowupState.empty, FollowupState.draft,
                                  FollowupState.returned) and e.subject.unit_id in units]
    followups = sum(1 for e in outstanding if progress.is_followup(e))
    controls = len(outstanding) - followups
    assert followups > 1 and controls > 1
    assert send(cli, "--today", "2027-01-12").exit_code == 0
    [message] = smtp.to("omar@ekbacka.example")
    text, _ = parts(message)
    assert "din enhet" not in text
    assert (f"{followups} uppföljningar och {controls} kontrollresultat från dina enheter "
            "är inte inskickade än") in text
    [message] = smtp.to("anna@ekbacka.example")
    assert "från din enhet" in parts(message)[0]


def test_opening_a_phase_counts_each_sort_for_a_reporter_with_two_units(
        as_user, cli, smtp, demo):
    open_december(as_user, cli)
    [message] = smtp.to("omar@ekbacka.example")
    text, _ = parts(message)
    assert "Dina enheter har " in text and " kontrollresultat att rapportera" in text
    assert "Din enhet" not in text


def test_a_notice_recorded_by_a_server_without_mail_settings_is_emailed_by_notify_send(
        as_user, cli, app):
    """The web server handles the event; notify send, which has the mail settings, sends
    it (a server without MAIL_SERVER recorded it as never to be e-mailed)."""
    from datetime import timedelta

    from followup.core.types import utcnow

    assert not app.config.get("MAIL_SERVER")
    anna, sara = as_user("anna"), as_user("sara")
    submit(anna, "u2")
    sara.get(EDIT.format("u2"))
    sara.post(EDIT.format("u2") + "/return", {"remark": "Komplettera.", "version": 1})
    assert db.session.scalar(select(Notification.mail_state)) == "pending"
    # One of the same kind, recorded long ago, is no longer news and is not e-mailed.
    old = Notification(user_id=db.session.scalar(select(Notification.user_id)), kind="returned",
                       key="gammal", subject="Gammal", body="Gammal.", links=[],
                       mail_state="pending", created_at=utcnow() - timedelta(days=30))
    db.session.add(old)
    db.session.commit()
    with serving_mail(app, Inbox()) as inbox:
        result = send(cli)
    assert result.exit_code == 0, result.output
    [message] = inbox.to("anna@ekbacka.example")
    assert message["Subject"].startswith("Återremitterad")
    db.session.refresh(old)
    assert old.mail_state == "off"
