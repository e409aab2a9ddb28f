"""Checks a schema-valid plan file for what the schema cannot say: keys that are
unique, references that resolve, levels that belong to their scale, formulas that
only look back, dates that are dates."""

from datetime import date

from followup.core.faults import Fault, json_path
from followup.core.formatting import count
from followup.core.inputs import is_key
from followup.tables import formulas

# The fields a column of a plan appendix's table, or of an internal control table, shows.
NODE_FIELDS = {"number", "title", "number_title", "level", "level_text", "comment", "children",
               "notes", "unit", "responsible_boards", "boards"}
CONTROL_FIELDS = {"area", "process", "risk", "control", "method", "results", "comment"}


def reference_faults(data):
    return _Checker(data).run()


class _Checker:
    def __init__(self, data):
        self.data = data
        self.faults = []
        self.phases = {p["key"] for p in data["phases"]}
        self.scales = {k: {lv["key"] for lv in s["levels"]} for k, s in data["scales"].items()}
        self.units = {u["key"] for u in data["units"]}
        self.tables = {t["key"] for t in data.get("tables") or []}
        self.phase_order = {p["key"]: i for i, p in enumerate(data["phases"])}
        self.groups = set()
        for node in _walk(data["nodes"]):
            if node.get("group"):
                self.groups.add(node["group"])

    def fault(self, parts, message):
        self.faults.append(Fault(json_path(parts), message))

    def run(self):
        d = self.data
        self.unique(d["phases"], ("phases",), "fasen")
        self.unique(d["units"], ("units",), "enheten")
        for key, scale in d["scales"].items():
            self.key(("scales", key), key)
            self.unique(scale["levels"], ("scales", key, "levels"), "nivån")
        for key, node_type in d["node_types"].items():
            self.key(("node_types", key), key)
            scale = node_type["scale"]
            if scale is not None and scale not in self.scales:
                self.fault(("node_types", key, "scale"), f'"{scale}" är ingen skala i "scales"')
        self.nodes(d["nodes"], ("nodes",), {})
        if d.get("internal_control"):
            self.internal_control(d["internal_control"])
        self.unique(d.get("tables") or [], ("tables",), "tabellen")
        for i, table in enumerate(d.get("tables") or []):
            self.table(table, ("tables", i))
        self.documents(d["documents"])
        return self.faults

    def unique(self, items, parts, what):
        seen = {}
        for i, item in enumerate(items):
            key = item.get("key")
            if key is None:
                continue
            if key in seen:
                first = json_path(parts + (seen[key],))
                self.fault(parts + (i, "key"), f'{what} "{key}" finns redan ({first})')
            else:
                seen[key] = i

    def key(self, parts, key):
        """Keys named by an object's fields, which the schema cannot pattern-check."""
        if not is_key(key):
            self.fault(parts, f'nyckeln "{key}" innehåller otillåtna tecken; använd bokstäver '
                              f'a–z, siffror och - _ . (högst 80 tecken, först en bokstav eller siffra)')

    def level(self, parts, scale_key, level_key, owner):
        if level_key is None:
            return
        if scale_key is None:
            self.fault(parts, f'{owner} har ingen skala; nivån ska vara null, inte "{level_key}"')
        elif scale_key in self.scales and level_key not in self.scales[scale_key]:
            self.fault(parts, f'"{level_key}" är ingen nivå i skalan "{scale_key}"')

    def unit(self, parts, key):
        if key is not None and key not in self.units:
            self.fault(parts + ("unit",), f'"{key}" är ingen enhet i "units"')

    def phase(self, parts, key):
        if key not in self.phases:
            self.fault(parts, f'"{key}" är ingen fas i "phases"')
            return False
        return True

    def nodes(self, nodes, parts, seen):
        node_types = self.data["node_types"]
        for i, node in enumerate(nodes):
            here = parts + (i,)
            key = node["key"]
            if key in seen:
                self.fault(here + ("key",), f'noden "{key}" finns redan ({seen[key]})')
            else:
                seen[key] = json_path(here)
            type_key = node["type"]
            node_type = node_types.get(type_key)
            if node_type is None:
                self.fault(here + ("type",), f'"{type_key}" är ingen nodtyp i "node_types"')
            self.unit(here, node.get("unit"))
            self.period(node, here)
            for phase_key, followup in (node.get("followups") or {}).items():
                at = here + ("followups", phase_key)
                if self.phase(at, phase_key) and node_type is not None:
                    self.level(at + ("level",), node_type["scale"], followup.get("level"),
                               f'nodtypen "{type_key}"')
            self.nodes(node.get("children") or [], here + ("children",), seen)

    def period(self, node, parts):
        since, until = node.get("since"), node.get("until")
        known = True
        for field, key in (("since", since), ("until", until)):
            if key is not None:
                known = self.phase(parts + (field,), key) and known
        if known and since is not None and until is not None \
                and self.phase_order[since] > self.phase_order[until]:
            self.fault(parts + ("until",), f'fasen "{until}" kommer före "{since}" (since)')

    def internal_control(self, ic):
        scale = ic["scale"]
        if scale not in self.scales:
            self.fault(("internal_control", "scale"), f'"{scale}" är ingen skala i "scales"')
            scale = None
        points = ic["points"]
        self.unique(points, ("internal_control", "points"), "kontrollmomentet")
        for i, point in enumerate(points):
            here = ("internal_control", "points", i)
            self.unit(here, point.get("unit"))
            for phase_key, level in (point.get("results") or {}).items():
                at = here + ("results", phase_key)
                if self.phase(at, phase_key) and scale is not None:
                    self.level(at, scale, level, "internkontrollen")
            for phase_key in point.get("comments") or {}:
                self.phase(here + ("comments", phase_key), phase_key)

    def table(self, table, parts):
        rows = table["rows"]
        self.unique(rows, parts + ("rows",), "raden")
        self.columns(table["columns"], parts + ("columns",))
        n_columns = len(table["columns"])
        keys = [r.get("key") for r in rows]
        for i, row in enumerate(rows):
            here = parts + ("rows", i)
            values, formula = row.get("values"), row.get("formula")
            if values is None and formula is None:
                self.fault(here, 'raden har varken "values" eller "formula"')
            if values is not None and len(values) != n_columns:
                self.fault(here + ("values",),
                           f"{count(len(values), 'värde', 'värden')} men tabellen har "
                           f"{count(n_columns, 'kolumn', 'kolumner')}")
            decimals = row.get("decimals")
            if isinstance(decimals, list) and len(decimals) != n_columns:
                self.fault(here + ("decimals",),
                           f"{count(len(decimals), 'decimalangivelse', 'decimalangivelser')} "
                           f"men tabellen har {count(n_columns, 'kolumn', 'kolumner')}")
            if formula is not None:
                earlier = [k for k in keys[:i] if k]
                later = [k for k in keys[i + 1:] if k]
                try:
                    formulas.check(formula, earlier, later)
                except formulas.FormulaError as e:
                    self.fault(here + ("formula",), str(e))

    def columns(self, columns, parts):
        objects = [(i, c) for i, c in enumerate(columns) if isinstance(c, dict)]
        self.column_keys(objects, parts)
        keys = [c["key"] for _, c in objects if c.get("key")]
        computed = {c["key"]: c["formula"] for _, c in objects if c.get("key") and c.get("formula")}
        for i, column in objects:
            if column.get("formula") is not None:
                self.column_formula(column, [k for k in keys if k != column.get("key")],
                                    parts + (i, "formula"))
        try:
            formulas.column_order(computed)
        except formulas.FormulaError as e:
            self.fault(parts, str(e))

    def column_keys(self, objects, parts):
        """Each column's key once in its table."""
        seen = {}
        for i, column in objects:
            key = column.get("key")
            if key in seen:
                self.fault(parts + (i, "key"),
                           f'kolumnen "{key}" finns redan ({json_path(parts + (seen[key],))})')
            elif key is not None:
                seen[key] = i

    def column_formula(self, column, others, at):
        """A computed column's formula: of the ``other`` columns, never its own."""
        formula = column["formula"]
        try:
            if column.get("key") in formulas.names_of(formula):
                raise formulas.FormulaError(
                    f'formeln "{formula}" använder sin egen kolumn "{column["key"]}"')
            formulas.check(formula, others, what="kolumn")
        except formulas.FormulaError as e:
            self.fault(at, str(e))

    def documents(self, documents):
        seen_phases = {}
        for i, doc in enumerate(documents):
            here = ("documents", i)
            phase = doc["phase"]
            if self.phase(here + ("phase",), phase):
                if phase in seen_phases:
                    self.fault(here + ("phase",),
                               f'fasen "{phase}" har redan en tjänsteskrivelse (documents[{seen_phases[phase]}])')
                seen_phases.setdefault(phase, i)
            for field in ("date", "meeting_date"):
                self.date(here + (field,), doc.get(field))
            self.sections(doc.get("sections") or [], here + ("sections",))
            numbers = {}
            for j, appendix in enumerate(doc["appendices"]):
                at = here + ("appendices", j)
                number = appendix["number"]
                if number in numbers:
                    self.fault(at + ("number",), f"bilaga {number} finns redan (appendices[{numbers[number]}])")
                numbers.setdefault(number, j)
                self.date(at + ("date",), appendix.get("date"))
                self.part(appendix, at)
                for k, chapter in enumerate(appendix.get("chapters") or []):
                    self.part(chapter, at + ("chapters", k))

    def part(self, item, parts):
        """What an appendix and a chapter share: node types, layout, columns, phases,
        tables and sections, each naming something the plan has."""
        node_types = self.data["node_types"]
        for k, type_key in enumerate(item.get("node_types") or []):
            if type_key not in node_types:
                self.fault(parts + ("node_types", k), f'"{type_key}" är ingen nodtyp i "node_types"')
        self.layout(item, parts)
        self.control_part(item, parts)
        self.table_refs(item.get("tables") or [], parts + ("tables",))
        self.sections(item.get("sections") or [], parts + ("sections",))

    def layout(self, item, parts):
        """A plan part's layout: per node type or group, the columns it shows."""
        layout = item.get("layout")
        if layout is not None and item["kind"] != "plan":
            self.fault(parts + ("layout",), 'gäller bara delar av typen "plan"')
        for key, type_layout in (layout or {}).items():
            at = parts + ("layout", key)
            if key.startswith("group:"):
                if key[len("group:"):] not in self.groups:
                    self.fault(at, f'ingen punkt i planen har gruppen "{key[len("group:"):]}"')
            elif key not in self.data["node_types"]:
                self.fault(at, f'"{key}" är ingen nodtyp i "node_types" (och ingen grupp, "group:…")')
            self.fields(type_layout.get("columns") or [], at + ("columns",), NODE_FIELDS)

    def control_part(self, item, parts):
        """An internal control part's columns and phases (no other part has them)."""
        if item.get("columns") is not None:
            if item["kind"] != "internal_control":
                self.fault(parts + ("columns",), 'gäller bara delar av typen "internal_control"')
            self.fields(item["columns"], parts + ("columns",), CONTROL_FIELDS)
        if item.get("phases") is not None:
            if item["kind"] != "internal_control":
                self.fault(parts + ("phases",), 'gäller bara delar av typen "internal_control"')
            for k, phase in enumerate(item["phases"]):
                self.phase(parts + ("phases", k), phase)

    def fields(self, columns, parts, allowed):
        for k, column in enumerate(columns):
            if column["field"] not in allowed:
                self.fault(parts + (k, "field"),
                           f'"{column["field"]}" kan inte visas här; välj ett av '
                           + ", ".join(sorted(allowed)))

    def sections(self, sections, parts):
        for i, section in enumerate(sections):
            self.table_refs(section.get("tables") or [], parts + (i, "tables"))

    def table_refs(self, keys, parts):
        for i, key in enumerate(keys):
            if key not in self.tables:
                self.fault(parts + (i,), f'"{key}" är ingen tabell i "tables"')

    def date(self, parts, value):
        if value is None:
            return
        try:
            date.fromisoformat(value)
            if len(value) != 10:
                raise ValueError
        except ValueError:
            self.fault(parts, f'"{value}" är inget datum (ÅÅÅÅ-MM-DD)')


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.get("children") or [])
