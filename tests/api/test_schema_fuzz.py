"""Schemathesis over every API operation: no 5xx, and no answer the OpenAPI schema does not allow.

Requests carry a real token of the demo organisation (imported once for this module), path
``org`` is that organisation's slug, ``record_id`` one of the register's real records (so
updates and deletes reach the code behind them, in a transaction rolled back after each
operation), and PUT/PATCH send ``If-Match: *``. Everything else is generated from the schema.
Examples per operation: ``ISMS_FUZZ_EXAMPLES`` (default 5), so CI stays bounded; derandomized,
so a run is reproducible."""

import os
import re
import zlib
from pathlib import Path

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from isms.catalog.loader import load_catalog
from isms.core.models import Organisation
from isms.core.permissions import Role
from isms.core.registers import all_registers
from isms.core.services import create_api_token, set_membership
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_path
from isms.wsgi import application

DEMO_WORKBOOK = Path(__file__).resolve().parents[2] / "examples" / "acme" / "acme.xlsx"
EXAMPLES = int(os.environ.get("ISMS_FUZZ_EXAMPLES", "5"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
REGISTER_PATH = re.compile(r"^/api/orgs/\{org\}/(?P<register>[a-z_]+)/")


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI application directly, so Django's request signals run as in
    production and close a connection that is inside a transaction (the test's). Django's own
    test client disconnects them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def demo(django_db_blocker):
    """The demo workbook's records in an organisation committed for this module, removed after."""
    with django_db_blocker.unblock():
        organisation = Organisation.objects.create(slug="fuzz", name="Fuzz Ltd")
        import_sheets(organisation, read_path(DEMO_WORKBOOK))
        user = get_user_model().objects.create_user("fuzzer", "fuzzer@fuzz.example", None)
        set_membership(organisation, user, Role.ISMS_MANAGER, True)
        _, token = create_api_token(user, "fuzz")
        ids = {
            register.name: list(
                register.model.objects.filter(organisation=organisation)
                .order_by("pk")
                .values_list("pk", flat=True)[:50]
            )
            for register in all_registers()
        }
    yield {"token": token, "ids": ids}
    with django_db_blocker.unblock():
        # Back to the session's starting point: no rows but the catalogue (deleting the
        # organisation would leave history rows behind for later tests to trip over).
        call_command("flush", interactive=False, verbosity=0)
        load_catalog()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    # Generated examples only: the coverage phase adds about 50 boundary cases per operation
    # (13,000 requests), and shrinking a failure can take minutes; the failing case is reported.
    phases=[Phase.generate],
)
def test_every_operation_keeps_to_its_schema(case, demo, db):
    if "org" in (case.path_parameters or {}):
        case.path_parameters["org"] = "fuzz"
    match = REGISTER_PATH.match(case.operation.path)
    if match and "record_id" in (case.path_parameters or {}):
        ids = demo["ids"].get(match["register"]) or [0]
        seed = zlib.crc32(str(case.path_parameters["record_id"]).encode())
        case.path_parameters["record_id"] = ids[seed % len(ids)]
    headers = {**(case.headers or {}), "Authorization": f"Bearer {demo['token']}"}
    if case.method.upper() in ("PUT", "PATCH"):
        headers["If-Match"] = "*"
    case.headers = headers
    response = case.call()
    case.validate_response(response, checks=CHECKS)
