"""Command-line groups: ``flask --app app plan …``, ``user …``, ``demo …``, ``notify …``."""

import click
from flask.cli import AppGroup

from ..jsonin import escaped, text_problem


class CommandGroup(AppGroup):
    """A group whose arguments must be storable text: NUL or bytes that are not UTF-8
    (which arrive as lone surrogates) are refused in one line, before any command runs
    and long before a database would fail on them with a traceback."""

    def parse_args(self, ctx, args):
        for arg in args:
            problem = text_problem(arg)
            if problem:
                raise click.UsageError(f"argumentet ”{escaped(arg)}” {problem}.", ctx)
        return super().parse_args(ctx, args)


def register_commands(app):
    from .demo import demo_cli
    from .notify import notify_cli
    from .plan import plan_cli
    from .report import report_cli
    from .user import user_cli

    app.cli.add_command(plan_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(notify_cli)
