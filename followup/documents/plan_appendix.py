"""The goal tree of one phase as a plan appendix (or chapter) prints it.

How each node prints is data: the part's ``layout`` per node type or group
(FORMAT.md, "How a plan appendix prints"), else the default rules — a root is a
section, a node with a scale a row, a node without one a list under its parent.

The result is a tree of blocks that the print templates walk:
``Section`` (a heading, notes, level, comment, lists, and the blocks below it),
``Table`` (rows of the nodes printed as rows, under the nearest section),
``BulletList`` and ``Group`` (nodes sharing a ``group``, after their siblings).
Nothing of a listed node type is ever left out: every listed node that is part of
the phase ends up in a block.

A table's cells are said here once (``Cell``, a list of ``Piece``): the template lays
each piece out, and the column widths and row heights are estimated from the same
pieces' plain text.
"""

from dataclasses import dataclass, field

from followup.core import typeset
from followup.documents.wording import Wording

SECTION, ROW, LIST, HIDDEN = "section", "row", "list", "hidden"
# Columns that print a label, a number or a name: never hyphenated, as narrow as they allow.
FIT_FIELDS = {"number", "level", "unit", "responsible_boards"}
TITLE_FIELDS = {"number_title", "title"}


@dataclass(frozen=True)
class Layout:
    """How the nodes of one type (or group) print."""

    display: str
    level: str = "text"  # label, text, label_and_text, none: how a section shows its level
    columns: tuple | None = None  # ((field, header), …) of a row's table
    lead: str | None = None  # the sentence before a list
    prefix: str | None = None  # printed before the title; None: not given
    heading: str | None = None  # a group's heading instead of its name
    intro: str | None = None  # HTML under a group's heading
    caption: str | None = None  # printed once before the first node of the type
    before_text: bool = False  # the prefix goes before the number too, not just the title
    widths: dict | None = None  # field → its share of the table in per cent, where given
    boards: str = "none"  # levels, table, none: how the boards' follow-ups print (2.2)


@dataclass(frozen=True)
class BoardLevel:
    label: str
    tone: str | None


@dataclass(frozen=True)
class BoardLine:
    """One board's follow-up of a node of the municipality's plan (FORMAT.md 2.2)."""

    board: str
    level: BoardLevel | None
    comment: str | None
    text: tuple = ()  # the comment's paragraphs as plain text


@dataclass
class ListItem:
    kind = "item"  # for the templates
    node: object
    prefix: str
    comment: str | None
    items: list = field(default_factory=list)  # nested list children
    level: object = None  # its level, where its sort has a scale
    title_prefix: str = ""  # between its number and its title
    text: list = field(default_factory=list)  # its comment's paragraphs as plain text


@dataclass
class BulletList:
    kind = "list"  # for the templates
    lead: str | None
    items: list
    caption: str | None = None


@dataclass
class Printed:
    """A node printed with its level and comment, as a section or as a table's row."""

    node: object
    prefix: str
    level: object
    comment: str | None

    @property
    def reported(self):
        return self.level is not None or bool(self.comment)


@dataclass
class Row(Printed):
    kind = "row"  # for the templates
    children: list = field(default_factory=list)  # ListItem: the children column
    keep_together: bool = True  # short enough to stay whole on a page (set by _typeset)
    title_prefix: str = ""  # between its number and its title
    text: list = field(default_factory=list)  # its comment's paragraphs as plain text
    cells: list = field(default_factory=list)  # Cell per column of its table
    boards: list = field(default_factory=list)  # BoardLine, where the layout prints them
    boards_display: str = "none"


@dataclass
class Table:
    kind = "table"  # for the templates
    columns: list  # [(field, header)]
    rows: list
    unreported_in: str | None = None  # the column that says "Ej rapporterad"
    extras_in: str | None = None  # the title column, which also shows KVAR FRÅN and notes
    widths: list = field(default_factory=list)  # per column, per cent of the table
    caption: str | None = None  # printed once above the table
    given: dict | None = None  # field → the share the plan file gives it, where it does

    @property
    def fields(self):
        return {name for name, _ in self.columns}


