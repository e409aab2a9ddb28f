"""Blueprints of the web application."""


def register_blueprints(app):
    from .main import bp as main_bp

    app.register_blueprint(main_bp)
