"""``flask --app app plan import|export|list``."""

import os
import sys

import click
from flask import current_app

from followup.core.cli import CommandGroup
from followup.core.config import Defaults
from followup.core.errors import ServiceError
from followup.core.extensions import db
from followup.core.formatting import number as format_number
from followup.planfile import Fault, PlanFileError, transfer

plan_cli = CommandGroup("plan", help="Importera, exportera och lista planer.")


@plan_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--replace", is_flag=True, help="Ersätt en befintlig plan med samma nyckel.")
def import_command(file, replace):
    """Importera en planfil (followup-plan/2 eller /1). Skriver ut planens nyckel."""
    try:
        plan = transfer.import_plan(
            _read_within_limit(file), replace=replace,
            archive_dir=os.path.join(current_app.instance_path, "replaced"),
        )
    except PlanFileError as e:
        for fault in e.faults:
            click.echo(str(fault), err=True)
        click.echo(f"Inget importerades: {len(e.faults)} fel i {file.name}.", err=True)
        sys.exit(1)
    except transfer.PlanExists as e:
        click.echo(f"Inget importerades: {e}.", err=True)
        sys.exit(1)
    db.session.commit()
    for warning in transfer.table_warnings(plan):
        click.echo(f"Varning: {warning}", err=True)
    click.echo(plan.key)


def _read_within_limit(file):
    """The file's bytes, up to the size the browser may send (``MAX_CONTENT_LENGTH``):
    what is larger (``/dev/zero``, a log by mistake) is refused after that many bytes,
    before it fills the memory."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or Defaults.MAX_CONTENT_LENGTH
    data = file.read(limit + 1)
    if len(data) > limit:
        size = format_number(limit / (1024 * 1024), 0 if limit % (1024 * 1024) == 0 else 1)
        raise PlanFileError([Fault("$", f"filen är större än {size} MB, det största en "
                                        "planfil får vara")])
    return data


@plan_cli.command("export")
@click.argument("key")
@click.argument("file", type=click.Path(dir_okay=False, writable=True), required=False)
def export_command(key, file):
    """Skriv planen KEY som planfil, till FILE eller standard ut."""
    try:
        text = transfer.dump(transfer.export_plan(key))
    except transfer.PlanNotFound as e:
        click.echo(f"Fel: {e}.", err=True)
        sys.exit(1)
    if file is None:
        click.echo(text, nl=False)
    else:
        with open(file, "w", encoding="utf-8") as out:
            out.write(text)


@plan_cli.command("list")
def list_command():
    """Lista planerna: nyckel, nämnd, år och faser."""
    rows = transfer.list_plans()
    if not rows:
        click.echo("Inga planer.")
        return
    for plan in rows:
        phases = ", ".join(
            p.key + (" (öppen)" if p.is_open else "") for p in plan.phases
        )
        click.echo(f"{plan.key}\t{plan.board_name}\t{plan.year}\t{phases}")


@plan_cli.command("rollover")
@click.argument("key")
@click.option("--dry-run", is_flag=True, help="Visa bara vad som följer med och vad som stannar.")
def rollover_command(key, dry_run):
    """Skapa nästa års plan ur planen KEY: strukturen utan uppföljningar."""
    from followup.plans import rollover

    try:
        plan = transfer.get_plan(key)
    except transfer.PlanNotFound as e:
        click.echo(f"Fel: {e}.", err=True)
        sys.exit(1)
    for d in rollover.preview(plan):
        label = d.node.type.label + (f" {d.node.number}" if d.node.number else "")
        click.echo(f"{'  ' * d.depth}{label}: {d.node.title[:70]} – {d.reason}")
    if dry_run:
        click.echo(f"Provkörning: {rollover.next_key(plan)} skapades inte.")
        return
    try:
        new = rollover.build_next_year(plan)
    except ServiceError as e:
        click.echo(f"Fel: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(new.key)
