"""Evidence in the browser: list, item, uploads (several files, a new version), downloads that
are always attachments, the index per clause and control; tenancy and roles as everywhere."""

import datetime as dt
import hashlib
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.core.permissions import Role
from isms.evidence.models import Evidence, EvidenceFileVersion, EvidenceLink

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"


def soa(organisation, ref, frequency="", applicable=True):
    return SoAEntry.objects.create(
        organisation=organisation,
        control=Control.objects.get(ref=ref),
        applicable=applicable,
        implementation_status="implemented",
        evidence_frequency=frequency,
    )


def item(organisation, ref, collected_on, *, on=None, title="An export"):
    evidence = Evidence.objects.create(
        organisation=organisation, ref=ref, title=title, kind="note", collected_on=collected_on
    )
    if on is not None:
        EvidenceLink.objects.create(
            organisation=organisation,
            evidence=evidence,
            record_type="SoA",
            record_key=on.control.ref,
            content_type=ContentType.objects.get_for_model(SoAEntry),
            object_id=on.pk,
        )
    return evidence


def files(*pairs):
    return [SimpleUploadedFile(name, content, content_type="text/html") for name, content in pairs]


def test_upload_several_files_creates_one_item_each_linked_to_the_control(signed_in, organisation):
    client = signed_in(organisation, Role.CONTRIBUTOR)
    entry = soa(organisation, "5.15")
    form = client.get("/orgs/acme/evidence/upload/").content.decode()
    assert 'type="file" multiple' in form and '<label for="id_files">' in form
    assert 'enctype="multipart/form-data"' in form and "dropzone.js" in form
    response = client.post(
        "/orgs/acme/evidence/upload/",
        {
            "files": files(("../q1<review>.pdf", b"%PDF-1.7 q1"), ("okta.csv", b"user,role\n")),
            "collected_on": "2026-04-02",
            "control": "5.15",
        },
    )
    assert response.status_code == 302, response.content.decode()
    items = list(Evidence.objects.filter(organisation=organisation).order_by("ref"))
    assert [(e.ref, e.title, e.kind) for e in items] == [
        ("EV-0001", "q1_review_.pdf", "file"),
        ("EV-0002", "okta.csv", "file"),
    ]
    assert items[0].sha256 == hashlib.sha256(b"%PDF-1.7 q1").hexdigest()
    assert items[0].history.first().history_user == client.user
    assert set(EvidenceLink.objects.values_list("object_id", flat=True)) == {entry.pk}
    assert EvidenceFileVersion.objects.filter(created_by=client.user).count() == 2


