"""The fixed words a document prints, with a plan file's own where it gives them
(FORMAT.md 2.1, ``wording``): the file's words override the defaults, an appendix's
override the file's for that document."""

from string import Formatter

DEFAULTS = {
    "not_reported": "Ej rapporterad",
    "carried_over": "KVAR FRÅN {year}",
    "mandatory_control": "Obligatoriskt kontrollmoment:",
    "comment_header": "Kommentar",
    "proposals_heading": "Förslag till beslut",
    "contents_heading": "Innehåll",
    "appendix_item": "Bilaga {number}, {title}",
    "appendix_title": "Bilaga {number} – {title}",
    "memo_item": "Tjänsteskrivelse, daterad {date}",
    "draft_mark": "UTKAST",
    "signed_by": "Fastställd av {name}, {title}, {date}",
}
KEYS = tuple(DEFAULTS)
# The internal control table's columns (FORMAT.md 2.1, ``columns``) and the header each
# prints where the plan file gives none or leaves it blank: the words of the real reports
# (../shared/reference), and the names the memo editor shows for the fields.
CONTROL_HEADERS = {"area": "Kontrollområde", "process": "Process", "risk": "Riskbeskrivning",
                   "control": "Kontrollmoment", "method": "Kontrollmetod",
                   "results": "Resultat", "comment": "Kommentar"}
# A control result not reported: the default says it of a "resultat" (neuter).
NOT_REPORTED_RESULT = "Ej rapporterat"


class Wording:
    """The words of one document: ``wording.not_reported``, or a template filled in with
    ``wording.fill("appendix_item", number=1, title=…)``. A template "" prints nothing
    (``fill`` gives None), and so does the memo's line where ``memo_item`` is null."""

    def __init__(self, *overrides):
        self._words = dict(DEFAULTS)
        for given in overrides:
            self._words.update(given or {})

    def __getattr__(self, key):
        try:
            return self._words[key]
        except KeyError:
            raise AttributeError(key) from None

    def given(self, key):
        """Whether a plan file changed this word (or left it out, for ``memo_item``)."""
        return self._words[key] != DEFAULTS[key]

    def fill(self, key, **values):
        return filled(self._words[key], values)


def filled(template, values):
    """``template`` with its placeholders filled in; None for an empty (or null) one,
    which prints no line. A placeholder the document lacks prints as nothing, and a
    template that is no template (a lone brace) prints as written.

    Only a placeholder's name is read: a width or conversion ("{number:>5000000}",
    "{title!r}") is ignored and an attribute ("{number.__class__}") prints nothing, so
    that what a plan file writes can neither fill a page nor show our internals."""
    if not template:
        return None
    try:
        parts = list(Formatter().parse(template))
    except ValueError:
        return template
    out = []
    for literal, name, _spec, _conversion in parts:
        out.append(literal)
        if name is not None and name.isidentifier():
            value = values.get(name)
            out.append("" if value is None else str(value))
    return "".join(out)


def for_plan(plan):
    return Wording(plan.wording)


def for_appendix(plan, appendix):
    """An appendix's words: its own, else the plan file's (a chapter has its report's)."""
    while getattr(appendix, "parent", None) is not None:
        appendix = appendix.parent
    return Wording(plan.wording, appendix.wording if appendix is not None else None)
