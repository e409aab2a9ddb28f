"""Editing a phase's memo: its fields, proposals, sections and appendices.

Only the compiler edits, and only while the memo is not signed.

Each operation checks everything it is given before it changes anything, and commits
nothing: the view that called it commits once it succeeded (issue 22.4). A refused edit
(Invalid, Frozen, Busy) has changed nothing.
"""

import copy
from string import Formatter

from sqlalchemy import select

from followup.core import html, inputs, pdf
from followup.core.errors import Frozen, Invalid
from followup.core.extensions import db
from followup.documents import wording
from followup.memos import content
from followup.memos.models import Appendix, Memo, MemoState, Section
from followup.people import permissions
from followup.plans import lock

KINDS = {"plan": "Uppföljning av målen", "internal_control": "Internkontroll",
         "text": "Text", "tables": "Tabeller"}

# How a plan part prints its nodes (FORMAT.md "layout"), in the words the editor shows.
DISPLAYS = {"section": "Rubrik med bedömning och text", "row": "Rad i en tabell",
            "list": "Punkt i en lista", "hidden": "Visas inte"}
LEVEL_DISPLAYS = {"text": "Nivåns mening", "label": "Skalans namn och nivån (Bedömning: Delvis uppfyllt)",
                  "label_and_text": "Både nivån och meningen", "none": "Visas inte"}
NODE_FIELDS = {"number_title": "Nummer och titel", "title": "Titel", "number": "Nummer",
               "level": "Nivå", "level_text": "Nivåns mening", "children": "Underliggande punkter",
               "comment": "Kommentar", "notes": "Noteringar", "unit": "Enhet",
               "responsible_boards": "Ansvariga nämnder"}
# Fields a plan file may give a column that the editor does not offer (FORMAT.md 2.2):
# shown and kept where the file has them.
KEPT_FIELDS = {"boards": "Nämndernas nivåer"}
# The words the documents print (FORMAT.md 2.1 "wording"), as the editor names them.
WORD_LABELS = {
    "not_reported": "Där inget är rapporterat", "carried_over": "Kvar från tidigare år",
    "mandatory_control": "Obligatoriskt kontrollmoment", "comment_header": "Rubrik för kommentaren",
    "proposals_heading": "Rubrik över förslagen", "contents_heading": "Rubrik över innehållsförteckningen",
    "appendix_item": "Bilagans rad i tjänsteskrivelsens lista",
    "appendix_title": "Bilagans egen rubrikrad",
    "memo_item": "Tjänsteskrivelsens egen rad först i listan över bilagor",
    "draft_mark": "Märkning av utkast", "signed_by": "Rad om vem som fastställt"}
CONTROL_FIELDS = wording.CONTROL_HEADERS  # a blank header prints the default the editor shows


def require_editable(user, memo):
    """Only the compiler, and only while the memo is not signed. Takes the plan's lock
    first (``lock.lock_plan``) and reads the memo's state under it: an edit made
    while the memo is being signed waits for the signing and is then refused."""
    permissions.require_compiler(user, memo.plan)
    lock.lock_plan(memo.plan_id)
    db.session.refresh(memo, ["state"])
    if memo.state is MemoState.signed:
        raise Frozen("Tjänsteskrivelsen är fastställd och kan inte ändras. "
                     "Direktören kan återöppna den.")


def _rich(value, what):
    try:
        cleaned = html.sanitize(value or "")
    except html.TextTooLong as e:
        raise Invalid(f"{what}: {e}.") from None
    return cleaned if html.has_text(cleaned) else None


def _names(value):
    return [n.strip() for n in (value or "").replace("\n", ",").split(",") if n.strip()]


def _table_keys(plan, keys):
    known = {t.key for t in plan.tables}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise Invalid(f"Tabellen {unknown[0]} finns inte i planen.")
    return list(keys)


def create_memo(user, plan, phase, copy_from=None, with_texts=False):
    """A new memo for ``phase``: empty, or a copy of ``copy_from`` (an earlier phase's
    memo): its appendices, chapters, sections and layouts, with or without its texts."""
    permissions.require_compiler(user, plan)
    if db.session.scalar(select(Memo.id).where(Memo.phase_id == phase.id)):
        raise Invalid(f"{phase.label} har redan en tjänsteskrivelse.")
    if copy_from is not None and copy_from.plan_id != plan.id:
        raise Invalid("Det går bara att utgå från en tjänsteskrivelse i samma plan.")
    memo = Memo(plan=plan, phase=phase, position=len(plan.memos),
                title=f"{phase.label} {plan.year}", recipient=plan.board_name,
                proposals_intro=f"{plan.board_name} föreslås besluta", handlaggare=[], proposals=[])
    db.session.add(memo)
    if copy_from is not None:
        _copy_memo(copy_from, memo, with_texts)
    return memo


