"""``flask --app app report render``, ``report verify`` and ``report forget-rendered``."""

import sys

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core import pdf, rendered
from followup.core.cli import CommandGroup
from followup.core.errors import ServiceError
from followup.core.extensions import db
from followup.memos import reports, signoff
from followup.memos.models import Memo, MemoSignoff

report_cli = CommandGroup("report", help="Tjänsteskrivelser och bilagor som PDF.")


@report_cli.command("render")
@click.argument("plan_key")
@click.argument("phase")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="PDF-filen att skriva.")
@click.option("--appendix", type=int, help="Bara bilaga N.")
@click.option("--archival", is_flag=True, help="Arkivformat PDF/A-2a (arkivbeständig och tillgänglig).")
def render_command(plan_key, phase, out, appendix, archival):
    """Skriv fasens tjänsteskrivelse med bilagor (eller en bilaga) som PDF."""
    try:
        memo = reports.find_memo(plan_key, phase, loaded=False)
        data = reports.prepared_pdf(memo, appendix, archival)
        if data is None:
            if appendix is None:
                # The workers load WeasyPrint while this process reads the plan and writes
                # the HTML.
                pdf.prestart()
            data = reports.render_pdf(memo, appendix, archival=archival)
    except ServiceError as e:
        pdf.stop_workers()
        click.echo(f"Fel: {e.message}", err=True)
        sys.exit(1)
    for warning in reports.table_warnings(memo):
        click.echo(f"Varning: {warning}", err=True)
    with open(out, "wb") as f:
        f.write(data)
    click.echo(f"{out}: {len(data)} byte")


@report_cli.command("verify")
def verify_command():
    """Kontrollera att varje fastställd version är som den fastställdes: varje lagrad fil
    och underlaget mot förteckningen som sparades vid fastställelsen."""
    ids = db.session.scalars(select(MemoSignoff.id).order_by(MemoSignoff.id)).all()
    wrong = 0
    for signoff_id in ids:
        # One version at a time: its files are loaded, checked and let go.
        entry = db.session.scalar(
            select(MemoSignoff).where(MemoSignoff.id == signoff_id).options(
                selectinload(MemoSignoff.files),
                selectinload(MemoSignoff.memo).selectinload(Memo.phase),
                selectinload(MemoSignoff.memo).selectinload(Memo.plan)))
        faults = signoff.faults(entry)
        if faults:
            wrong += 1
            memo = entry.memo
            click.echo(f"FEL {memo.plan.key}, {memo.phase.label}, version {entry.version}:",
                       err=True)
            for fault in faults:
                click.echo(f"  – {fault}", err=True)
        db.session.expunge_all()
    if wrong:
        click.echo(("Den fastställda versionen stämmer inte" if len(ids) == 1 else
                    f"{wrong} av {len(ids)} fastställda versioner stämmer inte")
                   + " med det som fastställdes. Läs tillbaka från säkerhetskopian.", err=True)
        sys.exit(1)
    if not ids:
        click.echo("Det finns inga fastställda versioner att kontrollera.")
    elif len(ids) == 1:
        click.echo("Den fastställda versionen stämmer med det som fastställdes.")
    else:
        click.echo(f"Alla {len(ids)} fastställda versioner stämmer med det som fastställdes.")


@report_cli.command("forget-rendered")
@click.option("--days", type=click.IntRange(min=0), default=rendered.KEEP_DAYS, show_default=True,
              help="Ta bort PDF:er som ingen har hämtat på så här många dagar.")
def forget_rendered_command(days):
    """Ta bort förberedda PDF:er som ingen har hämtat på länge (fastställda filer rörs inte:
    de är arkivet). De görs om nästa gång de behövs."""
    removed = rendered.forget_unused(days)
    click.echo(f"{removed} förberedda PDF:er togs bort." if removed != 1
               else "1 förberedd PDF togs bort.")
