"""The certification cycle: decision, three-year certificate, yearly surveillance (the first within
12 months), recertification before expiry; and appeals on the body's findings."""

import datetime as dt
import json

import pytest
import typer
from ninja.testing import TestClient
from typer.testing import CliRunner

from isms.api.certification import router
from isms.audits.certification import (
    State,
    Status,
    certification_status,
    raise_appeal,
    record_decision,
    resolve_appeal,
)
from isms.audits.models import ExternalAudit
from isms.audits.nonconformities import TransitionRefused
from isms.cli import certification as certification_cli
from isms.core.permissions import Role
from isms.exchange.importer import import_sheets
from isms.exchange.problems import ImportRejected
from isms.exchange.readers import read_yaml

D = dt.date


def audit(ref, kind, planned, held=None, **fields):
    """An unsaved external audit: the computation is a pure function of the rows."""
    return ExternalAudit(
        ref=ref,
        kind=kind,
        certification_body="Example Cert",
        planned_on=planned,
        held_on=held,
        **fields,
    )


def certified(**fields):
    """Stage 1 and stage 2 held; certification decided on 2025-03-10."""
    return [
        audit("S1", "stage1", D(2024, 12, 2), D(2024, 12, 2)),
        audit(
            "S2",
            "stage2",
            D(2025, 1, 20),
            D(2025, 1, 20),
            recommended=True,
            decision_on=D(2025, 3, 10),
            **fields,
        ),
    ]


def by_name(cycle):
    return {r.name.split(" (")[0]: r for r in cycle.requirements}


def test_not_certified_yet_the_next_step_is_the_planned_stage_2():
    status = certification_status(
        [
            audit("S1", "stage1", D(2026, 9, 1), D(2026, 9, 1)),
            audit("S2", "stage2", D(2026, 12, 1)),
        ],
        D(2026, 10, 1),
    )
    assert status.state is State.NOT_CERTIFIED and status.cycles == ()
    assert [(r.name, r.due_on, r.status) for r in status.next_due] == [
        ("Stage 2", D(2026, 12, 1), Status.DUE)
    ]
    assert status.summary == "Not certified as of 2026-10-01. Next: Stage 2, due on 2026-12-01."


def test_the_decision_date_starts_the_cycle_and_sets_every_due_date():
    status = certification_status(certified(), D(2025, 6, 1))
    cycle = status.current
    assert status.state is State.CERTIFIED
    assert (cycle.decision_on, cycle.expires_on, cycle.expiry_recorded) == (
        D(2025, 3, 10),
        D(2028, 3, 9),
        False,
    )
    assert [(r.name, r.due_on, r.status) for r in cycle.requirements] == [
        ("Surveillance 2026 (first)", D(2026, 3, 10), "due"),
        ("Surveillance 2027", D(2027, 12, 31), "due"),
        ("Recertification", D(2028, 3, 9), "due"),
    ]
    assert status.next_due_on == D(2026, 3, 10)
    assert "Certified since 2025-03-10 (S2); certificate valid until 2028-03-09" in status.summary


def test_without_a_recorded_decision_date_the_stage_2_day_is_used():
    audits = certified()
    audits[1].decision_on = None
    cycle = certification_status(audits, D(2025, 6, 1)).current
    assert cycle.decision_on == D(2025, 1, 20)
    assert by_name(cycle)["Surveillance 2026"].due_on == D(2026, 1, 20)


def test_a_stage_2_held_but_not_yet_decided_is_not_a_certificate():
    audits = certified()
    audits[1].recommended, audits[1].decision_on = None, None
    status = certification_status(audits, D(2025, 2, 1))
    assert status.state is State.NOT_CERTIFIED
    assert "the certification decision is pending" in status.notes[0]


def test_surveillance_held_every_year_keeps_the_certificate_valid():
    audits = [
        *certified(),
        audit("SV1", "surveillance", D(2026, 2, 16), D(2026, 2, 17)),
        audit("SV2", "surveillance", D(2027, 2, 15), D(2027, 2, 15)),
        audit("RC", "recertification", D(2027, 12, 6)),
    ]
    status = certification_status(audits, D(2027, 6, 1))
    reqs = by_name(status.current)
    assert status.state is State.CERTIFIED
    assert (reqs["Surveillance 2026"].status, reqs["Surveillance 2026"].audit) == ("done", "SV1")
    assert reqs["Surveillance 2026"].text == "done on 2026-02-17"
    assert reqs["Surveillance 2027"].done_on == D(2027, 2, 15)
    recert = reqs["Recertification"]
    assert (recert.status, recert.planned_on, recert.note) == (
        "due",
        D(2027, 12, 6),
        "RC planned on 2027-12-06",
    )
    assert [r.name for r in status.next_due] == [recert.name]