_HEADER = ("recipient", "handlaggare", "proposals_intro", "numbered_proposals", "signatures",
           "appendices_heading")
_PART = ("title", "kind", "node_types", "tables", "layout", "columns", "phases", "new_page",
         "number", "document_type", "heading", "handlaggare", "contents", "cover")


def _copy_memo(source, memo, with_texts):
    for field in _HEADER:
        setattr(memo, field, copy.deepcopy(getattr(source, field)))
    if with_texts:
        memo.proposals = list(source.proposals or [])
    memo.sections = _copy_sections(source.sections, with_texts)
    memo.appendices = [_copy_part(a, memo, with_texts) for a in source.appendices]


def _copy_part(source, memo, with_texts):
    part = Appendix(memo=memo, position=source.position,
                    **{f: copy.deepcopy(getattr(source, f)) for f in _PART})
    part.intro = source.intro if with_texts else None
    part.sections = _copy_sections(source.sections, with_texts)
    part.chapters = [_copy_part(c, memo, with_texts) for c in source.chapters]
    return part


def _copy_sections(sections, with_texts):
    return [Section(position=s.position, heading=s.heading, level=s.level,
                    tables=list(s.tables or []),
                    body=s.body if with_texts else None,
                    body_after=s.body_after if with_texts else None)
            for s in sections]


def update_header(user, memo, *, title, date, diarienummer, handlaggare, recipient,
                  meeting_date):
    require_editable(user, memo)
    _assign(memo, title=inputs.text(title, "Rubriken", required=True, field="title"),
            date=inputs.iso_date(date, "Datum", "date"),
            diarienummer=inputs.text(diarienummer, "Diarienumret", 80, field="diarienummer"),
            handlaggare=_names(handlaggare),
            recipient=inputs.text(recipient, "Mottagaren", 200, field="recipient"),
            meeting_date=inputs.iso_date(meeting_date, "Sammanträdesdatum", "meeting_date"))
    return memo


def _assign(item, **values):
    """Set the attributes, every value already checked."""
    for name, value in values.items():
        setattr(item, name, value)


def update_proposals(user, memo, *, proposals_intro, proposals, numbered, signatures,
                     appendices_heading):
    """The att-satser, whether they are numbered, who signs (``[(name, title)]``; none
    given: the plan's director) and the heading over the list of appendices."""
    require_editable(user, memo)
    values = dict(
        proposals_intro=inputs.text(proposals_intro, "Inledningen till förslagen",
                                    field="proposals_intro"),
        proposals=inputs.lines(proposals), signatures=_signatures(signatures),
        appendices_heading=inputs.text(appendices_heading, "Rubriken för bilagorna", 200,
                                       field="appendices_heading"))
    # Numbered is the default: a memo that never said otherwise keeps saying nothing.
    if not (numbered and memo.numbered_proposals is None):
        values["numbered_proposals"] = bool(numbered)
    _assign(memo, **values)
    return memo


def _signatures(signatures):
    """``[(name, title)]`` as typed → ``[{"name", "title"}]``, the blank rows left out;
    None where none is given."""
    people = []
    for name, title in signatures:
        name = inputs.text(name, "Namnet på den som undertecknar", 200)
        title = inputs.text(title, "Titeln på den som undertecknar", 200)
        if name or title:
            if not name:
                raise Invalid("Den som undertecknar behöver ett namn.")
            people.append({"name": name, "title": title or ""})
    return people or None


def _owner_sections(owner):
    return sorted(owner.sections, key=lambda s: s.position)


def add_section(user, memo, owner, *, heading, level, body, tables, body_after=None):
    require_editable(user, memo)
    section = Section(position=len(owner.sections),
                      heading=inputs.text(heading, "Rubriken", required=True),
                      level=_level(level), body=_rich(body, "Texten"),
                      tables=_table_keys(memo.plan, tables),
                      body_after=_rich(body_after, "Texten efter tabellerna"))
    owner.sections.append(section)
    return section


