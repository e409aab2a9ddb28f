"""followup: a board's plan, its follow-ups and the memo they end up in."""

import os


def create_app(test_config=None, instance_path=None):
    # Imported here, not with the package: the PDF workers import followup.core.pdf alone.
    from flask import Flask

    from followup.core import config
    from followup.core.extensions import csrf, db, limiter, login_manager, mail, migrate

    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("FOLLOWUP_INSTANCE_PATH"),
        instance_relative_config=True,
        template_folder="templates",
    )
    os.makedirs(app.instance_path, exist_ok=True)
    config.load(app, test_config)
    # What names the PDFs this code prepares: read once from the files it was loaded
    # from, before gunicorn forks its workers (a worker forked later would read files
    # that an update may have changed since).
    from followup.core import pdf_cache

    pdf_cache.code_digest()
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        # The client's own address for the login limits and the logs, not the proxy's.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    # JSON log lines with a request id and an access line a request; first, so that the
    # request id is there for every other hook. Warns under gunicorn when each server
    # would make a secret key of its own.
    from followup.core import logs

    logs.init_app(app)

    db.init_app(app)
    from followup import models  # noqa: F401  (registers the tables on the metadata)
    from followup.notify import subscriptions  # noqa: F401  (the notifications listen)

    migrations = os.path.join(os.path.dirname(__file__), "migrations")
    migrate.init_app(app, db, directory=migrations)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)

    from followup.core import headers, jobs, request_input, security_log

    jobs.init_app(app)
    from followup import tasks  # noqa: F401  (the jobs of every package)

    headers.init_app(app)
    request_input.init_app(app)
    security_log.init_app(app)

    from followup import filters

    filters.register(app)

    from followup.commands import register_commands
    from followup.web import register_blueprints

    register_commands(app)
    register_blueprints(app)
    return app
