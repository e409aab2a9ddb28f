"""The code read as a map: its modules, which import which, the feature package of each,
import cycles, and each function's complexity. Read by tests/test_architecture.py (the
house's rules) and bench/architecture.py (the figures)."""

import ast
from pathlib import Path

from radon.complexity import cc_visit

# The application around the packages: the factory, its blueprints and commands.
TOP = {"followup", "followup.web", "followup.commands", "followup.filters", "followup.models",
       "followup.tasks", "followup.worker"}


def modules(root):
    """{dotted name: path} of the application's modules (not its tests or migrations)."""
    found = {}
    for path in sorted((Path(root) / "followup").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if "migrations" in parts or "tests" in parts:
            continue
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name, path, names):
    """The application modules ``name`` imports; a name imported from a package counts as
    the package unless it is a module of its own."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in names else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in names and m != name}


def graph(root):
    names = modules(root)
    return {name: imports(name, path, names) for name, path in names.items()}


def package(module):
    """The feature package a module belongs to (None for the application around them)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and module not in TOP else None


def is_models(module):
    return ".models" in module + "." and module != "followup.models"


def cycles(edges):
    """The groups of modules that import each other in a circle (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in edges:
        if v not in index:
            visit(v)
    return found


def complexities(root):
    """(complexity, "path:line name") of every function and method, most complex first:
    radon's cyclomatic complexity (branches, loops, boolean operators and comprehensions
    each add one)."""
    found = []
    for path in modules(root).values():
        for block in cc_visit(path.read_text()):
            if not hasattr(block, "methods"):  # a class's methods come as functions too
                found.append((block.complexity, f"{path.relative_to(root)}:"
                                                f"{block.lineno} {block.fullname}"))
    return sorted(found, reverse=True)
