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
    _clean_nodes(data.get("nodes") or [], ("nodes",), faults)
    _clean_internal_control(data, faults)
    _clean_tables(data, faults)
    _clean_documents(data, faults)
    faults += _single_lines(data)
    return data, faults


# --- HTML texts ----------------------------------------------------------------------------

def _clean(container, key, parts, faults):
    """Sanitises ``container[key]``; a text over the length limit is a fault at ``parts``."""
    try:
        container[key] = html.sanitize(container.get(key))
    except html.TextTooLong as e:
        faults.append(Fault(json_path(parts + (key,)), str(e)))


def _clean_nodes(items, parts, faults):
    """The comments of the nodes' follow-ups, and of their children's."""
    for i, node in enumerate(items):
        for phase, followup in (node.get("followups") or {}).items():
            if "comment" in followup:
                _clean(followup, "comment", parts + (i, "followups", phase), faults)
        _clean_nodes(node.get("children") or [], parts + (i, "children"), faults)


def _clean_internal_control(data, faults):
    """The comments of the internal control's points."""
    for i, point in enumerate((data.get("internal_control") or {}).get("points") or []):
        comments = point.get("comments") or {}
        for phase in comments:
            _clean(comments, phase, ("internal_control", "points", i, "comments"), faults)


def _clean_tables(data, faults):
    for i, table in enumerate(data.get("tables") or []):
        if "comment" in table:
            _clean(table, "comment", ("tables", i), faults)


def _clean_documents(data, faults):
    """The documents' sections and appendices."""
    for i, doc in enumerate(data.get("documents") or []):
        _clean_sections(doc.get("sections"), ("documents", i, "sections"), faults)
        for j, item in enumerate(doc.get("appendices") or []):
            _clean_appendix(item, ("documents", i, "appendices", j), faults)


def _clean_sections(items, parts, faults):
    for i, section in enumerate(items or []):
        _clean(section, "body", parts + (i,), faults)
        if "body_after" in section:
            _clean(section, "body_after", parts + (i,), faults)


def _clean_appendix(item, parts, faults):
    """An appendix or a chapter: its intro, its layout's intros, its sections."""
    if "intro" in item:
        _clean(item, "intro", parts, faults)
    for key, layout in (item.get("layout") or {}).items():
        if "intro" in layout:
            _clean(layout, "intro", parts + ("layout", key), faults)
    _clean_sections(item.get("sections"), parts + ("sections",), faults)
    for k, chapter in enumerate(item.get("chapters") or []):
        _clean_appendix(chapter, parts + ("chapters", k), faults)


# --- single-line texts ---------------------------------------------------------------------

def _single_lines(data):
    """Puts every title, name and label of ``data`` (changed in place) on one line; the
    faults of node and table titles."""
    faults = []
    _organisation_lines(data)
    _label_lines(data)
    _node_lines(data.get("nodes"), ("nodes",), faults)
    for _, point in _each((data.get("internal_control") or {}).get("points")):
        _one_line(point, "area", "process")
    _table_lines(data, faults)
    _document_lines(data)
    return faults


def _one_line(container, *keys):
    """Each text of ``container`` (if an object) under ``keys`` on one line."""
    if isinstance(container, dict):
        for key in keys:
            if key in container:
                container[key] = single_line(container[key])


def _each_on_one_line(container, key):
    """Each text of the list ``container[key]`` on one line."""
    if isinstance(container, dict) and isinstance(container.get(key), list):
        container[key] = [single_line(x) for x in container[key]]


def _title_on_one_line(container, parts, what, faults):
    """The title of ``container`` on one line; a fault at ``parts`` if it cannot be one."""
    if isinstance(container, dict) and isinstance(container.get("title"), str):
        container["title"] = single_line(container["title"])
        fault = title_fault(container["title"], what)
        if fault:
            faults.append(Fault(json_path(parts + ("title",)), fault))


def _each(items):
    """(key or index, item) of a list or an object of objects."""
    if isinstance(items, dict):
        return list(items.items())
    return list(enumerate(items)) if isinstance(items, list) else []


def _organisation_lines(data):
    organisation = data.get("organisation")
    _one_line(organisation, "municipality", "administration", "board", "board_id")
    _one_line((organisation or {}).get("director"), "name", "title")


def _label_lines(data):
    """The labels of the phases, the scales and their levels, and the node types; the
    units' names."""
    for _, phase in _each(data.get("phases")):
        _one_line(phase, "label")
    for _, scale in _each(data.get("scales")):
        _one_line(scale, "label")
        for _, level in _each((scale or {}).get("levels")):
            _one_line(level, "label")
    for _, node_type in _each(data.get("node_types")):
        _one_line(node_type, "label", "plural")
    for _, unit in _each(data.get("units")):
        _one_line(unit, "name")


def _node_lines(items, parts, faults):
    for i, node in _each(items):
        _title_on_one_line(node, parts + (i,), "titeln", faults)
        _one_line(node, "number", "responsible_boards", "prefix")
        _each_on_one_line(node, "notes")
        _node_lines((node or {}).get("children"), parts + (i, "children"), faults)


def _table_lines(data, faults):
    for i, table in _each(data.get("tables")):
        _title_on_one_line(table, ("tables", i), "tabellens titel", faults)
        _one_line(table, "unit", "unit_label")
        for _, row in _each((table or {}).get("rows")):
            _one_line(row, "label")
        _column_lines((table or {}).get("columns"))


def _column_lines(columns):
    """A table's columns: each a label, or an object with a label and a group."""
    for j, column in _each(columns):
        if isinstance(column, str):
            columns[j] = single_line(column)
        else:
            _one_line(column, "label", "group")


def _document_lines(data):
    for _, doc in _each(data.get("documents")):
        _one_line(doc, "title", "document_type", "issuer", "recipient", "diarienummer",
                  "proposals_intro", "appendices_heading")
        _each_on_one_line(doc, "handlaggare")
        for _, person in _each((doc or {}).get("signatures")):
            _one_line(person, "name", "title")
        _heading_lines((doc or {}).get("sections"))
        for _, item in _each((doc or {}).get("appendices")):
            _appendix_lines(item)


def _heading_lines(sections):
    for _, section in _each(sections):
        _one_line(section, "heading")


def _appendix_lines(item):
    """An appendix or a chapter, and its chapters."""
    _one_line(item, "title", "heading", "document_type", "issuer", "diarienummer")
    _each_on_one_line(item, "handlaggare")
    _one_line((item or {}).get("cover"), "title", "subtitle")
    _heading_lines((item or {}).get("sections"))
    for _, chapter in _each((item or {}).get("chapters")):
        _appendix_lines(chapter)
