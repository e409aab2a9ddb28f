"""The OpenAPI description of the JSON API, served at /api/openapi.json.

Each API view describes itself with ``@describe(...)`` beside its route; the document is
built from the app's routes, so a path and its parameters are never written twice.
Schemathesis fuzzes the live API against it in the tests, and a test fails when an API
route has no description. To add an endpoint: route it on the ``api`` blueprint, put
``@describe`` on it, and name its schemas here (or pass them inline).
"""

import re

from followup.core.jsonin import MAX_NUMBER

VERSION = {"type": "integer", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER,
           "description": "Versionen som ändringen bygger på (0 för en ny)."}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"],
        "properties": {"error": {"type": "string", "description": "Felet, på svenska."},
                       "current": {"$ref": "#/components/schemas/Followup"}},
    },
    "Followup": {
        "type": "object",
        "required": ["node", "type", "number", "title", "unit", "level", "comment", "state",
                     "version"],
        "properties": {
            "node": {"type": "string"}, "type": {"type": "string"},
            "number": {"type": ["string", "null"]}, "title": {"type": "string"},
            "unit": {"type": ["string", "null"]}, "level": {"type": ["string", "null"]},
            "comment": {"type": ["string", "null"], "description": "HTML (p br ul ol li strong em)."},
            "state": {"enum": ["empty", "draft", "submitted", "returned", "approved"]},
            "version": {"type": "integer", "minimum": 0},
        },
        "additionalProperties": False,
    },
    "FollowupList": {"type": "array", "items": {"$ref": "#/components/schemas/Followup"}},
    "BoardFollowups": {
        "type": "object", "required": ["node", "boards"],
        "properties": {
            "node": {"type": "string", "description": "Noden i kommunens plan."},
            "boards": {"type": "array", "items": {
                "type": "object",
                "required": ["plan", "board", "node", "level", "comment", "state", "signed"],
                "properties": {
                    "plan": {"type": "string", "description": "Nämndens plan."},
                    "board": {"type": "string"},
                    "node": {"type": "string", "description": "Noden i nämndens plan."},
                    "level": {"type": ["string", "null"]},
                    "comment": {"type": ["string", "null"]},
                    "state": {"enum": ["empty", "draft", "submitted", "returned", "approved"]},
                    "signed": {"type": "boolean",
                               "description": "Nämndens tjänsteskrivelse för fasen är fastställd."},
                },
                "additionalProperties": False}},
        },
        "additionalProperties": False,
    },
    "FollowupUpdate": {
        "type": "object", "required": ["level", "comment", "version"],
        "properties": {"level": {"type": ["string", "null"], "description": "En nivås nyckel."},
                       "comment": {"type": ["string", "null"]}, "version": VERSION},
        "additionalProperties": False,
    },
    "Version": {"type": "object", "properties": {"version": VERSION},
                "additionalProperties": False},
    "Return": {
        "type": "object", "required": ["remark"],
        "properties": {"remark": {"type": "string"}, "version": VERSION},
        "additionalProperties": False,
    },
    "Phase": {
        "type": "object", "required": ["phase", "label", "open", "deadline"],
        "properties": {"phase": {"type": "string"}, "label": {"type": "string"},
                       "open": {"type": "boolean"},
                       "deadline": {"type": ["string", "null"], "format": "date"}},
        "additionalProperties": False,
    },
    "OpenAPI": {"type": "object", "required": ["openapi", "paths"]},
    "Table": {
        "type": "object", "required": ["table", "title", "unit", "columns", "version", "rows"],
        "properties": {
            "table": {"type": "string"}, "title": {"type": "string"},
            "unit": {"type": ["string", "null"]},
            "columns": {"type": "array", "items": {"type": "string"}},
            "version": {"type": "integer", "minimum": 0},
            "rows": {"type": "object", "additionalProperties": {
                "type": "array", "items": {"type": ["number", "null"]}}},
        },
    },
    "TableUpdate": {
        "type": "object", "required": ["version", "rows"],
        "properties": {"version": VERSION, "rows": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": ["number", "null"], "minimum": -MAX_NUMBER,
                                       "maximum": MAX_NUMBER}}}},
        "additionalProperties": False,
    },
    "SignRequest": {
        "type": "object", "required": ["confirm"],
        "properties": {"confirm": {"const": True},
                       "reason": {"type": ["string", "null"],
                                  "description": "Krävs när något inte är godkänt."}},
        "additionalProperties": False,
    },
    "Signed": {
        "type": "object", "required": ["version", "sha256", "snapshot_sha256"],
        "properties": {"version": {"type": "integer", "minimum": 1},
                       "sha256": {"type": "string"}, "snapshot_sha256": {"type": "string"}},
    },
    "Reopen": {"type": "object", "required": ["reason"],
               "properties": {"reason": {"type": "string"}}, "additionalProperties": False},
    "Reopened": {"type": "object", "required": ["version", "state"],
                 "properties": {"version": {"type": "integer"}, "state": {"type": "string"}}},
    "NodeCreate": {
        "type": "object", "required": ["type", "title"],
        "properties": {k: {"type": ["string", "null"]} for k in
                       ("parent", "type", "title", "number", "unit", "since", "prefix")},
        "additionalProperties": False,
    },
    "Node": {
        "type": "object", "required": ["key", "type", "number", "title", "parent", "since"],
        "properties": {k: {"type": ["string", "null"]} for k in
                       ("key", "type", "number", "title", "parent", "since")},
    },
    "PDF": {"type": "string", "format": "binary"},
}

