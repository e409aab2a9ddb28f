"""``flask --app app user create|list``."""

import sys

import click
from flask.cli import AppGroup

from ..models.user import ROLE_LABELS
from ..services import tokens, users

user_cli = AppGroup("user", help="Hantera användare.")


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Namnet som visas.")
@click.option("--role", required=True, help="reporter, compiler, approver, reader eller admin.")
@click.option("--unit", "units", multiple=True, metavar="PLAN:ENHET",
              help="En enhet användaren rapporterar för; får upprepas.")
def create_command(email, name, role, units):
    """Skapa en användare. Lösenordet läses från standard in (en rad), aldrig från argumenten."""
    if sys.stdin.isatty():
        password = click.prompt("Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = users.create_user(email, name, role, password, units)
    except users.UserError as e:
        click.echo(f"Fel: {e}.", err=True)
        sys.exit(1)
    click.echo(f"Skapade {user.email} ({ROLE_LABELS[user.role]}).")


@user_cli.command("list")
def list_command():
    """Lista användarna med roll och enheter."""
    for user in users.list_users():
        units = ", ".join(f"{m.unit.plan.key}:{m.unit.key}" for m in user.memberships)
        state = "" if user.active else " (inaktiv)"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}{state}\t{units}")


@user_cli.command("token")
@click.argument("email")
def token_command(email):
    """Skapa en API-nyckel (bearer token) för användaren och skriv ut den. Den visas bara nu."""
    user = users.find_user(email)
    if user is None:
        click.echo(f"Fel: det finns ingen användare med e-postadressen {email}.", err=True)
        sys.exit(1)
    click.echo(tokens.create_token(user))
