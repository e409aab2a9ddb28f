"""The command line: ``flask --app app plan …``, ``user …``, ``demo …``, ``report …``, ``notify …``,
each group from its feature package."""


def register_commands(app):
    from followup.demo.cli import demo_cli
    from followup.memos.cli import report_cli
    from followup.notify.cli import notify_cli
    from followup.people.cli import sso_cli, user_cli
    from followup.planfile.cli import plan_cli

    app.cli.add_command(plan_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(sso_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(report_cli)
    app.cli.add_command(notify_cli)
