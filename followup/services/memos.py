"""Editing a phase's memo: its fields, proposals, sections and appendices.

Only the compiler edits, and only while the memo is not signed.
"""

from sqlalchemy import select

from .. import html
from ..extensions import db
from ..models import Appendix, Memo, MemoState, Section
from . import inputs, permissions
from .errors import Forbidden, Invalid

KINDS = {"plan": "Uppföljning av målen (plan)", "internal_control": "Internkontroll",
         "text": "Text", "tables": "Tabeller"}


def require_editable(user, memo):
    permissions.require_compiler(user)
    if memo.state is MemoState.signed:
        raise Forbidden("Tjänsteskrivelsen är fastställd och kan inte ändras. "
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


def create_memo(user, plan, phase):
    permissions.require_compiler(user)
    if db.session.scalar(select(Memo.id).where(Memo.phase_id == phase.id)):
        raise Invalid(f"{phase.label} har redan en tjänsteskrivelse.")
    memo = Memo(plan=plan, phase=phase, position=len(plan.memos),
                title=f"{phase.label} {plan.year}", recipient=plan.board_name,
                proposals_intro=f"{plan.board_name} föreslås besluta", handlaggare=[], proposals=[])
    db.session.add(memo)
    db.session.commit()
    return memo


def update_memo(user, memo, *, title, date, diarienummer, handlaggare, recipient, meeting_date,
                proposals_intro, proposals):
    require_editable(user, memo)
    memo.title = inputs.text(title, "Rubriken", required=True)
    memo.date = inputs.iso_date(date, "Datum")
    memo.diarienummer = inputs.text(diarienummer, "Diarienumret", 80)
    memo.handlaggare = _names(handlaggare)
    memo.recipient = inputs.text(recipient, "Mottagaren", 200)
    memo.meeting_date = inputs.iso_date(meeting_date, "Sammanträdesdatum")
    memo.proposals_intro = inputs.text(proposals_intro, "Inledningen till förslagen")
    memo.proposals = inputs.lines(proposals)
    db.session.commit()
    return memo


def _owner_sections(owner):
    return sorted(owner.sections, key=lambda s: s.position)


def add_section(user, memo, owner, *, heading, level, body, tables):
    require_editable(user, memo)
    section = Section(position=len(owner.sections),
                      heading=inputs.text(heading, "Rubriken", required=True),
                      level=_level(level), body=_rich(body, "Texten"),
                      tables=_table_keys(memo.plan, tables))
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


def update_section(user, memo, section, *, heading, level, body, tables):
    require_editable(user, memo)
    section.heading = inputs.text(heading, "Rubriken", required=True)
    section.level = _level(level)
    section.body = _rich(body, "Texten")
    section.tables = _table_keys(memo.plan, tables)
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


def add_appendix(user, memo, *, title, kind):
    require_editable(user, memo)
    if kind not in KINDS:
        raise Invalid("Välj vilken sorts bilaga det är.")
    number = max((a.number for a in memo.appendices), default=0) + 1
    appendix = Appendix(position=len(memo.appendices), number=number,
                        title=inputs.text(title, "Bilagans titel", required=True), kind=kind,
                        node_types=[], tables=[], handlaggare=[])
    memo.appendices.append(appendix)
    db.session.commit()
    return appendix


def update_appendix(user, memo, appendix, *, number, title, kind, document_type, heading, date,
                    diarienummer, handlaggare, intro, node_types, tables):
    require_editable(user, memo)
    if kind not in KINDS:
        raise Invalid("Välj vilken sorts bilaga det är.")
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise Invalid("Bilagans nummer ska vara ett heltal.") from None
    if number < 1 or any(a.number == number for a in memo.appendices if a is not appendix):
        raise Invalid(f"Bilaga {number} finns redan eller är inget giltigt nummer.")
    known_types = {t.key for t in memo.plan.node_types}
    unknown = [t for t in node_types if t not in known_types]
    if unknown:
        raise Invalid(f"Nodtypen {unknown[0]} finns inte i planen.")
    appendix.number = number
    appendix.title = inputs.text(title, "Bilagans titel", required=True)
    appendix.kind = kind
    appendix.document_type = inputs.text(document_type, "Dokumenttypen", 200)
    appendix.heading = inputs.text(heading, "Rubriken")
    appendix.date = inputs.iso_date(date, "Datum")
    appendix.diarienummer = inputs.text(diarienummer, "Diarienumret", 80)
    appendix.handlaggare = _names(handlaggare)
    appendix.intro = _rich(intro, "Inledningen")
    appendix.node_types = list(node_types)
    appendix.tables = _table_keys(memo.plan, tables)
    db.session.commit()
    return appendix


def move_appendix(user, memo, appendix, offset):
    require_editable(user, memo)
    inputs.reorder(memo.appendices, appendix, offset)
    db.session.commit()


def delete_appendix(user, memo, appendix):
    require_editable(user, memo)
    memo.appendices.remove(appendix)
    for position, a in enumerate(sorted(memo.appendices, key=lambda a: a.position)):
        a.position = position
    db.session.commit()
