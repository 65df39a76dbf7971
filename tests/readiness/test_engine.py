"""The engine: escalation, deadlines, verdict, score, error isolation, determinism, selection."""

import datetime as dt

import pytest

from isms.readiness import engine
from isms.readiness.engine import (
    DEFAULT_PROFILE,
    Profile,
    Verdict,
    escalate,
    run_assessment,
    select_rules,
)
from isms.readiness.finding import Finding, Grade, Subject
from isms.readiness.registry import Rule, all_rules, parse_sections
from tests.readiness.conftest import AS_OF

DOC = """
What it checks: x.
Why an auditor cares: y.
How to fix: z.
Grade: minor.
"""


def make(
    code="TST001", grade=Grade.MINOR, reference="5.18", key="a", department=None, process=None
):
    return Finding(
        code=code,
        name="test-finding",
        grade=grade,
        stage=2,
        reference=reference,
        subject=Subject("Systems", key),
        title="t",
        detail="d",
        recommendation="r",
        department=department,
        process=process,
    )


def test_three_minors_on_one_requirement_become_one_major():
    minors = [make(key=k) for k in "abc"]
    result = escalate([*minors, make(reference="8.8", key="z")], 3, AS_OF)
    majors = [f for f in result if f.grade is Grade.MAJOR]
    assert len(majors) == 1
    (systemic,) = majors
    assert systemic.code == "ESC001" and systemic.reference == "5.18"
    assert systemic.grouped == tuple(minors)
    assert "TST001 Systems a; TST001 Systems b; TST001 Systems c" in systemic.detail
    assert [f.subject.key for f in result if f.grade is Grade.MINOR] == ["z"]


def test_two_minors_stay_minors_and_threshold_is_configurable():
    two = [make(key="a"), make(key="b")]
    assert escalate(two, 3, AS_OF) == two
    assert [f.grade for f in escalate(two, 2, AS_OF)] == [Grade.MAJOR]
    assert escalate(two, 0, AS_OF) == two, "0 turns escalation off"


def test_minors_cluster_by_department_and_by_process():
    by_department = [
        make(reference=r, key=r, department="Manufacturing") for r in ("7.2", "7.3", "6.3")
    ]
    by_process = [make(reference=r, key=r, process="Order to cash") for r in ("5.15", "8.2", "5.9")]
    result = escalate(by_department + by_process, 3, AS_OF)
    subjects = sorted(str(f.subject) for f in result)
    assert subjects == ["Departments Manufacturing", "Processes Order to cash"]


def test_a_minor_joins_only_one_cluster():
    shared = [make(key=k, department="Ops") for k in "abc"]
    result = escalate(shared, 3, AS_OF)
    assert len(result) == 1 and result[0].subject == Subject("Requirement", "5.18")


def test_majors_and_ofis_never_escalate():
    findings = [make(grade=Grade.OFI, key=k) for k in "abc"] + [make(grade=Grade.MAJOR)]
    assert escalate(findings, 3, AS_OF) == findings


def test_deadlines_come_from_the_profile():
    assert DEFAULT_PROFILE.due(Grade.MAJOR, AS_OF) == dt.date(2027, 2, 28)
    assert DEFAULT_PROFILE.due(Grade.MINOR, AS_OF) == dt.date(2027, 1, 29)
    assert DEFAULT_PROFILE.due(Grade.OFI, AS_OF) is None
    strict = Profile(name="strict", major_days=30, minor_days=14)
    assert strict.due(Grade.MINOR, AS_OF) == dt.date(2026, 12, 14)


def fake_rule(code, check, stage=2, grade=Grade.MINOR):
    return Rule(
        code=code,
        name=f"fake-{code.lower()}",
        reference="5.18",
        stage=stage,
        grade=grade,
        title=f"Fake {code}",
        check=check,
        version=1,
        sections=parse_sections(DOC, code),
    )


@pytest.fixture
def rules(monkeypatch):
    """Replace the registry with the given fake rules for one test."""

    def use(*fake):
        monkeypatch.setattr(engine, "all_rules", lambda: list(fake))

    return use


@pytest.mark.django_db
def test_a_failing_rule_is_reported_and_the_others_still_run(organisation, rules):
    def broken(ctx):
        raise ZeroDivisionError("oops")
        yield

    def fine(ctx):
        yield ctx.finding(Subject("Systems", "CRM"), "no review")

    rules(fake_rule("TST001", broken), fake_rule("TST002", fine))
    result = run_assessment(organisation, AS_OF)
    assert [e.code for e in result.errors] == ["TST001"]
    assert "ZeroDivisionError: oops" in result.errors[0].message
    assert [f.code for f in result.findings] == ["TST002"]
    assert result.findings[0].due == dt.date(2027, 1, 29)
    assert [r.code for r in result.passed] == []


@pytest.mark.django_db
def test_verdict_and_score(organisation, rules):
    def minors(ctx):
        for key in ("a", "b"):
            yield ctx.finding(Subject("Systems", key), "x", reference=f"A.8.{ord(key) - 96}")

    def major(ctx):
        yield ctx.finding(Subject("Organisation", "acme"), "x", grade=Grade.MAJOR)

    def ofi(ctx):
        yield ctx.finding(Subject("Organisation", "acme"), "x", grade=Grade.OFI)

    rules()
    result = run_assessment(organisation, AS_OF)
    assert (result.verdict, result.score) == (Verdict.RECOMMENDED, 100)
    rules(fake_rule("TST001", ofi))
    result = run_assessment(organisation, AS_OF)
    assert (result.verdict, result.penalty, result.score) == (Verdict.RECOMMENDED, 1, 99)
    rules(fake_rule("TST001", ofi), fake_rule("TST002", minors))
    result = run_assessment(organisation, AS_OF)
    assert (result.verdict, result.penalty, result.score) == (
        Verdict.RECOMMENDED_WITH_PLANS,
        7,
        93,
    )
    rules(fake_rule("TST001", ofi), fake_rule("TST002", minors), fake_rule("TST003", major))
    result = run_assessment(organisation, AS_OF)
    assert (result.verdict, result.penalty, result.score) == (Verdict.NOT_RECOMMENDED, 17, 85)
    assert result.counts == {"major": 1, "minor": 2, "ofi": 1}
    assert [f.grade.value for f in result.findings] == ["major", "minor", "minor", "ofi"]


@pytest.mark.django_db
def test_score_falls_with_every_finding_but_never_reaches_zero(organisation, rules):
    def many(ctx):
        for index in range(200):
            yield ctx.finding(Subject("Systems", str(index)), "x", grade=Grade.MAJOR)

    rules(fake_rule("TST001", many))
    assert run_assessment(organisation, AS_OF).score == 5


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


@pytest.mark.django_db
def test_same_data_and_date_give_the_same_findings(organisation):
    from tests.readiness.rules.test_soa import full_soa

    full_soa(organisation, **{"7.4": {"applicable": False}, "5.7": {"inclusion_reasons": ""}})
    first = run_assessment(organisation, AS_OF)
    second = run_assessment(organisation, AS_OF)
    assert [f.as_dict() for f in first.findings] == [f.as_dict() for f in second.findings]