def test_a_refused_file_writes_nothing_and_names_the_file(signed_in, organisation, settings):
    client = signed_in(organisation)
    settings.MAX_UPLOAD_MB = 1
    response = client.post(
        "/orgs/acme/evidence/upload/",
        {
            "files": files(("fine.txt", b"ok"), ("empty.txt", b""), ("big.bin", b"x" * 1048577)),
            "collected_on": "2026-04-02",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert (
        "empty.txt: the file is empty" in page and "big.bin: the file is larger than 1 MB" in page
    )
    assert not Evidence.objects.exists() and not EvidenceFileVersion.objects.exists()
    bad_date = client.post(
        "/orgs/acme/evidence/upload/",
        {"files": files(("fine.txt", b"ok")), "collected_on": "2999-01-01", "control": "5.99"},
    )
    page = bad_date.content.decode()
    assert bad_date.status_code == 422 and "in the future" in page and "5.99" in page
    assert not Evidence.objects.exists()
    assert not list((settings.MEDIA_ROOT).rglob("*.*")), "no bytes left behind"


def test_a_new_version_keeps_the_old_and_a_stale_form_stores_nothing(signed_in, organisation):
    client = signed_in(organisation)
    evidence = item(organisation, "EV-7", "2026-04-01")
    page = client.get(f"/orgs/acme/evidence/{evidence.pk}/").content.decode()
    version = re.search(r'name="row_version" value="(\d+)"', page).group(1)
    url = f"/orgs/acme/evidence/{evidence.pk}/upload/"
    first = client.post(url, {"file": files(("a.txt", b"first"))[0], "row_version": version})
    assert first.status_code == 302
    stale = client.post(url, {"file": files(("b.txt", b"second"))[0], "row_version": version})
    assert stale.status_code == 409 and "Someone changed this item" in stale.content.decode()
    assert evidence.versions.count() == 1
    page = client.get(f"/orgs/acme/evidence/{evidence.pk}/").content.decode()
    version = re.search(r'name="row_version" value="(\d+)"', page).group(1)
    assert client.post(url, {"file": files(("b.txt", b"second"))[0], "row_version": version})
    page = client.get(f"/orgs/acme/evidence/{evidence.pk}/").content.decode()
    assert hashlib.sha256(b"first").hexdigest() in page
    assert hashlib.sha256(b"second").hexdigest() in page
    assert client.user.username in page and ">v2</a>" in page and ">v1</a>" in page
    old = client.get(f"/orgs/acme/evidence/{evidence.pk}/file/?version=1")
    assert b"".join(old.streaming_content) == b"first"
    latest = client.get(f"/orgs/acme/evidence/{evidence.pk}/file/")
    assert b"".join(latest.streaming_content) == b"second"
    assert client.get(f"/orgs/acme/evidence/{evidence.pk}/file/?version=9").status_code == 404
    assert client.get(f"/orgs/acme/evidence/{evidence.pk}/file/?version=x").status_code == 404


def test_an_html_or_svg_upload_is_only_ever_an_attachment(signed_in, organisation):
    client = signed_in(organisation)
    payload = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    client.post(
        "/orgs/acme/evidence/upload/",
        {"files": files(("x.svg", payload)), "collected_on": "2026-04-02"},
    )
    evidence = Evidence.objects.get()
    response = client.get(f"/orgs/acme/evidence/{evidence.pk}/file/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="x.svg"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_changed_or_missing_file_is_refused_with_a_page(signed_in, organisation):
    client = signed_in(organisation)
    client.post(
        "/orgs/acme/evidence/upload/",
        {"files": files(("r.txt", b"report")), "collected_on": "2026-04-02"},
    )
    evidence = Evidence.objects.get()
    with open(evidence.file.path, "wb") as handle:
        handle.write(b"forged")
    changed = client.get(f"/orgs/acme/evidence/{evidence.pk}/file/")
    assert changed.status_code == 409 and b"no longer matches" in changed.content
    evidence.file.storage.delete(evidence.file.name)
    assert client.get(f"/orgs/acme/evidence/{evidence.pk}/file/").status_code == 410


def test_the_list_searches_filters_and_marks_stale_items(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    today = timezone.localdate()
    quarterly = soa(organisation, "5.15", frequency="quarterly")
    yearly = soa(organisation, "8.13", frequency="annual")
    item(organisation, "EV-OLD", today - dt.timedelta(days=200), on=quarterly, title="Okta")
    item(organisation, "EV-NEW", today - dt.timedelta(days=10), on=quarterly, title="Okta Q3")
    item(organisation, "EV-BAK", today - dt.timedelta(days=200), on=yearly, title="Backups")
    page = client.get("/orgs/acme/evidence/").content.decode()
    rows = {ref: row for ref, row in re.findall(r">(EV-\w+)</a></td>(.*?)</tr>", page, re.S)}
    assert set(rows) == {"EV-OLD", "EV-NEW", "EV-BAK"}
    assert ">stale<" in rows["EV-OLD"] and ">stale<" not in rows["EV-NEW"]
    assert ">stale<" not in rows["EV-BAK"], "200 days is within a yearly commitment"
    assert "Upload files" not in page, "a viewer gets no upload control"
    found = client.get("/orgs/acme/evidence/?q=okta+q3").content.decode()
    assert "EV-NEW" in found and "EV-OLD" not in found
    by_control = client.get("/orgs/acme/evidence/?control=8.13").content.decode()
    assert "EV-BAK" in by_control and "EV-NEW" not in by_control
    by_clause = client.get("/orgs/acme/evidence/?clause=9.2").content.decode()
    assert "EV-BAK" not in by_clause and "0 items" in by_clause


def test_the_index_shows_each_clause_and_control_with_gaps(signed_in, organisation):
    from isms.audits.models import InternalAudit

    client = signed_in(organisation, Role.VIEWER)
    today = timezone.localdate()
    quarterly = soa(organisation, "5.15", frequency="quarterly")
    soa(organisation, "5.16")
    soa(organisation, "5.17", applicable=False)
    item(organisation, "EV-1", today - dt.timedelta(days=200), on=quarterly)
    audit = InternalAudit.objects.create(
        organisation=organisation, ref="IA-1", title="Access", planned_on=today
    )
    report = item(organisation, "EV-2", today)
    EvidenceLink.objects.create(
        organisation=organisation,
        evidence=report,
        record_type="Internal audits",
        record_key="IA-1",
        content_type=ContentType.objects.get_for_model(InternalAudit),
        object_id=audit.pk,
    )
    page = client.get("/orgs/acme/evidence/index/").content.decode()
    rows = dict(re.findall(r'<th scope="row">([\w.]+) .*?</th>(.*?)</tr>', page, re.S))
    assert "EV-1" in rows["A.5.15"] and ">stale<" in rows["A.5.15"]
    assert ">gap<" in rows["A.5.16"], "applicable, no evidence"
    assert "excluded" in rows["A.5.17"] and ">gap<" not in rows["A.5.17"]
    assert "not in the SoA" in rows["A.8.1"]
    assert "EV-2" in rows["9.2"] and ">gap<" not in rows["9.2"]
    assert ">gap<" in rows["9.3.3"], "management review results must be available"
    assert "EV-2" in rows["9"], "a clause counts its sub-clauses"
    assert len([ref for ref in rows if ref.startswith("A.")]) == 93


def test_pages_make_a_bounded_number_of_queries(
    signed_in, organisation, django_assert_max_num_queries
):
    client = signed_in(organisation, Role.VIEWER)
    entries = [soa(organisation, control.ref, "monthly") for control in Control.objects.all()]
    soa_type = ContentType.objects.get_for_model(SoAEntry)
    today = timezone.localdate()
    items = Evidence.objects.bulk_create(
        Evidence(
            organisation=organisation,
            ref=f"EV-{n:05d}",
            title=f"export {n}",
            kind="note",
            collected_on=today - dt.timedelta(days=60 + n % 90),
        )
        for n in range(3000)
    )
    EvidenceLink.objects.bulk_create(
        EvidenceLink(
            organisation=organisation,
            evidence=evidence,
            record_type="SoA",
            record_key=entries[n % 93].control.ref,
            content_type=soa_type,
            object_id=entries[n % 93].pk,
        )
        for n, evidence in enumerate(items)
    )
    for url in ("/orgs/acme/evidence/", "/orgs/acme/evidence/?control=5.15&page=2"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get("/orgs/acme/evidence/index/").content.decode()
    assert page.count(">stale<") > 93 * 2, "every control and its newest items are stale"
    assert ">gap<" not in page.split("by-control")[1]
    with django_assert_max_num_queries(12):
        assert client.get(f"/orgs/acme/evidence/{items[0].pk}/").status_code == 200


def test_roles_and_other_organisations(signed_in, organisation, other_organisation):
    viewer = signed_in(organisation, Role.VIEWER)
    theirs = item(other_organisation, "EV-9", "2026-04-01")
    ours = item(organisation, "EV-1", "2026-04-01")
    assert viewer.get(f"/orgs/acme/evidence/{ours.pk}/").status_code == 200
    assert (
        "Upload a new version" not in viewer.get(f"/orgs/acme/evidence/{ours.pk}/").content.decode()
    )
    forged = viewer.post(
        f"/orgs/acme/evidence/{ours.pk}/upload/", {"file": files(("a.txt", b"x"))[0]}
    )
    assert forged.status_code == 403 and not ours.versions.exists()
    assert viewer.post("/orgs/acme/evidence/upload/", {}).status_code == 403
    manager = signed_in(organisation)
    for url in ("", "upload/", "file/"):
        response = manager.get(f"/orgs/acme/evidence/{theirs.pk}/{url}")
        assert response.status_code == 404, url
        assert b"EV-9" not in response.content
    for url in ("", "index/", "upload/"):
        assert manager.get(f"/orgs/globex/evidence/{url}").status_code == 404
    posted = manager.post(
        f"/orgs/acme/evidence/{theirs.pk}/upload/",
        {"file": files(("a.txt", b"x"))[0], "row_version": str(theirs.row_version)},
    )
    assert posted.status_code == 404 and not theirs.versions.exists()


def test_pages_have_no_inline_code(signed_in, organisation):
    client = signed_in(organisation)
    evidence = item(organisation, "EV-1", "2026-04-01")
    for url in ("", "index/", "upload/", f"{evidence.pk}/"):
        html = client.get(f"/orgs/acme/evidence/{url}").content.decode()
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), url
        assert "style=" not in html and " onclick" not in html
