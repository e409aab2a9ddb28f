"""Links to the application's pages where there is no request to build them from:
e-mails and the command line. Paths come from the URL map; ``BASE_URL`` makes them
absolute for an e-mail."""

from flask import current_app


def path(endpoint, **values):
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(app_path):
    return current_app.config["BASE_URL"].rstrip("/") + app_path