@dataclass(kw_only=True)
class Section(Printed):
    kind = "section"  # for the templates
    depth: int  # 0 for a root
    listed: bool  # its own type is listed: it prints its level and comment
    layout: Layout
    lists: list = field(default_factory=list)  # BulletList after the comment
    blocks: list = field(default_factory=list)
    title_prefix: str = ""  # between its number and its title
    caption: str | None = None  # printed once before it
    boards: list = field(default_factory=list)  # BoardLine, where the layout prints them


@dataclass
class Group:
    kind = "group"  # for the templates
    name: str
    heading: str
    intro: str | None
    depth: int
    blocks: list = field(default_factory=list)


@dataclass
class PlanContent:
    blocks: list
    charts: list = field(default_factory=list)


@dataclass(frozen=True)
class Title:
    """A node's title line: ``number`` None where it does not print."""

    prefix: str
    number: str | None
    title_prefix: str
    title: str


@dataclass
class Piece:
    """One thing a cell prints (print/_plan.html, ``piece``, lays out each ``kind``):
    ``value``, what it says, and ``lines``, its paragraphs as plain text, from which
    its column's width and its row's height are estimated."""

    kind: str
    value: object = None
    lines: list = field(default_factory=list)


@dataclass
class Cell:
    name: str  # the column's field
    pieces: list

    @property
    def lines(self):
        return [line for p in self.pieces for line in p.lines]


def build(roots, entries, type_keys, layout=None, phase=None, words=None, hyphenate=False,
          orientation="portrait", boards=None):
    """``roots``: the plan's root nodes with children loaded; ``entries``: node id →
    compose.Entry of the phase; ``type_keys``: the part's node types; ``layout``: the
    part's layout as in the plan file (or None); ``phase``: only its nodes print;
    ``words``: the document's Wording; ``hyphenate``: whether its long words may break;
    ``boards``: node key → [BoardLine], the boards' follow-ups of a municipality's plan."""
    builder = _Builder(entries, set(type_keys), layout or {}, phase)
    builder.words, builder.hyphenate = words or Wording(), hyphenate
    builder.boards = boards or {}
    builder.orientation = orientation
    return builder.run(roots)


