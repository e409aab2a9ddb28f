"""The house's rules (docs/architecture.md), read from the code: no module imports one
that imports it back, no feature package imports one above it (models aside: any package
may read any model), and only the application imports views. A new arrow upward fails
here, with its modules named."""

import ast

import pytest

from tests.fixtures import ROOT

# Lowest first: a package may import from itself and from the packages before it.
LAYERS = ["core", "people", "plans", "followups", "tables", "planfile", "documents", "memos",
          "notify", "start", "demo"]
TOP = {"followup", "followup.web", "followup.commands", "followup.filters", "followup.models"}


def _modules():
    for path in sorted((ROOT / "followup").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts or "tests" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


MODULES = dict(_modules())


def _imports(name, path):
    """The followup modules ``name`` imports (a name from a package counts as the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if full in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def package(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and module not in TOP else None


def is_models(module):
    return ".models" in module + "." and module != "followup.models"


def test_no_module_imports_one_that_imports_it_back():
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


def _arrows():
    for source, targets in GRAPH.items():
        for target in targets:
            yield source, target


def test_every_feature_package_has_its_place():
    assert {package(m) for m in MODULES} - {None} == set(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_a_package_imports_no_package_above_it(layer):
    rank = LAYERS.index(layer)
    upward = [f"{s} → {t}" for s, t in _arrows()
              if package(s) == layer and package(t) is not None and not is_models(t)
              and LAYERS.index(package(t)) > rank]
    assert upward == []


def test_models_import_only_models_core_and_their_own_package():
    wrong = [f"{s} → {t}" for s, t in _arrows()
             if is_models(s) and not (is_models(t) or package(t) in ("core", package(s)))]
    assert wrong == []


def test_only_the_application_imports_views():
    wrong = [f"{s} → {t}" for s, t in _arrows()
             if ".views" in t and s not in TOP and package(s) != package(t)]
    assert wrong == []
