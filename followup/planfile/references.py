"""Checks a schema-valid plan file for what the schema cannot say: keys that are
unique, references that resolve, levels that belong to their scale, formulas that
only look back, dates that are dates."""

from datetime import date

from .. import formulas
from .faults import Fault, json_path


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

    def fault(self, parts, message):
        self.faults.append(Fault(json_path(parts), message))

    def run(self):
        d = self.data
        self.unique(d["phases"], ("phases",), "fasen")
        self.unique(d["units"], ("units",), "enheten")
        for key, scale in d["scales"].items():
            self.unique(scale["levels"], ("scales", key, "levels"), "nivån")
        for key, node_type in d["node_types"].items():
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
            for phase_key, followup in (node.get("followups") or {}).items():
                at = here + ("followups", phase_key)
                if self.phase(at, phase_key) and node_type is not None:
                    self.level(at + ("level",), node_type["scale"], followup.get("level"),
                               f'nodtypen "{type_key}"')
            self.nodes(node.get("children") or [], here + ("children",), seen)

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
        n_columns = len(table["columns"])
        keys = [r.get("key") for r in rows]
        for i, row in enumerate(rows):
            here = parts + ("rows", i)
            values, formula = row.get("values"), row.get("formula")
            if values is None and formula is None:
                self.fault(here, 'raden har varken "values" eller "formula"')
            if values is not None and len(values) != n_columns:
                self.fault(here + ("values",),
                           f"{len(values)} värden men tabellen har {n_columns} kolumner")
            if formula is not None:
                earlier = [k for k in keys[:i] if k]
                later = [k for k in keys[i + 1:] if k]
                try:
                    formulas.check(formula, earlier, later)
                except formulas.FormulaError as e:
                    self.fault(here + ("formula",), str(e))

    def documents(self, documents):
        node_types = self.data["node_types"]
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
                for k, type_key in enumerate(appendix.get("node_types") or []):
                    if type_key not in node_types:
                        self.fault(at + ("node_types", k), f'"{type_key}" är ingen nodtyp i "node_types"')
                self.table_refs(appendix.get("tables") or [], at + ("tables",))
                self.sections(appendix.get("sections") or [], at + ("sections",))

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
