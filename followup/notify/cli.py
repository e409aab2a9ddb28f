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
from followup.notify import mailer, notifications, tasks

notify_cli = AppGroup("notify", help="Aviseringar i appen och med e-post.")


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
    socket.setdefaulttimeout(tasks.SMTP_TIMEOUT)
    try:
        sent, failures = tasks.deliver()
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


def new(n):
    return count(n, "ny avisering", "nya aviseringar")


def mails(n):
    return count(n, "e-postmeddelande", "e-postmeddelanden")