class _Builder:
    def __init__(self, entries, listed, layout, phase):
        self.entries, self.listed, self.layout, self.phase = entries, listed, layout, phase
        self._wanted = {}
        self._captioned = set()  # (parent id, type key) whose caption has printed

    # What prints at all

    def present(self, node):
        return not node.archived and (self.phase is None or node.in_phase(self.phase))

    def wanted(self, node):
        """Whether the node or something below it is listed (and part of the phase)."""
        if node.id not in self._wanted:
            self._wanted[node.id] = self.present(node) and (
                node.type.key in self.listed or any(self.wanted(c) for c in node.children))
        return self._wanted[node.id]

    def layout_of(self, node):
        spec = dict(self.layout.get(node.type.key) or {})
        if node.group:
            spec.update(self.layout.get(f"group:{node.group}") or {})
        if "display" not in spec:
            spec["display"] = _default_display(node)
        columns = spec.get("columns")
        return Layout(
            display=spec["display"], level=spec.get("level") or "text",
            columns=tuple((c["field"], c["header"]) for c in columns) if columns else None,
            lead=spec.get("lead"), prefix=spec.get("prefix"), heading=spec.get("heading"),
            intro=spec.get("intro"), caption=spec.get("caption"),
            before_text=spec.get("prefix_position") == "before_text",
            boards=spec.get("boards") or "none",
            widths={c["field"]: c["width"] for c in columns if c.get("width")} if columns else None)

    def prefixes(self, node, layout):
        """(before the number, before the title): a node's own prefix, else its type's;
        before the whole entry where the layout says so or the node has no number."""
        given = node.prefix if node.prefix is not None else layout.prefix
        if given is None:
            return None, ""
        if layout.before_text or not node.number:
            return given, ""
        return "", given

    def boards_of(self, node, layout):
        return self.boards.get(node.key, []) if layout.boards != "none" else []

    def caption(self, node, layout):
        """The type's caption, the first time a node of the type prints under its parent."""
        mark = (node.parent_id, node.type.key)
        if not layout.caption or mark in self._captioned:
            return None
        self._captioned.add(mark)
        return layout.caption

    def entry(self, node):
        """(level, comment, the comment's plain paragraphs) of the node in the phase."""
        e = self.entries.get(node.id)
        if e is None:
            return None, None, []
        return e.level, e.comment, e.text

    # Walking the tree

    def run(self, roots):
        blocks = []
        self.grouped = {}  # group name → its nodes, in the order of the tree
        self.children(roots, blocks, depth=0, row=None)
        # A group prints after the appendix's goal sections, wherever its nodes sit.
        printed = 0
        while printed < len(self.grouped):  # a group's nodes may hold another group
            name = list(self.grouped)[printed]
            self.group(name, self.grouped[name], blocks, 0)
            printed += 1
        tables = list(_tables(blocks))
        for table in tables:
            _finish(table, self.words)
        _typeset(tables, self.hyphenate, self.orientation)
        return PlanContent(blocks)

    def children(self, nodes, blocks, depth, row):
        """Print ``nodes`` (siblings) into ``blocks``. Those with a group wait for the
        end of the appendix (``run``); in a row's list they come after the others, one
        block a group in the order the groups first appear."""
        plain = [n for n in nodes if not n.group]
        groups = {}
        for n in nodes:
            if n.group and self.wanted(n):
                groups.setdefault(n.group, []).append(n)
        for node in plain:
            self.node(node, blocks, depth, row)
        for name, members in groups.items():
            if row is None:
                self.grouped.setdefault(name, []).extend(members)
            else:
                self.group(name, members, blocks, depth)

    def group(self, name, members, blocks, depth):
        spec = self.layout.get(f"group:{name}") or {}
        group = Group(name, spec.get("heading") or name, spec.get("intro"), depth)
        for node in members:
            self.node(node, group.blocks, depth + 1, None)
        blocks.append(group)

    def node(self, node, blocks, depth, row):
        if not self.wanted(node):
            return
        listed = node.type.key in self.listed
        layout = self.layout_of(node)
        if layout.display == HIDDEN or (not listed and row is not None):
            self.children(node.children, blocks, depth, row)
            return
        if not listed or layout.display == SECTION:
            self.section(node, blocks, depth, listed, layout)
        elif layout.display == ROW:
            self.row(node, blocks, depth, layout)
        else:
            self.bullet(node, blocks, row, layout)

    def section(self, node, blocks, depth, listed, layout):
        level, comment, _ = self.entry(node) if listed else (None, None, [])
        if not listed:
            layout = Layout(display=SECTION, level="none", prefix=layout.prefix,
                            caption=layout.caption, before_text=layout.before_text)
        before, title_prefix = self.prefixes(node, layout)
        section = Section(node, before or "", level, comment, depth=depth, listed=listed,
                          layout=layout, title_prefix=title_prefix,
                          caption=self.caption(node, layout),
                          boards=self.boards_of(node, layout) if listed else [])
        lists = [c for c in node.children if self.wanted(c) and c.type.key in self.listed
                 and not c.group and self.layout_of(c).display == LIST]
        if lists:
            section.lists.append(BulletList(self.layout_of(lists[0]).lead,
                                            [self.list_item(c) for c in lists]))
        rest = [c for c in node.children if c not in lists]
        self.children(rest, section.blocks, depth + 1, None)
        blocks.append(section)

    def row(self, node, blocks, depth, layout):
        level, comment, text = self.entry(node)
        before, title_prefix = self.prefixes(node, layout)
        row = Row(node, before, level, comment, title_prefix=title_prefix, text=text,
                  boards=self.boards.get(node.key, []), boards_display=layout.boards)
        caption = self.caption(node, layout)
        if not blocks or not isinstance(blocks[-1], Table) or caption:
            columns = list(layout.columns or _default_columns(node, self.words))
            blocks.append(Table(columns, [], caption=caption,
                                given=layout.widths if layout.columns else None))
        table = blocks[-1]
        if row.prefix is None:
            # Beside the rows of another type, a row says what it is ("Nämndmål 1.1").
            first = table.rows[0].node.type if table.rows else node.type
            row.prefix = "" if first is node.type else f"{node.type.label} "
        table.rows.append(row)
        self.children(node.children, blocks, depth, row)

    def bullet(self, node, blocks, row, layout):
        item = self.list_item(node)
        if row is not None:
            row.children.append(item)
            return
        caption = self.caption(node, layout)
        if blocks and isinstance(blocks[-1], BulletList) and blocks[-1].lead == layout.lead \
                and not caption:
            blocks[-1].items.append(item)
        else:
            blocks.append(BulletList(layout.lead, [item], caption))

    def list_item(self, node):
        level, comment, text = self.entry(node)
        before, title_prefix = self.prefixes(node, self.layout_of(node))
        item = ListItem(node, before or "", comment, level=level, title_prefix=title_prefix,
                        text=text)
        for child in node.children:
            if self.wanted(child) and child.type.key in self.listed \
                    and self.layout_of(child).display == LIST:
                item.items.append(self.list_item(child))
        return item


