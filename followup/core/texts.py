"""Texts of a plan file on import, and the rules every single-line text keeps wherever it
comes in (forms, the API, a plan file).

Every HTML text goes through the allowlist (``followup.core.html``): comments, bodies (before
and after a section's tables) and intros (of appendices, chapters and layout groups).
Every single-line text (titles, names, labels, numbers) loses its control characters: a
line break in a title reached the header of an e-mail ("\\r\\nBcc: …"). A node's title
must show something (not only spaces or zero-width characters) and is at most
``TITLE_MAX`` characters, as in the browser's form."""

import copy
import re
import unicodedata

from followup.core import html
from followup.core.faults import Fault, json_path

# The longest title the browser's form takes (its maxlength) and the services keep.
TITLE_MAX = 2000

# C0 and C1 control characters (line breaks and tabs among them), DEL, and the Unicode
# line and paragraph separators: none belongs in a line.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_RUN = re.compile("[ \t]*[\x00-\x1f\x7f-\x9f\u2028\u2029][\x00-\x20\x7f-\x9f\u2028\u2029]*")
# Letters that draw nothing: the Hangul fillers and the blank Braille pattern.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def single_line(text):
    """``text`` with each run of control characters (and the spaces around it) as one
    space, trimmed where something was replaced; anything not a text is returned as is."""
    if not isinstance(text, str) or not _CONTROL.search(text):
        return text
    return _CONTROL_RUN.sub(" ", text).strip()


def visible(text):
    """Whether ``text`` has a character that shows: not a space, a control or format
    character (zero-width space, joiners, direction marks), a combining mark alone or an
    unassigned code point."""
    return any(unicodedata.category(ch)[0] not in "CZM" and ch not in _BLANK_LETTERS
               for ch in text or "")


def title_fault(title, what="titeln"):
    """Why ``title`` (a single line already) cannot be a title, in Swedish; None if it can."""
    if not visible(title):
        return (f"{what} har inget synligt tecken (bara mellanslag eller osynliga tecken); "
                "skriv en text")
    if len(title) > TITLE_MAX:
        return (f"{what} är för lång: högst {html.format_count(TITLE_MAX)} tecken "
                f"(den har {html.format_count(len(title))})")
    return None


def sanitized(data):
    """A copy of ``data`` with every comment, body and intro sanitised and every single-line
    text on one line, and the faults (texts over the length limit, titles that show
    nothing) found on the way."""
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
    faults += _single_lines(data)
    return data, faults


# --- single-line texts ---------------------------------------------------------------------

def _single_lines(data):
    """Puts every title, name and label of ``data`` (changed in place) on one line; the
    faults of node and table titles."""
    faults = []

    def line(container, *keys):
        if isinstance(container, dict):
            for key in keys:
                if key in container:
                    container[key] = single_line(container[key])

    def lines(container, key):
        if isinstance(container, dict) and isinstance(container.get(key), list):
            container[key] = [single_line(x) for x in container[key]]

    def title(container, parts, what):
        if isinstance(container, dict) and isinstance(container.get("title"), str):
            container["title"] = single_line(container["title"])
            fault = title_fault(container["title"], what)
            if fault:
                faults.append(Fault(json_path(parts + ("title",)), fault))

    def each(items):
        """(key or index, item) of a list or an object of objects."""
        if isinstance(items, dict):
            return list(items.items())
        return list(enumerate(items)) if isinstance(items, list) else []

    def nodes(items, parts):
        for i, node in each(items):
            title(node, parts + (i,), "titeln")
            line(node, "number", "responsible_boards", "prefix")
            lines(node, "notes")
            nodes((node or {}).get("children"), parts + (i, "children"))

    def people(items):
        for _, person in each(items):
            line(person, "name", "title")

    def headings(items):
        for _, section in each(items):
            line(section, "heading")

    def appendix(item):
        line(item, "title", "heading", "document_type", "issuer", "diarienummer")
        lines(item, "handlaggare")
        line((item or {}).get("cover"), "title", "subtitle")
        headings((item or {}).get("sections"))
        for _, chapter in each((item or {}).get("chapters")):
            appendix(chapter)

    organisation = data.get("organisation")
    line(organisation, "municipality", "administration", "board", "board_id")
    line((organisation or {}).get("director"), "name", "title")
    for _, phase in each(data.get("phases")):
        line(phase, "label")
    for _, scale in each(data.get("scales")):
        line(scale, "label")
        for _, level in each((scale or {}).get("levels")):
            line(level, "label")
    for _, node_type in each(data.get("node_types")):
        line(node_type, "label", "plural")
    for _, unit in each(data.get("units")):
        line(unit, "name")
    nodes(data.get("nodes"), ("nodes",))
    for _, point in each((data.get("internal_control") or {}).get("points")):
        line(point, "area", "process")
    for i, table in each(data.get("tables")):
        title(table, ("tables", i), "tabellens titel")
        line(table, "unit", "unit_label")
        for _, row in each((table or {}).get("rows")):
            line(row, "label")
        columns = (table or {}).get("columns")
        for j, column in each(columns):
            if isinstance(column, str):
                columns[j] = single_line(column)
            else:
                line(column, "label", "group")
    for _, doc in each(data.get("documents")):
        line(doc, "title", "document_type", "issuer", "recipient", "diarienummer",
             "proposals_intro", "appendices_heading")
        lines(doc, "handlaggare")
        people((doc or {}).get("signatures"))
        headings((doc or {}).get("sections"))
        for _, item in each((doc or {}).get("appendices")):
            appendix(item)
    return faults