def _level(value):
    try:
        level = int(value or 1)
    except (TypeError, ValueError):
        raise Invalid("Rubriknivån ska vara 1, 2 eller 3.") from None
    if level not in (1, 2, 3):
        raise Invalid("Rubriknivån ska vara 1, 2 eller 3.")
    return level


def update_section(user, memo, section, *, heading, level, body, tables, body_after=None):
    require_editable(user, memo)
    _assign(section, heading=inputs.text(heading, "Rubriken", required=True),
            level=_level(level), body=_rich(body, "Texten"),
            tables=_table_keys(memo.plan, tables),
            body_after=_rich(body_after, "Texten efter tabellerna"))
    return section


def move_section(user, memo, section, offset):
    require_editable(user, memo)
    inputs.reorder((section.memo or section.appendix).sections, section, offset)


def delete_section(user, memo, section):
    require_editable(user, memo)
    owner = section.memo or section.appendix
    owner.sections.remove(section)
    for position, s in enumerate(_owner_sections(owner)):
        s.position = position


def append_text(user, memo, section, text):
    """Insert generated text as a new paragraph at the end of a section's body."""
    require_editable(user, memo)
    paragraph = f"<p>{html.escape_text(text)}</p>"
    section.body = _rich((section.body or "") + paragraph, "Texten")
    return section


def _kind(kind):
    if kind not in KINDS:
        raise Invalid("Välj vilken sorts bilaga det är.")
    return kind


def add_appendix(user, memo, *, title, kind):
    require_editable(user, memo)
    number = max((a.number for a in memo.appendices), default=0) + 1
    appendix = Appendix(memo=memo, position=len(memo.appendices), number=number,
                        title=inputs.text(title, "Bilagans titel", required=True),
                        kind=_kind(kind), node_types=[], tables=[], handlaggare=[])
    memo.appendices.append(appendix)
    return appendix


def add_chapter(user, memo, report, *, title, kind):
    """A chapter of a report appendix: printed in the same document, in order."""
    require_editable(user, memo)
    if report.parent is not None:
        raise Invalid("Ett kapitel kan inte ha egna kapitel.")
    chapter = Appendix(memo=memo, position=len(report.chapters),
                       title=inputs.text(title, "Kapitlets rubrik", required=True),
                       kind=_kind(kind), node_types=[], tables=[], handlaggare=[])
    report.chapters.append(chapter)
    return chapter


def update_appendix(user, memo, appendix, *, title, kind, intro, node_types, tables, number=None,
                    document_type=None, heading=None, date=None, diarienummer=None,
                    handlaggare=None, new_page=None):
    """An appendix's fields; for a chapter only what a chapter has (no number, no header
    fields) and whether it starts on a new page."""
    require_editable(user, memo)
    values = dict(title=inputs.text(title, "Titeln", required=True, field="title"),
                  kind=_kind(kind), intro=_rich(intro, "Inledningen"),
                  node_types=_node_types(memo.plan, node_types),
                  tables=_table_keys(memo.plan, tables))
    if appendix.parent is not None:
        # None and False print alike; keep what the plan file said where nothing changed.
        if bool(new_page) != bool(appendix.new_page):
            values["new_page"] = bool(new_page)
    else:
        values.update(_appendix_head(memo, appendix, number=number,
                                     document_type=document_type, heading=heading, date=date,
                                     diarienummer=diarienummer, handlaggare=handlaggare))
    _assign(appendix, **values)
    return appendix


def _node_types(plan, node_types):
    known_types = {t.key for t in plan.node_types}
    if any(t not in known_types for t in node_types):
        raise Invalid("Välj bara bland planens punkter.")
    return list(node_types)


def _appendix_head(memo, appendix, *, number, document_type, heading, date, diarienummer,
                   handlaggare):
    """The checked fields of an appendix's own head (a chapter has none): {name: value},
    where a value that says what the stored one says is left out."""
    values = dict(number=_appendix_number(memo, appendix, number))
    # (choice, text): the default type, none ("") or the text; a bare text: that text.
    if not isinstance(document_type, tuple):
        document_type = (None, document_type)
    kind = _either(*document_type, what="Dokumenttypen", limit=200, field="document_type")
    _put_if_changed(values, appendix, "document_type", _keep_text(appendix.document_type, kind),
                    lambda a, b: a == b)
    _put_if_changed(values, appendix, "heading",
                    inputs.text(heading, "Rubriken", field="heading"),
                    lambda a, b: (a or None) == (b or None))
    values.update(date=inputs.iso_date(date, "Datum", "date"),
                  diarienummer=inputs.text(diarienummer, "Diarienumret", 80,
                                           field="diarienummer"),
                  handlaggare=_names(handlaggare))
    return values


