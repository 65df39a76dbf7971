"""Every URL pattern of the web application, walked the way an attacker inside the product would:

- as a member of acme with globex's slug: 404, whatever the method, for every pattern;
- as a member of acme with acme's slug but globex's record ids: 404, for every pattern that takes
  an id (the lookup is scoped to the organisation in the URL, never to the id alone);
- as a viewer of a fully stocked organisation: every page answers 200 or 403, never 5xx, and
  every POST is refused (403/405), or answered as the GET of a read-only page, with nothing
  written anywhere.

A new URL parameter must be added to ``VALUES`` below, so that no pattern escapes the walk.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, get_resolver

from isms.audits.models import (
    AuditChecklistItem,
    AuditorGrant,
    ExternalAudit,
    InternalAudit,
    ManagementReview,
    Nonconformity,
)
from isms.core.permissions import Role
from isms.evidence.models import Evidence
from isms.evidence.services import attach_file
from isms.exchange.importer import import_sheets
from isms.exchange.readers import read_yaml
from isms.people.models import AwarenessCampaign, Person
from isms.readiness.engine import run_assessment
from isms.readiness.models import AssessmentFinding, AssessmentRequest
from isms.readiness.store import save_result

pytestmark = pytest.mark.django_db

GLOBEX = Path(__file__).resolve().parents[2] / "examples" / "globex" / "globex.yaml"


def _patterns() -> list[tuple[str, URLPattern]]:
    return [
        ("/" + str(pattern.pattern), pattern)
        for pattern in get_resolver("isms.web.urls").url_patterns
        if "<slug:slug>" in str(pattern.pattern)
    ]


def _stock(organisation, owner):
    """An organisation with a record behind every kind of URL: the globex example, a mock audit,
    a queued run request and an auditor grant. Returns the id of each kind by URL parameter."""
    import_sheets(organisation, read_yaml(GLOBEX.read_text(encoding="utf-8"), "globex.yaml"))
    run = save_result(run_assessment(organisation, dt.date(2026, 11, 30), stage=2))
    request = AssessmentRequest.objects.create(
        organisation=organisation, as_of=dt.date(2026, 11, 30), stage=2, requested_by=owner
    )
    audit = InternalAudit.objects.filter(organisation=organisation).first()
    Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-WALK-1",
        source=Nonconformity.Source.OTHER,
        grade=Nonconformity.Grade.MINOR,
        raised_on=dt.date(2026, 11, 1),
        reference="A.5.15",
    )
    AuditChecklistItem.objects.create(
        organisation=organisation,
        audit=audit,
        kind=AuditChecklistItem.Kind.OTHER,
        record="walk",
        question="Is it so?",
        reference="A.5.15",
    )
    evidence = Evidence.objects.filter(organisation=organisation).first()
    evidence.kind = Evidence.Kind.FILE
    evidence.save()
    attach_file(evidence, SimpleUploadedFile("walk.txt", b"what the auditor reads"))
    AwarenessCampaign.objects.create(
        organisation=organisation,
        name="Walk campaign",
        opened_on=dt.date(2026, 11, 1),
        expires_on=dt.date(2026, 12, 31),
    )
    external = ExternalAudit.objects.filter(organisation=organisation).first()
    grant = AuditorGrant.objects.create(
        organisation=organisation,
        user=owner,
        audit=external,
        expires_on=dt.date.today() + dt.timedelta(days=30),
        granted_by=owner,
    )

    def first(model):
        pk = model.objects.filter(organisation=organisation).values_list("pk", flat=True).first()
        assert pk is not None, f"{organisation.slug} has no {model.__name__} to walk with"
        return pk

    return {
        "run": run.pk,
        "finding": AssessmentFinding.objects.filter(assessment=run).values_list("pk", flat=True)[0],
        "request": request.pk,
        "person": first(Person),
        "nonconformity": first(Nonconformity),
        "review": first(ManagementReview),
        "evidence": evidence.pk,
        "grant": grant.pk,
        "external_audit": external.pk,
        "internal_audit": first(InternalAudit),
        "checklist_item": first(AuditChecklistItem),
        "campaign": first(AwarenessCampaign),
    }


#: What each URL parameter is filled with: a fixed word, or the kind of record whose id it takes
#: (a pattern's name picks the kind where one parameter name serves several).
VALUES = {
    "name": "people",
    "kind": "csv",
    "fmt": "json",
    "step": "plan",
    "run_id": "run",
    "grant_id": "grant",
    "item": "checklist_item",
}
PK_BY_PATTERN_PREFIX = {
    "record": "person",
    "audit_request": "request",
    "finding": "finding",
    "nonconformity": "nonconformity",
    "review": "review",
    "evidence": "evidence",
    "auditor_grant": "grant",
    "auditor_file": "evidence",
    "internal_audit": "internal_audit",
    "awareness": "campaign",
    "certification": "external_audit",
}
#: Where one parameter name takes different words in different patterns.
VALUE_BY_PATTERN = {
    ("review_pack", "fmt"): "html",
    ("audit_report", "fmt"): "json",
    ("certification_step", "step"): "decision",
}


def _path(template: str, pattern: URLPattern, slug: str, ids: dict) -> str:
    path = template.replace("<slug:slug>", slug)
    for converter, name in _parameters(template):
        if name == "slug":
            continue
        if name == "pk":
            kind = next(
                (
                    k
                    for prefix, k in PK_BY_PATTERN_PREFIX.items()
                    if pattern.name.startswith(prefix)
                ),
                None,
            )
            assert kind, f"no record kind for <pk> of {pattern.name}: add it to the walk"
            value = ids[kind]
        else:
            assert name in VALUES, f"unknown URL parameter <{name}> in {template}: add it"
            value = VALUE_BY_PATTERN.get((pattern.name, name), VALUES[name])
            value = ids.get(value, value)
        path = path.replace(f"<{converter}:{name}>", str(value))
    return path


def _parameters(template: str) -> list[tuple[str, str]]:
    import re

    return re.findall(r"<(\w+):(\w+)>", template)


def _history_rows() -> int:
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def acme_owner(organisation, make_member):
    user, _ = make_member(organisation, Role.OWNER)
    client = Client()
    client.force_login(user)
    return client


def test_another_organisations_slug_and_ids_answer_404(
    acme_owner, organisation, other_organisation, make_member
):
    theirs_owner, _ = make_member(other_organisation, Role.OWNER)
    ids = _stock(other_organisation, theirs_owner)
    before = _history_rows()
    walked = 0
    for template, pattern in _patterns():
        with_ids = any(name != "slug" and conv == "int" for conv, name in _parameters(template))
        slugs = ["globex", "acme"] if with_ids else ["globex"]
        for slug in slugs:
            path = _path(template, pattern, slug, ids)
            for method in ("get", "post"):
                response = getattr(acme_owner, method)(path)
                # 405: a GET of an action that only takes POST, refused before any lookup.
                expected = (404, 405) if method == "get" else (404,)
                assert response.status_code in expected, (method, path, response.status_code)
                assert b"Globex" not in response.content, (method, path)
                walked += 1
    assert walked > 100
    assert _history_rows() == before, "a refused request wrote nothing"


def test_a_viewer_reads_what_the_role_allows_and_changes_nothing(organisation, make_member):
    owner, _ = make_member(organisation, Role.OWNER)
    ids = _stock(organisation, owner)
    viewer, _ = make_member(organisation, Role.VIEWER)
    client = Client()
    client.force_login(viewer)
    before = _history_rows()
    answers = {}
    for template, pattern in _patterns():
        if pattern.name.startswith("auditor_") and pattern.name not in (
            "auditor_access",
            "auditor_grant",
            "auditor_grant_revoke",
        ):
            continue  # the auditor's own pages answer only the grant's holder (own tests)
        path = _path(template, pattern, "acme", ids)
        got = client.get(path)
        assert got.status_code in (200, 403, 405), ("GET", path, got.status_code)
        answers[pattern.name] = got.status_code
        posted = client.post(path, {"confirm": "yes"})
        # Refused, or a read-only page that answers a POST as it answers a GET.
        refused = posted.status_code in (403, 405)
        assert refused or (posted.status_code == got.status_code == 200), (
            "POST",
            path,
            posted.status_code,
        )
    assert _history_rows() == before, "a viewer's POSTs wrote nothing"
    # What a viewer reads (an external auditor with the viewer role reads everything) ...
    for readable in ("organisation", "registers", "register", "record", "findings", "finding"):
        assert answers[readable] == 200, readable
    # ... and what only others may open.
    for refused in ("organisation_settings", "record_edit", "record_new", "auditor_access"):
        assert answers[refused] == 403, refused