def _default_display(node):
    if node.parent is None:
        return SECTION
    return ROW if node.type.scale is not None else LIST


def _default_columns(node, words):
    """A row type without columns in the layout: number and title, level, children,
    comment, headed by the plan's own names (the type, its scale, the children's type)."""
    columns = [("number_title", node.type.label)]
    if node.type.scale is not None:
        columns.append(("level", node.type.scale.label))
    child_types = [c.type for c in node.children if c.type.scale is None]
    if child_types:
        columns.append(("children", child_types[0].plural or child_types[0].label))
    columns.append(("comment", words.comment_header))
    return columns


def _finish(table, words):
    """Leave out a level or children column that no row fills, say where an unreported
    row's "Ej rapporterad" goes (the first level or comment column), and set each row's
    cells."""
    table.columns = [
        (name, header) for name, header in table.columns
        if not (name in ("level", "level_text") and not any(r.level for r in table.rows))
        and not (name == "children" and not any(r.children for r in table.rows))]
    names = [name for name, _ in table.columns]
    table.unreported_in = next((n for n in names if n in ("level", "level_text", "comment")), None)
    table.extras_in = next((n for n in names if n in ("number_title", "title")), None)
    for row in table.rows:
        row.cells = [Cell(name, _cell(name, row, table, words)) for name in names]


def _typeset(tables, hyphenate, orientation):
    """Column widths from the content, and which rows stay whole. Tables with the same
    columns get the same widths, from all their rows: the appendix's goal tables one
    under the other keep their columns in line (each sized alone, the first column was
    24 %, 33 % and 22 % wide in three tables in a row)."""
    alike = {}
    for table in tables:
        alike.setdefault(tuple(table.columns), []).append(table)
    for group in alike.values():
        own = [_columns(t) for t in group]
        # Titles never hyphenate (print.css): their column fits their longest word.
        shared = [typeset.Column(column.header, [c for cols in own for c in cols[i].cells],
                                 fit=column.fit,
                                 hyphenates=hyphenate and name not in TITLE_FIELDS)
                  for i, (column, (name, _)) in enumerate(zip(own[0], group[0].columns))]
        given = [(group[0].given or {}).get(name) for name, _ in group[0].columns]
        widths = typeset.given_widths(typeset.widths(shared, orientation), given)
        for table, columns in zip(group, own):
            table.widths = widths
            for row, keep in zip(table.rows, typeset.keeps(columns, widths, orientation)):
                row.keep_together = keep


def _columns(table):
    return [typeset.Column(header, [row.cells[i].lines for row in table.rows],
                           fit=name in FIT_FIELDS)
            for i, (name, header) in enumerate(table.columns)]


