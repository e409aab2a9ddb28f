"""The base of every command-line group (each feature package has its own)."""

import click
from flask.cli import AppGroup

from followup.core.jsonin import escaped, text_problem


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

