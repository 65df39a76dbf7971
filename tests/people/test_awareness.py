"""Awareness checks: the question bank, campaigns, single-use expiring links, the no-login page,
scoring, the Awareness check rows it writes and the results per department."""

import csv
import datetime as dt
import hashlib
import io
import random
import re

import pytest
import typer
import yaml
from django.test import Client, override_settings
from django.utils import timezone
from ninja.testing import TestClient
from typer.testing import CliRunner

from isms.api.awareness import router
from isms.cli import awareness as awareness_cli
from isms.core.permissions import Role
from isms.people.awareness import (
    DEFAULT_BANK,
    AnswersRejected,
    BankError,
    CampaignRefused,
    LinkClosed,
    campaign_results,
    create_campaign,
    draw,
    find_invitation,
    issue_links,
    load_bank,
    parse_bank,
    score,
    submit,
)
from isms.people.models import (
    AwarenessCampaign,
    AwarenessCheck,
    AwarenessInvitation,
    Department,
    Person,
)
from isms.readiness.engine import Profile, run_assessment

TODAY = timezone.localdate()
ALL_VALUES = {
    "policy_location": "On the intranet, under ISMS > Policies",
    "incident_contact": "Call the service desk on 4444",
    "security_objective": "Every incident is reported within 24 hours",
}
pytestmark = pytest.mark.django_db(databases=["default"])
urls = override_settings(ROOT_URLCONF="tests.people.urls")


@pytest.fixture
def staff(organisation):
    """Two departments with heads and staff, a leaver, a future starter, one without a
    department."""
    org = organisation
    engineering = Department.objects.create(organisation=org, name="Engineering")
    finance = Department.objects.create(organisation=org, name="Finance")
    start = dt.date(2020, 1, 1)

    def person(email, department=None, manager=None, **fields):
        return Person.objects.create(
            organisation=org,
            email=f"{email}@acme.example",
            name=email.title(),
            department=department,
            manager=manager,
            start_date=fields.pop("start_date", start),
            **fields,
        )

    cto = person("cto", engineering)
    cfo = person("cfo", finance)
    engineering.manager, finance.manager = cto, cfo
    engineering.save()
    finance.save()
    people = {
        "cto": cto,
        "cfo": cfo,
        "eng1": person("eng1", engineering, cto),
        "eng2": person("eng2", engineering, cto),
        "fin1": person("fin1", finance, cfo),
        "nodept": person("nodept"),
        "leaver": person("leaver", engineering, cto, leave_date=TODAY - dt.timedelta(days=1)),
        "future": person("future", finance, cfo, start_date=TODAY + dt.timedelta(days=30)),
    }
    return people


def campaign(organisation, name="Q2 check", **options):
    values = {"audience": "all_staff", "count": 5, "values": ALL_VALUES, "seed": 7} | options
    return create_campaign(organisation, name=name, **values).campaign


def right_answers(campaign, wrong_topics=()):
    """Form data answering every question right, except those on ``wrong_topics``."""
    data = {}
    for question in campaign.questions:
        correct = question["correct"]
        wrong = (correct + 1) % len(question["options"])
        data[f"q-{question['id']}"] = str(wrong if question["topic"] in wrong_topics else correct)
    return data


# -- the question bank ------------------------------------------------------------------------


def test_the_default_bank_has_8_to_15_questions_per_audience_on_known_topics():
    bank = load_bank()
    assert set(bank.questions) == {"all_staff", "managers", "executives", "it"}
    for audience, questions in bank.questions.items():
        assert 8 <= len(questions) <= 15, audience
        assert {q.topic for q in questions} <= set(AwarenessCheck.Topic.values)
        assert len({q.topic for q in questions}) >= 5, audience
        for question in questions:
            assert question.answer not in question.wrong and 2 <= len(question.wrong) <= 5
            assert question.values <= set(bank.values)
    all_staff = {q.topic for q in bank.for_audience("all_staff")}
    assert all_staff == set(AwarenessCheck.Topic.values)


