"""One message never stops the others (issue 23, item 6), and a subject is never cut
inside a word (issue 21, item 9). Over SMTP to a real server started here (aiosmtpd)."""

import logging
import re
from email import message_from_bytes, policy
from email.header import decode_header

import pytest
from sqlalchemy import select, update

from followup.core.extensions import db
from followup.notify import notifications
from followup.notify.models import Notification
from followup.notify.tests.test_notifications import EDIT, serving_mail, submit
from followup.people.models import User
from followup.plans.models.node import Node

INTRUDER = "inkraktare@example.com"


class Sink:
    """An SMTP server's mailbox: each message as received (its bytes) and parsed; the
    addresses in ``refused`` are refused at RCPT TO, as a real server refuses a mailbox."""

    def __init__(self):
        self.received = []  # (recipients, bytes, parsed)
        self.refused = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mottagaren finns inte"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.content,
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Mottaget"

    def to(self, address):
        return [parsed for rcpt, _, parsed in self.received if address in rcpt]

    def recipients(self):
        return {address for rcpt, _, _ in self.received for address in rcpt}


@pytest.fixture
def sink(app):
    with serving_mail(app, Sink()) as box:
        yield box


def send(cli):
    return cli.invoke(args=["notify", "send"])


def returned(as_user, node, reporter):
    """``node`` sent in by ``reporter`` and returned by Sara: a notification to the unit."""
    submit(as_user(reporter), node)
    sara = as_user("sara")
    sara.get(EDIT.format(node))
    sara.post(EDIT.format(node) + "/return", {"remark": "Komplettera.", "version": 1})


def mail_state(email):
    return db.session.scalars(select(Notification.mail_state).join(User).where(
        User.email == email)).all()


# --- one message never stops the others -----------------------------------------------------

def test_a_title_stored_with_a_header_in_it_neither_stops_the_mail_nor_adds_a_recipient(
        as_user, cli, sink):
    """A title with "\\r\\nBcc: …" (stored before titles were kept to one line) made
    every run of notify send crash on it, so nothing after it was ever e-mailed."""
    db.session.execute(update(Node).where(Node.key == "u2").values(
        title=f"Rekrytera fler familjehem\r\nBcc: {INTRUDER}\r\n"))
    db.session.commit()
    returned(as_user, "u2", "anna")
    returned(as_user, "u5", "omar")
    result = send(cli)
    assert result.exit_code == 0, result.output
    assert "2 e-postmeddelanden skickade." in result.output
    [to_anna] = sink.to("anna@ekbacka.example")
    assert to_anna["Subject"] == (
        f"Återremitterad: uppdrag 1.1.2 Rekrytera fler familjehem Bcc: {INTRUDER}")
    assert to_anna["Bcc"] is None and INTRUDER not in sink.recipients()
    assert sink.to("omar@ekbacka.example")
    assert mail_state("anna@ekbacka.example") == mail_state("omar@ekbacka.example") == ["sent"]


def test_a_message_that_cannot_be_made_is_failed_logged_retried_and_the_rest_are_sent(
        as_user, cli, sink, caplog):
    returned(as_user, "u2", "anna")
    returned(as_user, "u5", "omar")
    # An address stored with a line break (from before addresses were checked): Flask-Mail
    # refuses to put it in a header.
    bad = f"anna@ekbacka.example\nBcc: {INTRUDER}"
    db.session.execute(update(User).where(User.email == "anna@ekbacka.example")
                       .values(email=bad))
    db.session.commit()
    with caplog.at_level(logging.WARNING, logger="followup.mail"):
        result = send(cli)
    assert result.exit_code == 1
    assert "1 e-postmeddelande skickat, 1 misslyckades (försöks igen nästa gång)." \
        in result.output
    assert "Kunde inte skicka ”Återremitterad: uppdrag 1.1.2" in result.stderr
    assert "har en radbrytning. Försöks igen nästa gång." in result.stderr
    assert sink.to("omar@ekbacka.example") and INTRUDER not in sink.recipients()
    [failed] = db.session.scalars(select(Notification).join(User).where(User.email == bad))
    assert failed.mail_state == "failed" and failed.mail_error
    assert any("mail.failed" in r.getMessage() and f"notification={failed.id}" in r.getMessage()
               for r in caplog.records)

    # Tried again on the next run: still failing, nothing sent twice.
    result = send(cli)
    assert result.exit_code == 1 and len(sink.received) == 1
    # Once the address is put right, the next run sends it.
    db.session.execute(update(User).where(User.email == bad)
                       .values(email="anna@ekbacka.example"))
    db.session.commit()
    result = send(cli)
    assert result.exit_code == 0, result.output
    assert len(sink.to("anna@ekbacka.example")) == 1 and len(sink.received) == 2
    assert mail_state("anna@ekbacka.example") == ["sent"]


