"""What the database can hold of a plan file, checked before anything is read into it.

The shared schema sets no length on most texts, but the columns they are stored in
have one (PostgreSQL refuses a longer text; SQLite keeps it, and the editors then refuse
to save the item again), and integers are 32 bits. Each limit is read from the column a
value is stored in, so a column changed in a migration changes the check with it."""

import re

from followup.core.faults import Fault, json_path
from followup.memos.models import Appendix, Memo
from followup.plans.models.node import Node
from followup.plans.models.plan import Level, NodeType, Phase, Plan, Scale, Unit
from followup.tables.models import FigureRow, FigureTable

# Where a text or an integer is in the file ("[]" any index, "{}" any name; a node's
# children are nodes) and the column it is stored in.
STORED_IN = {
    "organisation.municipality": Plan.municipality,
    "organisation.board": Plan.board_name,
    "organisation.board_code": Plan.board_code,
    "organisation.board_id": Plan.board_number,
    "organisation.administration": Plan.administration,
    "organisation.director.name": Plan.director_name,
    "organisation.director.title": Plan.director_title,
    "phases[].label": Phase.label,
    "scales{}.label": Scale.label,
    "scales{}.levels[].label": Level.label,
    "node_types{}.label": NodeType.label,
    "node_types{}.plural": NodeType.plural,
    "units[].name": Unit.name,
    "nodes[].number": Node.number,
    "nodes[].responsible_boards": Node.responsible_boards,
    "nodes[].group": Node.group,
    "nodes[].source": Node.source,
    "nodes[].carried_over_from": Node.carried_over_from,
    "tables[].unit": FigureTable.unit,
    "tables[].rows[].formula": FigureRow.formula,
    "documents[].diarienummer": Memo.diarienummer,
    "documents[].recipient": Memo.recipient,
    "documents[].appendices[].number": Appendix.number,
    "documents[].appendices[].document_type": Appendix.document_type,
    "documents[].appendices[].diarienummer": Appendix.diarienummer,
}
LARGEST_INTEGER = 2**31 - 1  # an Integer column, on PostgreSQL
_NESTED_NODES = re.compile(r"(\.children\[\])+")


def limit_faults(data):
    """A fault with its JSON path for each text longer than its column and each integer
    beyond one."""
    faults = []
    for parts, value in _leaves(data, ()):
        column = STORED_IN.get(_pattern(parts))
        if column is None:
            continue
        if isinstance(value, str):
            length = column.type.length
            if length and len(value) > length:
                faults.append(Fault(json_path(parts), f"högst {length} tecken, inte {len(value)}"))
        elif isinstance(value, int) and not isinstance(value, bool) \
                and abs(value) > LARGEST_INTEGER:
            faults.append(Fault(json_path(parts), "talet är för stort"))
    return faults


def _leaves(value, parts):
    stack = [(value, parts)]
    while stack:
        item, at = stack.pop()
        if isinstance(item, dict):
            stack.extend((child, at + (key,)) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, at + (i,)) for i, child in enumerate(item))
        else:
            yield at, item


def _pattern(parts):
    """("nodes", 0, "children", 2, "number") → "nodes[].number"; the names of
    ``scales`` and ``node_types`` are "{}"."""
    out, named = "", {"scales", "node_types"}
    previous = None
    for part in parts:
        if isinstance(part, int):
            out += "[]"
        elif previous in named:
            out += "{}"
        else:
            out += f".{part}" if out else part
        previous = part
    return _NESTED_NODES.sub("", out)
