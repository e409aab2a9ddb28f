"""Blueprints of the web application, navigation, and error pages (JSON under /api)."""

from flask import Blueprint, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from followup.core.errors import ServiceError
from followup.core.extensions import csrf, db
from followup.notify import notifications
from followup.people import permissions
from followup.people.models import Role

API_ERRORS = {
    400: "Felaktig begäran.",
    404: "Finns inte.",
    405: "Metoden är inte tillåten här.",
    413: "Begäran är för stor.",
    415: "Skicka JSON (Content-Type: application/json).",
    500: "Ett oväntat fel inträffade.",
}

PAGE_ERRORS = {
    400: ("Felaktig begäran", "Formuläret kunde inte tas emot. Ladda om sidan och försök igen."),
    403: ("Åtkomst nekad", "Du har inte behörighet till det här."),
    404: ("Sidan finns inte", "Sidan du söker finns inte."),
    405: ("Fel metod", "Sidan kan inte användas så."),
    409: ("Det gick inte att spara", "Någon annan har ändrat samtidigt."),
    413: ("För stort", "Det du skickade är för stort."),
    422: ("Ogiltiga uppgifter", "Uppgifterna kunde inte sparas."),
    429: ("För många försök", "För många försök. Vänta en stund och försök igen."),
    500: ("Ett fel inträffade", "Något gick fel hos oss. Försök igen om en stund."),
}

# Per role, in the order a person with several roles sees them.
NAV = {
    Role.compiler: [("review.index", "Att granska"), ("main.plan_list", "Planer"),
                    ("users.index", "Användare")],
    Role.approver: [("main.to_sign", "Att fastställa"), ("main.plan_list", "Planer")],
    Role.reporter: [("followups.mine", "Mina uppföljningar"), ("main.plan_list", "Planer")],
    Role.reader: [("main.documents", "Dokument"), ("main.plan_list", "Planer")],
    Role.admin: [("users.index", "Användare")],
}


def nav_for(user):
    """The menu of every role the user holds on some board, each page once."""
    held = permissions.all_roles(user)
    links = {}
    for role, entries in NAV.items():
        if role in held:
            for endpoint, label in entries:
                links.setdefault(endpoint, label)
    return list(links.items())


def _back():
    """The page the user came from, when it is one of ours: the error page's way back."""
    from urllib.parse import urlsplit

    from followup.people.views.auth import is_local_path

    came_from = urlsplit(request.referrer or "")
    if came_from.netloc != request.host:
        return None
    target = came_from.path + (f"?{came_from.query}" if came_from.query else "")
    same_page = request.method == "GET" and target == request.full_path.rstrip("?")
    return target if is_local_path(target) and not same_page else None


def register_blueprints(app):
    from followup.followups.api import bp as api_bp
    from followup.followups.api import error
    from followup.followups.views.controls import bp as controls_bp
    from followup.followups.views.followups import bp as followups_bp
    from followup.followups.views.municipality import bp as municipality_bp
    from followup.followups.views.review import bp as review_bp
    from followup.memos import api as api_record  # noqa: F401  (routes on the API blueprint)
    from followup.memos.views.memo_editor import bp as memo_editor_bp
    from followup.memos.views.memos import bp as memos_bp
    from followup.notify.views import bp as notices_bp
    from followup.people.views.account import bp as account_bp
    from followup.people.views.auth import bp as auth_bp
    from followup.people.views.sso import bp as sso_bp
    from followup.people.views.users import bp as users_bp
    from followup.plans.views import bp as structure_bp
    from followup.start.views import bp as main_bp
    from followup.tables import (  # noqa: F401  (its routes are on the API blueprint)
        api as api_tables,
    )
    from followup.tables.views.tables import bp as tables_bp

    # The print templates belong to the documents package, which has no pages of its own.
    app.register_blueprint(Blueprint("documents", "followup.documents", template_folder="templates"))
    for bp in (main_bp, auth_bp, sso_bp, followups_bp, review_bp, structure_bp, users_bp, memos_bp,
               memo_editor_bp, tables_bp, controls_bp, account_bp, notices_bp, municipality_bp,
               api_bp):
        app.register_blueprint(bp)
    # The API reads no cookies (bearer tokens only), so a forged cross-site request
    # carries no credentials: it alone is exempt from CSRF tokens.
    csrf.exempt(api_bp)

    @app.context_processor
    def navigation():
        def nav_links():
            return nav_for(current_user) if current_user.is_authenticated else []

        def unread_notices():
            return notifications.unread_count(current_user) if current_user.is_authenticated else 0
        return {"nav_links": nav_links, "unread_notices": unread_notices}

    def is_api():
        return request.path.startswith(api_bp.url_prefix + "/")

    @app.errorhandler(HTTPException)
    def http_error(e):
        if e.code >= 500:
            # A failed statement leaves the transaction unusable, and the error page
            # reads the signed-in user: undone first, or the page itself fails and
            # the browser gets the server's bare English one.
            db.session.rollback()
        if is_api():
            return error(e.code, API_ERRORS.get(e.code, e.description))
        title, message = PAGE_ERRORS.get(e.code, (e.name, e.description))
        if e.description and e.description != type(e).description:
            message = e.description  # our own words (Swedish), not Werkzeug's default
        return render_template("error.html", title=title, message=message,
                               back=_back()), e.code

    @app.errorhandler(ServiceError)
    def service_error(e):
        title, _ = PAGE_ERRORS.get(e.status, ("Fel", ""))
        return render_template("error.html", title=title, message=e.message,
                               back=_back()), e.status
