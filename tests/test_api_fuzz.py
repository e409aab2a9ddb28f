"""The API's OpenAPI description is true, and no request makes the API answer 500.

Schemathesis reads /api/openapi.json from the running app and sends what it generates
from it (and deliberately malformed variants) to a live server, as a compiler with a
valid token; each case is sent once as generated (random keys: mostly 404) and once with
the demo plan's real keys, so bodies reach the services. Every answer must be declared in
the description, match its schema and never be a server error.

The budget is bounded: FOLLOWUP_FUZZ_EXAMPLES examples per operation and mode (default
100: about 3 000 calls, half a minute).
"""

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from followup.core import openapi
from followup.people import tokens

EXAMPLES = int(os.environ.get("FOLLOWUP_FUZZ_EXAMPLES", "100"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
REAL = {"plan_key": ["SOC-2026"], "phase_key": ["december", "augusti", "april"],
        "node_key": ["u1", "im1", "nm1-1", "u5", "u1-a1"]}
TALLY = Counter()


@pytest.fixture(scope="module", autouse=True)
def tally():
    yield
    print(f"\nschemathesis: {sum(TALLY.values())} anrop, statuskoder {dict(sorted(TALLY.items()))}")


@pytest.fixture
def api_schema(live_server):
    return schemathesis.openapi.from_url(live_server + "/api/openapi.json")


def _operations(api_schema):
    return [result.ok() for result in api_schema.get_all_operations()]


def _with_real_keys(case):
    """The same case addressed to the demo plan's real plan, phase and node."""
    for name, value in list(case.path_parameters.items()):
        choices = REAL.get(name, [value])
        case.path_parameters[name] = choices[len(str(value)) % len(choices)]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["fitting", "malformed"])
def test_the_api_keeps_to_its_description_and_never_fails(api_schema, demo, mode):
    # Schemathesis's own pytest plugin does not run on pytest 9; its strategies do.
    headers = {"Authorization": "Bearer " + tokens.create_token(demo.sara, "Fuzzning")}
    operations = _operations(api_schema)
    assert len(operations) >= 8

    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            for real_keys in (False, True) if case.path_parameters else (False,):
                if real_keys:
                    _with_real_keys(case)
                response = case.call_and_validate(headers=headers, checks=CHECKS)
                TALLY[response.status_code] += 1
                assert response.status_code < 500

        run()


def test_every_api_route_is_described(app):
    """New API routes (other modules on the same blueprint) must carry @describe."""
    described = openapi.build(app)["paths"]
    missing = [f"{method} {rule.rule}" for rule, method in openapi.api_rules(app)
               if method.lower() not in described.get(openapi.openapi_path(rule), {})]
    assert missing == [], "Beskriv dessa i OpenAPI med @describe: " + ", ".join(missing)


def test_the_route_check_fails_for_an_undescribed_route(app):
    """The check above can fail: a route without @describe is found."""
    from flask import Flask

    from followup.followups.api import bp

    other = Flask(__name__)
    other.register_blueprint(bp)

    @other.get("/api/odokumenterad", endpoint="api.undocumented")
    def undocumented():
        return {}

    described = openapi.build(other)["paths"]
    assert "/api/odokumenterad" not in described
    assert any(rule.rule == "/api/odokumenterad" for rule, _ in openapi.api_rules(other))


def test_the_description_is_served_without_a_token(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.json["openapi"].startswith("3.1")
    assert response.headers["Cache-Control"] == "no-store"
