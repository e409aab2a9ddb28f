"""Generated text for the memo, computed from the data and never typed by hand:
how the phase's assessments fall per level, and how internal control went."""

from . import distributions

_WORDS = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio",
          "elva", "tolv"]


def in_words(n, neuter=True):
    """Swedish numerals up to twelve, digits above: "ett mål", "en åtgärd", "32"."""
    if n == 1:
        return "ett" if neuter else "en"
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def _is_neuter(node_type):
    # A Swedish noun whose plural is the singular is nearly always neuter: ett mål,
    # ett uppdrag (en åtgärd → åtgärder).
    return (node_type.plural or node_type.label) == node_type.label


def definite_plural(node_type):
    """"inriktningsmålen", "uppdragen", "åtgärderna"."""
    plural = (node_type.plural or node_type.label).lower()
    if plural.endswith(("er", "ar", "or")):
        return plural + "na"
    if plural.endswith("en"):
        return plural + "a"
    return plural + "en"


def _join(parts):
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def assessment_summary(plan, phase, node_type):
    """"För två av de sju inriktningsmålen är bedömningen ”helt uppfyllt”, för fyra
    ”delvis uppfyllt” och för ett ”ej uppfyllt”." — or None without a scale."""
    scale = node_type.scale
    if scale is None:
        return None
    total, by_level = distributions.level_counts(plan, phase, node_type)
    if not total:
        return None
    neuter = _is_neuter(node_type)
    counts = [(lv, by_level.get(lv.id, 0)) for lv in scale.levels]
    counts = [(lv, n) for lv, n in counts if n]
    assessed = sum(n for _, n in counts)
    name = definite_plural(node_type)
    if not counts:
        return f"Inget av {name} är bedömt än." if neuter else f"Ingen av {name} är bedömd än."
    verb = f"är {scale.label.lower()}en"
    first_level, first_n = counts[0]
    if first_n == total:
        text = f"För alla {in_words(total, neuter)} {name} {verb} ”{first_level.label.lower()}”."
    else:
        parts = [f"{in_words(first_n, neuter)} av de {in_words(total, neuter)} {name} {verb} "
                 f"”{first_level.label.lower()}”"]
        parts += [f"för {in_words(n, neuter)} ”{lv.label.lower()}”" for lv, n in counts[1:]]
        text = "För " + _join(parts) + "."
    if assessed < total:
        missing = total - assessed
        text += (f" {in_words(missing, neuter).capitalize()} "
                 f"{'är inte bedömt' if neuter else 'är inte bedömd'}"
                 if missing == 1 else f" {in_words(missing, neuter).capitalize()} är inte bedömda")
        text += "."
    return text


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
        result = f"Alla gav resultatet ”{first_level.label.lower()}”"
    else:
        parts = [f"{in_words(first_n, neuter=False).capitalize()} av {checks} gav resultatet "
                 f"”{first_level.label.lower()}”"]
        parts += [f"{in_words(n, neuter=False)} ”{lv.label.lower()}”" for lv, n in rest]
        result = _join(parts)
    return (f"Sammanlagt har {checks} kontroller genomförts i {in_words(len(ic.points))} "
            f"kontrollmoment. {result}.")
