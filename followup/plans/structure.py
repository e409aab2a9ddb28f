"""Editing a plan's structure: nodes (add, edit, move, archive), units, and scales."""

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from followup.core import formatting, inputs
from followup.core.errors import Invalid
from followup.core.extensions import db
from followup.core.texts import TITLE_MAX, single_line, visible
from followup.memos.models import Memo, MemoState
from followup.people import permissions
from followup.plans import lock, timeline
from followup.plans.models.node import Node
from followup.plans.models.plan import Level, Unit

KEEP = object()  # an argument not given: what is stored stays
TONES = {"good": "Bra", "partial": "Delvis", "bad": "Dåligt", "neutral": "Neutral",
         "not_applicable": "Ej tillämpligt"}


def _siblings(plan, parent):
    nodes = parent.children if parent is not None else plan.root_nodes
    return sorted(nodes, key=lambda n: n.position)


def _unit(plan, unit_key):
    if not unit_key:
        return None
    unit = next((u for u in plan.units if u.key == unit_key), None)
    if unit is None:
        raise Invalid(f'Enheten "{unit_key}" finns inte i planen.')
    return unit


def _fresh_node_key(plan, node_type, number):
    base = f"{node_type.key}-{number}" if number else node_type.key
    base = re.sub(r"[^a-z0-9_-]+", "-", base.lower()).strip("-")[:70].strip("-") or "nod"
    taken = set(db.session.scalars(select(Node.key).where(Node.plan_id == plan.id)))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _line(value, what, limit=2000, required=False):
    """A one-line text as typed (a name, a label, a number): control characters as
    spaces, trimmed, within ``limit``."""
    return inputs.text(single_line(value), what, limit, required=required)


def _title(value):
    """A node's title: one line, at most ``TITLE_MAX`` characters, with something that
    shows (not only zero-width or other invisible characters)."""
    title = inputs.text(single_line(value), "Titeln", TITLE_MAX, required=True, field="title")
    if not visible(title):
        raise Invalid("Titeln har inget synligt tecken, bara mellanslag eller osynliga "
                      "tecken. Skriv en titel.", "title")
    return title


# The longest prefix of a node's own (as for a type's in the appendix layout).
PREFIX_MAX = 80


def _prefix(value, before=None):
    """A node's own text before its title ("KS-BESLUT: "), one line like a title, or None
    (blank: the appendix layout's for its type). It is printed right before the title, so
    it keeps a space after it; a prefix saved again as it was stays as it was."""
    text = inputs.text(single_line(value), "Den inledande texten", PREFIX_MAX,
                       field="prefix")
    if text is not None and not visible(text):
        text = None
    if before is not None and before.strip() == (text or ""):
        # As it was; also "" from a plan file: no text at all, not even the type's.
        return before
    return None if text is None else text + " "


def _phase(plan, phase_key, what):
    if not phase_key:
        return None
    phase = plan.phase(phase_key)
    if phase is None:
        raise Invalid(f"{what}: fasen finns inte i planen.")
    return phase


def _period(plan, since, until):
    """``since``/``until`` as stored: the first phase as since, and the last as until,
    say nothing more than none."""
    phases = sorted(plan.phases, key=lambda p: p.position)
    if since is not None and until is not None and since.position > until.position:
        raise Invalid("Punkten kan inte tas bort ur planen före den fasen då den tillkommer.")
    return (None if since is phases[0] else since), (None if until is phases[-1] else until)


def signed_phases(plan):
    """The plan's phases whose memo is signed, in order: what they contain is on the
    record, so no change of the structure may add a node to one or take one out."""
    signed = set(db.session.scalars(select(Memo.phase_id).where(
        Memo.plan_id == plan.id, Memo.state == MemoState.signed)))
    return [p for p in sorted(plan.phases, key=lambda p: p.position) if p.id in signed]


def open_to_new_nodes(plan):
    """The phases a new node may be followed up from: those after the last signed one
    (a node followed up from an earlier phase would enter the signed one)."""
    signed = signed_phases(plan)
    after = signed[-1].position if signed else -1
    return [p for p in sorted(plan.phases, key=lambda p: p.position) if p.position > after]


class _Planned:
    """Nodes as a change would leave them: ``changes`` maps a node to its new values
    (``since``, ``until``, ``archived``, ``parent``); what is not in it stays as it is."""

    def __init__(self, changes=None):
        self.changes = changes or {}

    def value(self, node, name):
        own = self.changes.get(node, {})
        return own[name] if name in own else getattr(node, name)

    def in_phase(self, node, phase):
        """As timeline.in_phase, with the changes made."""
        while node is not None:
            since, until = self.value(node, "since"), self.value(node, "until")
            if (self.value(node, "archived")
                    or (since is not None and since.position > phase.position)
                    or (until is not None and phase.position > until.position)):
                return False
            node = self.value(node, "parent")
        return True


