"""The house's rules (docs/architecture.md), read from the code: no module imports one
that imports it back, no feature package imports one above it (models aside: any package
may read any model), and only the application imports views. A new arrow upward fails
here, with its modules named."""

import pytest

from tests import codemap
from tests.fixtures import ROOT

# Lowest first: a package may import from itself and from the packages before it.
LAYERS = ["core", "people", "plans", "followups", "tables", "planfile", "documents", "memos",
          "notify", "start", "demo"]
GRAPH = codemap.graph(ROOT)
MODULES = set(GRAPH)
package, is_models = codemap.package, codemap.is_models


def test_no_module_imports_one_that_imports_it_back():
    assert codemap.cycles(GRAPH) == []


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
             if ".views" in t and s not in codemap.TOP and package(s) != package(t)]
    assert wrong == []


def test_documents_import_no_operations():
    """Documents get the data they print (compose.Case, gathered by memos/content.py) and
    only turn it into HTML: they import core, documents and models, and no operation
    that would run a query while a document is written (issue 22.3)."""
    wrong = [f"{s} → {t}" for s, t in _arrows()
             if package(s) == "documents" and not is_models(t)
             and package(t) not in ("core", "documents")]
    assert wrong == []


def test_no_function_is_more_complex_than_15():
    too_complex = [f"{c} {name}" for c, name in codemap.complexities(ROOT) if c > 15]
    assert too_complex == []


# Where a commit or a rollback stands outside the views, the API and the commands, and why.
OWN_TRANSACTIONS = {
    # The signed record is stored before the notices about it: a full disk then costs
    # only the notices, never the signature.
    "followup.memos.signoff",
    # A lock that timed out has failed the transaction, which must end before the error
    # page can read anything.
    "followup.plans.lock",
}


def _is_caller(module):
    """The views, the API views, the commands and the jobs: they commit what they asked
    for."""
    last = module.rsplit(".", 1)[-1]
    return module in codemap.TOP or ".views" in module or last in ("api", "cli", "tasks")


def test_operations_neither_commit_nor_roll_back():
    """One transaction a request: an operation flushes; the view, API view or command that
    called it commits once, or nothing at all when it failed (issue 22.4)."""
    import ast

    found = []
    for name, path in codemap.modules(ROOT).items():
        if _is_caller(name) or name in OWN_TRANSACTIONS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback") \
                    and isinstance(node.ctx, ast.Load):
                found.append(f"{name}:{node.lineno} {node.attr}")
    assert found == []