def test_a_bad_bank_lists_every_problem_with_its_place():
    data = yaml.safe_load(DEFAULT_BANK.read_text())
    first = data["questions"]["all_staff"][0]
    first["topic"] = "gossip"
    first["answer"] = "Ask {nobody}"
    data["questions"]["all_staff"][1]["wrong"] = ["only one"]
    data["questions"]["interns"] = [dict(first)]
    with pytest.raises(BankError) as error:
        parse_bank(data, "my-bank.yaml")
    problems = error.value.problems
    assert (
        "questions.all_staff[1] (unexpected-attachment): topic 'gossip' is not one of"
        in (problems[0])
    )
    assert any("{nobody} is not a declared value" in p for p in problems)
    assert any(
        p.startswith("questions.all_staff[2] (phishing-signs): give 2 to 5") for p in problems
    )
    assert any(p.startswith("questions.interns: unknown audience") for p in problems)


def test_an_organisation_bank_file_replaces_the_default(tmp_path, staff, organisation):
    path = tmp_path / "bank.yaml"
    path.write_text(
        "values: {}\n"
        "questions:\n"
        "  all_staff:\n"
        "    - id: our-hotline\n"
        "      topic: incident_reporting\n"
        "      question: What is the number of the security hotline?\n"
        "      answer: '4444'\n"
        "      wrong: ['999', '1234']\n"
    )
    created = create_campaign(
        organisation, name="Own bank", audience="all_staff", count=1, bank=load_bank(path)
    )
    (question,) = created.campaign.questions
    assert question["id"] == "our-hotline"
    assert question["options"][question["correct"]] == "4444"
    with pytest.raises(BankError) as missing:
        load_bank(tmp_path / "missing.yaml")
    assert missing.value.problems[0].startswith("cannot read the file")


# -- campaigns --------------------------------------------------------------------------------


def test_a_campaign_invites_every_current_person_and_keeps_its_questions(staff, organisation):
    created = create_campaign(
        organisation, name="Q2", audience="all_staff", count=7, values=ALL_VALUES, seed=1
    )
    invited = set(created.campaign.invitations.values_list("person__email", flat=True))
    assert invited == {
        f"{p}@acme.example" for p in ("cto", "cfo", "eng1", "eng2", "fin1", "nodept")
    }
    questions = created.campaign.questions
    assert len(questions) == 7
    assert len({q["topic"] for q in questions}) == 7, "spread over the seven topics"
    assert created.campaign.expires_on == TODAY + dt.timedelta(days=14)
    assert not AwarenessInvitation.objects.filter(token_hash__isnull=False).exists()


def test_department_managers_and_named_people_narrow_the_scope(staff, organisation):
    finance = campaign(organisation, "Finance", department="Finance")
    assert set(finance.invitations.values_list("person__email", flat=True)) == {
        "cfo@acme.example",
        "fin1@acme.example",
    }
    managers = campaign(organisation, "Managers", audience="managers")
    assert set(managers.invitations.values_list("person__email", flat=True)) == {
        "cto@acme.example",
        "cfo@acme.example",
    }
    execs = campaign(organisation, "Board", audience="executives", people=["cto@acme.example"])
    assert execs.invitations.get().person == staff["cto"]


def test_a_campaign_is_refused_with_every_reason(staff, organisation):
    campaign(organisation, "Taken")
    with pytest.raises(CampaignRefused) as refused:
        create_campaign(
            organisation,
            name="Taken",
            audience="it",
            count=20,
            expires_days=0,
            values={"colour": "blue"},
            people=["leaver@acme.example", "ghost@acme.example"],
        )
    messages = refused.value.messages
    assert "a campaign named 'Taken' already exists in acme" in messages
    assert "questions: ask 1 to 15, not 20" in messages
    assert "expires-days: 1 to 90 days, not 0" in messages
    assert any(m.startswith("value 'colour' is not declared") for m in messages)
    assert f"leaver@acme.example cannot be invited: left on {TODAY - dt.timedelta(days=1)}" in (
        messages
    )
    assert "no person with email 'ghost@acme.example' in acme" in messages
    with pytest.raises(CampaignRefused, match="say who the executives are"):
        create_campaign(organisation, name="Board", audience="executives")
    with pytest.raises(CampaignRefused, match="no department named 'Sales'"):
        create_campaign(organisation, name="Sales", audience="all_staff", department="Sales")
    assert AwarenessCampaign.objects.count() == 1