def _signed_membership(plan, nodes, planned):
    """{signed phase: the ids of ``nodes`` in it}, as ``planned`` leaves them."""
    return {p: {n.id for n in nodes if planned.in_phase(n, p)} for p in signed_phases(plan)}


def _require_signed_unchanged(plan, nodes, changes):
    """Refuse a change (before anything is changed) that would make a node enter or
    leave a signed phase."""
    before = _signed_membership(plan, nodes, _Planned())
    after = _signed_membership(plan, nodes, _Planned(changes))
    entered = [p for p in before if after.get(p, set()) - before[p]]
    left = [p for p in before if before[p] - after.get(p, set())]
    if not (entered or left):
        return
    phase = (entered or left)[0]
    label = formatting.in_sentence(phase.label)
    change = "komma med i" if entered else "försvinna ur"
    raise Invalid(f"Tjänsteskrivelsen för {label} är fastställd, och ändringen skulle få "
                  f"punkten att {change} den. Det som står i en fastställd tjänsteskrivelse "
                  "ändras inte. Välj andra faser, eller be direktören öppna "
                  "tjänsteskrivelsen igen först.", "since")


def _apply(changes):
    for node, values in changes.items():
        for name, value in values.items():
            setattr(node, name, value)


def add_node(user, plan, *, parent, type_key, number, title, unit_key, since_key=None,
             prefix=None):
    """A new node, followed up from ``since_key`` or else from the current phase on;
    never from a phase that is signed or comes before a signed one. ``prefix``: its own
    text before the title, if any."""
    permissions.require_compiler(user, plan)
    lock.lock_plan(plan.id)
    node_type = next((t for t in plan.node_types if t.key == type_key), None)
    if node_type is None:
        raise Invalid("Välj vad det är för sorts punkt.")
    if parent is not None and parent.plan_id != plan.id:
        raise Invalid("Den valda överordnade punkten finns inte i planen.")
    since = _phase(plan, since_key, "Följs upp från") or timeline.current_phase(plan)
    open_ = open_to_new_nodes(plan)
    if since not in open_:
        last = formatting.in_sentence(signed_phases(plan)[-1].label)
        if not open_:
            raise Invalid(f"Tjänsteskrivelsen för {last} är fastställd, och det finns ingen "
                          "fas efter den. En ny punkt kan inte läggas till i planen.", "since")
        raise Invalid(f"Tjänsteskrivelsen för {last} är fastställd, så en ny punkt kan inte "
                      f"följas upp från {formatting.in_sentence(since.label)}. Välj "
                      f"{formatting.in_sentence(open_[0].label)} eller en senare fas.", "since")
    if parent is not None and not timeline.in_phase(parent, since):
        raise Invalid("Den överordnade punkten ingår inte i planen i "
                      f"{formatting.in_sentence(since.label)}.")
    since, _ = _period(plan, since, None)
    number = _line(number, "Numret", 40)
    node = Node(plan=plan, parent=parent, type=node_type, number=number,
                title=_title(title), unit=_unit(plan, unit_key), prefix=_prefix(prefix),
                key=_fresh_node_key(plan, node_type, number), notes=[],
                position=len(_siblings(plan, parent)), since=since)
    if parent is None:
        plan.root_nodes.append(node)
    db.session.add(node)
    return node


def update_node(user, node, *, number, title, unit_key, notes, group, responsible_boards,
                carried_over_from, parent_key, since_key=None, until_key=None,
                prefix=KEEP):
    """Change a node; ``prefix`` (its own text before the title; blank: its type's) is left
    as it is where not given. Everything is checked before anything changes."""
    permissions.require_compiler(user, node.plan)
    lock.lock_plan(node.plan_id)
    plan = node.plan
    since, until = _period(plan, _phase(plan, since_key, "Följs upp från"),
                           _phase(plan, until_key, "Till och med"))
    if since is not node.since and since in signed_phases(plan):
        # A node does not begin in a phase that is on the record.
        raise Invalid(f"Tjänsteskrivelsen för {formatting.in_sentence(since.label)} är "
                      "fastställd, så punkten kan inte börja följas upp i den fasen. Välj "
                      "en annan fas, eller be direktören öppna tjänsteskrivelsen igen "
                      "först.", "since")
    values = dict(number=_line(number, "Numret", 40), title=_title(title),
                  unit=_unit(plan, unit_key), notes=_notes(notes),
                  group=_line(group, "Gruppen", 200),
                  responsible_boards=_line(responsible_boards, "Ansvariga nämnder", 200),
                  carried_over_from=_year(carried_over_from))
    if prefix is not KEEP:
        values["prefix"] = _prefix(prefix, node.prefix)
    new_parent = _new_parent(node, parent_key)
    _require_signed_unchanged(plan, list(node.walk()),
                              {node: dict(since=since, until=until, parent=new_parent)})
    _apply({node: dict(values, since=since, until=until)})
    if new_parent is not node.parent:
        _reparent(node, new_parent)
    return node


