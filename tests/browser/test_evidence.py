"""Evidence in a real browser: upload several files, drop a file on the field, upload a new
version; an external auditor sees the scoped evidence and nothing else, and loses access when
the audit ends."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from isms.audits.models import AuditorGrant, ExternalAudit
from isms.catalog.loader import load_catalog
from isms.catalog.models import Control
from isms.controls.models import SoAEntry
from isms.core.permissions import Role
from isms.evidence.models import Evidence

from .conftest import PHONE


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def soa_row(organisation):
    if not Control.objects.exists():  # a transactional test before this one flushed it
        load_catalog()
    return SoAEntry.objects.create(
        organisation=organisation,
        control=Control.objects.get(ref="5.15"),
        applicable=True,
        implementation_status="implemented",
        evidence_frequency="quarterly",
    )


def test_upload_evidence_and_a_new_version(visit, organisation, member, soa_row, tmp_path):
    visit.signed_in_as(member(organisation, Role.ISMS_MANAGER))
    visit.open("/orgs/acme/evidence/", "evidence-list-empty")
    visit.check_accessibility()
    page = visit.page
    visit.follow(page.get_by_role("link", name="Upload files"), "upload-form")
    visit.check_accessibility()
    first, second = tmp_path / "okta-q3.csv", tmp_path / "policy.pdf"
    first.write_bytes(b"user,role\nann,admin\n")
    second.write_bytes(b"%PDF-1.7 policy")
    page.get_by_label("Files").set_input_files([str(first), str(second)])
    page.get_by_label("Evidence for control (optional)").select_option("5.15")
    visit.follow(page.get_by_role("button", name="Upload"), "uploaded")
    assert page.get_by_role("link", name="EV-0001").is_visible()
    assert page.get_by_role("link", name="EV-0002").is_visible()
    visit.check_accessibility()

    visit.follow(page.get_by_role("link", name="EV-0001"), "item")
    visit.check_accessibility()
    assert page.get_by_text("SoA 5.15").is_visible()
    # Drag and drop (dropzone.js): a dropped file lands in the field.
    assert page.get_by_text("or drop the file here").is_visible(), "the script enhanced it"
    page.evaluate(
        """() => {
          const data = new DataTransfer();
          data.items.add(new File(["user,role\\nann,admin\\nbob,viewer\\n"], "okta-q3b.csv"));
          document.querySelector("[data-dropzone]").dispatchEvent(
            new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }"""
    )
    assert page.get_by_label("File", exact=True).evaluate("input => input.files[0].name") == (
        "okta-q3b.csv"
    )
    visit.follow(page.get_by_role("button", name="Upload new version"), "new-version")
    assert page.get_by_role("link", name="v2", exact=True).is_visible()
    assert page.get_by_role("link", name="v1", exact=True).is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="v1", exact=True).click()
    assert download.value.suggested_filename == "okta-q3.csv"
    assert Evidence.objects.get(ref="EV-0001").versions.count() == 2

    visit.open("/orgs/acme/evidence/index/", "index")
    visit.check_accessibility()
    page.set_viewport_size(PHONE)
    visit.open("/orgs/acme/evidence/", "list-phone")
    visit.no_horizontal_scroll()
    item = Evidence.objects.get(ref="EV-0001")
    for path, name in (("index/", "index-phone"), (f"{item.pk}/", "item-phone")):
        visit.open(f"/orgs/acme/evidence/{path}", name)
        visit.no_horizontal_scroll()


def test_an_external_auditor_sees_the_scoped_evidence_and_loses_access(
    visit, organisation, member, soa_row, tmp_path
):
    owner = member(organisation, Role.OWNER)
    auditor = get_user_model().objects.create_user("auditor")
    audit = ExternalAudit.objects.create(
        organisation=organisation,
        ref="CB-S2",
        kind="stage2",
        certification_body="Cert Co",
        planned_on=timezone.localdate() + dt.timedelta(days=7),
    )
    visit.signed_in_as(owner)
    visit.open("/orgs/acme/evidence/upload/", "owner-upload")
    page = visit.page
    report = tmp_path / "access-review.csv"
    report.write_bytes(b"user,reviewed\n")
    page.get_by_label("Files").set_input_files(str(report))
    page.get_by_label("Evidence for control (optional)").select_option("5.15")
    visit.follow(page.get_by_role("button", name="Upload"), "owner-uploaded")
    visit.open("/orgs/acme/", "owner-readiness")
    visit.follow(page.get_by_role("link", name="Auditor access"), "auditor-access")
    visit.check_accessibility()
    page.get_by_label("Auditor's username").fill("auditor")
    page.get_by_label("External audit").select_option(
        label=page.locator("#id_audit option", has_text="CB-S2").inner_text()
    )
    visit.follow(page.get_by_role("button", name="Grant access"), "granted")
    grant = AuditorGrant.objects.get()
    page.context.clear_cookies()

    visit.signed_in_as(auditor)
    visit.open("/", "auditor-home")
    visit.follow(page.get_by_role("link", name="Acme Ltd: CB-S2 Stage 2"), "auditor-overview")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="Evidence index").first, "auditor-index")
    visit.check_accessibility()
    with page.expect_download() as download:
        page.get_by_role("link", name="EV-0001").first.click()
    assert download.value.suggested_filename == "access-review.csv"
    visit.follow(page.get_by_role("link", name="Statement of Applicability").first, "soa")
    assert visit.open("/orgs/acme/registers/", "registers-refused").status == 404
    assert visit.open("/orgs/acme/evidence/", "evidence-refused").status == 404

    audit.held_on = timezone.localdate() - dt.timedelta(days=1)
    audit.save()
    assert visit.open(f"/orgs/acme/auditor/{grant.pk}/", "after-the-audit").status == 404
    assert visit.open(f"/orgs/acme/auditor/{grant.pk}/evidence/", "index-after").status == 404

    page.context.clear_cookies()
    visit.signed_in_as(owner)
    visit.open(f"/orgs/acme/auditor-access/{grant.pk}/", "access-log")
    visit.check_accessibility()
    assert page.get_by_text("file of EV-0001 (latest)").is_visible()
