"""Every HTML text of a plan file goes through the allowlist (``followup.html``) on import."""

import copy

from .. import html
from .faults import Fault, json_path


def sanitized(data):
    """A copy of ``data`` with every comment, body and intro sanitised, and the faults
    (texts over the length limit) found on the way."""
    data = copy.deepcopy(data)
    faults = []

    def clean(container, key, parts):
        try:
            container[key] = html.sanitize(container.get(key))
        except html.TextTooLong as e:
            faults.append(Fault(json_path(parts + (key,)), str(e)))

    def nodes(items, parts):
        for i, node in enumerate(items):
            for phase, followup in (node.get("followups") or {}).items():
                if "comment" in followup:
                    clean(followup, "comment", parts + (i, "followups", phase))
            nodes(node.get("children") or [], parts + (i, "children"))

    def sections(items, parts):
        for i, section in enumerate(items or []):
            clean(section, "body", parts + (i,))

    nodes(data.get("nodes") or [], ("nodes",))
    for i, point in enumerate((data.get("internal_control") or {}).get("points") or []):
        comments = point.get("comments") or {}
        for phase in comments:
            clean(comments, phase, ("internal_control", "points", i, "comments"))
    for i, table in enumerate(data.get("tables") or []):
        if "comment" in table:
            clean(table, "comment", ("tables", i))
    for i, doc in enumerate(data.get("documents") or []):
        sections(doc.get("sections"), ("documents", i, "sections"))
        for j, appendix in enumerate(doc.get("appendices") or []):
            if "intro" in appendix:
                clean(appendix, "intro", ("documents", i, "appendices", j))
            sections(appendix.get("sections"), ("documents", i, "appendices", j, "sections"))
    return data, faults
