"""The job queue: Celery with Redis as its broker and result store.

Work that takes seconds (laying out PDFs, signing a memo, sending e-mail) runs as jobs
in worker processes (``celery -A followup.worker worker``), on this machine or others,
all on one Redis and one database. ``JOBS_BROKER_URL`` (FOLLOWUP_JOBS_BROKER_URL) names
the Redis; without it there is no queue and each job runs in the process that asks for
it, as it is done before a reply (the tests' default, and a single process's).

Each package defines its jobs with ``shared_task`` in its ``tasks`` module; a job runs
in an application context of its own, with a database session of its own.
"""

import logging

from celery import Celery, Task
from flask import current_app

log = logging.getLogger("followup.jobs")
# The Redis keys of this application start with it.
PREFIX = "followup:"


def init_app(app):
    flask_app = app

    class AppTask(Task):
        def __call__(self, *args, **kwargs):
            # A context of its own, even inside a request: the job's session and its
            # commits are never the request's.
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("JOBS_BROKER_URL")
    celery = Celery(app.import_name, task_cls=AppTask, set_as_current=False)
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=broker or "cache+memory://",
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_serializer="json", result_serializer="json", accept_content=["json"],
        # A job is taken off the queue when it is done: one a worker that dies is given
        # to another, and a long layout does not keep others waiting behind it.
        task_acks_late=True, task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        result_expires=24 * 60 * 60,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"global_keyprefix": PREFIX},
        worker_hijack_root_logger=False,
        task_track_started=True,
    )
    app.extensions["celery"] = celery
    return celery


def queued():
    """Whether jobs go to workers (a broker is set) rather than run where they are asked."""
    return not current_app.extensions["celery"].conf.task_always_eager


def in_job():
    """Whether this runs in a job on a worker of the queue."""
    from celery import current_task

    if not current_task:  # a proxy: false outside a job
        return False
    return not current_task.request.is_eager and current_task.request.id is not None


def task(name):
    """The job ``name`` of this application's queue."""
    return current_app.extensions["celery"].tasks[name]


def start(name, *args, countdown=None, time_limit=None):
    """Start the job ``name`` with ``args``: queued for a worker, or done here and now
    without a broker. Its result (``celery.result``) either way."""
    job = task(name)
    if not queued():
        return job.apply(args=args, throw=True)
    return job.apply_async(args=args, countdown=countdown, time_limit=time_limit)


def result(job_id):
    """The result of a job started earlier, by its id."""
    return current_app.extensions["celery"].AsyncResult(job_id)


def redis():
    """A client of the queue's Redis (None without one): for the marks that say a job is
    in flight, shared by every server."""
    if not queued():
        return None
    url = current_app.config["JOBS_BROKER_URL"]
    clients = current_app.extensions.setdefault("jobs_redis", {})
    if url not in clients:
        import redis as redis_client

        clients[url] = redis_client.Redis.from_url(url)
    return clients[url]


_RELEASE = ("if redis.call('get', KEYS[1]) == ARGV[1] then "
            "return redis.call('del', KEYS[1]) else return 0 end")


def release(key, holder):
    """Remove the mark ``key`` if ``holder`` (a job's id) still holds it: a mark that
    expired and was taken by another job stays that job's."""
    client = redis()
    if client is not None:
        client.eval(_RELEASE, 1, key, holder)


def refusal(error):
    """A ServiceError as a job's result: JSON, raised again by ``outcome``."""
    return {"refused": {"kind": type(error).__name__, "message": error.message,
                        "status": error.status, "field": getattr(error, "field", None)}}


def outcome(result):
    """A finished job's result; the ServiceError it was refused with raised again, as the
    class of core.errors it was (or a ServiceError with its status)."""
    from followup.core import errors

    if not isinstance(result, dict) or "refused" not in result:
        return result
    refused = result["refused"]
    kind = getattr(errors, refused["kind"], None)
    if kind is errors.Invalid:
        raise errors.Invalid(refused["message"], refused["field"])
    if isinstance(kind, type) and issubclass(kind, errors.ServiceError) \
            and kind is not errors.Conflict:
        raise kind(refused["message"])
    error = errors.ServiceError(refused["message"])
    error.status = refused["status"]
    raise error
