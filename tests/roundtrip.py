"""The round-trip rule of the plan file (issue: foundation)."""

EMPTY_DEFAULTS = (None, [], {}, False)


def _is_empty_default(value):
    # Typed: 0 == False in Python, but 0 is a value, not an empty default.
    return any(type(value) is type(d) and value == d for d in EMPTY_DEFAULTS)


def round_trip_differences(original, exported, path="$"):
    """Where ``exported`` is not ``original`` under the rule: every key of the input
    comes back with the same value and in the same order; a key the input left out
    may come back only with its empty default (null, [], {}, false)."""
    out = []
    if isinstance(original, dict) and isinstance(exported, dict):
        for key, value in original.items():
            if key not in exported:
                out.append(f"{path}.{key}: saknas i exporten")
            else:
                out += round_trip_differences(value, exported[key], f"{path}.{key}")
        for key, value in exported.items():
            if key not in original and not _is_empty_default(value):
                out.append(f"{path}.{key}: tillagt med {value!r}")
        if [k for k in exported if k in original] != [k for k in original if k in exported]:
            out.append(f"{path}: annan ordning på fälten")
    elif isinstance(original, list) and isinstance(exported, list):
        if len(original) != len(exported):
            out.append(f"{path}: {len(original)} element blev {len(exported)}")
        for i, (a, b) in enumerate(zip(original, exported)):
            out += round_trip_differences(a, b, f"{path}[{i}]")
    elif original != exported or type(original) is not type(exported) and not (
        isinstance(original, (int, float)) and isinstance(exported, (int, float))
    ):
        out.append(f"{path}: {original!r} blev {exported!r}")
    return out