def test_a_missed_first_surveillance_is_overdue_and_puts_the_certificate_at_risk():
    audits = [*certified(), audit("SV1", "surveillance", D(2026, 2, 16))]
    status = certification_status(audits, D(2026, 4, 1))
    first = by_name(status.current)["Surveillance 2026"]
    assert status.state is State.AT_RISK
    assert (first.status, first.text) == ("overdue", "overdue since 2026-03-10")
    assert first.note == "SV1 was planned on 2026-02-16 but is not recorded as held"
    assert "at risk of suspension" in status.summary
    assert status.next_due[0] is first


def test_a_surveillance_held_late_in_the_year_counts_but_is_flagged_late():
    audits = [*certified(), audit("SV1", "surveillance", D(2026, 2, 16), D(2026, 5, 4))]
    status = certification_status(audits, D(2026, 6, 1))
    first = by_name(status.current)["Surveillance 2026"]
    assert status.state is State.CERTIFIED
    assert (first.status, first.late, first.text) == ("done", True, "done on 2026-05-04 (late)")
    assert first.note == "held 55 days after the 12-month limit"


def test_a_calendar_year_without_surveillance_is_overdue_after_31_december():
    audits = [*certified(), audit("SV1", "surveillance", D(2026, 2, 16), D(2026, 2, 16))]
    assert (
        by_name(certification_status(audits, D(2027, 12, 31)).current)["Surveillance 2027"].status
        == Status.DUE
    )
    status = certification_status(audits, D(2028, 1, 2))
    assert by_name(status.current)["Surveillance 2027"].status == Status.OVERDUE
    assert status.state is State.AT_RISK


def test_a_surveillance_in_the_decision_year_satisfies_the_12_months_rule():
    audits = [*certified(), audit("SV0", "surveillance", D(2025, 11, 3), D(2025, 11, 3))]
    reqs = certification_status(audits, D(2025, 12, 1)).current.requirements
    assert [(r.name, r.status, r.due_on) for r in reqs[:2]] == [
        ("Surveillance 2025 (first)", "done", D(2026, 3, 10)),
        ("Surveillance 2026", "due", D(2026, 12, 31)),
    ]


def test_the_certificate_lapses_when_it_expires_without_recertification():
    audits = [
        *certified(),
        audit("SV1", "surveillance", D(2026, 2, 16), D(2026, 2, 16)),
        audit("SV2", "surveillance", D(2027, 2, 15), D(2027, 2, 15)),
    ]
    status = certification_status(audits, D(2028, 4, 1))
    recert = by_name(status.current)["Recertification"]
    assert status.state is State.EXPIRED
    assert (recert.status, recert.note) == ("overdue", "none planned")
    assert status.current.outcome == "lapsed"
    assert status.summary.startswith("The certificate from S2 expired on 2028-03-09")
    assert status.next_due[0] is recert


def test_recertification_resets_the_cycle_and_continues_the_expiry():
    audits = [
        *certified(),
        audit("SV1", "surveillance", D(2026, 2, 16), D(2026, 2, 16)),
        audit("SV2", "surveillance", D(2027, 2, 15), D(2027, 2, 15)),
        audit(
            "RC",
            "recertification",
            D(2027, 12, 6),
            D(2027, 12, 6),
            recommended=True,
            decision_on=D(2028, 1, 10),
        ),
        audit("SV3", "surveillance", D(2029, 1, 7)),
    ]
    status = certification_status(audits, D(2028, 6, 1))
    first, second = status.cycles
    assert status.state is State.CERTIFIED and status.current is second
    assert first.outcome == "recertified by RC on 2028-01-10"
    assert all(r.status == Status.DONE for r in first.requirements)
    assert by_name(first)["Recertification"].audit == "RC"
    assert (second.decision_kind, second.decision_on, second.expires_on) == (
        "recertification",
        D(2028, 1, 10),
        D(2031, 3, 9),
    )
    new_first = second.requirements[0]
    assert (new_first.name, new_first.due_on, new_first.status, new_first.planned_on) == (
        "Surveillance 2029 (first)",
        D(2029, 1, 10),
        "due",
        D(2029, 1, 7),
    )
    assert [r.name.split(" (")[0] for r in second.requirements] == [
        "Surveillance 2029",
        "Surveillance 2030",
        "Recertification",
    ]