def test_questions_needing_an_organisation_value_wait_for_it(staff, organisation):
    without = create_campaign(organisation, name="No values", audience="all_staff", count=12)
    assert without.left_out == {
        "incident_contact": ["how-to-report"],
        "policy_location": ["where-are-policies"],
        "security_objective": ["our-objective"],
    }
    assert "where-are-policies" not in {q["id"] for q in without.campaign.questions}
    with pytest.raises(CampaignRefused, match="12 usable question"):
        create_campaign(organisation, name="Too many", audience="all_staff", count=13)
    full = create_campaign(
        organisation,
        name="With values",
        audience="all_staff",
        count=15,
        values=ALL_VALUES,
    )
    asked = {q["id"]: q for q in full.campaign.questions}
    policy = asked["where-are-policies"]
    assert policy["options"][policy["correct"]] == "On the intranet, under ISMS > Policies"


# -- links and answering ----------------------------------------------------------------------


def test_links_are_random_stored_only_as_hashes_and_replaced_when_reissued(staff, organisation):
    q2 = campaign(organisation)
    issued = issue_links(q2)
    assert len(issued) == 6
    invitation, token = issued[0]
    invitation.refresh_from_db()
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not AwarenessInvitation.objects.filter(token_hash=token).exists()
    assert len({t for _, t in issued}) == 6
    assert find_invitation(token) == invitation
    again = dict((i.pk, t) for i, t in issue_links(q2, people=[invitation.person.email]))
    assert find_invitation(token) is None, "the earlier link no longer works"
    assert find_invitation(again[invitation.pk]) == invitation


def test_scoring_passes_a_topic_only_when_all_its_questions_are_right():
    questions = [
        {"id": "a", "topic": "phishing", "text": "A", "options": ["x", "y"], "correct": 0},
        {"id": "b", "topic": "phishing", "text": "B", "options": ["x", "y"], "correct": 1},
        {"id": "c", "topic": "passwords", "text": "C", "options": ["x", "y", "z"], "correct": 2},
    ]
    result = score(questions, {"a": 0, "b": 0, "c": 2})
    topics = {t.topic: (t.correct, t.total, t.passed, str(t.score)) for t in result.topics}
    assert topics == {"phishing": (1, 2, False, "50.0"), "passwords": (1, 1, True, "100.0")}
    assert (result.correct, str(result.percent)) == (2, "66.7")


def test_a_submission_writes_one_check_per_topic_and_closes_the_link(staff, organisation):
    q2 = campaign(organisation)
    invitation = q2.invitations.get(person=staff["eng1"])
    wrong_topic = q2.questions[0]["topic"]
    result = submit(invitation, right_answers(q2, wrong_topics={wrong_topic}))
    checks = {c.topic: c for c in AwarenessCheck.objects.filter(person=staff["eng1"])}
    assert set(checks) == {q["topic"] for q in q2.questions}
    assert checks[wrong_topic].passed is False and checks[wrong_topic].score == 0
    assert all(c.passed and c.score == 100 for t, c in checks.items() if t != wrong_topic)
    assert all(c.checked_on == TODAY for c in checks.values())
    invitation.refresh_from_db()
    assert invitation.submitted_on == TODAY and invitation.score == result.percent
    with pytest.raises(LinkClosed) as closed:
        submit(invitation, right_answers(q2))
    assert closed.value.reason == "used"
    assert AwarenessCheck.objects.filter(person=staff["eng1"], passed=False).count() == 1


def test_incomplete_answers_write_nothing(staff, organisation):
    q2 = campaign(organisation)
    invitation = q2.invitations.first()
    answers = right_answers(q2)
    answers.pop(f"q-{q2.questions[1]['id']}")
    answers[f"q-{q2.questions[2]['id']}"] = "9"
    with pytest.raises(AnswersRejected) as rejected:
        submit(invitation, answers)
    assert rejected.value.messages == [
        "Question 2 has no answer.",
        "Question 3: choose one of the answers shown.",
    ]
    invitation.refresh_from_db()
    assert invitation.submitted_on is None and not AwarenessCheck.objects.exists()


def test_an_expired_link_is_closed(staff, organisation):
    old = create_campaign(
        organisation,
        name="Old",
        audience="all_staff",
        values=ALL_VALUES,
        today=TODAY - dt.timedelta(days=20),
        expires_days=14,
    ).campaign
    with pytest.raises(CampaignRefused, match="expired on"):
        issue_links(old)
    invitation = old.invitations.first()
    with pytest.raises(LinkClosed) as closed:
        submit(invitation, right_answers(old))
    assert closed.value.reason == "expired" and not AwarenessCheck.objects.exists()


# -- the page, through Django's test client ---------------------------------------------------


def csrf_client():
    return Client(enforce_csrf_checks=True)


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


