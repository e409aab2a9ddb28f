"""The goal tree of one phase as a plan appendix prints it (FORMAT.md, kind "plan").

Per root goal: its number and title, and where its type is listed, its level's
text and its comment; then a table of the listed nodes below it, with the
åtgärder (listed types without a scale under a row) as a list in their row.
Roots with a ``group`` (Tillkommande uppdrag, Särskild rapportering) print
after the goals, one table per group, with their own columns.
"""

from dataclasses import dataclass, field


# Characters of text that surely fit on one portrait page in a plan table's row.
ROW_FITS_PAGE = 1800


@dataclass
class Row:
    node: object
    level: object
    comment: str | None
    actions: list = field(default_factory=list)  # åtgärd nodes
    action_comments: list = field(default_factory=list)

    @property
    def keep_together(self):
        """Whether the row may be kept on one page. A row taller than a page must be
        allowed to break: WeasyPrint moves an unbreakable one to the next page and
        drops the table's header row there."""
        return fits_page(self.comment, *(c for _, c in self.action_comments), self.node.title,
                         *(a.title for a in self.actions))


def fits_page(*texts, limit=ROW_FITS_PAGE):
    return sum(len(t or "") for t in texts) < limit


@dataclass
class Table:
    item_header: str
    level_header: str | None  # None: no level column
    has_actions: bool
    comment_header: str
    rows: list


@dataclass
class GoalSection:
    node: object
    listed: bool  # print its level and comment
    level: object
    comment: str | None
    table: Table | None


@dataclass
class GroupSection:
    heading: str
    table: Table


@dataclass
class PlanAppendix:
    goals: list
    groups: list
    charts: list = field(default_factory=list)


def build(roots, followups, type_keys):
    """``roots``: the plan's root nodes with children loaded; ``followups``: node id →
    Followup of the phase; ``type_keys``: the appendix's node types."""
    listed = set(type_keys)
    goals, groups = [], {}
    for root in (r for r in roots if not r.archived):
        rows = _rows(root, listed, followups)
        if root.group:
            groups.setdefault(root.group, []).extend(
                ([_row(root, followups, listed)] if _is_row(root, listed) else []) + rows)
            continue
        if root.type.key not in listed and not rows:
            continue
        f = followups.get(root.id)
        goals.append(GoalSection(
            node=root, listed=root.type.key in listed,
            level=f.level if f and root.type.key in listed else None,
            comment=f.comment if f and root.type.key in listed else None,
            table=_table(rows) if rows else None))
    return PlanAppendix(goals, [GroupSection(name, _table(rows, answers=True))
                                for name, rows in groups.items() if rows])


def _is_row(node, listed):
    return node.type.key in listed and not _is_action(node, listed)


def _is_action(node, listed):
    """A listed node without a scale under a row prints in that row's åtgärd list."""
    return (node.type.key in listed and node.type.scale_id is None and node.parent is not None
            and node.parent.type.key in listed)


def _row(node, followups, listed):
    f = followups.get(node.id)
    row = Row(node, f.level if f else None, f.comment if f else None)
    for child in node.children:
        if not child.archived and _is_action(child, listed):
            row.actions.append(child)
            cf = followups.get(child.id)
            if cf and cf.comment:
                row.action_comments.append((child, cf.comment))
    return row


def _rows(node, listed, followups):
    rows = []
    for child in node.children:
        if child.archived:
            continue
        if _is_row(child, listed):
            rows.append(_row(child, followups, listed))
        rows.extend(_rows(child, listed, followups))
    return rows


def _table(rows, answers=False):
    types = []
    for r in rows:
        if r.node.type not in types:
            types.append(r.node.type)
    scaled = [t for t in types if t.scale is not None]
    item_header = " och ".join([types[0].label] + [t.label.lower() for t in types[1:]])
    has_actions = any(r.actions for r in rows)
    if scaled:
        comment_header = "Kommentar"
    else:
        comment_header = "Svar" if answers else "Kommentar"
    return Table(item_header, scaled[0].scale.label if scaled else None, has_actions,
                 comment_header, rows)