def test_several_cycles_a_lapse_then_a_new_initial_certification():
    audits = [
        audit("S2-2019", "stage2", D(2019, 5, 6), D(2019, 5, 6), recommended=True),
        audit("SV-2020", "surveillance", D(2020, 4, 20), D(2020, 4, 20)),
        # 2021: no surveillance; 2022: the certificate lapses without recertification.
        audit("S2-2023", "stage2", D(2023, 2, 13), D(2023, 2, 13), recommended=True),
    ]
    status = certification_status(audits, D(2023, 6, 1))
    old, new = status.cycles
    assert old.outcome == "lapsed on 2022-05-05; certified again by S2-2023 on 2023-02-13"
    assert [(r.name.split(" (")[0], r.status) for r in old.requirements] == [
        ("Surveillance 2020", "done"),
        ("Surveillance 2021", "missed"),
        ("Recertification", "missed"),
    ]
    assert (new.number, new.decision_kind, new.expires_on) == (2, "initial", D(2026, 2, 12))
    assert status.state is State.CERTIFIED


def test_a_recorded_certificate_expiry_wins_over_the_computed_one():
    cycle = certification_status(
        certified(certificate_expires_on=D(2028, 1, 19)), D(2025, 6, 1)
    ).current
    assert (cycle.expires_on, cycle.expiry_recorded) == (D(2028, 1, 19), True)
    assert by_name(cycle)["Recertification"].due_on == D(2028, 1, 19)


def test_a_recertification_not_recommended_leaves_the_requirement_open():
    audits = [
        *certified(),
        audit("SV1", "surveillance", D(2026, 2, 16), D(2026, 2, 16)),
        audit("SV2", "surveillance", D(2027, 2, 15), D(2027, 2, 15)),
        audit("RC", "recertification", D(2027, 12, 6), D(2027, 12, 6), recommended=False),
    ]
    recert = by_name(certification_status(audits, D(2028, 1, 5)).current)["Recertification"]
    assert (recert.status, recert.note) == (
        "due",
        "RC (2027-12-06) did not recommend recertification",
    )
    pending = [*audits[:-1], audit("RC", "recertification", D(2027, 12, 6), D(2027, 12, 6))]
    recert = by_name(certification_status(pending, D(2028, 1, 5)).current)["Recertification"]
    assert (recert.status, recert.note) == ("done", "held; the body's decision is pending")


def test_stage_2_with_majors_gives_the_six_month_closure_deadline():
    audits = [
        audit("S1", "stage1", D(2026, 1, 5), D(2026, 1, 5)),
        audit("S2", "stage2", D(2026, 2, 9), D(2026, 2, 10), majors=2, recommended=False),
    ]
    status = certification_status(audits, D(2026, 3, 1))
    (step,) = status.next_due
    assert (step.name, step.due_on, step.status) == (
        "Close the stage 2 major nonconformities",
        D(2026, 8, 10),
        "due",
    )
    assert "did not recommend certification (2 major)" in step.note


def test_a_new_initial_certification_planned_while_certified_is_noted():
    audits = [*certified(), audit("S2-NEW", "stage2", D(2026, 12, 14))]
    notes = certification_status(audits, D(2026, 6, 1)).notes
    assert notes == (
        "Stage 2 S2-NEW is planned on 2026-12-14: a new initial certification, outside this cycle.",
    )


def test_the_json_form_carries_states_dates_and_words():
    data = certification_status(certified(), D(2025, 6, 1)).as_dict()
    json.dumps(data)
    assert data["state"] == "certified" and data["next_due_on"] == "2026-03-10"
    first = data["current"]["requirements"][0]
    assert first["status"] == "due" and first["text"] == "due on 2026-03-10"


# -- decision and appeals (the writes) ---------------------------------------------------------


@pytest.fixture
def saved(organisation):
    def save(*audits):
        for a in audits:
            a.organisation = organisation
            a.save()
        return audits

    return save


