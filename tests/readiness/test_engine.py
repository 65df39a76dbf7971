"""The engine: consolidation into one finding per issue, grading by extent and effect, patterns,
credit for the NC log, stage 1, advisories, deadlines, verdict, error isolation, determinism."""

import datetime as dt

import pytest

from isms.audits.models import ExternalAudit, Nonconformity
from isms.readiness import engine
from isms.readiness.engine import Profile, Verdict, run_assessment, select_rules
from isms.readiness.finding import Grade, Subject
from isms.readiness.registry import Rule, all_rules, parse_sections
from tests.readiness.conftest import AS_OF

pytestmark = pytest.mark.django_db

DOC = """
What it checks: x.
Why an auditor cares: y.
How to fix: z.
Grade: minor.
"""


def fake_rule(code, check, *, issue=None, grade=Grade.MINOR, reference="A.5.18", **extra):
    return Rule(
        code=code,
        name=f"fake-{code.lower()}",
        reference=reference,
        stage=extra.pop("stage", 2),
        grade=grade,
        title=f"Fake {code}",
        check=check,
        version=1,
        sections=parse_sections(DOC, code),
        issue=issue or code,
        statement=f"The organisation has not done {code}.",
        **extra,
    )


@pytest.fixture
def rules(monkeypatch):
    """Replace the registry with the given fake rules for one test."""

    def use(*fake):
        monkeypatch.setattr(engine, "all_rules", lambda: list(fake))

    return use


def systems(keys, size=100, **kwargs):
    """A check observing Systems ``keys`` drawn from ``size`` systems."""

    def check(ctx):
        for key in keys:
            extra = {k: (v(key) if callable(v) else v) for k, v in kwargs.items()}
            yield ctx.observe(
                Subject("Systems", key),
                f"system {key} not reviewed",
                population=ctx.population("systems", size),
                **extra,
            )

    return check


def test_one_finding_per_issue_with_its_extent(organisation, rules):
    rules(fake_rule("TST001", systems("abc")))
    (finding,) = run_assessment(organisation, AS_OF).findings
    assert (finding.key, finding.grade, str(finding.extent)) == (
        "TST001",
        Grade.MINOR,
        "3 of 100 systems",
    )
    assert [o.subject.key for o in finding.instances] == ["a", "b", "c"]
    assert finding.statement == "The organisation has not done TST001."
    assert finding.requirement.startswith("A.5.18 Access rights: ")
    assert "3 of 100 systems" in finding.grade_reason


def test_pervasive_needs_both_the_count_and_the_share(organisation, rules):
    rules(fake_rule("TST001", systems("abc", size=10)))
    (finding,) = run_assessment(organisation, AS_OF).findings
    assert (
        finding.grade is Grade.MAJOR and "pervasive (3 of 10 systems, 30%" in finding.grade_reason
    )
    rules(fake_rule("TST001", systems("ab", size=5)))
    assert run_assessment(organisation, AS_OF).findings[0].grade is Grade.MINOR, "2 < 3 records"
    rules(fake_rule("TST001", systems("abc", size=10)))
    lenient = Profile(name="lenient", pervasive_share=0.5)
    assert run_assessment(organisation, AS_OF, profile=lenient).findings[0].grade is Grade.MINOR


def test_rules_sharing_an_issue_or_a_record_make_one_finding(organisation, rules):
    rules(
        fake_rule("TST001", systems("ab")),
        fake_rule("TST002", systems("c"), issue="TST001", reference="A.5.15"),
        fake_rule("TST003", systems("a"), reference="A.8.2", grade=Grade.OFI),
        fake_rule("TST004", systems("z"), reference="A.8.5"),
    )
    result = run_assessment(organisation, AS_OF)
    assert [f.key for f in result.findings] == ["TST001", "TST004"]
    first = result.findings[0]
    assert first.codes == ("TST001", "TST002", "TST003")
    assert first.references == ("A.5.18", "A.5.15", "A.8.2")
    assert str(first.extent) == "3 of 100 systems", "the OFI on the same record adds no extent"


