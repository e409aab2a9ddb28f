"""``flask --app app report render``."""

import sys

import click
from . import CommandGroup

from .. import pdf
from ..services import reports
from ..services.errors import ServiceError

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
        memo = reports.find_memo(plan_key, phase)
        if appendix is None:
            # The workers load WeasyPrint while this process reads the plan and writes HTML.
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