@urls
def test_the_page_shows_the_questions_and_accepts_one_submission(staff, organisation):
    q2 = campaign(organisation)
    token = dict((i.person.email, t) for i, t in issue_links(q2))["eng2@acme.example"]
    client = csrf_client()
    page = client.get(f"/awareness/{token}/")
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin" and "no-store" in page["Cache-Control"]
    assert "Hello Eng2" in page.text
    for question in q2.questions:
        assert question["text"].replace("'", "&#x27;") in page.text
    answers = right_answers(q2) | {"csrfmiddlewaretoken": csrf_token(page)}
    done = client.post(f"/awareness/{token}/", answers)
    assert done.status_code == 200
    assert "5 of 5 correct (100.0%)" in done.text
    assert AwarenessCheck.objects.filter(person=staff["eng2"], passed=True).count() == 5

    reused = client.post(f"/awareness/{token}/", answers)
    assert reused.status_code == 410 and "already been answered" in reused.text
    assert client.get(f"/awareness/{token}/").status_code == 410
    assert AwarenessCheck.objects.count() == 5


@urls
def test_the_page_keeps_csrf_protection(staff, organisation):
    q2 = campaign(organisation)
    (_, token), *_ = issue_links(q2)
    refused = csrf_client().post(f"/awareness/{token}/", right_answers(q2))
    assert refused.status_code == 403
    assert not AwarenessCheck.objects.exists()
    assert find_invitation(token).submitted_on is None


@urls
def test_unknown_expired_and_incomplete(staff, organisation):
    client = Client()
    assert client.get("/awareness/" + "A" * 43 + "/").status_code == 404
    assert client.get("/awareness/short/").status_code == 404
    q2 = campaign(organisation)
    (_, token), *_ = issue_links(q2)
    partial = client.post(f"/awareness/{token}/", {f"q-{q2.questions[0]['id']}": "0"})
    assert partial.status_code == 400 and "Question 2 has no answer." in partial.text
    assert not AwarenessCheck.objects.exists()
    AwarenessCampaign.objects.filter(pk=q2.pk).update(expires_on=TODAY - dt.timedelta(days=1))
    expired = client.get(f"/awareness/{token}/")
    assert expired.status_code == 410 and "This link has expired" in expired.text
    assert client.post(f"/awareness/{token}/", right_answers(q2)).status_code == 410
    assert not AwarenessCheck.objects.exists()


# -- results ----------------------------------------------------------------------------------


def test_results_per_department_and_they_feed_the_mock_audit(staff, organisation):
    q2 = campaign(organisation, count=3)
    invitations = {i.person.email.split("@")[0]: i for i in q2.invitations.all()}
    failing = {q2.questions[0]["topic"], q2.questions[1]["topic"]}
    for name in ("cto", "eng1", "eng2"):
        submit(invitations[name], right_answers(q2, wrong_topics=failing))
    submit(invitations["fin1"], right_answers(q2))
    rows = {r["department"]: r for r in campaign_results(q2)}
    assert list(rows) == ["Engineering", "Finance", "(no department)", "All departments"]
    engineering = rows["Engineering"]
    assert (engineering["invited"], engineering["answered"], engineering["participation"]) == (
        3,
        3,
        100,
    )
    assert (engineering["checks"], engineering["passed"], str(engineering["pass_rate"])) == (
        9,
        3,
        "33.3",
    )
    finance = rows["Finance"]
    assert (finance["invited"], finance["answered"], str(finance["participation"])) == (
        2,
        1,
        "50.0",
    )
    assert (finance["checks"], finance["passed"]) == (3, 3)
    assert rows["(no department)"]["answered"] == 0 and rows["(no department)"]["pass_rate"] is None
    assert rows["All departments"]["invited"] == 6
    by_topic = {r["topic"]: r for r in campaign_results(q2, by="topic")}
    for topic in failing:
        assert (by_topic[topic]["checks"], by_topic[topic]["passed"]) == (4, 1)

    result = run_assessment(
        organisation,
        TODAY,
        2,
        select=["PPL003", "PPL005"],
        profile=Profile(name="test", pervasive_count=0, pattern_size=0),
    )
    assert [(f.code, f.subject.key) for f in result.findings] == [("PPL003", "Engineering")]


# -- CLI and API ------------------------------------------------------------------------------