def _notes(notes):
    """One note a line, each without control characters."""
    return [line for line in (single_line(raw).strip() for raw in (notes or "").splitlines())
            if line]


def _new_parent(node, parent_key):
    """The node ``parent_key`` names in the node's plan (None: the top), where the node
    may be moved: not under itself."""
    if not parent_key:
        return None
    parent = find_node(node.plan, parent_key)
    if parent is None:
        raise Invalid("Den valda överordnade punkten finns inte i planen.")
    walker = parent
    while walker is not None:
        if walker is node:
            raise Invalid("En punkt kan inte flyttas in under sig själv.")
        walker = walker.parent
    return parent


def _year(value):
    """A year as typed, in ASCII digits ("٢٠٢٥" is no year here), or None for blank."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and 1990 <= int(text) <= 2100):
        raise Invalid("Kvar från ska vara ett årtal, t.ex. 2025.")
    return int(text)


def _reparent(node, new_parent):
    """Move the node under ``new_parent`` (checked by _new_parent), last there."""
    plan = node.plan
    old = [n for n in _siblings(plan, node.parent) if n is not node]
    if node.parent is None:
        plan.root_nodes.remove(node)
    node.parent = new_parent
    node.position = len(_siblings(plan, new_parent))
    if new_parent is None:
        plan.root_nodes.append(node)
    for i, sibling in enumerate(old):
        sibling.position = i


def move(user, node, offset):
    """Move a node up (-1) or down (+1) among its siblings."""
    permissions.require_compiler(user, node.plan)
    lock.lock_plan(node.plan_id)
    inputs.reorder(_siblings(node.plan, node.parent), node, offset)
    return node


def take_out(user, node):
    """Take a node (and what is below it) out of the plan from the current phase on: it
    stays in the earlier phases. Taken out before it was ever followed up, it is archived:
    it appears in no phase, and its history stays."""
    permissions.require_compiler(user, node.plan)
    lock.lock_plan(node.plan_id)
    plan = node.plan
    subtree = list(node.walk())
    last = timeline.phase_before(plan, timeline.current_phase(plan))
    changes = {}
    for n in subtree:
        if last is None or (n.since is not None and n.since.position > last.position):
            changes[n] = dict(archived=True)
        elif n.until is None or n.until.position > last.position:
            changes[n] = dict(until=last)
    _require_signed_unchanged(plan, subtree, changes)
    _apply(changes)
    return node


def put_back(user, node):
    """Undo ``take_out``: the node and its subtree are in the plan to the end again
    (refused where that would bring them back into a signed phase they were not in)."""
    permissions.require_compiler(user, node.plan)
    lock.lock_plan(node.plan_id)
    changes = {n: dict(archived=False, until=None) for n in node.walk()}
    _require_signed_unchanged(node.plan, list(changes), changes)
    _apply(changes)
    return node


def add_unit(user, plan, *, key, name):
    permissions.require_compiler(user, plan)
    lock.lock_plan(plan.id)
    key = inputs.key(key, "Enhetens beteckning")
    if any(u.key == key for u in plan.units):
        raise Invalid(f'Enheten "{key}" finns redan.')
    unit = Unit(plan=plan, key=key, name=_line(name, "Namnet", 200, required=True),
                position=len(plan.units))
    db.session.add(unit)
    return unit


def rename_unit(user, unit, name):
    permissions.require_compiler(user, unit.plan)
    lock.lock_plan(unit.plan_id)
    unit.name = _line(name, "Namnet", 200, required=True)
    return unit


def _level_fields(label, text, tone):
    if tone not in TONES:
        raise Invalid("Välj en ton för nivån.")
    return (_line(label, "Etiketten", 200, required=True),
            inputs.text(text, "Texten", 2000), tone)


def update_level(user, level, *, label, text, tone, done):
    permissions.require_compiler(user, level.scale.plan)
    lock.lock_plan(level.scale.plan_id)
    level.label, level.text, level.tone = _level_fields(label, text, tone)
    level.done = bool(done)
    return level


def add_level(user, scale, *, key, label, text, tone, done):
    permissions.require_compiler(user, scale.plan)
    lock.lock_plan(scale.plan_id)
    key = inputs.key(key, "Nivåns beteckning")
    if scale.level(key) is not None:
        raise Invalid(f'Nivån "{key}" finns redan i skalan.')
    label, text, tone = _level_fields(label, text, tone)
    position = db.session.scalar(select(func.count(Level.id)).where(Level.scale_id == scale.id))
    level = Level(scale=scale, key=key, label=label, text=text, tone=tone, done=bool(done),
                  position=position)
    db.session.add(level)
    return level


def find_node(plan, key):
    """The plan's node with ``key``, or None (also for no key)."""
    if not key:
        return None
    return db.session.scalar(select(Node).where(Node.plan_id == plan.id, Node.key == key))


