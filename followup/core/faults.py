"""A fault in a plan file: where (a JSON path) and what (a Swedish sentence)."""

import re
from dataclasses import dataclass

from followup.core.jsonin import escaped

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def json_path(parts):
    """``("nodes", 2, "followups", "december")`` → ``nodes[2].followups.december``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += '["' + escaped(part).replace('"', '\\"') + '"]'
    return out or "$"


@dataclass(frozen=True)
class Fault:
    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


class PlanFileError(ValueError):
    """A plan file that cannot be imported; ``faults`` says every reason."""

    def __init__(self, faults):
        self.faults = list(faults)
        super().__init__("\n".join(str(f) for f in self.faults))