def test_a_mailbox_the_server_refuses_does_not_stop_the_others(as_user, cli, sink):
    sink.refused.add("anna@ekbacka.example")
    returned(as_user, "u2", "anna")
    returned(as_user, "u5", "omar")
    result = send(cli)
    assert result.exit_code == 1 and "1 misslyckades" in result.output
    assert sink.to("omar@ekbacka.example") and not sink.to("anna@ekbacka.example")
    assert mail_state("anna@ekbacka.example") == ["failed"]
    assert "servern tog inte emot mottagaren (550 5.1.1 Mottagaren finns inte)" in result.stderr
    sink.refused.clear()
    assert send(cli).exit_code == 0
    assert mail_state("anna@ekbacka.example") == ["sent"]


# --- subjects folded between words, never inside one ------------------------------------------

ENCODED_WORD = re.compile(r"^=\?utf-8\?[qQbB]\?[^?\s]*\?=$")


def raw_subject(content):
    """The Subject header as it travelled: its folded lines."""
    head = content.split(b"\r\n\r\n", 1)[0].decode("ascii")
    lines = head.split("\r\n")
    start = next(i for i, line in enumerate(lines) if line.lower().startswith("subject:"))
    out = [lines[start][len("Subject:"):]]
    for line in lines[start + 1:]:
        if not line[:1] in (" ", "\t"):
            break
        out.append(line)
    return out


def older_reader(folded):
    """What a mail reader shows that decodes each encoded word on its own and shows every
    space between the pieces (RFC 2047's joining of adjacent encoded words not done)."""
    shown = []
    for token in " ".join(folded).split():
        if ENCODED_WORD.match(token):
            [(data, charset)] = decode_header(token)
            shown.append(data.decode(charset))
        else:
            shown.append(token)
    return " ".join(shown)


TITLES = [
    "Ta fram en gemensam bedömningsmall för handläggning av ärenden inom området",
    "Rekrytera fler familjehem och stärka stödet till befintliga familjehem",
    "Öka andelen brukare som upplever att de får ett gott bemötande i äldreomsorgen "
    "och hemtjänsten under året",
    "Utreda förutsättningarna för en gemensam överenskommelse med regionen om "
    "samordnad individuell plan (SIP) för barn och unga i behov av särskilt stöd",
    "Införa välfärdsteknik: läkemedelsrobotar, nattkameror och digitala tillsynsbesök",
    ("ÅÄÖ åäö " * 12).strip(),
    "Ord =?utf-8?q?som_ser_kodat_ut?= men är text",
    "Ett_understreck och ett = och ett ? i titeln",
    "Socialtjänstförvaltningsövergripandesamverkansöverenskommelseuppföljningsrapporten "
    "är ett långt ord",
    "Kort",
]


def test_a_subject_is_folded_between_words_never_inside_one(demo, cli, sink):
    """Python's folding wrote "bed=?utf-8?q?=C3=B6mningsmall…", which an older reader shows
    as "bed ömningsmall"."""
    pairs = []
    for i, title in enumerate(TITLES):
        for pad in range(0, 24, 3):  # every word of the title falls at a fold somewhere
            subject = f"Återremitterad: uppdrag {'1.' * pad}{i} {title}"
            pairs.append((demo.anna, notifications.Message(
                kind="returned", key=f"prov-{i}-{pad}", subject=subject, body="Text.")))
    notifications.record(pairs)
    db.session.commit()
    result = send(cli)
    assert result.exit_code == 0, result.output
    subjects = {m.subject for _, m in pairs}
    assert len(sink.received) == len(pairs)
    for _, content, parsed in sink.received:
        subject = parsed["Subject"]
        assert subject in subjects  # a reader that knows RFC 2047 reads it exactly
        folded = raw_subject(content)
        assert all(len(line) <= 78 for line in ["Subject:" + folded[0]] + folded[1:])
        for token in " ".join(folded).split():
            # A piece is an encoded word or plain text, never both glued together.
            assert ENCODED_WORD.match(token) or ("=?" not in token and token.isascii()), token
        shown = older_reader(folded).split()
        if all(len(word) <= 40 for word in subject.split()):
            # An older reader shows every word whole: the same words, in the same order.
            assert shown == subject.split(), folded
        else:
            # A word too long for a line of its own is in pieces that an RFC 2047 reader
            # joins (above); an older one shows the pieces, in order.
            assert "".join(shown) == "".join(subject.split()), folded


def test_the_subject_of_a_real_notification_reads_back(as_user, cli, sink):
    db.session.execute(update(Node).where(Node.key == "u4").values(
        title="Införa gemensam bedömningsmall i förhandsbedömningar för barn och unga "
              "i hela kommunen"))
    db.session.commit()
    returned(as_user, "u4", "anna")
    assert send(cli).exit_code == 0
    [(_, content, parsed)] = sink.received
    assert parsed["Subject"] == ("Återremitterad: uppdrag 1.2.2 Införa gemensam "
                                 "bedömningsmall i förhandsbedömningar för barn och unga i "
                                 "hela kommunen")
    assert b"bed=?" not in content and "bedömningsmall" in older_reader(raw_subject(content))
