"""``flask --app app user create|list|grant|revoke|token…`` and ``sso check|map|mappings``
(the municipality's sign-in)."""

import sys

import click

from followup.core import formatting
from followup.core.cli import CommandGroup
from followup.core.errors import ServiceError
from followup.core.extensions import db
from followup.people import oidc, sso, tokens, users
from followup.people.models import ROLE_LABELS

user_cli = CommandGroup("user", help="Hantera användare.")


@user_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Namnet som visas.")
@click.option("--role", required=True,
              help="reporter, compiler, approver, reader eller admin: rollen i alla nämnder "
                   "(roller i en nämnd ges med user grant).")
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
    db.session.commit()
    click.echo(f"Skapade {user.email} ({users.role_summary(user)}).")


def _roles(user):
    """"compiler" (every board), "SCN:reporter" (one board), comma-separated."""
    return ",".join(([user.role.value] if user.role else [])
                    + [f"{g.board_code}:{g.role.value}" for g in user.board_roles]) or "-"


@user_cli.command("list")
def list_command():
    """Lista användarna: e-post, namn, roller (ROLL i alla nämnder, NÄMND:ROLL i en), enheter."""
    for user in users.list_users():
        units = ", ".join(f"{m.unit.plan.key}:{m.unit.key}" for m in user.memberships)
        state = "" if user.active else " (inaktiv)"
        click.echo(f"{user.email}\t{user.name}\t{_roles(user)}{state}\t{units}")


def _fail(message):
    click.echo(f"Fel: {message}.", err=True)
    sys.exit(1)


@user_cli.command("grant")
@click.argument("email")
@click.argument("role")
@click.option("--plan", "plan_key", required=True, metavar="PLAN",
              help="En plan i nämnden, t.ex. SCN-2023: rollen gäller nämndens planer alla år.")
@click.option("--unit", "unit_key", metavar="ENHET",
              help="För reporter: enheten i planen som användaren rapporterar för.")
def grant_command(email, role, plan_key, unit_key):
    """Ge användaren rollen ROLE (reporter, compiler, approver eller reader) i en nämnd."""
    _change_role(email, role, plan_key, lambda user, plan: users.grant(
        None, user, role, plan, unit_key), ("har nu", "hade redan"))


def _change_role(email, role, plan_key, change, words):
    """Runs ``change(user, plan)`` and commits, or exits 1 saying why; says what became
    of it with ``words`` (changed, unchanged)."""
    user = _user(email)
    try:
        plan = users.find_plan(plan_key)
        changed = change(user, plan)
    except users.UserError as e:
        _fail(e)
    db.session.commit()
    click.echo(f"{user.email} {words[0] if changed else words[1]} rollen "
               f"{ROLE_LABELS[users.parse_role(role)].lower()} i {plan.board_name} "
               f"({plan.board_code}).")


@user_cli.command("revoke")
@click.argument("email")
@click.argument("role")
@click.option("--plan", "plan_key", required=True, metavar="PLAN",
              help="En plan i nämnden, t.ex. SCN-2023.")
def revoke_command(email, role, plan_key):
    """Ta bort användarens roll ROLE i en nämnd (en handläggare slutar också rapportera
    för nämndens enheter)."""
    _change_role(email, role, plan_key, lambda user, plan: users.revoke(None, user, role, plan),
                 ("har inte längre", "hade inte"))


def _user(email):
    user = users.find_user(email)
    if user is None:
        click.echo(f"Fel: det finns ingen användare med e-postadressen {email}.", err=True)
        sys.exit(1)
    return user


@user_cli.command("token")
@click.argument("email")
@click.option("--name", required=True, help="Vad nyckeln används till, t.ex. \"Ekonomisystemet\".")
@click.option("--expires", metavar="ÅÅÅÅ-MM-DD",
              help=f"Sista giltighetsdag (högst {tokens.MAX_DAYS} dagar fram; "
                   f"utan: om {tokens.DEFAULT_DAYS} dagar).")
def token_command(email, name, expires):
    """Skapa en API-nyckel (bearer token) för användaren och skriv ut den. Den visas bara nu."""
    user = _user(email)
    try:
        token = tokens.create_token(user, name, expires)
    except ServiceError as e:
        click.echo(f"Fel: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(token)


@user_cli.command("tokens")
@click.argument("email")
def tokens_command(email):
    """Lista användarens API-nycklar: nummer, namn, skapad, sista dag, senast använd, läge."""
    rows = tokens.list_tokens(_user(email))
    if not rows:
        click.echo("Inga API-nycklar.")
    for row in rows:
        click.echo("\t".join([str(row.id), row.name, formatting.local_time(row.created_at),
                              formatting.iso_date(row.expires_at) if row.expires_at else "–",
                              formatting.local_time(row.last_used_at) if row.last_used_at
                              else "aldrig använd", tokens.state(row)]))


@user_cli.command("revoke-token")
@click.argument("email")
@click.argument("number", type=int)
def revoke_token_command(email, number):
    """Återkalla användarens API-nyckel med numret NUMBER (se user tokens)."""
    try:
        row = tokens.revoke_token(_user(email), number)
    except ServiceError as e:
        click.echo(f"Fel: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"API-nyckeln {row.id} ({row.name}) är återkallad.")


sso_cli = CommandGroup("sso", help="Inloggning med kommunens konto (OpenID Connect).")


@sso_cli.command("check")
def check_command():
    """Hämta inloggningstjänstens beskrivning och nycklar och säg vad som är fel."""
    found = oidc.problems()
    if found:
        for problem in found:
            click.echo(f"Fel: {problem}", err=True)
        sys.exit(1)
    click.echo(f"Inloggningen med kommunens konto är rätt inställd: {oidc.issuer()} svarar, "
               "beskrivningen anger samma issuer och har nycklar att kontrollera med.")


@sso_cli.command("map")
@click.argument("group")
@click.argument("role")
@click.option("--plan", "plan_key", metavar="PLAN",
              help="En plan i nämnden (t.ex. SCN-2023); utan: i alla nämnder (admin, reader).")
@click.option("--unit", "unit_key", metavar="ENHET", help="För reporter: enheten i planen.")
def map_command(group, role, plan_key, unit_key):
    """Låt gruppen GROUP (som kommunens konto anger den) ge rollen ROLE."""
    try:
        row = sso.add_mapping(None, group, role, plan_key, unit_key)
    except ServiceError as e:
        click.echo(f"Fel: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    where = f"i {row.board_code}" if row.board_code else "i alla nämnder"
    click.echo(f"Gruppen {row.group} ger nu rollen {ROLE_LABELS[row.role].lower()} {where}.")


@sso_cli.command("mappings")
def mappings_command():
    """Lista grupperna och rollerna de ger: nummer, grupp, roll, nämnd, enhet."""
    for row in sso.mappings():
        click.echo("\t".join([str(row.id), row.group, row.role.value, row.board_code or "*",
                              row.unit_key or ""]))


@sso_cli.command("link")
@click.argument("email")
@click.argument("subject")
def link_command(email, subject):
    """Koppla kontot med e-postadressen EMAIL till personen som inloggningstjänsten
    känner som SUBJECT (oid i Entra ID, annars sub)."""
    try:
        user = sso.link(email, subject)
    except ServiceError as e:
        click.echo(f"Fel: {e.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{user.email} loggar nu in med kommunens konto {subject}.")
