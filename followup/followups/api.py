"""The JSON API: bearer tokens only (no cookies, so no CSRF), Swedish error messages."""

import logging

from flask import Blueprint, current_app, g, jsonify, request

from followup.core import openapi
from followup.core.errors import Conflict, Invalid, ServiceError
from followup.core.extensions import db
from followup.core.openapi import describe
from followup.core.security_log import event
from followup.followups import boards
from followup.followups import followups as fu
from followup.people import permissions, tokens
from followup.plans import lookup, phases

bp = Blueprint("api", __name__, url_prefix="/api")

# A comment is at most 100 000 characters of HTML; escaped as JSON that stays well
# within this. Larger bodies are refused (413) before they are read.
MAX_BODY = 2 * 1024 * 1024


def error(status, message, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="followup"'
    return response


@bp.before_request
def limit_body():
    request.max_content_length = MAX_BODY


@bp.before_request
def authenticate():
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "openapi", {}).get("public"):
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = tokens.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    # The token's last use (recorded at most once a minute) is kept whatever the request
    # then does, as a transaction of its own before the request's.
    db.session.commit()
    if user is None:
        event("api.refused", logging.WARNING, path=request.path)
        return error(401, "Ogiltig, utgången, återkallad eller saknad API-nyckel "
                          "(Authorization: Bearer …).")
    g.api_user = user


@bp.errorhandler(ServiceError)
def service_error(e):
    if isinstance(e, Conflict):
        return error(409, e.message, current=followup_json(e.current))
    return error(e.status, e.message)


def followup_json(cur):
    node = cur.node
    return {
        "node": node.key,
        **node.described(),
        "level": cur.level.key if cur.level else None,
        "comment": cur.comment,
        "state": cur.state.value,
        "version": cur.version,
    }


def body(allowed, required=()):
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Kroppen ska vara ett JSON-objekt.")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise Invalid(f"Okända fält: {', '.join(unknown)}. Tillåtna: {', '.join(allowed)}.")
    missing = [k for k in required if k not in data]
    if missing:
        raise Invalid(f"Fält saknas: {', '.join(missing)}.")
    return data


def _committed(answer):
    """The request's change committed (its operation succeeded), ``answer`` as JSON."""
    db.session.commit()
    return jsonify(answer)


def optional_body(allowed):
    return body(allowed) if request.get_data() else {}


def locate(plan_key, phase_key, node_key=None):
    permissions.require_read_key(g.api_user, plan_key)
    return lookup.locate(plan_key, phase_key, node_key)


PHASE = "/plans/<plan_key>/phases/<phase_key>"
FOLLOWUP = PHASE + "/followups/<node_key>"


@bp.get("/openapi.json")
@describe("Den här beskrivningen av API:et (OpenAPI 3.1).", response="OpenAPI", public=True)
def openapi_description():
    return jsonify(openapi.build(current_app))


@bp.get(PHASE + "/followups")
@describe("Alla uppföljda noder i fasen, i trädets ordning.", response="FollowupList")
def list_followups(plan_key, phase_key):
    plan, phase, _ = locate(plan_key, phase_key)
    return jsonify([followup_json(c) for c in fu.phase_overview(plan, phase)])


@bp.get(FOLLOWUP)
@describe("En nods uppföljning i fasen.", response="Followup")
def get_followup(plan_key, phase_key, node_key):
    _, phase, node = locate(plan_key, phase_key, node_key)
    return jsonify(followup_json(fu.current(node, phase)))


@bp.get(PHASE + "/boards/<node_key>")
@describe("Nämndernas uppföljning av en nod i kommunens plan (mål eller uppdrag): en rad "
          "per nämndsplan vars nod har den som källa (source).", response="BoardFollowups")
def list_board_followups(plan_key, phase_key, node_key):
    plan, phase, node = locate(plan_key, phase_key, node_key)
    entries = boards.sourcing(plan, phase.key, [node.key]).get(node.key, [])
    return jsonify({"node": node.key, "boards": [e.as_json() for e in entries]})


@bp.put(FOLLOWUP)
@describe("Spara nivå och kommentar, byggt på en version.", response="Followup",
          body="FollowupUpdate", body_required=True)
def put_followup(plan_key, phase_key, node_key):
    _, phase, node = locate(plan_key, phase_key, node_key)
    data = body(("level", "comment", "version"), required=("level", "comment", "version"))
    saved = fu.save(g.api_user, node, phase, level_key=data["level"], comment=data["comment"],
                    version=data["version"], source="api")
    return _committed(followup_json(saved))


@bp.post(FOLLOWUP + "/submit")
@describe("Skicka in uppföljningen (handläggare eller strateg).", response="Followup",
          body="Version")
def submit_followup(plan_key, phase_key, node_key):
    _, phase, node = locate(plan_key, phase_key, node_key)
    data = optional_body(("version",))
    return _committed(followup_json(fu.submit(g.api_user, node, phase, data.get("version"),
                                              "api")))


@bp.post(FOLLOWUP + "/return")
@describe("Återremittera med en anmärkning (strateg).", response="Followup", body="Return",
          body_required=True)
def return_followup(plan_key, phase_key, node_key):
    _, phase, node = locate(plan_key, phase_key, node_key)
    data = body(("remark", "version"), required=("remark",))
    return _committed(followup_json(fu.return_for_changes(
        g.api_user, node, phase, data["remark"], data.get("version"), "api")))


@bp.post(FOLLOWUP + "/approve")
@describe("Godkänn uppföljningen (strateg).", response="Followup", body="Version")
def approve_followup(plan_key, phase_key, node_key):
    _, phase, node = locate(plan_key, phase_key, node_key)
    data = optional_body(("version",))
    return _committed(followup_json(fu.approve(g.api_user, node, phase, data.get("version"),
                                               "api")))


def phase_json(phase):
    return {"phase": phase.key, "label": phase.label, "open": phase.is_open,
            "deadline": phase.deadline.isoformat() if phase.deadline else None}


@bp.post(PHASE + "/open")
@describe("Öppna fasen för rapportering (strateg).", response="Phase")
def open_phase(plan_key, phase_key):
    _, phase, _ = locate(plan_key, phase_key)
    return _committed(phase_json(phases.set_open(g.api_user, phase, True)))


@bp.post(PHASE + "/close")
@describe("Stäng fasen för rapportering (strateg).", response="Phase")
def close_phase(plan_key, phase_key):
    _, phase, _ = locate(plan_key, phase_key)
    return _committed(phase_json(phases.set_open(g.api_user, phase, False)))
