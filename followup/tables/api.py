"""Tables of figures in the JSON API: read and write a table's figures exactly.

Registered on the API blueprint (bearer tokens, Swedish errors). Figures travel
as JSON numbers with their exact digits both ways: a PUT of 1.247 is stored as
1.247 and a GET gives 1.247 back, never a rounded binary float.
"""

from decimal import Decimal

import simplejson
from flask import Response, g, request

from followup.core import jsonin
from followup.core.errors import Invalid, NotFound
from followup.core.extensions import db
from followup.core.faults import json_path
from followup.core.formatting import count
from followup.core.openapi import describe
from followup.followups.api import bp
from followup.people import permissions
from followup.plans import lookup
from followup.tables import tables

TABLE = "/plans/<plan_key>/tables/<table_key>"


def _json(data, status=200):
    return Response(simplejson.dumps(data, ensure_ascii=False, use_decimal=True) + "\n",
                    status=status, mimetype="application/json")


def _find(plan_key, table_key):
    plan = lookup.find_plan(plan_key)
    permissions.require_read(g.api_user, plan)
    table = next((t for t in plan.tables if t.key == table_key), None)
    if table is None:
        raise NotFound(f"Tabellen {table_key} finns inte i planen {plan.key}.")
    return table


def table_json(table):
    """The table's stored figures, exactly; rows that take figures, by key."""
    return {
        "table": table.key,
        "title": table.title,
        "unit": table.unit,
        "columns": [c if isinstance(c, str) else c["label"] for c in table.columns],
        "version": table.version,
        "rows": {r.key: list(r.values) for r in tables.ordered_rows(table)
                 if r.key and r.values is not None},
    }


def _body():
    """The request body with fractions as exact decimals; Invalid if it is no JSON
    object, or holds NaN or Infinity (which JSON has not)."""
    try:
        data = jsonin.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except jsonin.JsonInputError as e:
        raise Invalid("Kroppen: " + "; ".join(
            f"{json_path(f.parts)}: {f.message}" for f in e.faults)) from None
    except ValueError:
        raise Invalid("Kroppen är ingen giltig JSON.") from None
    if not isinstance(data, dict):
        raise Invalid("Kroppen ska vara ett JSON-objekt.")
    unknown = sorted(set(data) - {"version", "rows"})
    if unknown:
        raise Invalid(f"Okända fält: {', '.join(unknown)}. Tillåtna: version, rows.")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise Invalid("”version” ska vara tabellens version, ett heltal (se GET).")
    if not isinstance(data.get("rows"), dict):
        raise Invalid("”rows” ska vara ett objekt: radnyckel → lista med ett tal eller null "
                      "per kolumn.")
    return version, data["rows"]


def _figures(table, rows):
    """{row key: [numbers]} → {row index: {column: Decimal or None}}; Invalid (422)
    naming the first fault."""
    n = len(table.columns)
    index = {r.key: (i, r) for i, r in enumerate(tables.ordered_rows(table)) if r.key}
    out = {}
    for key, values in rows.items():
        if key not in index:
            raise Invalid(f"Raden ”{key}” finns inte i tabellen.")
        i, row = index[key]
        if not tables.takes_values(row):
            raise Invalid(f"Raden ”{key}” räknas fram och tar inga värden.")
        if not isinstance(values, list) or len(values) != n:
            raise Invalid(f"Raden ”{key}” ska ha en lista med {count(n, 'värde', 'värden')}, "
                          "ett per kolumn.")
        out[i] = {}
        for j, value in enumerate(values):
            number, fault = tables.figure_or_fault(value)
            if fault:
                raise Invalid(f"rows.{key}[{j}]: {fault}.")
            out[i][j] = number
    return out


@bp.get(TABLE)
@describe("En tabells siffror, exakt som de är lagrade, per rad.", response="Table")
def get_table(plan_key, table_key):
    return _json(table_json(_find(plan_key, table_key)))


@bp.put(TABLE)
@describe("Spara siffror i en tabell, byggt på dess version; 409 när en fastställd "
          "tjänsteskrivelse visar tabellen.", response="Table", body="TableUpdate",
          body_required=True)
def put_table(plan_key, table_key):
    table = _find(plan_key, table_key)
    tables.require_value_editor(g.api_user, table.plan)
    version, rows = _body()
    figures = _figures(table, rows)
    try:
        tables.apply_figures(g.api_user, table, figures, version=version, source="api")
    except tables.StaleTable as e:
        return _json({"error": e.message, "current": table_json(e.table)}, 409)
    db.session.commit()
    return _json(table_json(table))
