"""The history of a follow-up: its revisions, and readable differences between texts."""

import difflib
import itertools
import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from followup.core.extensions import db
from followup.followups import followups as fu
from followup.followups.models.followup import Followup, FollowupRevision
from followup.people.models import User

_BLOCK = re.compile(r"</?(?:p|li|h3|h4|ul|ol)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_ENTITY = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}


def revisions(node, phase):
    return db.session.scalars(
        select(FollowupRevision).join(Followup)
        .where(Followup.node_id == node.id, Followup.phase_id == phase.id)
        .options(selectinload(FollowupRevision.level))
        .order_by(FollowupRevision.version)
    ).all()


def author_names(revs):
    ids = {r.author_id for r in revs if r.author_id is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def paragraphs(html_text):
    """Sanitised HTML → its paragraphs as plain text (list items are paragraphs too)."""
    if not html_text:
        return []
    text = _TAG.sub("", _BLOCK.sub("\n", html_text))
    for entity, char in _ENTITY.items():
        text = text.replace(entity, char)
    return [line.strip() for line in text.split("\n") if line.strip()]


def diff(old_html, new_html):
    """A word-level difference as HTML and whether there is one: removed words in
    <del>, added words in <ins>, one <p> per paragraph, every word escaped."""
    old_words, new_words = _words(old_html), _words(new_html)
    tokens, changed = [], False
    for op, a1, a2, b1, b2 in _opcodes(old_words, new_words):
        if op == "equal":
            tokens += [(None, w) for w in old_words[a1:a2]]
        else:
            changed = True
            tokens += [("del", w) for w in old_words[a1:a2]]
            tokens += [("ins", w) for w in new_words[b1:b2]]
    paragraphs_out, current = [], []
    for kind, word in tokens:
        if word == PARAGRAPH:
            if current:
                paragraphs_out.append(current)
            current = []
        else:
            current.append((kind, word))
    if current:
        paragraphs_out.append(current)
    return Markup("".join(f"<p>{_runs(p)}</p>" for p in paragraphs_out)), changed


PARAGRAPH = "\n"
# The word diff takes time that grows with the cube of the words that differ, in
# repetitive text: above this many pairs of differing words, what lies between the
# common start and end is shown as removed and added whole (0.1 s at most).
DIFF_BUDGET = 40_000


def _opcodes(old, new):
    """SequenceMatcher's opcodes of two lists of words, in bounded time: the common
    start and end are found first, and only a middle small enough is compared word by
    word."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    a2, b2 = len(old) - end, len(new) - end
    out = [("equal", 0, start, 0, start)] if start else []
    if (a2 - start) * (b2 - start) <= DIFF_BUDGET:
        middle = difflib.SequenceMatcher(None, old[start:a2], new[start:b2], autojunk=False)
        out += [(op, i1 + start, i2 + start, j1 + start, j2 + start)
                for op, i1, i2, j1, j2 in middle.get_opcodes()]
    else:
        out.append(("replace", start, a2, start, b2))
    if end:
        out.append(("equal", a2, len(old), b2, len(new)))
    return out


def _words(html_text):
    words = []
    for paragraph in paragraphs(html_text):
        words.extend(paragraph.split())
        words.append(PARAGRAPH)
    return words


def _runs(words):
    """Consecutive words of one kind share one <del> or <ins>."""
    out = []
    for kind, run in itertools.groupby(words, key=lambda kw: kw[0]):
        text = " ".join(str(escape(w)) for _, w in run)
        out.append(f"<{kind}>{text}</{kind}>" if kind else text)
    return " ".join(out)


@dataclass
class Comparison:
    old: FollowupRevision
    new: FollowupRevision
    comment_diff: Markup
    comment_changed: bool

    @property
    def level_changed(self):
        return self.old.level_id != self.new.level_id


def compare(revs, old_version, new_version):
    by_version = {r.version: r for r in revs}
    old, new = by_version[old_version], by_version[new_version]
    html, changed = diff(old.comment, new.comment)
    return Comparison(old, new, html, changed)


def since_previous_phase(node, phase, previous):
    """How this phase's comment differs from the previous phase's: (diff, changed)."""
    before = fu.current(node, previous).comment
    now = fu.current(node, phase).comment
    if before is None and now is None:
        return None
    return diff(before, now)
