"""Limits on what any request may carry, checked before a view sees it.

Every JSON body is read through ``jsonin`` (depth, NaN/Infinity, ±10^15, surrogates,
NUL), whichever view calls ``request.get_json()``; a query parameter or form field with
NUL (which PostgreSQL cannot compare or store) is refused with 422, and a path segment
with a control character is not found. Views added later get all of it for free.
"""

import re

from flask import abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import UnprocessableEntity

from followup.core import jsonin
from followup.core.faults import json_path

# A path segment names a key: no control character at all. A field may hold pasted text
# (tabs, odd breaks from Word); only NUL and lone surrogates cannot be stored.
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InvalidJson(UnprocessableEntity):
    """A JSON body beyond the limits: 422 with the first fault and its path."""


class StrictJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            return jsonin.loads(s)
        except jsonin.JsonInputError as e:
            first = e.faults[0]
            where = json_path(first.parts)
            raise InvalidJson(f"Ogiltig JSON: {first.message}"
                              + (f" (vid {where})" if where != "$" else "") + ".") from None


def init_app(app):
    app.json = StrictJSONProvider(app)

    @app.url_value_preprocessor
    def refuse_control_in_path(endpoint, values):
        for value in (values or {}).values():
            if isinstance(value, str) and _CONTROL.search(value):
                abort(404)

    @app.before_request
    def refuse_control_in_fields():
        fields = [request.args]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            fields.append(request.form)
        for multidict in fields:
            for key, value in multidict.items(multi=True):
                if _UNSTORABLE.search(key) or _UNSTORABLE.search(value):
                    raise UnprocessableEntity(
                        "Uppgifterna innehåller otillåtna tecken (NUL) och togs inte emot.")