def _appendix_number(memo, appendix, number):
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Invalid("Bilagans nummer ska vara ett heltal.", "number") from None
    if number < 1 or any(a.number == number for a in memo.appendices if a is not appendix):
        raise Invalid(f"Bilaga {number} finns redan eller är inget giltigt nummer.", "number")
    return number


CONTENTS = {0: "Ingen innehållsförteckning", 1: "Kapitlen",
            2: "Kapitlen och deras avsnitt"}


def contents_choice(appendix):
    """How deep the appendix's table of contents goes: 0 none, 1 chapters, 2 sections."""
    if appendix.contents_depth is not None:
        return appendix.contents_depth
    return 1 if appendix.contents else 0


def update_report(user, memo, appendix, *, contents, cover_title, cover_subtitle, cover_lines):
    """A report in one document: a contents list with page numbers as deep as
    ``contents`` says (0 none, 1 the chapters, 2 their sections too), and a cover page (no
    title: no cover). A depth that is what the file said stays as the file said it
    (``true`` or 1)."""
    require_editable(user, memo)
    if appendix.parent is not None:
        raise Invalid("Ett kapitel har ingen egen försättssida.")
    depth = _contents_depth(appendix, contents)
    cover = _cover(cover_title, cover_subtitle, cover_lines)
    if depth != contents_choice(appendix):
        if depth == 1:
            appendix.contents, appendix.contents_depth = True, None
        elif depth == 0:
            appendix.contents, appendix.contents_depth = False, None
        else:
            appendix.contents, appendix.contents_depth = None, depth
    _set_if_changed(appendix, "cover", cover, _same_cover)
    return appendix


def _contents_depth(appendix, contents):
    try:
        depth = int(contents or 0)
    except (TypeError, ValueError):
        depth = -1
    if depth not in CONTENTS and depth != contents_choice(appendix):
        raise Invalid("Välj hur mycket innehållsförteckningen visar.", "contents")
    return depth


def _cover(cover_title, cover_subtitle, cover_lines):
    """The cover page as stored: None without a title."""
    title = inputs.text(cover_title, "Försättssidans rubrik", 300, field="cover_title")
    if title is None:
        return None
    return {"title": title,
            "subtitle": inputs.text(cover_subtitle, "Underrubriken", 300,
                                    field="cover_subtitle"),
            "lines": inputs.lines(cover_lines)}


def _same_cover(stored, new):
    if stored is None or new is None:
        return stored is None and new is None
    return ((stored.get("title") or "").strip() == new["title"]
            and (stored.get("subtitle") or "").strip() == (new["subtitle"] or "")
            and _same_lines(stored.get("lines"), new["lines"] or None))


def _siblings(appendix):
    return appendix.parent.chapters if appendix.parent is not None else appendix.memo.appendices


def move_appendix(user, memo, appendix, offset):
    require_editable(user, memo)
    inputs.reorder(_siblings(appendix), appendix, offset)


def delete_appendix(user, memo, appendix):
    require_editable(user, memo)
    siblings = _siblings(appendix)
    siblings.remove(appendix)
    for position, a in enumerate(sorted(siblings, key=lambda a: a.position)):
        a.position = position


def layout_entries(plan, part):
    """What a plan part's layout can say something about, in order: each node type of
    the plan, then each group of nodes. ``[(key, label)]``."""
    entries = [(t.key, t.plural or t.label) for t in plan.node_types]
    groups = []
    for node in _all_nodes(plan):
        if node.group and node.group not in groups:
            groups.append(node.group)
    return entries + [(f"group:{g}", f"Gruppen ”{g}”") for g in groups]


def _all_nodes(plan):
    for root in plan.root_nodes:
        yield from root.walk()


# Keeping what the plan file said. An editor page shows some of a part's keys; a save
# changes only those, and a value that means what the stored one means (absent and its
# default, "40" and 40.0, a prefix with or without its space) keeps the stored one, so
# that an untouched save exports the same file.

def _keep_or_set(out, key, stored, value, same):
    """In ``out``: the stored value of ``key`` where ``value`` means the same (``same``),
    else ``value`` (None: the key is left out)."""
    if same(stored.get(key), value):
        if key in stored:
            out[key] = copy.deepcopy(stored[key])
        else:
            out.pop(key, None)
    elif value is None:
        out.pop(key, None)
    else:
        out[key] = value