def test_result_does_not_depend_on_rule_order(organisation, rules):
    fakes = [
        fake_rule("TST001", systems("ab")),
        fake_rule("TST002", systems("bc"), reference="A.8.2"),
        fake_rule("TST003", systems("cd"), reference="A.8.5", grade=Grade.OFI),
    ]
    rules(*fakes)
    forward = [f.as_dict() for f in run_assessment(organisation, AS_OF).findings]
    rules(*reversed(fakes))
    assert [f.as_dict() for f in run_assessment(organisation, AS_OF).findings] == forward


def test_unrelated_lapses_in_one_department_are_a_pattern_not_a_major(organisation, rules):
    def lapse(code, reference):
        return fake_rule(
            code,
            systems([code.lower()], department="Sales", owner=f"{code}@x"),
            reference=reference,
        )

    rules(lapse("TST001", "A.5.18"), lapse("TST002", "A.8.2"), lapse("TST003", "A.8.5"))
    result = run_assessment(organisation, AS_OF)
    assert result.counts == {"major": 0, "minor": 3, "ofi": 0}
    (pattern,) = result.patterns
    assert (pattern.value, pattern.findings, pattern.escalated) == (
        "Sales",
        ("TST001", "TST002", "TST003"),
        False,
    )
    assert "different accountable owners" in pattern.note
    # A fourth unrelated record elsewhere changes no grade of these.
    rules(
        lapse("TST001", "A.5.18"),
        lapse("TST002", "A.8.2"),
        lapse("TST003", "A.8.5"),
        fake_rule("TST004", systems("q", department="Ops"), reference="A.8.8"),
    )
    assert run_assessment(organisation, AS_OF).counts == {"major": 0, "minor": 4, "ofi": 0}


def test_one_accountable_owner_behind_a_cluster_is_one_major(organisation, rules):
    def lapse(code, reference):
        return fake_rule(
            code, systems([code.lower()], department="Sales", owner="boss@x"), reference=reference
        )

    fakes = [lapse("TST001", "A.5.18"), lapse("TST002", "A.8.2"), lapse("TST003", "A.8.5")]
    rules(*fakes)
    result = run_assessment(organisation, AS_OF)
    (major,) = result.findings
    assert (major.code, major.grade, major.reference) == ("ESC001", Grade.MAJOR, "5.3")
    assert [f.key for f in major.grouped] == ["TST001", "TST002", "TST003"]
    assert "boss@x" in major.grade_reason
    off = Profile(name="off", ownership_escalation=False)
    assert run_assessment(organisation, AS_OF, profile=off).counts["major"] == 0


def test_absence_and_direct_effect_are_major(organisation, rules):
    def absent(ctx):
        yield ctx.observe(Subject("Organisation", "acme"), "no internal audit ever held")

    rules(
        fake_rule("TST001", absent, grade=Grade.MAJOR, reference="9.2"),
        fake_rule("TST002", systems("a", effect=lambda k: f"{k} used after the holder left")),
    )
    result = run_assessment(organisation, AS_OF)
    assert result.counts["major"] == 2
    reasons = {f.key: f.grade_reason for f in result.findings}
    assert "absent" in reasons["TST001"]
    assert "direct security effect (a used after the holder left)" in reasons["TST002"]


def log(organisation, ref, **fields):
    defaults = {
        "source": "internal_audit",
        "grade": "minor",
        "raised_on": dt.date(2026, 6, 1),
        "description": "found",
        "root_cause": "why",
        "corrective_action": "what",
    }
    return Nonconformity.objects.create(
        organisation=organisation, ref=ref, **{**defaults, **fields}
    )


def test_an_issue_the_log_is_correcting_on_time_is_credited(organisation, rules):
    rules(fake_rule("TST001", systems("ab")))
    log(organisation, "NC-1", finding_subject="Systems: a", due_on=dt.date(2027, 1, 31))
    result = run_assessment(organisation, AS_OF)
    (credited,) = result.credited
    assert [o.subject.key for o in credited.instances] == ["a"]
    assert "Credited" in credited.grade_reason and "NC-1" in credited.grade_reason
    (finding,) = result.findings
    assert [o.subject.key for o in finding.instances] == ["b"], "b is not in the log"


def test_an_issue_wide_nc_covers_every_instance(organisation, rules):
    rules(fake_rule("TST001", systems("abc")))
    log(organisation, "NC-1", finding_code="TST001", due_on=dt.date(2027, 1, 31))
    result = run_assessment(organisation, AS_OF)
    assert result.findings == [] and [f.key for f in result.credited] == ["TST001"]


