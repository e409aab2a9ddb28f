"""The job queue's worker: ``celery -A followup.worker worker``.

Runs on any machine with the application's settings (the same ``FOLLOWUP_DATABASE_URL``,
``FOLLOWUP_JOBS_BROKER_URL`` and ``FOLLOWUP_SECRET_KEY`` as the app servers). WeasyPrint,
the fonts and the print stylesheet are loaded once, before the worker's processes are
forked from it.
"""

from celery.signals import worker_init, worker_process_init

from followup import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]


@worker_init.connect
def _load_weasyprint(**_):
    import followup.core.pdf_worker  # noqa: F401  (lays out a small document once)


@worker_process_init.connect
def _own_connections(**_):
    # A forked process never shares its parent's database connections.
    from followup.core.extensions import db

    with flask_app.app_context():
        db.engine.dispose(close=False)
    # A worker reads and keeps PDFs in the database's cache only, which every server and
    # worker shares: one of its own in memory would only hold copies.
    from followup.core import pdf_cache

    pdf_cache.keep_in_memory(False)