def _same_text(a, b):
    return (a or "").strip() == (b or "").strip()


def _same_flag(a, b):
    return bool(a) == bool(b)


def _same_width(a, b):
    return (a or None) == (b or None)


def _width(value, what):
    """A column's share of its table in per cent, as typed ("25", "33,5"); empty: none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    else:
        try:
            number = float(str(value).strip().replace(",", ".").rstrip("%").strip())
        except ValueError:
            number = None
    if number is None or number != number or not 0 < number <= 100:
        raise Invalid(f"{what}: bredden ska vara ett tal större än 0 och högst 100 (procent), "
                      "eller tom.")
    return int(number) if float(number).is_integer() else round(number, 2)


# How a plan part prints its nodes (FORMAT.md "layout", 2.1 "Plan appendix layout").
PREFIX_POSITIONS = {"before_title": "Mellan numret och titeln (1.1 NM: Fler barn …)",
                    "before_text": "Före hela punkten, före numret (KF-BESLUT: 1.1 …)"}


def update_layout(user, memo, part, entries):
    """``entries``: ``{key: spec or None}`` for the keys of ``layout_entries``; a spec has
    ``display`` and, where they say something, ``level``, ``lead``, ``prefix``,
    ``prefix_position``, ``caption``, ``heading``, ``intro`` and ``columns``
    (``[(field, header, width)]``). None: the default. Every other key of the stored
    layout (of a key the editor does not show, or that the editor has no field for, such
    as ``boards``) is kept as it is."""
    require_editable(user, memo)
    if part.kind != "plan":
        raise Invalid("Utseendet per punkt gäller bara bilagor och kapitel som följer upp målen.")
    known = dict(layout_entries(memo.plan, part))
    if any(key not in known for key in entries):
        raise Invalid("Välj bara bland planens punkter och grupper.")
    stored = part.layout or {}
    specs = {key: _layout_spec(key, known[key], spec, stored.get(key) or {})
             for key, spec in entries.items()}
    layout = {}
    for key, value in stored.items():
        if key not in specs:
            layout[key] = copy.deepcopy(value)
        elif specs[key] is not None:
            layout[key] = specs[key]
    for key, spec in specs.items():
        if key not in layout and spec is not None:
            layout[key] = spec
    if layout != stored:
        part.layout = layout or None
    return part


def _layout_spec(key, label, spec, stored):
    """The layout to store for one node type or group (``key``) from the editor's
    ``spec``: ``stored`` with what the editor shows set, each value kept where it says
    the same; None: the default rules."""
    if spec is None:
        return None
    display = spec.get("display")
    if not display:
        # As the default rules say: what only a chosen display prints cannot be kept.
        if (spec.get("caption") or "").strip() or (spec.get("prefix") or "").strip():
            raise Invalid(f"{label}: välj hur de visas för att ge dem en rubrik före den "
                          "första eller en text före titeln.")
        return None
    if display not in DISPLAYS:
        raise Invalid(f"Välj hur {label.lower()} visas.")
    out = copy.deepcopy(stored)
    out["display"] = display
    _DISPLAY_FIELDS.get(display, _no_fields)(out, label, spec, stored)
    _set_texts(out, label, spec, stored)
    if key.startswith("group:"):
        _set_group(out, label, spec, stored)
    # The file's order of keys where it gave them; "display" first where it is new.
    return out


def _no_fields(out, label, spec, stored):
    """A display with no fields of its own (a list, hidden)."""


def _set_level(out, label, spec, stored):
    """A section: how its level prints."""
    level = spec.get("level") or "text"
    if level not in LEVEL_DISPLAYS:
        raise Invalid(f"{label}: välj hur nivån visas.")
    _keep_or_set(out, "level", stored, level, lambda a, b: (a or "text") == (b or "text"))


def _set_row_columns(out, label, spec, stored):
    """A row of a table: its columns."""
    columns = _columns(spec.get("columns") or [], NODE_FIELDS, stored.get("columns"), label)
    _keep_or_set(out, "columns", stored, columns or None, lambda a, b: a == b)


_DISPLAY_FIELDS = {"section": _set_level, "row": _set_row_columns}


def _set_texts(out, label, spec, stored):
    """What every display may have: the lead, the text before the title and where it
    stands, and the caption before the first."""
    lead = inputs.text(spec.get("lead"), f"{label}: meningen före listan", 300)
    _keep_or_set(out, "lead", stored, lead, _same_text)
    prefix = inputs.text(spec.get("prefix"), f"{label}: texten före titeln", 79)
    # A prefix is printed right before the title: keep the space it needs.
    _keep_or_set(out, "prefix", stored, prefix + " " if prefix else None, _same_text)
    position = spec.get("prefix_position") or "before_title"
    if position not in PREFIX_POSITIONS:
        raise Invalid(f"{label}: välj var texten före titeln står.")
    _keep_or_set(out, "prefix_position", stored,
                 None if position == "before_title" else position,
                 lambda a, b: (a or "before_title") == (b or "before_title"))
    caption = inputs.text(spec.get("caption"), f"{label}: rubriken före den första", 200)
    _keep_or_set(out, "caption", stored, caption, _same_text)


def _set_group(out, label, spec, stored):
    """A group of nodes: its heading and introduction."""
    heading = inputs.text(spec.get("heading"), f"{label}: gruppens rubrik", 300)
    _keep_or_set(out, "heading", stored, heading, _same_text)
    intro = _rich(spec.get("intro"), f"{label}: gruppens inledning")
    _keep_or_set(out, "intro", stored, intro, lambda a, b: (a or None) == (b or None))


def _columns(columns, allowed, stored=None, what="Tabellen", flags=()):
    """``columns``: ``[(field, header, width, {flag: bool})]`` as posted, in order, the
    blank rows (no field) left out; each matched with the stored column at its place,
    whose other keys it keeps. An empty header: the stored one where it was empty too,
    else the field's name."""
    stored = [c for c in stored or [] if isinstance(c, dict)]
    out = []
    for column in columns:
        field, header, width, given = (tuple(column) + (None, None))[:4]
        if field:
            n = len(out)
            old = stored[n] if n < len(stored) and stored[n].get("field") == field else {}
            out.append(_column(field, header, width, given or {}, old, allowed,
                               f"{what}, kolumn {n + 1}", flags))
    return out


def _column(field, header, width, given, old, allowed, place, flags):
    """One column to store: ``old`` (the stored column at its place, or {}) with the
    field, header, width and flags posted, each kept where it says the same."""
    if field not in allowed and not old:
        raise Invalid("Välj bara bland de kolumner som finns.")
    entry = copy.deepcopy(old) if old else {"field": field}
    entry["field"] = field
    entry["header"] = _column_header(header, old, allowed.get(field, field), place)
    _keep_or_set(entry, "width", old, _width(width, place), _same_width)
    for flag in flags:
        _keep_or_set(entry, flag, old, bool(given.get(flag)) or None, _same_flag)
    return entry


def _column_header(header, old, name, place):
    """The header typed; empty: the stored one where it was empty too, else the field's
    ``name``. The stored one where it says the same."""
    header = inputs.text(header, f"{place}: rubriken", 200)
    if header is None:
        header = "" if old.get("header") == "" else name
    if "header" in old and _same_text(old.get("header"), header):
        return old["header"]
    return header


CONTROL_FLAGS = ("with_comment", "merge_repeats")


def update_control_columns(user, memo, part, *, columns, phases):
    """The internal control table's ``columns`` (``[(field, header, width, {"with_comment":
    bool, "merge_repeats": bool})]``; none: every field some point has) and the ``phases``
    whose results it prints (none: every phase up to the document's)."""
    require_editable(user, memo)
    if part.kind != "internal_control":
        raise Invalid("Kolumnerna gäller bara internkontrollen.")
    chosen = _columns(columns, CONTROL_FIELDS, part.columns, "Internkontrollens tabell",
                      CONTROL_FLAGS) or None
    known = [p.key for p in memo.plan.phases]
    if any(p not in known for p in phases):
        raise Invalid("Välj bara bland planens faser.")
    ordered = [p for p in known if p in phases] or None
    if chosen != part.columns:
        part.columns = chosen
    if set(ordered or []) != set(part.phases or []):
        part.phases = ordered
    return part


# The header block, sender and running lines of a document (FORMAT.md 2.1).

STANDARD, NONE, OTHER = "standard", "ingen", "annan"
HEADER_OWN, HEADER_GIVEN = "egna-uppgifter", "egna-falt"
RUNNING_PLACEHOLDERS = {
    "phase": "fasens namn", "period_end": "periodens sista dag",
    "board": "nämndens namn", "board_code": "nämndens förkortning",
    "board_id": "nämndens nummer", "year": "planens år"}


def _either(choice, text, what, limit, field, default=None):
    """One of three: the default (None), nothing (""), or the text typed. Without a
    choice (a form that does not ask): the text where one is typed, else the default."""
    text = inputs.text(text, what, limit, field=field)
    if choice in (None, ""):
        choice = OTHER if text else STANDARD
    if choice == STANDARD:
        return default
    if choice == NONE:
        return ""
    if choice != OTHER:
        raise Invalid(f"Välj vad som gäller för {what.lower()}.", field)
    if not text:
        raise Invalid(f"Skriv {what.lower()}, eller välj ett av de andra alternativen.", field)
    return text


def _keep_text(stored, value):
    """The stored text where the new one says the same."""
    if stored is None or value is None:
        return value
    return stored if stored.strip() == value else value


def _header_block(choice, rows, what):
    """``rows``: [(label, value)]; None where the document prints its own fields."""
    if choice in (None, "", HEADER_OWN):
        return None
    if choice != HEADER_GIVEN:
        raise Invalid("Välj vilka uppgifter sidhuvudet visar.", "header_choice")
    out = []
    for n, (label, value) in enumerate(rows, start=1):
        label = inputs.text(label, f"Rad {n} i {what}: rubriken", 200, field="header_choice")
        value = inputs.text(value, f"Rad {n} i {what}: värdet", 500, field="header_choice")
        if value and not label:
            raise Invalid(f"Rad {n} i {what} har ett värde men ingen rubrik.", "header_choice")
        if label:
            out.append({"label": label, "value": value or ""})
    return out


def _same_header(stored, new):
    if stored is None or new is None:
        return stored is None and new is None
    return [(f.get("label", "").strip(), (f.get("value") or "").strip()) for f in stored] == \
        [(f["label"], f["value"]) for f in new]


def _running_lines(text, field="running_lines"):
    """One line a row, each with only the placeholders a document fills in."""
    lines = inputs.lines(text)
    for n, line in enumerate(lines, start=1):
        if len(line) > 300:
            raise Invalid(f"Rad {n} under sidhuvudet får ha högst 300 tecken.", field)
        _check_placeholders(line, RUNNING_PLACEHOLDERS, f"Rad {n} under sidhuvudet", field)
    return lines or None


def _check_placeholders(template, allowed, what, field):
    try:
        fields = [(name, spec, conversion)
                  for _, name, spec, conversion in Formatter().parse(template) if name is not None]
    except ValueError:
        raise Invalid(f"{what}: en klammer {{ eller }} saknar sin motsvarighet. Skriv "
                      "platshållare som {year}.", field) from None
    for name, spec, conversion in fields:
        if spec or conversion:
            raise Invalid(f"{what}: skriv platshållaren som {{{name}}}, utan tecken efter "
                          "namnet.", field)
        if name not in allowed:
            said = ", ".join("{" + k + "}" for k in allowed) or "inga"
            raise Invalid(f"{what}: {{{name}}} fylls inte i. Platshållare som går att "
                          f"använda här: {said}.", field)


def _same_lines(stored, new):
    return [line.strip() for line in stored or [] if line.strip()] == (new or [])


def _set_if_changed(item, name, value, same):
    if not same(getattr(item, name), value):
        setattr(item, name, value)


def _put_if_changed(values, item, name, value, same):
    """``value`` in ``values`` (to be set on ``item``) unless it says what is stored."""
    if not same(getattr(item, name), value):
        values[name] = value


def _heading_fields(item, *, issuer, header, running_lines, what):
    """Sender, header block and running lines, checked: {name: value} of those that
    say something else than what ``item`` stores."""
    values = {}
    issuer = _either(*issuer, what="Avsändaren", limit=200, field="issuer")
    _put_if_changed(values, item, "issuer", _keep_text(item.issuer, issuer),
                    lambda a, b: a == b)
    _put_if_changed(values, item, "header", _header_block(*header, what), _same_header)
    _put_if_changed(values, item, "running_lines", _running_lines(running_lines), _same_lines)
    return values


def update_memo_print(user, memo, *, document_type, issuer, header, running_lines):
    """How the memo's head prints: ``document_type`` and ``issuer`` as (choice, text)
    (choice STANDARD, NONE or OTHER), ``header`` as (HEADER_OWN or HEADER_GIVEN, [(label,
    value)]), ``running_lines`` one a line."""
    require_editable(user, memo)
    values = {}
    kind = _either(*document_type, what="Dokumenttypen", limit=200, field="document_type")
    _put_if_changed(values, memo, "document_type", _keep_text(memo.document_type, kind),
                    lambda a, b: a == b)
    values.update(_heading_fields(memo, issuer=issuer, header=header,
                                  running_lines=running_lines, what="sidhuvudet"))
    _assign(memo, **values)
    return memo


ORIENTATIONS = {"portrait": "Stående", "landscape": "Liggande"}
CHART_KINDS = ("plan", "internal_control")
# The words an appendix may word its own way; the rest print in the memo only.
APPENDIX_WORDS = ("appendix_title", "not_reported", "comment_header", "carried_over",
                  "mandatory_control", "contents_heading", "draft_mark", "signed_by")
WORD_PLACEHOLDERS = {
    "carried_over": ("year",), "appendix_item": ("number", "title"),
    "appendix_title": ("number", "title"), "memo_item": ("date",),
    "signed_by": ("name", "title", "date")}


def default_orientation(part):
    return "landscape" if part.kind == "internal_control" else "portrait"


def update_appendix_print(user, memo, appendix, *, orientation, level_chart, issuer=None,
                          header=None, running_lines=None, words=None):
    """How an appendix (or a chapter) prints: its page, its chart of levels and, for an
    appendix, its sender, header block, running lines and own words (``words``: {key:
    (text, off)}; an empty text: the plan's word; off: nothing printed)."""
    require_editable(user, memo)
    if orientation not in ORIENTATIONS:
        raise Invalid("Välj stående eller liggande sidor.", "orientation")
    values = {}
    _put_if_changed(values, appendix, "orientation", orientation,
                    lambda a, b: (a or default_orientation(appendix)) == b)
    if appendix.kind in CHART_KINDS:
        _put_if_changed(values, appendix, "level_chart", bool(level_chart), _same_flag)
    if appendix.parent is None:
        values.update(_heading_fields(appendix, issuer=issuer, header=header,
                                      running_lines=running_lines, what="sidhuvudet"))
        _put_if_changed(values, appendix, "wording",
                        _words(appendix.wording, words or {}, APPENDIX_WORDS, overrides=True),
                        lambda a, b: a == b)
    _assign(appendix, **values)
    return appendix


def _words(original, given, keys, overrides):
    """The wording to store: ``original`` with each key of ``keys`` as ``given`` ({key:
    (text, off)}). ``overrides`` (an appendix): an empty text leaves the key to the plan;
    else (the plan) an empty text or the default is the default and is not stored. A key
    that prints what it printed keeps the stored value; keys not asked about are kept."""
    stored = dict(original or {})
    out = dict(stored)
    for key in keys:
        text, off = given.get(key, (None, False))
        text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
        what = f"”{WORD_LABELS[key]}”"
        if len(text) > 300:
            raise Invalid(f"{what} får ha högst 300 tecken.", key)
        if text:
            _check_placeholders(text, WORD_PLACEHOLDERS.get(key, ()), what, key)
        if off:
            value = None if key == "memo_item" else ""
        elif text:
            value = text
        else:
            value = _UNSET
        if not overrides and value == wording.DEFAULTS[key]:
            value = _UNSET
        if _printed(stored.get(key, _UNSET), key, overrides) == _printed(value, key, overrides):
            continue  # prints what it printed: as it was stored
        if value is _UNSET:
            out.pop(key, None)
        else:
            out[key] = value
    if out == stored:
        return original
    return out or None


_UNSET = object()


def _printed(value, key, overrides):
    if value is _UNSET:
        return _UNSET if overrides else wording.DEFAULTS[key]
    return (value or "").strip() if value is not None else None


def update_plan_print(user, memo, *, words, hyphenate):
    """The plan's own words for every document (``words``: {key: (text, off)}; off:
    nothing printed, for ``memo_item`` the memo's line left out) and whether words may
    break with a hyphen. Only what differs from the defaults is stored."""
    require_editable(user, memo)
    plan = memo.plan
    new = _words(plan.wording, words, wording.KEYS, overrides=False)
    if new != plan.wording:
        plan.wording = new
    if bool(hyphenate) != bool((plan.print_options or {}).get("hyphenate", False)):
        options = dict(plan.print_options or {})
        if hyphenate:
            options["hyphenate"] = True
        else:
            options.pop("hyphenate", None)
        plan.print_options = options or None
    return plan


def memo_first_page_image(memo):
    """The memo's first page as it prints, as a PNG."""
    return pdf.first_page_png(next(content.iter_documents(memo)).html)
