"""The fuzzing gate: schemathesis drives every documented operation with generated input,
as six personas (regulator, provider, operator, merchant, a merchant's key bound to a
grant, anonymous), through the real WSGI application on PostgreSQL, and checks each
answer against the OpenAPI document.

Checks: not_a_server_error, status_code_conformance, content_type_conformance,
response_schema_conformance. Fixed seed (derandomized) and a case budget per operation
(FUZZ_EXAMPLES, default 4) keep it within a few minutes of CI; `make fuzz` runs longer.
Revoking an API key is left out: it would destroy the fuzzing key itself (tests/accounts
cover revocation with throwaway keys).
"""

import itertools
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from config.wsgi import application as django_application
from tests.security import fuzz_world
from tests.security.fuzz_world import build_world

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]


def application(environ, start_response):
    # Werkzeug's test client sends no client address; the regulator's key is bound to one.
    if not environ.get("REMOTE_ADDR"):
        environ["REMOTE_ADDR"] = "127.0.0.1"
    return django_application(environ, start_response)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# `make fuzz`: every case as every persona, plus schemathesis' coverage phase (boundary
# values, missing and wrong-typed fields for every parameter).
TURNS = itertools.count()
THOROUGH = os.environ.get("FUZZ_THOROUGH") == "1"
PHASES = ["examples", "fuzzing", "coverage"] if THOROUGH else ["examples", "fuzzing"]

config = SchemathesisConfig.from_dict({"seed": 20260909})
config.projects.default.phases.update(phases=PHASES)
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=config
).exclude(path_regex=r"^/api/v1/api-keys/\{id\}/revoke/$")


@pytest.fixture
def world(monkeypatch, settings, tmp_path):
    settings.OPERATORS_FILES_DIR = tmp_path
    # Requests go through the WSGI handler in this thread, inside the test transaction:
    # keep Django from closing the connection at request end, as its test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {"anon": "100000/minute", "user": "100000/minute"}
    )
    yield build_world(tmp_path / "records")
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented(case, world):
    # In CI the personas take turns, case by case; a thorough run sends each case as all.
    personas = list(world.values())
    if not THOROUGH:
        personas = [personas[next(TURNS) % len(personas)]]
    for headers in personas:
        response = case.call(app=application, headers=headers)
        case.validate_response(response, checks=CHECKS)


@schema.include(path_regex=r"/records/$").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_records_api_answers_as_documented_for_a_real_grant(case, world):
    """The record API on the world's grant, with its bound key and with a key that is
    not bound (the fuzzer's random ids would never name a grant that exists)."""
    case.path_parameters["id"] = fuzz_world.RECORDS["grant"]
    for headers in (fuzz_world.RECORDS["headers"], world["merchant"]):
        response = case.call(app=application, headers=headers)
        case.validate_response(response, checks=CHECKS)


@schema.include(path_regex=r"/sandbox/queries/$").parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_sandbox_queries_answer_as_documented_for_a_real_grant(case, world):
    """Generated SQL on the world's grant (which includes sandbox queries), with its
    bound key and with the merchant's unbound key."""
    case.path_parameters["id"] = fuzz_world.RECORDS["grant"]
    for headers in (fuzz_world.RECORDS["headers"], world["merchant"]):
        response = case.call(app=application, headers=headers)
        case.validate_response(response, checks=CHECKS)


def test_every_fuzzing_persona_reaches_the_api_as_itself(world):
    """Guards the gate itself: a persona whose key failed would fuzz only the 401 path."""
    from werkzeug.test import Client

    client = Client(application)
    kinds = {}
    for persona, headers in world.items():
        response = client.get("/api/v1/me/", headers=headers)
        kinds[persona] = response.status_code
    assert kinds == {
        "regulator": 200,
        "provider": 200,
        "operator": 200,
        "merchant": 200,
        "bound_key": 403,  # a key bound to a grant reads that grant only
        "anonymous": 401,
    }
