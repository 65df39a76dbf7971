import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from isms.core.permissions import Role
from isms.evidence.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def evidence(organisation):
    return Evidence.objects.create(
        organisation=organisation,
        ref="EV-1",
        title="Q1 review",
        kind="note",
        collected_on="2026-04-01",
    )


def upload(api, evidence, content=b"%PDF-1.7 review", name="../../etc/pass<wd>.pdf"):
    return api.client.post(
        f"/api/orgs/acme/evidence/{evidence.pk}/file",
        {"file": SimpleUploadedFile(name, content, content_type="text/html")},
        headers=api.headers,
    )


def test_upload_hashes_stores_under_random_name_and_downloads(api_as, organisation, evidence):
    api = api_as(organisation)
    response = upload(api, evidence)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sha256"] == hashlib.sha256(b"%PDF-1.7 review").hexdigest()
    assert body["file_name"] == "pass_wd_.pdf"
    evidence.refresh_from_db()
    assert "pass" not in evidence.file.name and ".." not in evidence.file.name
    assert evidence.kind == "file"

    download = api.client.get(f"/api/orgs/acme/evidence/{evidence.pk}/file", headers=api.headers)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.7 review"
    assert download["Content-Type"] == "application/octet-stream"
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"


def test_tampered_file_is_refused(api_as, organisation, evidence):
    api = api_as(organisation)
    upload(api, evidence)
    evidence.refresh_from_db()
    with open(evidence.file.path, "wb") as handle:
        handle.write(b"forged")
    response = api.client.get(f"/api/orgs/acme/evidence/{evidence.pk}/file", headers=api.headers)
    assert response.status_code == 409


def test_empty_and_oversized_files_are_refused(api_as, organisation, evidence, settings):
    api = api_as(organisation)
    assert upload(api, evidence, content=b"").status_code == 422
    settings.MAX_UPLOAD_MB = 1  # ISMS_MAX_UPLOAD_MB
    response = upload(api, evidence, content=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 422
    assert "larger than 1 MB" in response.json()["detail"]
    evidence.refresh_from_db()
    assert not evidence.file and evidence.sha256 == ""


def test_viewers_cannot_upload_and_others_cannot_see(api_as, organisation, other_organisation):
    theirs = Evidence.objects.create(
        organisation=other_organisation,
        ref="EV-9",
        title="x",
        kind="note",
        collected_on="2026-01-01",
    )
    viewer = api_as(organisation, Role.VIEWER)
    mine = Evidence.objects.create(
        organisation=organisation, ref="EV-2", title="x", kind="note", collected_on="2026-01-01"
    )
    assert upload(viewer, mine).status_code == 403
    manager = api_as(organisation)
    assert upload(manager, theirs).status_code == 404


def test_a_new_upload_is_a_new_version_and_the_old_bytes_stay(api_as, organisation, evidence):
    """Uploading again used to delete the earlier file, even one a signed review relied on."""
    api = api_as(organisation)
    first = upload(api, evidence, b"version one", name="a.pdf").json()
    second = upload(api, evidence, b"version two", name="b.pdf").json()
    assert (first["version"], second["version"]) == (1, 2)
    listed = api.get(f"/orgs/acme/evidence/{evidence.pk}/versions").json()
    assert [(v["number"], v["sha256"]) for v in listed] == [
        (1, hashlib.sha256(b"version one").hexdigest()),
        (2, hashlib.sha256(b"version two").hexdigest()),
    ]
    base = f"/api/orgs/acme/evidence/{evidence.pk}/file"
    latest = api.client.get(base, headers=api.headers)
    assert b"".join(latest.streaming_content) == b"version two"
    old = api.client.get(base + "?version=1", headers=api.headers)
    assert old.status_code == 200 and b"".join(old.streaming_content) == b"version one"
    assert api.client.get(base + "?version=9", headers=api.headers).status_code == 404


def test_a_missing_file_is_410_not_500(api_as, organisation, evidence):
    import os

    api = api_as(organisation)
    upload(api, evidence)
    evidence.refresh_from_db()
    os.remove(evidence.file.path)
    response = api.client.get(f"/api/orgs/acme/evidence/{evidence.pk}/file", headers=api.headers)
    assert response.status_code == 410 and "missing" in response.json()["detail"]


def test_evidence_of_a_signed_review_cannot_be_deleted(
    api_as, organisation, evidence, django_capture_on_commit_callbacks
):
    import datetime as dt
    import os

    from isms.audits.models import ManagementReview
    from isms.evidence.models import EvidenceLink

    api = api_as(organisation)
    upload(api, evidence)
    evidence.refresh_from_db()
    path = evidence.file.path
    review = ManagementReview.objects.create(
        organisation=organisation, ref="MR-1", held_on=dt.date(2026, 6, 1)
    )
    EvidenceLink.objects.create(
        organisation=organisation, evidence=evidence, record_type="Management reviews",
        record_key="MR-1", record=review,
    )  # fmt: skip
    ManagementReview.objects.filter(pk=review.pk).update(signed_on=dt.date(2026, 6, 2))
    refused = api.delete(f"/orgs/acme/evidence/{evidence.pk}")
    assert refused.status_code == 409 and os.path.exists(path)
    ManagementReview.objects.filter(pk=review.pk).update(signed_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        gone = api.delete(f"/orgs/acme/evidence/{evidence.pk}")
    assert gone.status_code == 204
    assert not os.path.exists(path), "deleting the record deletes its bytes"
