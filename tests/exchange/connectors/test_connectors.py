"""Connectors: each export format's sample -> Accounts (or People) rows through the importer;
a second run changes nothing; disabled accounts and leavers still active are reported; a
malformed file is refused with its line and column and nothing is written."""

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from isms.exchange.connectors import ConnectorError, connect
from isms.operations.models import Account, System
from isms.people.models import Person

SAMPLES = Path(__file__).parent / "samples"
TODAY = dt.date(2026, 11, 30)

#: Per format: its sample, and the usernames of Alice (active), Carol (disabled in the export,
#: active in the register before) and Dave (left on 2026-10-31, still active).
CASES = {
    "aws-iam": ("aws-iam.csv", "alice@acme.example", "carol@acme.example", "dave@acme.example"),
    "entra": ("entra.csv", "alice@acme.example", "carol@acme.example", "dave@acme.example"),
    "google": ("google.csv", "alice@acme.example", "carol@acme.example", "dave@acme.example"),
    "okta": ("okta.csv", "alice@acme.example", "carol@acme.example", "dave@acme.example"),
    "github": ("github.json", "alice-acme", "carol-acme", "dave-acme"),
    "ldif": ("directory.ldif", "alice", "carol", "dave"),
}


@pytest.fixture
def setup(organisation):
    alice = Person.objects.create(
        organisation=organisation, email="alice@acme.example", name="Alice Able"
    )
    dave = Person.objects.create(
        organisation=organisation,
        email="dave@acme.example",
        name="Dave Dunn",
        leave_date=dt.date(2026, 10, 31),
    )
    system = System.objects.create(organisation=organisation, name="Cloud")

    def accounts(carol: str, dave_name: str):
        Account.objects.create(
            organisation=organisation, system=system, username=carol, is_active=True
        )
        Account.objects.create(
            organisation=organisation,
            system=system,
            username=dave_name,
            person=dave,
            is_active=True,
        )
        Account.objects.create(organisation=organisation, system=system, username="old-svc")

    return organisation, system, alice, dave, accounts


def snapshot(organisation):
    return sorted(
        Account.objects.filter(organisation=organisation).values_list(
            "system__name",
            "username",
            "person__email",
            "is_active",
            "is_privileged",
            "last_used_on",
        )
    )


@pytest.mark.parametrize("fmt", list(CASES))
def test_sample_maps_reports_and_reruns_unchanged(setup, fmt):
    organisation, system, alice, dave, accounts = setup
    sample, alice_name, carol_name, dave_name = CASES[fmt]
    accounts(carol_name, dave_name)
    report = connect(organisation, fmt, SAMPLES / sample, "Cloud", today=TODAY)

    alice_account = Account.objects.get(organisation=organisation, username=alice_name)
    assert alice_account.is_active and alice_account.system == system
    if fmt != "github":  # the members API gives no email
        assert alice_account.person == alice
    carol = Account.objects.get(organisation=organisation, username=carol_name)
    assert not carol.is_active
    assert carol_name in report.disabled
    assert alice_name in report.new_accounts
    assert report.missing == ["old-svc"]  # reported, not deleted
    assert Account.objects.filter(organisation=organisation, username="old-svc").exists()
    assert Account.objects.get(organisation=organisation, username=dave_name).person == dave
    assert report.leavers_still_active == [
        {
            "person": "dave@acme.example",
            "leave_date": "2026-10-31",
            "system": "Cloud",
            "username": dave_name,
        }
    ]

    before = snapshot(organisation)
    again = connect(organisation, fmt, SAMPLES / sample, "Cloud", today=TODAY)
    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == again.records
    assert again.disabled == [] and again.new_accounts == []
    assert snapshot(organisation) == before


def test_aws_iam_fields(setup):
    organisation, *_ = setup
    connect(organisation, "aws-iam", SAMPLES / "aws-iam.csv", "Cloud", today=TODAY)
    root = Account.objects.get(organisation=organisation, username="<root_account>")
    assert root.is_active and root.is_privileged and root.last_used_on == dt.date(2026, 2, 11)
    alice = Account.objects.get(organisation=organisation, username="alice@acme.example")
    assert alice.last_used_on == dt.date(2026, 11, 27)  # the access key, later than the password
    assert not alice.is_privileged
    ci = Account.objects.get(organisation=organisation, username="ci-deploy")
    assert ci.is_active and ci.person is None  # an active access key keeps it active


def test_privileged_flags_and_statuses(setup):
    organisation, *_ = setup
    connect(organisation, "github", SAMPLES / "github.json", "Cloud", today=TODAY)
    assert Account.objects.get(organisation=organisation, username="alice-acme").is_privileged
    assert not Account.objects.get(organisation=organisation, username="dave-acme").is_privileged
    connect(organisation, "ldif", SAMPLES / "directory.ldif", "Cloud", today=TODAY)
    dave = Account.objects.get(organisation=organisation, username="dave")
    assert dave.is_privileged and dave.person.email == "dave@acme.example"  # folded line, base64 cn
    assert not Account.objects.filter(organisation=organisation, username="admins").exists()
    connect(organisation, "okta", SAMPLES / "okta.csv", "Cloud", today=TODAY)
    assert not Account.objects.get(
        organisation=organisation, username="frank@acme.example"
    ).is_active
    connect(organisation, "google", SAMPLES / "google.csv", "Cloud", today=TODAY)
    erin = Account.objects.get(organisation=organisation, username="erin@acme.example")
    assert erin.last_used_on is None and erin.is_active


def test_export_without_flags_keeps_the_register(setup):
    """The members list says nothing about roles: a known admin stays an admin."""
    organisation, *_ = setup
    connect(organisation, "github", SAMPLES / "github.json", "Cloud", today=TODAY)
    report = connect(organisation, "github", SAMPLES / "github-members.json", "Cloud", today=TODAY)
    assert Account.objects.get(organisation=organisation, username="alice-acme").is_privileged
    assert report.missing == ["carol-acme"]