def cli(*args):
    app = typer.Typer()
    app.add_typer(awareness_cli.app, name="awareness")
    return CliRunner().invoke(app, ["awareness", *map(str, args)], catch_exceptions=False)


@urls
def test_cli_create_links_and_results(staff, organisation):
    values = [f"--value={k}={v}" for k, v in ALL_VALUES.items()]
    made = cli(
        "campaign", "create", "--org", "acme", "--name", "Q2", "--department", "Engineering",
        "--questions", "4", "--expires-days", "7", *values,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "4 questions for all staff, 3 people invited" in made.stdout
    links = cli("links", "Q2", "--org", "acme", "--base-url", "https://isms.example.org/")
    assert links.exit_code == 0, links.output
    rows = list(csv.DictReader(io.StringIO(links.stdout)))
    assert [r["email"] for r in rows] == [f"{n}@acme.example" for n in ("cto", "eng1", "eng2")]
    assert all(r["link"].startswith("https://isms.example.org/awareness/") for r in rows)
    token = rows[1]["link"].rstrip("/").rsplit("/", 1)[1]
    q2 = AwarenessCampaign.objects.get(name="Q2")
    submit(find_invitation(token), right_answers(q2))
    results = cli("results", "Q2", "--org", "acme", "--format", "csv")
    table = list(csv.DictReader(io.StringIO(results.stdout)))
    assert (table[0]["department"], table[0]["participation"], table[0]["pass_rate"]) == (
        "Engineering",
        "33.3",
        "100.0",
    )
    reissued = cli("links", "Q2", "--org", "acme")
    assert [r["email"] for r in csv.DictReader(io.StringIO(reissued.stdout))] == [
        "cto@acme.example",
        "eng2@acme.example",
    ]
    shown = cli("campaign", "show", "Q2", "--org", "acme", "--format", "json")
    assert shown.exit_code == 0 and '"right_answer"' in shown.stdout
    refused = cli("campaign", "create", "--org", "acme", "--name", "Q2", "--value", "oops")
    assert refused.exit_code == 2 and "--value expects NAME=TEXT" in refused.output
    missing = cli("results", "Nope", "--org", "acme")
    assert missing.exit_code == 2 and "no awareness campaign named 'Nope'" in missing.output


def test_cli_checks_a_bank_file(tmp_path):
    copy = tmp_path / "bank.yaml"
    assert cli("copy-bank", copy).exit_code == 0
    listed = cli("questions", "--bank", copy, "--audience", "it", "--format", "json")
    assert listed.exit_code == 0 and '"admin-accounts"' in listed.stdout
    copy.write_text(copy.read_text().replace("topic: phishing", "topic: fishing", 1))
    broken = cli("questions", "--bank", copy)
    assert broken.exit_code == 2 and "topic 'fishing' is not one of" in broken.output


@urls
def test_api_create_links_results(staff, organisation, other_organisation, make_member):
    manager, _ = make_member(organisation, Role.ISMS_MANAGER)
    client = TestClient(router)
    base = "/orgs/acme/awareness/campaigns"
    created = client.post(
        base,
        json={"name": "API", "department": "Finance", "questions": 3, "values": ALL_VALUES},
        user=manager,
    )
    assert created.status_code == 201, created.content
    campaign_id = created.json()["campaign"]["id"]
    assert created.json()["campaign"]["invited"] == 2
    links = client.post(
        f"{base}/{campaign_id}/links", json={"base_url": "https://isms.example.org"}, user=manager
    )
    assert links.status_code == 200
    assert {row["email"] for row in links.json()} == {"cfo@acme.example", "fin1@acme.example"}
    results = client.get(f"{base}/{campaign_id}/results", user=manager)
    assert results.json()["rows"][0] == {
        "group": "Finance",
        "invited": 2,
        "answered": 0,
        "participation": 0.0,
        "checks": 0,
        "passed": 0,
        "pass_rate": None,
        "average_score": None,
    }
    duplicate = client.post(base, json={"name": "API"}, user=manager)
    assert duplicate.status_code == 422 and "already exists" in duplicate.json()["detail"]
    outsider, _ = make_member(other_organisation, Role.OWNER)
    assert client.get(f"{base}/{campaign_id}/results", user=outsider).status_code == 404


def test_draws_are_spread_over_topics():
    bank = load_bank()
    chosen = draw(bank.for_audience("it"), 7, random.Random(3))  # noqa: S311
    assert len({q.topic for q in chosen}) == 7
