"""External auditor access: an owner grants read-only access for one external audit; the
auditor sees the SoA, the evidence index with its files, the sampled records and the NC log,
and nothing else; every page is logged; access ends with the audit or on revocation."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from isms.audits.auditor_access import grant_access
from isms.audits.models import (
    AuditChecklistItem,
    AuditorAccessLog,
    AuditorGrant,
    ExternalAudit,
    InternalAudit,
    Nonconformity,
)
from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.core.actor import acting_as
from isms.core.permissions import Role
from isms.evidence.models import Evidence, EvidenceLink
from isms.evidence.services import attach_file

pytestmark = pytest.mark.django_db
TODAY = dt.date.today


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def external_audit(organisation, ref="CB-S2", on=None):
    return ExternalAudit.objects.create(
        organisation=organisation,
        ref=ref,
        kind="stage2",
        certification_body="Cert Co",
        planned_on=on or timezone.localdate() + dt.timedelta(days=10),
    )


@pytest.fixture
def auditor(db):
    return get_user_model().objects.create_user("auditor", password="a long enough password 1")


@pytest.fixture
def records(organisation):
    """An SoA row with a file as evidence, an unlinked file, an internal audit sample, an NC."""
    entry = SoAEntry.objects.create(
        organisation=organisation,
        control=Control.objects.get(ref="5.15"),
        applicable=True,
        implementation_status="implemented",
        justification="Role-based access",
    )
    linked = Evidence.objects.create(
        organisation=organisation,
        ref="EV-1",
        title="Okta review",
        kind="note",
        collected_on=timezone.localdate(),
    )
    attach_file(linked, SimpleUploadedFile("okta.csv", b"user,role\n"))
    EvidenceLink.objects.create(
        organisation=organisation,
        evidence=linked,
        record_type="SoA",
        record_key="5.15",
        content_type=ContentType.objects.get_for_model(SoAEntry),
        object_id=entry.pk,
    )
    private = Evidence.objects.create(
        organisation=organisation,
        ref="EV-2",
        title="Board salaries",
        kind="note",
        collected_on=timezone.localdate(),
    )
    attach_file(private, SimpleUploadedFile("salaries.xlsx", b"secret"))
    internal = InternalAudit.objects.create(
        organisation=organisation,
        ref="IA-1",
        title="Access control",
        planned_on=timezone.localdate() - dt.timedelta(days=30),
    )
    AuditChecklistItem.objects.create(
        organisation=organisation,
        audit=internal,
        kind="leaver",
        record="bob@acme.example",
        question="Was the account disabled on the leaving day?",
        result="conforms",
    )
    Nonconformity.objects.create(
        organisation=organisation,
        ref="NC-1",
        source="internal_audit",
        grade="minor",
        raised_on=timezone.localdate() - dt.timedelta(days=20),
        description="Late leaver",
    )
    return {"linked": linked, "private": private}


def grant_form(owner_client, **values):
    return owner_client.post("/orgs/acme/auditor-access/", values)


def test_an_owner_grants_access_and_the_auditor_sees_only_the_scoped_pages(
    organisation, make_member, auditor, records
):
    owner, _ = make_member(organisation, Role.OWNER)
    audit = external_audit(organisation)
    owners = login(owner)
    page = owners.get("/orgs/acme/auditor-access/").content.decode()
    assert '<label for="id_username">' in page and "CB-S2" in page
    response = grant_form(owners, username="auditor", audit=str(audit.pk))
    assert response.status_code == 302
    grant = AuditorGrant.objects.get()
    assert grant.expires_on == audit.planned_on and grant.granted_by == owner
    assert grant.history.first().history_user == owner

    client = login(auditor)
    home = client.get("/").content.decode()
    assert "Audits you have access to" in home and "CB-S2" in home
    base = f"/orgs/acme/auditor/{grant.pk}/"
    soa = client.get(f"{base}soa/").content.decode()
    assert "A.5.15" in soa and "Role-based access" in soa
    index = client.get(f"{base}evidence/").content.decode()
    assert "EV-1" in index and "EV-2" not in index
    assert "Board salaries" not in client.get(f"{base}evidence/list/").content.decode()
    download = client.get(f"{base}evidence/{records['linked'].pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"user,role\n"
    assert download["Content-Disposition"].startswith("attachment")
    assert client.get(f"{base}evidence/{records['private'].pk}/file/").status_code == 404
    assert "bob@acme.example" in client.get(f"{base}samples/").content.decode()
    assert "NC-1" in client.get(f"{base}nonconformities/").content.decode()
    # Everything else of the organisation: 404, as for a stranger.
    for path in (
        "/orgs/acme/",
        "/orgs/acme/registers/",
        "/orgs/acme/registers/soa/",
        "/orgs/acme/evidence/",
        f"/orgs/acme/evidence/{records['private'].pk}/file/",
        "/orgs/acme/auditor-access/",
        f"/orgs/acme/auditor-access/{grant.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get(f"/orgs/globex/auditor/{grant.pk}/").status_code == 404
    assert client.post(f"{base}soa/").status_code == 405, "read-only: no write of any kind"

    opened = list(AuditorAccessLog.objects.filter(grant=grant).values_list("opened", flat=True))
    assert "Statement of Applicability" in opened and "file of EV-1 (latest)" in opened
    assert len(opened) == 6, "five pages and one download (refused ones are not logged)"
    log_page = owners.get(f"/orgs/acme/auditor-access/{grant.pk}/").content.decode()
    assert "file of EV-1 (latest)" in log_page and f"{base}soa/" in log_page


def test_access_ends_with_the_audit_and_on_revocation(organisation, make_member, auditor):
    owner, _ = make_member(organisation, Role.OWNER)
    audit = external_audit(organisation, on=timezone.localdate())
    with acting_as(owner):
        grant = grant_access(organisation, user=auditor, audit=audit, granted_by=owner)
    client = login(auditor)
    assert client.get(f"/orgs/acme/auditor/{grant.pk}/soa/").status_code == 200
    # The audit ended yesterday: every auditor URL is a 404, and home lists nothing.
    audit.held_on = timezone.localdate() - dt.timedelta(days=1)
    audit.save()
    for page in ("", "soa/", "evidence/", "evidence/list/", "samples/", "nonconformities/"):
        assert client.get(f"/orgs/acme/auditor/{grant.pk}/{page}").status_code == 404, page
    assert "Audits you have access to" not in client.get("/").content.decode()
    # A grant revoked by the owner, for an audit still to come.
    later = external_audit(organisation, ref="CB-S3")
    owners = login(owner)
    grant_form(owners, username="auditor", audit=str(later.pk))
    second = AuditorGrant.objects.get(audit=later)
    assert client.get(f"/orgs/acme/auditor/{second.pk}/").status_code == 200
    assert owners.post(f"/orgs/acme/auditor-access/{second.pk}/revoke/").status_code == 302
    assert client.get(f"/orgs/acme/auditor/{second.pk}/").status_code == 404
    second.refresh_from_db()
    assert second.revoked_by == owner and second.history.count() == 2
    listing = owners.get("/orgs/acme/auditor-access/").content.decode()
    assert "revoked" in listing and "expired" in listing


def test_an_organisation_requiring_two_factor_requires_it_of_its_auditors(
    organisation, make_member, auditor
):
    owner, _ = make_member(organisation, Role.OWNER)
    grant = grant_access(
        organisation, user=auditor, audit=external_audit(organisation), granted_by=owner
    )
    organisation.require_two_factor = True
    organisation.save()
    response = login(auditor).get(f"/orgs/acme/auditor/{grant.pk}/soa/")
    assert response.status_code == 302 and "next=" in response["Location"]
    assert not AuditorAccessLog.objects.exists(), "nothing was shown"


def test_an_explicit_expiry_ends_access_early(organisation, make_member, auditor):
    owner, _ = make_member(organisation, Role.OWNER)
    audit = external_audit(organisation)
    grant = grant_access(
        organisation,
        user=auditor,
        audit=audit,
        granted_by=owner,
        expires_on=timezone.localdate(),
    )
    assert login(auditor).get(f"/orgs/acme/auditor/{grant.pk}/").status_code == 200
    AuditorGrant.objects.filter(pk=grant.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert login(auditor).get(f"/orgs/acme/auditor/{grant.pk}/").status_code == 404


def test_the_grant_form_refuses_bad_input_on_its_field(
    organisation, other_organisation, make_member, auditor
):
    owner, _ = make_member(organisation, Role.OWNER)
    make_member(organisation, Role.VIEWER, username="colleague")
    audit = external_audit(organisation)
    ended = external_audit(organisation, ref="CB-OLD", on=timezone.localdate() - dt.timedelta(1))
    theirs = external_audit(other_organisation, ref="CB-GLOBEX")
    owners = login(owner)
    cases = [
        ({"username": "nobody", "audit": str(audit.pk)}, "isms user create"),
        ({"username": "colleague", "audit": str(audit.pk)}, "is a member of this organisation"),
        ({"username": "auditor", "audit": str(theirs.pk)}, "choose one of this organisation"),
        ({"username": "auditor", "audit": str(ended.pk)}, "there is nothing left to grant"),
        (
            {"username": "auditor", "audit": str(audit.pk), "expires_on": "2999-01-01"},
            "at the latest",
        ),
        ({"username": "auditor", "audit": str(audit.pk), "expires_on": "soon"}, "a date"),
    ]
    for values, message in cases:
        response = grant_form(owners, **values)
        assert response.status_code == 422 and message in response.content.decode(), values
    assert not AuditorGrant.objects.exists()
    page = owners.get("/orgs/acme/auditor-access/").content.decode()
    assert "CB-OLD" not in page and "CB-GLOBEX" not in page
    assert grant_form(owners, username="auditor", audit=str(audit.pk)).status_code == 302
    again = grant_form(owners, username="auditor", audit=str(audit.pk))
    assert again.status_code == 422 and "already has access" in again.content.decode()


def test_only_owners_grant_and_see_the_control(
    organisation, other_organisation, make_member, auditor
):
    owner, _ = make_member(organisation, Role.OWNER)
    manager, _ = make_member(organisation, Role.ISMS_MANAGER)
    audit = external_audit(organisation)
    grant = grant_access(organisation, user=auditor, audit=audit, granted_by=owner)
    assert "Auditor access</a>" in login(owner).get("/orgs/acme/").content.decode()
    managers = login(manager)
    assert "Auditor access</a>" not in managers.get("/orgs/acme/").content.decode()
    assert managers.get("/orgs/acme/auditor-access/").status_code == 403
    forged = managers.post(
        "/orgs/acme/auditor-access/", {"username": "auditor", "audit": str(audit.pk)}
    )
    assert forged.status_code == 403
    assert managers.post(f"/orgs/acme/auditor-access/{grant.pk}/revoke/").status_code == 403
    grant.refresh_from_db()
    assert grant.revoked_at is None
    # Another organisation's owner: its grants are a 404.
    stranger, _ = make_member(other_organisation, Role.OWNER)
    strangers = login(stranger)
    assert strangers.get(f"/orgs/globex/auditor-access/{grant.pk}/").status_code == 404
    assert strangers.post(f"/orgs/globex/auditor-access/{grant.pk}/revoke/").status_code == 404
    assert strangers.get("/orgs/acme/auditor-access/").status_code == 404
    # Someone else's grant id answers 404 to a member too: grants are the auditor's own.
    assert login(manager).get(f"/orgs/acme/auditor/{grant.pk}/").status_code == 404
    assert login(manager).post(f"/orgs/acme/auditor/{grant.pk}/soa/").status_code == 404


def test_auditor_pages_make_a_bounded_number_of_queries(
    organisation, make_member, auditor, django_assert_max_num_queries
):
    owner, _ = make_member(organisation, Role.OWNER)
    audit = external_audit(organisation)
    grant = grant_access(organisation, user=auditor, audit=audit, granted_by=owner)
    internal = InternalAudit.objects.create(
        organisation=organisation, ref="IA-1", title="All", planned_on=timezone.localdate()
    )
    AuditChecklistItem.objects.bulk_create(
        AuditChecklistItem(
            organisation=organisation,
            audit=internal,
            kind="other",
            record=f"r{n}",
            question="?",
        )
        for n in range(2000)
    )
    Nonconformity.objects.bulk_create(
        Nonconformity(
            organisation=organisation,
            ref=f"NC-{n}",
            source="internal_audit",
            grade="minor",
            raised_on=timezone.localdate(),
            description="x",
        )
        for n in range(2000)
    )
    SoAEntry.objects.bulk_create(
        SoAEntry(organisation=organisation, control=control, applicable=True)
        for control in Control.objects.all()
    )
    client = login(auditor)
    for page in ("", "soa/", "evidence/", "evidence/list/", "samples/", "nonconformities/"):
        with django_assert_max_num_queries(14):
            assert client.get(f"/orgs/acme/auditor/{grant.pk}/{page}").status_code == 200, page
    AuditorAccessLog.objects.bulk_create(
        AuditorAccessLog(grant=grant, path="/x", opened="overview") for _ in range(3000)
    )
    owners = login(owner)
    with django_assert_max_num_queries(10):
        page = owners.get(f"/orgs/acme/auditor-access/{grant.pk}/").content.decode()
    assert "Page 1 of 31" in page


def test_auditor_pages_have_no_inline_code(organisation, make_member, auditor):
    owner, _ = make_member(organisation, Role.OWNER)
    grant = grant_access(
        organisation, user=auditor, audit=external_audit(organisation), granted_by=owner
    )
    pages = [(login(auditor), f"/orgs/acme/auditor/{grant.pk}/{p}") for p in ("", "evidence/")]
    pages += [(login(owner), "/orgs/acme/auditor-access/")]
    for client, url in pages:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url
        assert "style=" not in html, url
