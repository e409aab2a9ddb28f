"""Command-line groups: ``flask --app app plan …``, ``user …``, ``demo …``, ``notify …``."""


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