def test_an_overdue_corrective_action_is_an_nc_on_10_2(organisation, rules):
    rules(fake_rule("TST001", systems("a")))
    log(organisation, "NC-1", finding_subject="Systems: a", due_on=dt.date(2026, 9, 30))
    (finding,) = run_assessment(organisation, AS_OF).findings
    assert finding.reference == "10.2" and finding.references == ("10.2", "A.5.18")
    assert finding.statement.startswith(
        "The organisation has not completed the corrective action of NC-1, due 2026-09-30"
    )
    assert [(nc.ref, nc.state) for nc in finding.ncs] == [("NC-1", "overdue")]
    assert not run_assessment(organisation, AS_OF).credited


def test_a_recurrence_after_an_effective_action_is_a_major(organisation, rules):
    rules(fake_rule("TST001", systems("a")))
    log(
        organisation,
        "NC-1",
        finding_code="TST001",
        due_on=dt.date(2026, 3, 1),
        implemented_on=dt.date(2026, 2, 1),
        effective=True,
        closed_on=dt.date(2026, 4, 1),
        status="closed",
    )
    (finding,) = run_assessment(organisation, AS_OF).findings
    assert finding.grade is Grade.MAJOR and "recurred" in finding.grade_reason
    assert "10.2" in finding.references and "NC-1" in finding.statement


def test_an_nc_closed_without_verification_is_flagged_when_the_problem_remains(organisation, rules):
    rules(fake_rule("TST001", systems("a")))
    log(organisation, "NC-1", finding_subject="Systems: a", status="closed",
        closed_on=dt.date(2026, 7, 1))  # fmt: skip
    (finding,) = run_assessment(organisation, AS_OF).findings
    assert finding.grade is Grade.MINOR and "10.2" in finding.references
    assert "closed on 2026-07-01 without an effective verification" in finding.statement


def test_stage_1_gives_a_readiness_conclusion_never_a_recommendation(organisation, rules):
    def absent(ctx):
        yield ctx.observe(Subject("Organisation", "acme"), "no SoA")

    rules(fake_rule("TST001", absent, grade=Grade.MAJOR, reference="6.1.3 d", stage=1))
    result = run_assessment(organisation, AS_OF, stage=1)
    assert result.verdict == Verdict.NOT_READY
    assert result.conclusion.startswith("Not ready for stage 2")
    assert "recommend" not in result.conclusion.split("This is a self-assessment")[0]
    rules(fake_rule("TST001", systems("a"), stage=1))
    assert run_assessment(organisation, AS_OF, stage=1).verdict == Verdict.READY


def test_advisory_rules_are_kept_apart_from_findings(organisation, rules):
    rules(fake_rule("TST001", systems("a"), advisory=True))
    result = run_assessment(organisation, AS_OF)
    assert result.findings == [] and [a.code for a in result.advisories] == ["TST001"]
    assert result.verdict == Verdict.RECOMMENDED


def test_readiness_actions_are_due_before_the_next_external_audit(organisation, rules):
    rules(fake_rule("TST001", systems("a")))
    assert run_assessment(organisation, AS_OF).findings[0].due == dt.date(2027, 1, 29)
    ExternalAudit.objects.create(
        organisation=organisation,
        ref="CB-S2",
        kind="stage2",
        certification_body="CB",
        planned_on=dt.date(2027, 1, 18),
    )
    result = run_assessment(organisation, AS_OF)
    assert result.findings[0].due == dt.date(2027, 1, 17)
    assert "by 2027-04-18" in result.cb_deadlines()["major"]


def test_verdict_wording_and_figures(organisation, rules):
    rules()
    result = run_assessment(organisation, AS_OF)
    assert result.verdict == Verdict.RECOMMENDED
    assert "the decision to certify belongs to the certification body" in result.conclusion
    rules(fake_rule("TST001", systems("a"), reference="9.1"))
    result = run_assessment(organisation, AS_OF)
    assert result.verdict == "recommended subject to accepted corrective action plans"
    clauses = result.figures["clauses"]
    assert clauses["conforming"] == clauses["total"] - 1
    rules(fake_rule("TST001", systems("a"), grade=Grade.MAJOR))
    assert run_assessment(organisation, AS_OF).verdict == (
        "recommendation deferred until the major nonconformities are verified closed"
    )


