"""Every page of the registers and the readiness page makes a bounded number of database
queries whatever the data size: an organisation with thousands of rows in each big register
(people, assets, risks with their controls, systems, accounts and access reviews, suppliers,
incidents, evidence with links, nonconformities, documents, the whole SoA, a mock audit's
findings), and each page asked for as a member would ask for it."""

import datetime as dt
import math

import pytest
from django.test import Client
from django.utils import timezone

from isms.core.permissions import Role
from isms.core.registers import all_registers

pytestmark = pytest.mark.django_db

#: Rows per big register.
ROWS = 2000
#: The most queries a page may make, whatever the data. Measured on SQLite with 2000 rows: the
#: readiness page 20, a register list at most 11, a record 8, the registers index 7.
HOME_QUERIES = 25
PAGE_QUERIES = 15
#: An export reads the rows a batch at a time: this many queries per batch of rows, and a few.
EXPORT_QUERIES_PER_BATCH = 3


def _big_organisation(organisation):
    """Thousands of rows per big register, bulk-created (no history: not what is measured)."""
    from django.contrib.contenttypes.models import ContentType

    from isms.audits.models import ExternalAudit, Nonconformity
    from isms.catalog.models import Control
    from isms.controls.models import SoAEntry
    from isms.documents.models import Document
    from isms.evidence.models import Evidence, EvidenceLink
    from isms.operations.models import AccessReview, Account, Incident, Supplier, System
    from isms.people.models import Person
    from isms.readiness.models import Assessment, AssessmentFinding
    from isms.risk.models import Asset, Risk, RiskMethod

    today = timezone.localdate()
    org = {"organisation": organisation}

    def days(n):
        return today - dt.timedelta(days=n)

    people = Person.objects.bulk_create(
        Person(email=f"p{n:05}@acme.example", name=f"Person {n}", start_date=days(n), **org)
        for n in range(ROWS)
    )
    Asset.objects.bulk_create(
        Asset(name=f"Asset {n}", kind="information", owner=people[n % ROWS], **org)
        for n in range(ROWS)
    )
    RiskMethod.objects.create(
        name="Method",
        acceptance_threshold=6,
        high_threshold=15,
        approved_by=people[0],
        approved_on=days(400),
        **org,
    )
    risks = Risk.objects.bulk_create(
        Risk(
            ref=f"R-{n:05}",
            title=f"Risk {n}",
            likelihood=1 + n % 5,
            impact=1 + n % 4,
            inherent_score=(1 + n % 5) * (1 + n % 4),
            treatment="modify",
            owner=people[n],
            residual_likelihood=1,
            residual_impact=1 + n % 3,
            residual_score=1 + n % 3,
            **org,
        )
        for n in range(ROWS)
    )
    controls = list(Control.objects.order_by("sort_key"))
    Risk.controls.through.objects.bulk_create(
        Risk.controls.through(risk_id=risk.pk, control_id=controls[n % len(controls)].pk)
        for n, risk in enumerate(risks)
    )
    systems = System.objects.bulk_create(
        System(name=f"System {n}", access_review_frequency="quarterly", **org) for n in range(50)
    )
    Account.objects.bulk_create(
        Account(system=systems[n % 50], username=f"user{n}", person=people[n], **org)
        for n in range(ROWS)
    )
    AccessReview.objects.bulk_create(
        AccessReview(system=systems[n % 50], reviewed_on=days(n // 50), accounts_reviewed=5, **org)
        for n in range(ROWS)
    )
    Supplier.objects.bulk_create(
        Supplier(
            name=f"Supplier {n}",
            service="Service",
            tier=("low", "high")[n % 2],
            data_access="internal",
            review_frequency="annual",
            last_assessed_on=days(n % 400),
            **org,
        )
        for n in range(ROWS)
    )
    Incident.objects.bulk_create(
        Incident(
            ref=f"INC-{n:05}",
            title="x",
            kind="event",
            severity="low",
            reported_on=days(n % 700),
            **org,
        )
        for n in range(ROWS)
    )
    entries = SoAEntry.objects.bulk_create(
        SoAEntry(
            control=control,
            applicable=True,
            implementation_status="implemented",
            evidence_frequency="quarterly",
            **org,
        )
        for control in controls
    )
    evidence = Evidence.objects.bulk_create(
        Evidence(ref=f"EV-{n:05}", title="x", kind="note", collected_on=days(n % 300), **org)
        for n in range(ROWS)
    )
    soa_type = ContentType.objects.get_for_model(SoAEntry)
    EvidenceLink.objects.bulk_create(
        EvidenceLink(
            evidence=item,
            record_type="SoA",
            record_key=entries[n % 93].control.ref,
            content_type=soa_type,
            object_id=entries[n % 93].pk,
            **org,
        )
        for n, item in enumerate(evidence)
    )
    Nonconformity.objects.bulk_create(
        Nonconformity(
            ref=f"NC-{n:05}",
            source="other",
            grade="minor",
            raised_on=days(n % 500),
            description="x",
            due_on=days(n % 120 - 60),
            **org,
        )
        for n in range(ROWS)
    )
    Document.objects.bulk_create(
        Document(
            ref=f"DOC-{n:05}", title="x", kind="policy", next_review_on=days(n % 200 - 100), **org
        )
        for n in range(ROWS)
    )
    ExternalAudit.objects.create(
        ref="CB-1", kind="stage2", certification_body="BSI", planned_on=days(-30), **org
    )
    run = Assessment.objects.create(
        as_of=today,
        stage=2,
        run_at=timezone.now(),
        verdict="deferred",
        score=50,
        majors=1,
        minors=1,
        ofis=1,
        profile={},
        rule_versions={},
        **org,
    )
    references = ["4.1", "6.1.2", "9.2", "A.5.15", "A.8.8", "A.6.3"]
    AssessmentFinding.objects.bulk_create(
        AssessmentFinding(
            assessment=run,
            key=str(n),
            code="X001",
            name="x",
            grade=["major", "minor", "ofi"][n % 3],
            stage=2,
            reference=references[n % 6],
            subject_type="Issue",
            subject_key=str(n),
            title="x",
            detail="",
            recommendation="",
        )
        for n in range(ROWS)
    )
    return {"person": people[5].pk, "risk": risks[7].pk}


@pytest.fixture
def big(organisation, make_member):
    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    client = Client()
    client.force_login(user)
    return client, _big_organisation(organisation)


def _get(client, path, params=None):
    response = client.get(path, params or {})
    assert response.status_code == 200, (path, params, response.status_code)
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_every_register_page_makes_a_bounded_number_of_queries(big, django_assert_max_num_queries):
    from isms.exchange.columns import Kind
    from isms.web.views.registers import PAGE_SIZE, filter_columns, list_columns

    client, pks = big
    with django_assert_max_num_queries(HOME_QUERIES):
        _get(client, "/orgs/acme/")
    with django_assert_max_num_queries(PAGE_QUERIES):
        _get(client, "/orgs/acme/registers/")
    for register in all_registers():
        base = f"/orgs/acme/registers/{register.name}/"
        count = register.model.objects.count()
        last = max(1, math.ceil(count / PAGE_SIZE))
        filters = filter_columns(register)
        filtered = {"q": "1"}
        if filters:
            column = filters[0]
            options = ("yes", "no") if column.kind is Kind.BOOLEAN else column.choices
            filtered[column.name] = options[0]
        sort = {"sort": list_columns(register)[-1].name, "dir": "desc"}
        for params in ({}, filtered, sort, {"page": last}, {**sort, "page": last}):
            with django_assert_max_num_queries(PAGE_QUERIES):
                _get(client, base, params)
    with django_assert_max_num_queries(PAGE_QUERIES):
        _get(client, f"/orgs/acme/registers/people/{pks['person']}/")
    with django_assert_max_num_queries(PAGE_QUERIES):
        _get(client, f"/orgs/acme/registers/risks/{pks['risk']}/")


def test_an_export_reads_a_batch_at_a_time(big, django_assert_max_num_queries):
    from isms.risk.models import Risk
    from isms.web.views.registers import EXPORT_BATCH

    client, _ = big
    batches = math.ceil(Risk.objects.count() / EXPORT_BATCH)
    bound = PAGE_QUERIES + EXPORT_QUERIES_PER_BATCH * batches
    for kind in ("csv", "xlsx"):
        with django_assert_max_num_queries(bound):
            body = _get(client, f"/orgs/acme/registers/risks/export.{kind}", {"sort": "title"})
        assert len(body) > ROWS * 20, "every row was written"
    with django_assert_max_num_queries(bound):
        text = _get(client, "/orgs/acme/registers/risks/export.csv", {"q": "Risk 12"}).decode()
    assert text.count("\n") == 1 + 111, "the filtered rows only: Risk 12, 120-129, 1200-1299"