# A cell, said once: what each column prints of a row, as pieces (print/_plan.html, piece).

def _cell(name, row, table, words):
    pieces = _CELLS.get(name, _nothing)(name, row, table, words)
    if table.unreported_in == name and not row.reported and row.node.type.scale is not None:
        pieces.append(Piece("missing", words.not_reported, [words.not_reported]))
    return pieces


def _nothing(name, row, table, words):
    return []


def _title_cell(name, row, table, words):
    """The title; in the first title column also its boards, its carried-over line, its
    notes and, without a children or comment column, its children."""
    node, extras = row.node, name == table.extras_in
    number = node.number if name == "number_title" and extras else None
    title = Title(row.prefix, number, row.title_prefix, node.title)
    measured = f"{row.prefix}{f'{number} ' if number else ''}{row.title_prefix}{node.title} " \
               f"{node.responsible_boards or ''}"  # measured with the boards it has
    pieces = [Piece("title", title, [measured])]
    if not extras:
        return pieces
    if node.responsible_boards and "responsible_boards" not in table.fields:
        pieces.append(Piece("boards", node.responsible_boards))
    carried = words.fill("carried_over", year=node.carried_over_from) \
        if node.carried_over_from else None
    if carried:
        pieces.append(Piece("carried", carried, [carried]))
    if "notes" not in table.fields:
        pieces += [Piece("note", note, [note]) for note in node.notes]
    if row.boards_display != "none" and "boards" not in table.fields:
        pieces += _board_levels(row)
    if not table.fields & {"children", "comment"}:
        pieces += _children(row)
    return pieces


def _board_levels(row):
    """One line a board: its name and its level in the phase (or that it has none)."""
    return [Piece("board_level", b, [f"{b.board}: {b.level.label if b.level else ''}"])
            for b in row.boards]


def _boards_cell(name, row, table, words):
    return _board_levels(row)


def _children(row):
    """The row's children as a list (none where it has none)."""
    if not row.children:
        return []
    return [Piece("children", row.children,
                  [f"{i.prefix}{i.node.number or ''} {i.node.title}" for i in row.children])]


def _text_cell(name, row, table, words):
    node = row.node
    text = {"number": lambda: node.number or "",
            "unit": lambda: node.unit.name if node.unit else "",
            "responsible_boards": lambda: node.responsible_boards or ""}[name]()
    return [Piece("text", text, [text])]


def _level_cell(name, row, table, words):
    level = row.level
    if level is None:
        return [Piece("text", "", [""])]
    if name == "level_text":
        return [Piece("text", level.text or level.label, [level.text or level.label])]
    return [Piece("level", level, [level.label])]


def _children_cell(name, row, table, words):
    return _children(row)


def _comment_cell(name, row, table, words):
    """The comment; without a children column the children; then each child's comment
    under its title."""
    pieces = [Piece("comment", row.comment, row.text)]
    if "children" not in table.fields:
        pieces += _children(row)
    for item in row.children:
        if item.comment:
            pieces += [Piece("action", item.node.title, [f"{item.node.title}:"]),
                       Piece("comment", item.comment, item.text)]
    if row.boards_display == "table":
        for b in row.boards:
            if b.comment:
                pieces += [Piece("action", b.board, [f"{b.board}:"]),
                           Piece("comment", b.comment, list(b.text))]
    return pieces


def _notes_cell(name, row, table, words):
    return [Piece("paragraph", note, [note]) for note in row.node.notes]


_CELLS = {"number_title": _title_cell, "title": _title_cell, "number": _text_cell,
          "unit": _text_cell, "responsible_boards": _text_cell, "level": _level_cell,
          "level_text": _level_cell, "children": _children_cell, "comment": _comment_cell,
          "notes": _notes_cell, "boards": _boards_cell}


def _tables(blocks):
    for block in blocks:
        if isinstance(block, Table):
            yield block
        elif isinstance(block, (Section, Group)):
            yield from _tables(block.blocks)

