"""gunicorn's settings for followup, read from this folder whatever the command line
says (docs/operations.md, "Serving").

The app is loaded once, before the workers are forked: they share its code and data
with the server process instead of each importing it anew, which halves a server's
memory (docs/benchmarks.md, "Memory of an app server").
"""

import gc

preload_app = True


def when_ready(server):
    # What the server process has loaded is kept out of the garbage collector's
    # passes, which would otherwise write to those pages in each worker and so copy
    # them.
    gc.freeze()


def post_fork(server, worker):
    # A connection the server process opened while loading the app is its own: a worker
    # opens its own and never uses, or closes, one it inherited.
    from followup.core.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