# What any call may answer besides its own success: the API's errors, all JSON.
ERRORS = {
    "400": "Felaktig begäran.",
    "401": "Ogiltig, utgången, återkallad eller saknad API-nyckel.",
    "403": "Användaren får inte göra detta.",
    "404": "Planen, fasen eller noden finns inte.",
    "409": "Någon annan har sparat efter versionen; ``current`` är det som gäller nu.",
    "413": "Begäran är för stor.",
    "422": "Ogiltiga uppgifter (okänd nivå, fel typ, för djup JSON, otillåtna tecken …).",
}


def describe(summary, *, response, body=None, body_required=False, public=False,
             status="200", media="application/json", query=()):
    """Mark an API view as described: ``response`` and ``body`` name SCHEMAS (or are
    schemas); ``public`` for the one call that needs no token; ``status`` and ``media``
    of its success; ``query`` its query parameters as (name, schema, description)."""
    def decorate(view):
        view.openapi = {"summary": summary, "response": response, "body": body,
                        "body_required": body_required, "public": public, "status": status,
                        "media": media, "query": query}
        return view
    return decorate


def _schema(ref):
    return {"$ref": f"#/components/schemas/{ref}"} if isinstance(ref, str) else ref


def _operation(rule, spec):
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in rule.arguments]
    params += [{"name": name, "in": "query", "required": False, "schema": schema,
                "description": text} for name, schema, text in spec.get("query", ())]
    op = {"summary": spec["summary"], "operationId": rule.endpoint.split(".", 1)[1],
          "parameters": params,
          "responses": {spec.get("status", "200"): {"description": "Klart.", "content": {
              spec.get("media", "application/json"): {"schema": _schema(spec["response"])}}}}}
    for code, text in ERRORS.items():
        op["responses"][code] = {"description": text, "content": {
            "application/json": {"schema": _schema("Error")}}}
    if spec["body"]:
        op["requestBody"] = {"required": spec["body_required"], "content": {
            "application/json": {"schema": _schema(spec["body"])}}}
    if spec["public"]:
        op["security"] = []
    return op


def api_rules(app, blueprint="api"):
    """(rule, method) for every route of the API blueprint."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(blueprint + "."):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def openapi_path(rule):
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def build(app):
    paths = {}
    for rule, method in api_rules(app):
        spec = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if spec is not None:
            paths.setdefault(openapi_path(rule), {})[method.lower()] = _operation(rule, spec)
    return {
        "openapi": "3.1.0",
        "info": {"title": "followup API", "version": "1",
                 "description": "Uppföljningar och faser. Autentisering: Authorization: "
                                "Bearer <API-nyckel> (skapas på /konto eller med "
                                "flask user token). Fel är JSON {\"error\": \"…\"}."},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": SCHEMAS,
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }
