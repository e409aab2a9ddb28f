"""Editing a phase's memo: its fields, proposals, sections and appendices.

Only the compiler edits, and only while the memo is not signed.
"""

import copy

from sqlalchemy import select

from .. import html
from ..extensions import db
from ..models import Appendix, Memo, MemoState, Section
from . import inputs, lifecycle, permissions
from .errors import Frozen, Invalid

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
CONTROL_FIELDS = {"area": "Kontrollområde", "process": "Process", "risk": "Risk",
                  "control": "Kontrollmoment", "method": "Kontrollmetod",
                  "results": "Resultat per fas", "comment": "Kommentar"}


def require_editable(user, memo):
    """Only the compiler, and only while the memo is not signed. Takes the plan's lock
    first (``lifecycle.lock_plan``) and reads the memo's state under it: an edit made
    while the memo is being signed waits for the signing and is then refused."""
    permissions.require_compiler(user)
    lifecycle.lock_plan(memo.plan_id)
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
    permissions.require_compiler(user)
    if db.session.scalar(select(Memo.id).where(Memo.phase_id == phase.id)):
        raise Invalid(f"{phase.label} har redan en tjänsteskrivelse.")
    memo = Memo(plan=plan, phase=phase, position=len(plan.memos),
                title=f"{phase.label} {plan.year}", recipient=plan.board_name,
                proposals_intro=f"{plan.board_name} föreslås besluta", handlaggare=[], proposals=[])
    db.session.add(memo)
    if copy_from is not None:
        if copy_from.plan_id != plan.id:
            raise Invalid("Det går bara att utgå från en tjänsteskrivelse i samma plan.")
        _copy_memo(copy_from, memo, with_texts)
    db.session.commit()
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
    memo.title = inputs.text(title, "Rubriken", required=True, field="title")
    memo.date = inputs.iso_date(date, "Datum", "date")
    memo.diarienummer = inputs.text(diarienummer, "Diarienumret", 80, field="diarienummer")
    memo.handlaggare = _names(handlaggare)
    memo.recipient = inputs.text(recipient, "Mottagaren", 200, field="recipient")
    memo.meeting_date = inputs.iso_date(meeting_date, "Sammanträdesdatum", "meeting_date")
    db.session.commit()
    return memo


def update_proposals(user, memo, *, proposals_intro, proposals, numbered, signatures,
                     appendices_heading):
    """The att-satser, whether they are numbered, who signs (``[(name, title)]``; none
    given: the plan's director) and the heading over the list of appendices."""
    require_editable(user, memo)
    memo.proposals_intro = inputs.text(proposals_intro, "Inledningen till förslagen",
                                       field="proposals_intro")
    memo.proposals = inputs.lines(proposals)
    # Numbered is the default: a memo that never said otherwise keeps saying nothing.
    if not (numbered and memo.numbered_proposals is None):
        memo.numbered_proposals = bool(numbered)
    people = []
    for name, title in signatures:
        name = inputs.text(name, "Namnet på den som undertecknar", 200)
        title = inputs.text(title, "Titeln på den som undertecknar", 200)
        if name or title:
            if not name:
                raise Invalid("Den som undertecknar behöver ett namn.")
            people.append({"name": name, "title": title or ""})
    memo.signatures = people or None
    memo.appendices_heading = inputs.text(appendices_heading, "Rubriken för bilagorna", 200,
                                          field="appendices_heading")
    db.session.commit()
    return memo


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
    db.session.commit()
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
    section.heading = inputs.text(heading, "Rubriken", required=True)
    section.level = _level(level)
    section.body = _rich(body, "Texten")
    section.tables = _table_keys(memo.plan, tables)
    section.body_after = _rich(body_after, "Texten efter tabellerna")
    db.session.commit()
    return section


def move_section(user, memo, section, offset):
    require_editable(user, memo)
    inputs.reorder((section.memo or section.appendix).sections, section, offset)
    db.session.commit()


def delete_section(user, memo, section):
    require_editable(user, memo)
    owner = section.memo or section.appendix
    owner.sections.remove(section)
    for position, s in enumerate(_owner_sections(owner)):
        s.position = position
    db.session.commit()


def append_text(user, memo, section, text):
    """Insert generated text as a new paragraph at the end of a section's body."""
    require_editable(user, memo)
    paragraph = f"<p>{html.escape_text(text)}</p>"
    section.body = _rich((section.body or "") + paragraph, "Texten")
    db.session.commit()
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
    db.session.commit()
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
    db.session.commit()
    return chapter


def update_appendix(user, memo, appendix, *, title, kind, intro, node_types, tables, number=None,
                    document_type=None, heading=None, date=None, diarienummer=None,
                    handlaggare=None, new_page=None):
    """An appendix's fields; for a chapter only what a chapter has (no number, no header
    fields) and whether it starts on a new page."""
    require_editable(user, memo)
    appendix.title = inputs.text(title, "Titeln", required=True, field="title")
    appendix.kind = _kind(kind)
    appendix.intro = _rich(intro, "Inledningen")
    known_types = {t.key for t in memo.plan.node_types}
    if any(t not in known_types for t in node_types):
        raise Invalid("Välj bara bland planens punkter.")
    appendix.node_types = list(node_types)
    appendix.tables = _table_keys(memo.plan, tables)
    if appendix.parent is not None:
        # None and False print alike; keep what the plan file said where nothing changed.
        if bool(new_page) != bool(appendix.new_page):
            appendix.new_page = bool(new_page)
        db.session.commit()
        return appendix
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Invalid("Bilagans nummer ska vara ett heltal.", "number") from None
    if number < 1 or any(a.number == number for a in memo.appendices if a is not appendix):
        raise Invalid(f"Bilaga {number} finns redan eller är inget giltigt nummer.", "number")
    appendix.number = number
    appendix.document_type = inputs.text(document_type, "Dokumenttypen", 200,
                                         field="document_type")
    appendix.heading = inputs.text(heading, "Rubriken", field="heading")
    appendix.date = inputs.iso_date(date, "Datum", "date")
    appendix.diarienummer = inputs.text(diarienummer, "Diarienumret", 80, field="diarienummer")
    appendix.handlaggare = _names(handlaggare)
    db.session.commit()
    return appendix


def update_report(user, memo, appendix, *, contents, cover_title, cover_subtitle, cover_lines):
    """A report in one document: a contents list with page numbers, and a cover page
    (no title: no cover)."""
    require_editable(user, memo)
    if appendix.parent is not None:
        raise Invalid("Ett kapitel har ingen egen försättssida.")
    if bool(contents) != bool(appendix.contents):
        appendix.contents = bool(contents)
    title = inputs.text(cover_title, "Försättssidans rubrik", 300)
    if title is None:
        appendix.cover = None
    else:
        appendix.cover = {"title": title,
                          "subtitle": inputs.text(cover_subtitle, "Underrubriken", 300),
                          "lines": inputs.lines(cover_lines)}
    db.session.commit()
    return appendix


def _siblings(appendix):
    return appendix.parent.chapters if appendix.parent is not None else appendix.memo.appendices


def move_appendix(user, memo, appendix, offset):
    require_editable(user, memo)
    inputs.reorder(_siblings(appendix), appendix, offset)
    db.session.commit()


def delete_appendix(user, memo, appendix):
    require_editable(user, memo)
    siblings = _siblings(appendix)
    siblings.remove(appendix)
    for position, a in enumerate(sorted(siblings, key=lambda a: a.position)):
        a.position = position
    db.session.commit()


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


def update_layout(user, memo, part, entries):
    """``entries``: ``{key: spec or None}`` for the keys of ``layout_entries``; a spec has
    ``display`` and, where they say something, ``level``, ``lead``, ``prefix``,
    ``heading``, ``intro`` and ``columns`` (``[(field, header)]``). None: the default."""
    require_editable(user, memo)
    if part.kind != "plan":
        raise Invalid("Utseendet per punkt gäller bara bilagor och kapitel som följer upp målen.")
    known = dict(layout_entries(memo.plan, part))
    layout = {}
    for key, spec in entries.items():
        if key not in known:
            raise Invalid("Välj bara bland planens punkter och grupper.")
        if spec is None:
            continue
        if spec.get("display") not in DISPLAYS:
            raise Invalid(f"Välj hur {known[key].lower()} visas.")
        out = {"display": spec["display"]}
        if spec["display"] == "section":
            level = spec.get("level") or "text"
            if level not in LEVEL_DISPLAYS:
                raise Invalid("Välj hur nivån visas.")
            out["level"] = level
        if spec["display"] == "row":
            columns = _columns(spec.get("columns") or [], NODE_FIELDS)
            if columns:
                out["columns"] = columns
        for field, what in (("lead", "Meningen före listan"), ("prefix", "Texten före titeln")):
            value = inputs.text(spec.get(field), what, 300 if field == "lead" else 80)
            if value:
                # A prefix is printed right before the title: keep the space it needs.
                out[field] = value + " " if field == "prefix" else value
        if key.startswith("group:"):
            heading = inputs.text(spec.get("heading"), "Gruppens rubrik", 300)
            if heading:
                out["heading"] = heading
            intro = _rich(spec.get("intro"), "Gruppens inledning")
            if intro:
                out["intro"] = intro
        layout[key] = out
    part.layout = layout or None
    db.session.commit()
    return part


def _columns(columns, allowed):
    out = []
    for field, header in columns:
        if not field:
            continue
        if field not in allowed:
            raise Invalid("Välj bara bland de kolumner som finns.")
        header = inputs.text(header, "Kolumnens rubrik", 200) or allowed[field]
        out.append({"field": field, "header": header})
    return out


def update_control_columns(user, memo, part, *, columns, phases):
    """The internal control table's ``columns`` (``[(field, header)]``; none: every
    field some point has) and the ``phases`` whose results it prints (none: every phase
    up to the document's)."""
    require_editable(user, memo)
    if part.kind != "internal_control":
        raise Invalid("Kolumnerna gäller bara internkontrollen.")
    part.columns = _columns(columns, CONTROL_FIELDS) or None
    known = [p.key for p in memo.plan.phases]
    if any(p not in known for p in phases):
        raise Invalid("Välj bara bland planens faser.")
    part.phases = [p for p in known if p in phases] or None
    db.session.commit()
    return part