@pytest.mark.django_db
def test_recording_the_decision_sets_the_expiry_of_the_cycle(saved):
    _, stage2 = saved(*certified())
    stage2.recommended, stage2.decision_on = None, None
    stage2.save()
    record_decision(stage2, on=D(2025, 3, 10))
    stage2.refresh_from_db()
    assert (stage2.recommended, stage2.decision_on, stage2.certificate_expires_on) == (
        True,
        D(2025, 3, 10),
        D(2028, 3, 9),
    )
    (recert,) = saved(audit("RC", "recertification", D(2027, 12, 6), D(2027, 12, 6)))
    record_decision(recert, on=D(2028, 1, 10))
    assert recert.certificate_expires_on == D(2031, 3, 9)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "on", "message"),
    [
        (
            audit("SV", "surveillance", D(2026, 2, 1), D(2026, 2, 1)),
            D(2026, 3, 1),
            "only a stage 2",
        ),
        (audit("S2", "stage2", D(2026, 2, 1)), D(2026, 3, 1), "record the audit as held first"),
        (audit("S2", "stage2", D(2026, 2, 1), D(2026, 2, 1)), D(2026, 1, 1), "cannot precede"),
        (
            audit("S2", "stage2", D(2026, 2, 1), D(2026, 2, 1), recommended=False),
            D(2026, 3, 1),
            "did not recommend",
        ),
    ],
)
def test_a_decision_is_refused_with_the_reason(saved, row, on, message):
    (row,) = saved(row)
    with pytest.raises(TransitionRefused, match=message):
        record_decision(row, on=on)
    row.refresh_from_db()
    assert row.decision_on is None


@pytest.mark.django_db
def test_an_appeal_is_raised_then_resolved_and_kept_in_history(saved):
    (s2,) = saved(audit("S2", "stage2", D(2026, 2, 9), D(2026, 2, 10), majors=1))
    raise_appeal(s2, text="Major on 5.18 ignores the access review of March", on=D(2026, 2, 20))
    with pytest.raises(TransitionRefused, match="already has an appeal raised on 2026-02-20"):
        raise_appeal(s2, text="again", on=D(2026, 2, 21))
    with pytest.raises(TransitionRefused, match="before the appeal was raised"):
        resolve_appeal(s2, outcome="upheld", on=D(2026, 2, 1))
    resolve_appeal(s2, outcome="partly_upheld", note="Regraded to minor", on=D(2026, 3, 15))
    s2.refresh_from_db()
    assert (s2.appeal_outcome, s2.appeal_outcome_note, s2.appeal_resolved_on) == (
        "partly_upheld",
        "Regraded to minor",
        D(2026, 3, 15),
    )
    with pytest.raises(TransitionRefused, match="already resolved on 2026-03-15"):
        resolve_appeal(s2, outcome="rejected", on=D(2026, 4, 1))
    assert s2.history.count() == 3
    (appeal,) = certification_status([s2], D(2026, 4, 1)).appeals
    assert (appeal.open, appeal.outcome) == (False, "partly_upheld")


@pytest.mark.django_db
def test_an_appeal_needs_a_held_audit_and_a_reason_and_an_outcome_needs_an_appeal(saved):
    planned, held = saved(
        audit("S2", "stage2", D(2026, 2, 9)),
        audit("SV", "surveillance", D(2026, 2, 9), D(2026, 2, 9)),
    )
    with pytest.raises(TransitionRefused, match="has not been held"):
        raise_appeal(planned, text="We disagree", on=D(2026, 2, 20))
    with pytest.raises(TransitionRefused, match="say what is disputed"):
        raise_appeal(held, text="  ", on=D(2026, 2, 20))
    with pytest.raises(TransitionRefused, match="has no appeal to resolve"):
        resolve_appeal(held, outcome="rejected", on=D(2026, 2, 20))
    held.refresh_from_db()
    assert (held.appeal, held.appeal_outcome) == ("", "")


@pytest.mark.django_db
def test_an_imported_outcome_without_an_appeal_is_rejected(organisation):
    sheets = read_yaml(
        "External audits:\n"
        "  - {ref: S2, kind: stage2, certification_body: X, planned_on: 2026-02-09,"
        " held_on: 2026-02-10, appeal_outcome: upheld, decision_on: 2026-01-01}\n",
        "audits.yaml",
    )
    with pytest.raises(ImportRejected) as rejected:
        import_sheets(organisation, sheets)
    messages = " | ".join(str(p) for p in rejected.value.problems)
    assert "an outcome needs the appeal" in messages
    assert "cannot precede the audit" in messages
    assert not ExternalAudit.objects.exists()


