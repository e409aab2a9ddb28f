"""``flask --app app notify send``: reminders that have fallen due, and pending e-mail.
Meant for cron or a systemd timer; running it twice sends nothing twice, also when two
runs (on two servers) overlap: each notification is taken by one run before it is sent
(``mailer.claim``). A message that
cannot be sent is named on standard error and tried again on the next run; the others
are sent all the same."""

import smtplib
import socket
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from followup.core.extensions import db
from followup.core.formatting import count
from followup.core.jsonin import escaped
from followup.notify import mailer, notifications

notify_cli = AppGroup("notify", help="Aviseringar i appen och med e-post.")

SMTP_TIMEOUT = 30  # seconds: a server that does not answer must not hang the timer


@notify_cli.command("send")
@click.option("--today", metavar="ÅÅÅÅ-MM-DD", help="Kör som om det vore det här datumet.")
@click.option("--dry-run", is_flag=True, help="Visa bara vad som skulle skickas.")
def send_command(today, dry_run):
    """Skapa påminnelser som har fallit ut och skicka e-post som väntar."""
    try:
        today = date.fromisoformat(today) if today else date.today()
    except ValueError:
        click.echo(f"--today: ”{today}” är inget datum; skriv ÅÅÅÅ-MM-DD.", err=True)
        sys.exit(2)
    days = int(current_app.config["NOTIFY_DEADLINE_DAYS"])
    due = notifications.unwritten([*notifications.deadline_reminders(today, days),
                                   *notifications.ready_reminders()])
    if dry_run:
        for user, message in due:
            click.echo(f"ny\t{message.kind}\t{escaped(user.email)}\t{escaped(message.subject)}")
        waiting = mailer.pending() if mailer.is_configured() else []
        for n in waiting:
            click.echo(f"e-post\t{n.kind}\t{escaped(n.user.email)}\t{escaped(n.subject)}")
        click.echo(f"Provkörning: {new(len(due))}, {mails(len(waiting))} skulle skickas. "
                   "Inget har ändrats.")
        return
    created = notifications.record(due)
    db.session.commit()
    if not mailer.is_configured():
        click.echo(f"{new(len(created))}. E-post är inte inställd "
                   "(FOLLOWUP_MAIL_SERVER): de syns bara i appen.")
        return
    if not current_app.config.get("MAIL_DEFAULT_SENDER"):
        click.echo(f"{new(len(created))}. FOLLOWUP_MAIL_DEFAULT_SENDER saknas: ange vilken "
                   "adress e-posten skickas från. Ingen e-post skickades.", err=True)
        sys.exit(1)
    socket.setdefaulttimeout(SMTP_TIMEOUT)
    try:
        sent, failures = deliver()
    except (OSError, smtplib.SMTPException) as e:
        click.echo(f"{new(len(created))}. E-postservern "
                   f"{current_app.config['MAIL_SERVER']} svarar inte ({e}); "
                   "e-posten skickas nästa gång.", err=True)
        sys.exit(1)
    for failure in failures:
        n = failure.notification
        click.echo(f"Kunde inte skicka ”{escaped(n.subject)}” till {escaped(n.user.email)}: "
                   f"{escaped(failure.reason)}. Försöks igen nästa gång.", err=True)
    click.echo(f"{new(len(created))}, "
               f"{count(sent, 'e-postmeddelande skickat', 'e-postmeddelanden skickade')}"
               + (f", {len(failures)} misslyckades (försöks igen nästa gång)." if failures
                  else "."))
    if failures:
        sys.exit(1)


def deliver():
    """E-mail every pending notification over one connection; returns (sent, failures),
    failures a list of ``mailer.Failure``.

    The commits are here, one a step, so that a crash never sends a message twice: each
    batch is taken (``mailer.claim``) and that claim committed before any of it is sent,
    so that runs on other servers at the same time send none of it again; each message's
    outcome is committed as soon as it is known, so that what was sent stays recorded if
    a later one fails. A message that cannot be made or that the server refuses is marked
    failed and the others are sent all the same. A server that cannot be reached, or that
    drops the connection, raises (OSError, SMTPException) and leaves what is not yet sent
    pending."""
    mailer.retire_old()
    db.session.commit()
    sent, failures, after = 0, [], 0
    with mailer.Outbox() as outbox:
        while rows := mailer.claim(after):
            db.session.commit()  # taken, before anything of it is sent
            after = rows[-1].id
            for i, n in enumerate(rows):
                try:
                    failure = outbox.send(n)
                except OSError:  # (SMTPException is one too) the connection is gone
                    _give_back(rows[i:])
                    raise
                db.session.commit()  # sent (or failed, or off): recorded at once
                if failure is not None:
                    failures.append(failure)
                elif n.mail_state == "sent":
                    sent += 1
    return sent, failures


def _give_back(rows):
    """What this run took and did not send, pending again at once (committed)."""
    db.session.rollback()
    mailer.release(rows)
    db.session.commit()


def new(n):
    return count(n, "ny avisering", "nya aviseringar")


def mails(n):
    return count(n, "e-postmeddelande", "e-postmeddelanden")