def test_a_failing_rule_is_reported_and_the_others_still_run(organisation, rules):
    def broken(ctx):
        raise ZeroDivisionError("oops")
        yield

    rules(fake_rule("TST001", broken), fake_rule("TST002", systems("a")))
    result = run_assessment(organisation, AS_OF)
    assert [e.code for e in result.errors] == ["TST001"]
    assert "ZeroDivisionError: oops" in result.errors[0].message
    assert [f.key for f in result.findings] == ["TST002"]
    assert [r.code for r in result.passed] == []


def test_stage_1_runs_only_document_rules_and_stage_2_runs_all():
    stage1 = select_rules(1)
    assert stage1 and all(r.stage == 1 for r in stage1)
    assert {r.code for r in select_rules(2)} == {r.code for r in all_rules()}


def test_select_and_ignore_by_code_prefix_or_name():
    assert {r.code for r in select_rules(2, select=["SOA"])} >= {"SOA001", "SOA002"}
    assert all(r.code.startswith("SOA") for r in select_rules(2, select=["SOA"]))
    assert "SOA002" not in {r.code for r in select_rules(2, ignore=["SOA002"])}
    assert [r.code for r in select_rules(2, select=["exclusion-without-justification"])] == [
        "SOA002"
    ]


def test_every_issue_names_a_registered_rule():
    codes = {r.code for r in all_rules()}
    assert {r.issue for r in all_rules()} <= codes


def test_same_data_and_date_give_the_same_findings(organisation):
    from tests.readiness.rules.test_soa import full_soa

    full_soa(organisation, **{"7.4": {"applicable": False}, "5.7": {"inclusion_reasons": ""}})
    first = run_assessment(organisation, AS_OF)
    second = run_assessment(organisation, AS_OF)
    assert [f.as_dict() for f in first.findings] == [f.as_dict() for f in second.findings]


def test_a_certification_body_minor_still_open_at_surveillance_is_a_major(organisation, rules):
    rules(fake_rule("TST001", systems("a")))
    log(
        organisation,
        "NC-CB",
        source="external_audit",
        finding_subject="Systems: a",
        due_on=dt.date(2026, 9, 30),
    )
    before = run_assessment(organisation, AS_OF).findings[0]
    assert before.grade is Grade.MINOR, "not certified yet: an overdue action is a minor on 10.2"
    ExternalAudit.objects.create(
        organisation=organisation,
        ref="CB-S2",
        kind="stage2",
        certification_body="CB",
        planned_on=dt.date(2026, 1, 10),
        held_on=dt.date(2026, 1, 12),
        recommended=True,
        decision_on=dt.date(2026, 2, 1),
        certificate_expires_on=dt.date(2029, 1, 31),
    )
    (finding,) = run_assessment(organisation, AS_OF).findings
    assert finding.grade is Grade.MAJOR and "NC-CB" in finding.grade_reason


def test_an_nc_raised_but_never_analysed_earns_no_credit(organisation, rules):
    rules(fake_rule("TST001", systems("a")))
    log(organisation, "NC-1", finding_subject="Systems: a", root_cause="", corrective_action="")
    result = run_assessment(organisation, AS_OF)
    assert result.credited == []
    (finding,) = result.findings
    assert "10.2" in finding.references
    assert "NC-1 was raised on 2026-06-01 for it, but its cause" in finding.statement


def test_an_nc_raised_for_an_ownership_major_covers_the_area(organisation, rules):
    def lapse(code, reference):
        check = systems([code.lower()], department="Sales", owner="boss@x")
        return fake_rule(code, check, reference=reference)

    rules(lapse("TST001", "A.5.18"), lapse("TST002", "A.8.2"), lapse("TST003", "A.8.5"))
    (major,) = run_assessment(organisation, AS_OF).findings
    assert major.key == "ESC001 department:Sales"
    log(
        organisation,
        "NC-1",
        finding_code="ESC001",
        finding_subject="Departments: Sales",
        due_on=dt.date(2027, 1, 31),
    )
    result = run_assessment(organisation, AS_OF)
    assert result.findings == []
    assert sorted(f.key for f in result.credited) == ["TST001", "TST002", "TST003"]