def find_scale(plan, key):
    return next((s for s in plan.scales if s.key == key), None)


def tree(plan, include_archived=True):
    """[(node, depth)] of the whole tree in order."""
    out = []

    def walk(nodes, depth):
        for n in sorted(nodes, key=lambda n: n.position):
            if include_archived or not n.archived:
                out.append((n, depth))
                walk(n.children, depth + 1)

    walk(plan.root_nodes, 0)
    return out




@dataclass
class Branch:
    """A node in the outline of the goal tree, with the branches below it in order."""

    node: Node
    depth: int
    children: list["Branch"] = field(default_factory=list)

    @property
    def gone(self):
        """Taken out of the plan: archived, or followed up only until an earlier phase."""
        return self.node.archived or self.node.until is not None

    @property
    def contents(self):
        """What is directly below, counted per sort: ["2 uppdrag", "1 åtgärd"]."""
        counts = {}
        for child in self.children:
            counts.setdefault(child.node.type, 0)
            counts[child.node.type] += 1
        return [formatting.count(n, formatting.in_sentence(t.label),
                                 formatting.in_sentence(t.plural or t.label))
                for t, n in sorted(counts.items(), key=lambda item: item[0].position)]


def outline(plan):
    """The goal tree as [Branch], archived nodes included, read in one query."""
    nodes = db.session.scalars(
        select(Node).where(Node.plan_id == plan.id).order_by(Node.position)
        .options(selectinload(Node.type), selectinload(Node.unit),
                 selectinload(Node.since), selectinload(Node.until))).all()
    below = {}
    for n in nodes:
        below.setdefault(n.parent_id, []).append(n)

    def grow(parent_id, depth):
        return [Branch(n, depth, grow(n.id, depth + 1)) for n in below.get(parent_id, [])]

    return grow(None, 0)


def ancestors(node):
    """The nodes above ``node``, nearest first."""
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


def name(node):
    """How a message names a node: "Uppdrag 1.1.1", or the type and the start of the
    title where it has no number."""
    if node.number:
        return f"{node.type.label} {node.number}"
    title = node.title if len(node.title) <= 50 else node.title[:49].rstrip() + "…"
    return f"{node.type.label} ”{title}”"


def namesakes(node):
    """Other nodes of the node's sort with its number. Not refused: real plans have them
    (a report numbers two uppdrag 2.9), but a person who typed one should hear of it."""
    if not node.number:
        return []
    return list(db.session.scalars(select(Node).where(
        Node.plan_id == node.plan_id, Node.type_id == node.type_id,
        Node.number == node.number, Node.id != node.id).order_by(Node.id)))


def child_type(plan, parent):
    """The sort of node most likely added under ``parent``: the sort its children have,
    else the one after its own in the plan's order (the first at the top)."""
    types = list(plan.node_types)
    if not types:
        return None
    if parent is None:
        return types[0]
    if parent.children:
        return parent.children[-1].type
    later = [t for t in types if t.position > parent.type.position]
    return later[0] if later else parent.type


def parents_for(plan, node=None):
    """[(node, depth)] the nodes ``node`` may be moved under: every node in the plan but
    itself and what is below it; for a new node, all of them."""
    out, skip = [], None
    for n, depth in tree(plan, include_archived=False):
        if skip is not None and depth > skip:
            continue
        skip = None
        if node is not None and n is node:
            skip = depth
            continue
        out.append((n, depth))
    return out