def test_hr_leavers(setup):
    organisation, system, _alice, dave, _accounts = setup
    Account.objects.create(organisation=organisation, system=system, username="dd", person=dave)
    dave.leave_date = None
    dave.save()
    report = connect(organisation, "hr-leavers", SAMPLES / "hr-leavers.csv", today=TODAY)
    dave.refresh_from_db()
    assert dave.leave_date == dt.date(2026, 10, 31) and dave.name == "Dave Dunn"
    assert Person.objects.get(
        organisation=organisation, email="erin@acme.example"
    ).leave_date == dt.date(2026, 9, 30)
    assert report.new_people == ["erin@acme.example"]
    assert report.leave_dates_set == ["dave@acme.example"]
    assert [row["username"] for row in report.leavers_still_active] == ["dd"]
    again = connect(organisation, "hr-leavers", SAMPLES / "hr-leavers.csv", today=TODAY)
    assert (again.created, again.updated, again.new_people, again.leave_dates_set) == (0, 0, [], [])


def test_dry_run_writes_nothing(setup):
    organisation, *_ = setup
    report = connect(organisation, "okta", SAMPLES / "okta.csv", "Cloud", dry_run=True, today=TODAY)
    assert report.created == 4
    assert not Account.objects.filter(organisation=organisation).exists()


BAD = [
    (
        "aws-iam",
        "x.csv",
        "user,password_enabled,password_last_used,access_key_1_active,"
        "access_key_1_last_used_date,access_key_2_active,access_key_2_last_used_date\n"
        "ok,true,N/A,false,N/A,false,N/A\nbob,maybe,N/A,false,N/A,false,N/A\n",
        "x.csv, line 3, column password_enabled: expected true, false; got 'maybe'",
    ),
    (
        "aws-iam",
        "x.csv",
        "user,arn\nbob,arn\n",
        "x.csv, line 1: required column(s) missing: password_enabled",
    ),
    (
        "entra",
        "x.csv",
        "userPrincipalName,accountEnabled\nok@acme.example,True\nbad\tname,True\n",
        "x.csv, line 3, column userPrincipalName:",
    ),
    (
        "okta",
        "x.csv",
        "login,status\na@acme.example,ACTIVE\nb@acme.example,GONE\n",
        "x.csv, line 3, column status: unknown Okta status 'GONE'",
    ),
    (
        "google",
        "x.csv",
        "Email Address [Required],Status [READ ONLY],Last Sign In [READ ONLY]\n"
        "a@acme.example,Active,2026/13/40 10:00:00\n",
        "x.csv, line 2, column Last Sign In [READ ONLY]: not a date",
    ),
    ("github", "x.json", '[{"login": "a"}, {"id": 3}]', "x.json, item 2, column login: no login"),
    ("github", "x.json", '[{"login": "a"},\n', "x.json, line 2: not valid JSON"),
    (
        "ldif",
        "x.ldif",
        "dn: uid=a,dc=x\nuid: a\nthis is not ldif\n",
        "x.ldif, line 3: not an LDIF line",
    ),
    (
        "hr-leavers",
        "x.csv",
        "email,name,leave_date\na@acme.example,A,2026-10-01\nb@acme.example,B,soon\n",
        "x.csv, line 3, column leave_date:",
    ),
    ("aws-iam", "x.csv", b"user,password_enabled\n\xff\xfe\n", "x.csv, line 2: not UTF-8"),
]


@pytest.mark.parametrize(
    ("fmt", "name", "content", "expected"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)]
)
def test_malformed_file_is_refused_and_nothing_written(
    setup, tmp_path, fmt, name, content, expected
):
    organisation, *_ = setup
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ConnectorError) as caught:
        connect(organisation, fmt, path, "Cloud", today=TODAY)
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith(expected) for m in messages), messages
    assert not Account.objects.filter(organisation=organisation).exists()
    assert Person.objects.filter(organisation=organisation).count() == 2


def test_unknown_system_and_links_are_refused(setup, tmp_path):
    organisation, *_ = setup
    with pytest.raises(ConnectorError, match="no system named 'Nope'"):
        connect(organisation, "okta", SAMPLES / "okta.csv", "Nope")
    link = tmp_path / "link.csv"
    link.symlink_to(SAMPLES / "okta.csv")
    with pytest.raises(ConnectorError, match="symbolic link"):
        connect(organisation, "okta", link, "Cloud")


def test_cli_connect(setup):
    from isms.cli.app import app

    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "connect",
            "okta",
            str(SAMPLES / "okta.csv"),
            "--org",
            "acme",
            "--system",
            "Cloud",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["created"] == 4 and data["leavers_still_active"][0]["person"] == "dave@acme.example"
    result = runner.invoke(
        app,
        ["connect", "okta", str(SAMPLES / "hr-leavers.csv"), "--org", "acme", "--system", "Cloud"],
    )
    assert result.exit_code == 2
    assert "hr-leavers.csv" in result.output and "required column" in result.output


def test_limits_are_the_importers(setup, monkeypatch):
    from isms.exchange import limits

    organisation, *_ = setup
    monkeypatch.setattr(limits, "MAX_ROWS_PER_SHEET", 3)
    with pytest.raises(ConnectorError, match="line 5: more than 3 records"):
        connect(organisation, "okta", SAMPLES / "okta.csv", "Cloud")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
    with pytest.raises(ConnectorError, match="the limit is 100"):
        connect(organisation, "ldif", SAMPLES / "directory.ldif", "Cloud")
    assert not Account.objects.filter(organisation=organisation).exists()
