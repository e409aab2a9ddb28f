"""Blueprints of the web application, and JSON errors for the API."""

from flask import request
from werkzeug.exceptions import HTTPException

API_ERRORS = {
    400: "Felaktig begäran.",
    404: "Finns inte.",
    405: "Metoden är inte tillåten här.",
    413: "Begäran är för stor.",
    415: "Skicka JSON (Content-Type: application/json).",
    500: "Ett oväntat fel inträffade.",
}


def register_blueprints(app):
    from .api import bp as api_bp
    from .api import error
    from .main import bp as main_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(api_bp)

    @app.errorhandler(HTTPException)
    def http_error(e):
        if request.path.startswith(api_bp.url_prefix + "/"):
            return error(e.code, API_ERRORS.get(e.code, e.description))
        return e
