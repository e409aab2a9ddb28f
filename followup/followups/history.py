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
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
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
