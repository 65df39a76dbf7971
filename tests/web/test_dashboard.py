"""The readiness page at a glance: findings by grade and by clause or theme, what falls due in
the next 90 days (overdue first), the SoA and risk heat maps, and "what is missing" linked to
the form that fills it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from isms.core.permissions import Role
from isms.readiness.models import Assessment, AssessmentFinding

pytestmark = pytest.mark.django_db


def _run(organisation, **extra):
    values = {
        "as_of": dt.date(2026, 11, 30),
        "stage": 2,
        "run_at": timezone.now(),
        "verdict": "recommendation deferred",
        "score": 70,
        "majors": 1,
        "minors": 2,
        "ofis": 1,
        "profile": {},
        "rule_versions": {},
        **extra,
    }
    return Assessment.objects.create(organisation=organisation, **values)


def _finding(run, grade, reference, **extra):
    return AssessmentFinding.objects.create(
        assessment=run,
        key=f"{grade}-{reference}-{AssessmentFinding.objects.count()}",
        code="X001",
        name="x",
        grade=grade,
        stage=2,
        reference=reference,
        subject_type="Issue",
        subject_key=reference,
        title=f"Finding on {reference}",
        detail="",
        recommendation="",
        **extra,
    )


def _page(client):
    response = client.get("/orgs/acme/")
    assert response.status_code == 200
    return response.content.decode()


def _section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    return page[start : page.index("</section>", start)]


def test_findings_are_counted_by_grade_and_by_clause_or_theme(signed_in, organisation):
    client = signed_in(organisation, Role.VIEWER)
    older = _run(organisation, run_at=timezone.now() - dt.timedelta(days=3))
    _finding(older, "major", "9.2")
    run = _run(organisation)
    _finding(run, "major", "A.5.18")
    _finding(run, "minor", "A.5.15")
    _finding(run, "minor", "6.1.2")
    _finding(run, "ofi", "6.2")
    lead = _finding(run, "minor", "A.8.8")
    _finding(run, "minor", "A.8.9", grouped_in=lead)  # part of another finding: not counted
    section = _section(_page(client), "by-requirement")
    base = f"/orgs/acme/audits/{run.pk}/"
    assert f'<a href="{base}?grade=major">1 Major</a>' in section
    assert f'<a href="{base}?grade=minor">3 Minor</a>' in section
    assert f'<a href="{base}?grade=ofi">1 OFI</a>' in section
    theme = re.search(r"A\.5 Organizational controls</th>(.*?)</tr>", section, re.S).group(1)
    assert f'<a href="{base}?grade=major&amp;theme=A.5">1</a>' in theme
    assert f'<a href="{base}?grade=minor&amp;theme=A.5">1</a>' in theme
    assert f'<a href="{base}?theme=A.5">2</a>' in theme
    planning = re.search(r"Clause 6 Planning</th>(.*?)</tr>", section, re.S).group(1)
    assert f'<a href="{base}?theme=6">2</a>' in planning
    assert "Clause 9" not in section, "only the latest run counts"
    assert "A.8 Technological controls" in section and f'{base}?theme=A.8">1</a>' in section


def test_what_falls_due_in_90_days_overdue_first_linked_to_records(signed_in, organisation):
    from isms.audits.models import ExternalAudit, Nonconformity
    from isms.catalog.models import Control
    from isms.controls.models import SoAEntry
    from isms.documents.models import Document, DocumentVersion
    from isms.evidence.models import Evidence, EvidenceLink
    from isms.operations.models import AccessReview, Supplier, System

    client = signed_in(organisation, Role.VIEWER)
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    org = {"organisation": organisation}
    nc_late = Nonconformity.objects.create(
        ref="NC-1",
        source="other",
        grade="major",
        raised_on=today - 60 * day,
        description="x",
        due_on=today - 5 * day,
        **org,
    )
    nc_soon = Nonconformity.objects.create(
        ref="NC-2",
        source="other",
        grade="minor",
        raised_on=today - 10 * day,
        description="x",
        due_on=today + 20 * day,
        **org,
    )
    Nonconformity.objects.create(
        ref="NC-3",
        source="other",
        grade="minor",
        raised_on=today - 10 * day,
        description="x",
        due_on=today + 200 * day,
        **org,
    )  # beyond 90 days
    Nonconformity.objects.create(
        ref="NC-4",
        source="other",
        grade="minor",
        raised_on=today - 90 * day,
        description="x",
        due_on=today - 30 * day,
        closed_on=today - day,
        status="closed",
        **org,
    )  # closed
    reviewed = Document.objects.create(
        ref="POL-1", title="Policy", kind="policy", next_review_on=today + 30 * day, **org
    )
    approved = Document.objects.create(
        ref="POL-2", title="Old approval", kind="policy", review_interval_months=12, **org
    )
    DocumentVersion.objects.create(
        document=approved, version="1", approved_on=today - dt.timedelta(days=400), **org
    )
    never = System.objects.create(name="Never", access_review_frequency="quarterly", **org)
    quarterly = System.objects.create(name="CRM", access_review_frequency="quarterly", **org)
    AccessReview.objects.create(
        system=quarterly, reviewed_on=today - 80 * day, accounts_reviewed=3, **org
    )
    fresh = System.objects.create(name="Fresh", access_review_frequency="annual", **org)
    AccessReview.objects.create(system=fresh, reviewed_on=today - day, accounts_reviewed=3, **org)
    supplier = Supplier.objects.create(
        name="Hoster",
        service="Hosting",
        tier="high",
        data_access="personal",
        review_frequency="annual",
        last_assessed_on=today - 300 * day,
        **org,
    )
    audit = ExternalAudit.objects.create(
        ref="CB-1", kind="stage2", certification_body="BSI", planned_on=today + 45 * day, **org
    )
    entry = SoAEntry.objects.create(
        control=Control.objects.get(ref="8.15"),
        applicable=True,
        evidence_frequency="monthly",
        **org,
    )
    evidence = Evidence.objects.create(
        ref="EV-1", title="Logs", kind="note", collected_on=today - 25 * day, **org
    )
    from django.contrib.contenttypes.models import ContentType

    EvidenceLink.objects.create(
        evidence=evidence,
        record_type="SoA",
        record_key="8.15",
        content_type=ContentType.objects.get_for_model(SoAEntry),
        object_id=entry.pk,
        **org,
    )
    section = _section(_page(client), "falls-due")
    rows = re.findall(
        r'<tr( class="overdue")?>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*'
        r'<td><a href="([^"]+)">(.*?)</a>',
        section,
        re.S,
    )
    listed = [(bool(late), kind, link, what) for late, _, kind, link, what in rows]
    overdue = [item for item in listed if item[0]]
    assert [what for _, _, _, what in overdue] == [
        "Never (never reviewed)",
        "POL-2 Old approval",
        "NC-1 (major nonconformity)",
    ]
    upcoming = [what for late, _, _, what in listed if not late]
    assert upcoming == [
        "A.8.15 Logging",  # newest evidence 25 days old, monthly: in about 5 days
        "CRM",  # reviewed 80 days ago, quarterly: in about 11 days
        "NC-2 (minor nonconformity)",  # in 20 days
        "POL-1 Policy",  # in 30 days
        "CB-1 Stage 2 by BSI",  # in 45 days
        "Hoster",  # assessed 300 days ago, annually: in about 65 days
    ]
    links = {what: link for _, _, link, what in listed}
    assert links["NC-1 (major nonconformity)"] == f"/orgs/acme/nonconformities/{nc_late.pk}/"
    assert links["POL-1 Policy"] == f"/orgs/acme/registers/documents/{reviewed.pk}/"
    assert links["Never (never reviewed)"] == f"/orgs/acme/registers/systems/{never.pk}/"
    assert links["Hoster"] == f"/orgs/acme/registers/suppliers/{supplier.pk}/"
    assert links["CB-1 Stage 2 by BSI"] == f"/orgs/acme/registers/external_audits/{audit.pk}/"
    assert links["A.8.15 Logging"] == f"/orgs/acme/registers/soa/{entry.pk}/"
    assert "NC-3" not in section and "NC-4" not in section and "Fresh" not in section
    assert f"/nonconformities/{nc_soon.pk}/" in section
    for link in links.values():
        assert client.get(link).status_code == 200, link
    assert "<strong>3</strong> overdue, <strong>9</strong> in all" in section


def _cells(section: str, row_heading: str) -> list[str]:
    row = re.search(rf"{re.escape(row_heading)}</th>(.*?)</tr>", section, re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def test_the_soa_heat_map_counts_themes_by_status_and_the_undecided(signed_in, organisation):
    from isms.catalog.models import Control
    from isms.controls.models import SoAEntry

    client = signed_in(organisation, Role.VIEWER)
    for ref, applicable, status in [
        ("5.1", True, "implemented"),
        ("5.2", True, "implemented"),
        ("5.3", True, "planned"),
        ("5.4", False, ""),
        ("7.1", True, ""),
        ("8.1", True, "partial"),
    ]:
        SoAEntry.objects.create(
            organisation=organisation,
            control=Control.objects.get(ref=ref),
            applicable=applicable,
            implementation_status=status,
        )
    section = _section(_page(client), "soa-map")
    assert "6 of 93 controls decided" in section
    assert "<caption>Annex A controls by theme and status</caption>" in section
    assert '<th scope="row">A.5 Organizational</th>' in section
    # Not applicable, not started, no status, planned, partial, implemented, not decided, all
    assert _cells(section, "A.5 Organizational") == ["1", "0", "0", "1", "0", "2", "33", "37"]
    assert _cells(section, "A.6 People") == ["0", "0", "0", "0", "0", "0", "8", "8"]
    assert _cells(section, "A.7 Physical") == ["0", "0", "1", "0", "0", "0", "13", "14"]
    assert _cells(section, "A.8 Technological") == ["0", "0", "0", "0", "1", "0", "33", "34"]
    assert '<td class="num heat-low">2</td>' in section and 'class="num heat-zero">0' in section
    planned = re.search(r'<a href="([^"]+)">Planned</a>', section).group(1).replace("&amp;", "&")
    assert planned == "/orgs/acme/registers/soa/?applicable=yes&implementation_status=planned"
    listed = client.get(planned).content.decode()
    assert "1 record matching the filters" in listed and "/registers/soa/" in listed


def test_the_risk_heat_map_uses_the_method_in_force(signed_in, organisation):
    from isms.people.models import Person
    from isms.risk.models import Risk, RiskMethod

    client = signed_in(organisation, Role.VIEWER)
    boss = Person.objects.create(organisation=organisation, email="b@acme.example", name="B")
    RiskMethod.objects.create(
        organisation=organisation,
        name="Old",
        likelihood_levels=5,
        impact_levels=5,
        acceptance_threshold=4,
        high_threshold=12,
        approved_by=boss,
        approved_on=dt.date(2024, 1, 1),
    )
    RiskMethod.objects.create(
        organisation=organisation,
        name="Three by three",
        likelihood_levels=3,
        impact_levels=3,
        acceptance_threshold=2,
        high_threshold=6,
        approved_by=boss,
        approved_on=dt.date(2025, 1, 1),
    )
    today = timezone.localdate()
    for ref, likelihood, impact, residual, assessed in [
        ("R-1", 3, 3, (1, 1), None),
        ("R-2", 3, 3, None, None),
        ("R-3", 1, 2, None, None),
        ("R-4", 5, 5, None, None),  # scored on the old method's scales
        ("R-5", 2, 2, None, today + dt.timedelta(days=5)),  # assessed after today: not current
    ]:
        Risk.objects.create(
            organisation=organisation,
            ref=ref,
            title=ref,
            likelihood=likelihood,
            impact=impact,
            treatment="modify",
            residual_likelihood=residual[0] if residual else None,
            residual_impact=residual[1] if residual else None,
            last_assessed_on=assessed,
        )
    section = _section(_page(client), "risk-map")
    assert "Three by three" in section and "up to 2 is acceptable, from 6 it is high" in section
    assert "4 risks: 2 high, 0 medium, 1 low; <strong>1</strong> scored outside" in section
    assert "<caption>Inherent risks by likelihood (rows) and impact (columns)</caption>" in section
    assert _cells(section, '<span class="visually-hidden">Likelihood </span>3')[:3] == [
        "0 medium",
        "0 high",
        "2 high",
    ]
    assert _cells(section, '<span class="visually-hidden">Likelihood </span>1')[:3] == [
        "0 low",
        "1 low",
        "0 medium",
    ]
    assert section.count('<th scope="row"><span class="visually-hidden">Likelihood') == 6, (
        "3 rows, inherent and residual"
    )
    assert "1 risk: 0 high, 0 medium, 1 low" in section, "only R-1 has residual levels"


def test_a_new_organisation_sees_empty_glance_and_what_is_missing_links_to_forms(
    signed_in, organisation
):
    editor = signed_in(organisation, Role.CONTRIBUTOR)
    page = _page(editor)
    assert "No mock audit yet" in page and "by-requirement" not in page
    assert "Nothing recorded falls due" in page
    assert "0 of 93 controls decided" in page and "No risk method is recorded" in page
    missing = _section(page, "missing")
    assert '4.3: <a href="/orgs/acme/registers/scope/new/">the scope of the ISMS</a>' in missing
    assert '<a href="/orgs/acme/registers/soa/new/">the Statement of Applicability</a>' in missing
    viewer = signed_in(organisation, Role.VIEWER)
    seen = _section(_page(viewer), "missing")
    assert '4.3: <a href="/orgs/acme/registers/scope/">the scope of the ISMS</a>' in seen
    assert "/new/" not in seen, "a viewer is sent to the list, not to a form it may not use"


def test_another_organisations_records_never_show(signed_in, organisation, other_organisation):
    from isms.audits.models import Nonconformity

    client = signed_in(organisation, Role.VIEWER)
    Nonconformity.objects.create(
        organisation=other_organisation,
        ref="NC-GLOBEX",
        source="other",
        grade="major",
        raised_on=timezone.localdate(),
        description="x",
        due_on=timezone.localdate(),
    )
    _finding(_run(other_organisation), "major", "A.5.1")
    page = _page(client)
    assert "NC-GLOBEX" not in page and "Nothing recorded falls due" in page
    assert "No mock audit yet" in page


def test_each_count_opens_the_findings_page_with_as_many_findings(signed_in, organisation):
    """The readiness page's counts and the findings page's filters agree: following each link
    lists exactly the number it showed."""
    client = signed_in(organisation, Role.VIEWER)
    run = _run(organisation)
    for grade, reference in [
        ("major", "A.5.18"),
        ("minor", "A.5.15"),
        ("minor", "6.1.2"),
        ("minor", "6.1.3 d"),
        ("ofi", "10.1"),
        ("ofi", "A.8.8"),
    ]:
        _finding(run, grade, reference)
    section = _section(_page(client), "by-requirement")
    links = re.findall(r'<a href="(/orgs/acme/audits/\d+/\?[^"]+)">(\d+)(?: \w+)?</a>', section)
    assert len(links) >= 10
    for link, count in links:
        listed = client.get(link.replace("&amp;", "&")).content.decode()
        assert listed.count('<details class="finding">') == int(count), link


def test_a_method_with_fine_scales_gets_counts_by_band_only(signed_in, organisation):
    from isms.risk.models import Risk, RiskMethod

    client = signed_in(organisation, Role.VIEWER)
    RiskMethod.objects.create(
        organisation=organisation,
        name="Fine",
        likelihood_levels=20,
        impact_levels=20,
        acceptance_threshold=40,
        high_threshold=200,
    )
    Risk.objects.create(
        organisation=organisation,
        ref="R-1",
        title="x",
        likelihood=15,
        impact=15,
        treatment="modify",
    )
    section = _section(_page(client), "risk-map")
    assert "20 \u00d7 20 scales are too fine to draw" in section
    assert "1 risk: 1 high, 0 medium, 0 low" in section and "<table" not in section
