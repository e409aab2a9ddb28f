"""The shape of the code, as the architecture step (issue 22) measures it: lines and
modules per package, import cycles, the most complex functions, where the tables feature
lives. Prints one JSON object.

    .venv/bin/python bench/architecture.py [repository]   (default: this one)

Another checkout (``git worktree add /tmp/before <commit>``) gives the figures before.
"""

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import codemap  # noqa: E402

LIMIT = 15
# What the tables feature is made of, by name, wherever it lives.
TABLE_WORDS = ("table", "formula", "column", "exact", "excel", "xlsx", "figures")


def per_package(root, names):
    counts = defaultdict(lambda: {"modules": 0, "lines": 0})
    for name, path in names.items():
        parts = path.relative_to(root).parts
        key = parts[1] if len(parts) > 2 else "(top)"
        counts[key]["modules"] += 1
        counts[key]["lines"] += len(path.read_text().splitlines())
    return dict(sorted(counts.items()))


def tables_feature(root):
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.split()
    files = [f for f in tracked if f.startswith(("followup/", "templates/", "tests/"))
             and ("/tables/" in f or any(w in Path(f).name for w in TABLE_WORDS))
             and "migrations" not in f]
    return {"files": len(files), "folders": len({str(Path(f).parent) for f in files}),
            "outside_its_package": [f for f in files if not f.startswith("followup/tables/")]}


def main():
    root = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT
    names = codemap.modules(root)
    packages = per_package(root, names)
    cycles = codemap.cycles(codemap.graph(root))
    functions = codemap.complexities(root)
    print(json.dumps({
        "packages": packages,
        "modules": sum(p["modules"] for p in packages.values()),
        "lines": sum(p["lines"] for p in packages.values()),
        "import_cycles": len(cycles),
        "modules_in_cycles": sum(len(c) for c in cycles),
        "max_complexity": functions[0][0],
        "functions_over_15": len([c for c, _ in functions if c > LIMIT]),
        "most_complex": [f"{c} {name}" for c, name in functions[:8]],
        "tables_feature": tables_feature(root),
    }, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