# -- CLI and API -----------------------------------------------------------------------------


def cli(*args):
    app = typer.Typer()
    app.add_typer(certification_cli.app, name="certification")
    return CliRunner().invoke(app, ["certification", *map(str, args)], catch_exceptions=False)


@pytest.mark.django_db
def test_cli_status_as_table_and_json(saved):
    saved(*certified(), audit("SV1", "surveillance", D(2026, 2, 16)))
    table = cli("status", "--org", "acme", "--as-of", "2026-04-01")
    assert table.exit_code == 0, table.output
    assert "at risk" in table.stdout and "overdue since 2026-03-10" in table.stdout
    assert "Surveillance 2026" in table.stdout and "SV1" in table.stdout
    result = cli("status", "--org", "acme", "--as-of", "2026-04-01", "--format", "json")
    data = json.loads(result.stdout)
    assert data["state"] == "at_risk" and data["next_due_on"] == "2026-03-10"
    assert data["next_due"][0]["note"] == (
        "SV1 was planned on 2026-02-16 but is not recorded as held"
    )


@pytest.mark.django_db
def test_cli_records_the_decision(saved):
    _, stage2 = saved(*certified())
    stage2.recommended, stage2.decision_on = None, None
    stage2.save()
    refused = cli("decision", "S1", "--org", "acme", "--on", "2025-03-10")
    assert refused.exit_code == 2 and "only a stage 2 or recertification audit" in refused.output
    done = cli("decision", "S2", "--org", "acme", "--on", "2025-03-10")
    assert done.exit_code == 0, done.output
    assert "S2: certification decided on 2025-03-10; certificate valid until 2028-03-09." in (
        done.stdout
    )


@pytest.mark.django_db
def test_cli_appeal_workflow_and_refusal(saved):
    saved(*certified())
    refused = cli("appeal-outcome", "S2", "--org", "acme", "--outcome", "upheld")
    assert refused.exit_code == 2 and "has no appeal to resolve" in refused.output
    ok = cli(
        "appeal", "S2", "--org", "acme", "--reason", "Minor on 7.5 misread", "--on", "2025-01-25"
    )
    assert ok.exit_code == 0, ok.output
    done = cli(
        "appeal-outcome", "S2", "--org", "acme", "--outcome", "rejected", "--on", "2025-02-20"
    )
    assert done.exit_code == 0 and "appeal settled on 2025-02-20: rejected" in done.stdout
    status = cli("status", "--org", "acme", "--as-of", "2025-06-01")
    assert "appeal on S2 (raised 2025-01-25): Minor on 7.5 misread -> rejected" in status.stdout
    bad = cli("status", "--org", "acme", "--as-of", "June")
    assert bad.exit_code == 2 and "--as-of expects a date" in bad.output


@pytest.mark.django_db
def test_api_status_for_members_only(saved, organisation, other_organisation, make_member):
    saved(*certified())
    viewer, _ = make_member(organisation, Role.VIEWER)
    client = TestClient(router)
    response = client.get("/orgs/acme/certification/status?as_of=2025-06-01", user=viewer)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "certified" and body["current"]["expires_on"] == "2028-03-09"
    assert body["next_due"][0]["due_on"] == "2026-03-10"
    outsider, _ = make_member(other_organisation, Role.OWNER)
    assert client.get("/orgs/acme/certification/status", user=outsider).status_code == 404


@pytest.mark.django_db
def test_api_appeal_needs_an_auditor_role_and_reports_refusals(saved, organisation, make_member):
    saved(*certified())
    manager, _ = make_member(organisation, Role.ISMS_MANAGER)
    client = TestClient(router)
    path = "/orgs/acme/certification/audits/S2/appeal-outcome"
    refused = client.post(path, json={"outcome": "upheld", "on": "2025-02-01"}, user=manager)
    assert refused.status_code == 422 and "has no appeal" in refused.json()["detail"]
    raised = client.post(
        "/orgs/acme/certification/audits/S2/appeal",
        json={"reason": "Disputed minor", "on": "2025-01-25"},
        user=manager,
    )
    assert raised.status_code == 200 and raised.json()["appeal_raised_on"] == "2025-01-25"
    assert (
        client.post(
            "/orgs/acme/certification/audits/NOPE/appeal", json={"reason": "x"}, user=manager
        ).status_code
        == 404
    )
