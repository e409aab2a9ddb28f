"""The record through the API: sign and reopen a phase's memo, download its documents
(for a signed memo the stored files, byte for byte), and add a node to the plan."""

from flask import Response, g, jsonify, request

from followup.core.errors import Invalid, Unavailable
from followup.core.extensions import db
from followup.core.openapi import describe
from followup.followups.api import PHASE, body, bp
from followup.memos import reports, signoff, tasks
from followup.people import permissions
from followup.plans import lookup, structure

MEMO = PHASE + "/memo"
# Seconds the API waits for a signing job before it answers that it is under way.
SIGN_WAIT = 600


def _memo(plan_key, phase_key, loaded=True):
    permissions.require_read_key(g.api_user, plan_key)
    return reports.find_memo(plan_key, phase_key, loaded)


def _text(data, key, required=False):
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{key} ska vara en text.")
    return value


@bp.post(MEMO + "/sign")
@describe("Fastställ fasens tjänsteskrivelse (direktör); 409 om den redan är fastställd.",
          response="Signed", body="SignRequest", body_required=True, status="201")
def sign_memo(plan_key, phase_key):
    memo = _memo(plan_key, phase_key)
    data = body(("confirm", "reason"), required=("confirm",))
    if data["confirm"] is not True:
        raise Invalid("confirm ska vara true: fastställelsen ska vara avsiktlig.")
    # A job of the queue signs (memos/tasks.py); the API answers when it is done.
    started = tasks.start_signing(g.api_user, memo, confirm=True, reason=_text(data, "reason"))
    state = tasks.signing(started, wait=SIGN_WAIT)
    if state.error is not None:
        raise state.error
    if not state.done:
        raise Unavailable("Fastställelsen pågår fortfarande. Hämta tjänsteskrivelsen om en "
                          "stund för att se om den är fastställd.")
    response = jsonify(state.signed)
    response.status_code = 201
    return response


@bp.post(MEMO + "/reopen")
@describe("Återöppna en fastställd tjänsteskrivelse med ett skäl (direktör).",
          response="Reopened", body="Reopen", body_required=True)
def reopen_memo(plan_key, phase_key):
    memo = _memo(plan_key, phase_key)
    data = body(("reason",), required=("reason",))
    entry = signoff.reopen(g.api_user, memo, _text(data, "reason", required=True))
    db.session.commit()
    return jsonify({"version": entry.version, "state": memo.state.value})


@bp.get(MEMO + "/pdf")
@describe("Hela ärendet eller en bilaga som PDF; för en fastställd tjänsteskrivelse de "
          "lagrade filerna.", response="PDF", media="application/pdf", query=(
              ("appendix", {"type": "string"}, "Bilagans nummer."),
              ("variant", {"enum": ["pdf", "archival"]}, "archival: PDF/A.")))
def memo_pdf(plan_key, phase_key):
    """The case, or with ``?appendix=N`` one appendix; ``?variant=archival`` for PDF/A."""
    memo = _memo(plan_key, phase_key, loaded=False)
    appendix = request.args.get("appendix")
    variant = request.args.get("variant", "pdf")
    if variant not in ("pdf", "archival"):
        raise Invalid("variant ska vara pdf eller archival.")
    # ASCII digits: isdigit() and int() also take "١" and "１" for 1.
    if appendix is not None and not (appendix.isascii() and appendix.isdigit()):
        raise Invalid("appendix ska vara bilagans nummer.")
    document = f"bilaga-{int(appendix)}" if appendix is not None else signoff.CASE
    data = signoff.document(memo, document, variant)
    name = reports.file_name(memo, int(appendix) if appendix else None, variant == "archival")
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.post("/plans/<plan_key>/nodes")
@describe("Lägg till en punkt i planen (strateg); den följs upp från since, annars från "
          "fasen som pågår.", response="Node", body="NodeCreate", body_required=True,
          status="201")
def add_node(plan_key):
    plan = lookup.find_plan(plan_key)
    permissions.require_read(g.api_user, plan)
    fields = ("parent", "type", "title", "number", "unit", "since", "prefix")
    data = body(fields, required=("type", "title"))
    for key in fields:
        _text(data, key, required=key in ("type", "title"))
    parent = lookup.find_node(plan, data["parent"]) if data.get("parent") else None
    node = structure.add_node(g.api_user, plan, parent=parent, type_key=data["type"],
                              number=data.get("number"), title=data["title"],
                              unit_key=data.get("unit"), since_key=data.get("since"),
                              prefix=data.get("prefix"))
    db.session.commit()
    response = jsonify({"key": node.key, "type": node.type.key, "number": node.number,
                        "title": node.title, "parent": parent.key if parent else None,
                        "since": node.since.key if node.since else None})
    response.status_code = 201
    return response
