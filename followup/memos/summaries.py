"""Generated text for the memo, computed from the data and never typed by hand:
how the phase's assessments fall per level, and how internal control went."""

from followup.core.formatting import in_sentence
from followup.followups import distributions

_WORDS = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
          "elva", "tolv"]


def in_words(n, neuter=True):
    """Swedish numerals up to twelve, digits above: "ett mål", "en åtgärd", "32"."""
    if n == 1:
        return "ett" if neuter else "en"
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


# The nouns the sentences inflect, by how they end: a compound takes the gender and
# endings of its last part (inriktningsmål → mål, måluppfyllelse → uppfyllelse).
# A plan whose words are not here gets sentences that inflect none of its words.
# noun: (neuter, definite singular, definite plural)
NOUNS = {
    "mål": (True, "målet", "målen"),
    "uppdrag": (True, "uppdraget", "uppdragen"),
    "åtgärd": (False, "åtgärden", "åtgärderna"),
    "aktivitet": (False, "aktiviteten", "aktiviteterna"),
    "indikator": (False, "indikatorn", "indikatorerna"),
    "insats": (False, "insatsen", "insatserna"),
    "fråga": (False, "frågan", "frågorna"),
    "projekt": (True, "projektet", "projekten"),
    "nyckeltal": (True, "nyckeltalet", "nyckeltalen"),
    "område": (True, "området", "områdena"),
    "uppgift": (False, "uppgiften", "uppgifterna"),
    "bedömning": (False, "bedömningen", "bedömningarna"),
    "status": (False, "statusen", "statusarna"),
    "uppfyllelse": (False, "uppfyllelsen", "uppfyllelserna"),
    "läge": (True, "läget", "lägena"),
    "genomförande": (True, "genomförandet", "genomförandena"),
    "prognos": (False, "prognosen", "prognoserna"),
    "resultat": (True, "resultatet", "resultaten"),
}


def _noun(word):
    """(prefix, neuter, definite singular, definite plural) of the word's last part, or
    None for a word not known."""
    word = word.lower()
    for noun in sorted(NOUNS, key=len, reverse=True):
        if word.endswith(noun):
            return (word[:-len(noun)], *NOUNS[noun])
    return None


def _forms(node_type):
    """(neuter, definite plural) of a node type ("inriktningsmålen", "de strategiska
    målen" without its "de"), or None when its noun is not known."""
    known = _noun(node_type.label.split()[-1])
    if known is None:
        return None
    prefix, neuter, _, plural = known
    words = (node_type.plural or node_type.label).lower().split()
    return neuter, " ".join(words[:-1] + [prefix + plural])


def definite_plural(node_type):
    """"inriktningsmålen", "uppdragen", "åtgärderna"; None for a noun not known."""
    forms = _forms(node_type)
    return forms[1] if forms else None


def _definite(label):
    """"bedömningen", "måluppfyllelsen", "läget"; None for a noun not known."""
    words = label.lower().split()
    known = _noun(words[-1])
    return " ".join(words[:-1] + [known[0] + known[2]]) if known else None


def _join(parts):
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def assessment_summary(plan, phase, node_type):
    """"För två av de sju inriktningsmålen är bedömningen ”helt uppfyllt”, för fyra
    ”delvis uppfyllt” och för ett ”ej uppfyllt”." — or None without a scale. For words
    the sentence cannot inflect: "Ambitioner, tillstånd: 2 av 7 ”grönt” och 5 ”gult”."."""
    scale = node_type.scale
    if scale is None:
        return None
    total, by_level = distributions.level_counts(plan, phase, node_type)
    if not total:
        return None
    counts = [(lv, by_level.get(lv.id, 0)) for lv in scale.levels]
    counts = [(lv, n) for lv, n in counts if n]
    forms, measure = _forms(node_type), _definite(scale.label)
    if forms is None or measure is None:
        return _plain_summary(node_type, scale, counts, total)
    neuter, name = forms
    if not counts:
        return f"Inget av {name} är bedömt än." if neuter else f"Ingen av {name} är bedömd än."
    text = _assessed_sentence(counts, total, neuter, name, f"är {measure}")
    return text + _not_assessed(total - sum(n for _, n in counts), neuter)


def _assessed_sentence(counts, total, neuter, name, verb):
    """"För alla sju inriktningsmålen är bedömningen ”helt uppfyllt”." or "För två av de
    sju … ”helt uppfyllt”, för fyra ”delvis uppfyllt” och för ett ”ej uppfyllt”."."""
    first_level, first_n = counts[0]
    if first_n == total:
        return f"För alla {in_words(total, neuter)} {name} {verb} ”{in_sentence(first_level.label)}”."
    parts = [f"{in_words(first_n, neuter)} av de {in_words(total, neuter)} {name} {verb} "
             f"”{in_sentence(first_level.label)}”"]
    parts += [f"för {in_words(n, neuter)} ”{in_sentence(lv.label)}”" for lv, n in counts[1:]]
    return "För " + _join(parts) + "."


def _not_assessed(missing, neuter):
    """" Ett är inte bedömt.", " Tre är inte bedömda." — "" where all are assessed."""
    if missing < 1:
        return ""
    if missing == 1:
        return (f" {in_words(missing, neuter).capitalize()} "
                f"{'är inte bedömt' if neuter else 'är inte bedömd'}.")
    return f" {in_words(missing, neuter).capitalize()} är inte bedömda."


def _plain_summary(node_type, scale, counts, total):
    """The summary in words that need no inflection: the plan's own, and figures."""
    head = f"{node_type.plural or node_type.label}, {in_sentence(scale.label)}:"
    if not counts:
        return f"{head} inga svar än ({total} st.)."
    (first_level, first_n), rest = counts[0], counts[1:]
    parts = [f"{first_n} av {total} ”{in_sentence(first_level.label)}”"]
    parts += [f"{n} ”{in_sentence(lv.label)}”" for lv, n in rest]
    missing = total - sum(n for _, n in counts)
    text = f"{head} {_join(parts)}."
    return text + (f" {missing} utan svar." if missing else "")


def control_summary(plan, phase):
    """"Sammanlagt har 32 kontroller genomförts. 29 av 32 gav resultatet ”utan
    anmärkning”, två ”mindre anmärkning” och en ”väsentlig anmärkning”." Phases up to
    this one count; a phase without a check (the scale's not-applicable level) does not."""
    per_phase = distributions.control_counts(plan, phase)
    if per_phase is None:
        return None
    ic = plan.internal_control
    tally = {lv.id: 0 for lv in ic.scale.levels if lv.tone != "not_applicable"}
    for _, counts in per_phase:
        for level_id, n in counts.items():
            if level_id in tally:
                tally[level_id] += n
    total = sum(tally.values())
    if not total:
        return "Inga kontroller har genomförts ännu."
    levels = [(lv, tally[lv.id]) for lv in ic.scale.levels if tally.get(lv.id)]
    (first_level, first_n), rest = levels[0], levels[1:]
    checks = in_words(total, neuter=False)
    if first_n == total:
        result = f"Alla gav resultatet ”{in_sentence(first_level.label)}”"
    else:
        parts = [f"{in_words(first_n, neuter=False).capitalize()} av {checks} gav resultatet "
                 f"”{in_sentence(first_level.label)}”"]
        parts += [f"{in_words(n, neuter=False)} ”{in_sentence(lv.label)}”" for lv, n in rest]
        result = _join(parts)
    return (f"Sammanlagt har {checks} kontroller genomförts i {in_words(len(ic.points))} "
            f"kontrollmoment. {result}.")
