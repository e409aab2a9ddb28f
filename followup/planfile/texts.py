"""Every HTML text of a plan file goes through the allowlist (``followup.html``) on import:
comments, bodies (before and after a section's tables) and intros (of appendices,
chapters and layout groups)."""

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
            if "body_after" in section:
                clean(section, "body_after", parts + (i,))

    def appendix(item, parts):
        """An appendix or a chapter: its intro, its layout's intros, its sections."""
        if "intro" in item:
            clean(item, "intro", parts)
        for key, layout in (item.get("layout") or {}).items():
            if "intro" in layout:
                clean(layout, "intro", parts + ("layout", key))
        sections(item.get("sections"), parts + ("sections",))
        for k, chapter in enumerate(item.get("chapters") or []):
            appendix(chapter, parts + ("chapters", k))

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
        for j, item in enumerate(doc.get("appendices") or []):
            appendix(item, ("documents", i, "appendices", j))
    return data, faults
