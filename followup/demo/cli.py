"""``flask --app app demo load``: the demo plan and users."""

import os
import sys

import click
from flask import current_app

from followup import demo
from followup.core.cli import CommandGroup
from followup.core.extensions import db

demo_cli = CommandGroup("demo", help="Demodata.")

CREDENTIALS_FILE = "demo-users.txt"


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True,
              help="Ladda bara om databasen saknar planer och användare; visa annars demoinloggningarna.")
def load_command(if_empty):
    """Ladda demoplanerna (kommunens och en nämnds) och demoanvändare för varje roll."""
    path = os.path.join(current_app.instance_path, CREDENTIALS_FILE)
    if not demo.is_empty():
        if not if_empty:
            click.echo("Databasen innehåller redan data; demodata laddas bara i en tom databas.", err=True)
            sys.exit(1)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                click.echo(f.read(), nl=False)
        return
    created = demo.load()
    db.session.commit()
    shown = os.path.relpath(path)  # where it is, from where the command was run
    if shown.startswith(".."):
        shown = path
    lines = [f"Demoanvändare (lösenorden finns bara här och i {shown}):"]
    lines += [f"  {roles:<38} {email:<32} {password}" for email, _, roles, password in created]
    text = "\n".join(lines) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    click.echo(text, nl=False)
