"""What the benchmarks share: the plan file they run on, and timing."""

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def default_plan_file():
    """The largest real report beside the repository (../shared), else the demo's plan."""
    fixtures = sorted((ROOT.parent / "shared" / "fixtures").glob("*.json"))
    return max(fixtures, key=lambda p: p.stat().st_size) if fixtures else \
        ROOT / "followup" / "demo" / "demo-plan.json"


def durations(fn, repeat):
    """How long each of ``repeat`` runs of ``fn`` took, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times
