"""``isms awareness``: awareness check campaigns with personal links (7.3)."""

import csv
import json
import os
import shutil
import sys
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

import typer
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch
from django.utils import timezone

from isms.cli.database import ensure_database
from isms.cli.lookups import organisation_or_exit, user_or_exit
from isms.cli.output import OutputFormat, console, emit, err_console, fail
from isms.core.actor import acting_as
from isms.core.permissions import Action
from isms.people.awareness import (
    DEFAULT_BANK,
    MAX_QUESTIONS,
    Audience,
    BankError,
    campaign_by_name,
    campaign_results,
    campaign_summary,
    create_campaign,
    issue_links,
    link_url,
    load_bank,
)
from isms.people.models import AwarenessCampaign

app = typer.Typer(help="Awareness checks (7.3): campaigns, personal links, results.")
campaign_app = typer.Typer(help="Create, list and show awareness campaigns.")
app.add_typer(campaign_app, name="campaign")

ORG = typer.Option(..., "--org", help="Organisation slug.")
AS_USER = typer.Option(None, "--as", help="Record the change in history as made by this user.")
BANK = typer.Option(
    None, "--bank", help="A question bank YAML file (default: the built-in bank).", dir_okay=False
)
DEFAULT_BASE_URL = "http://localhost:8000"


class By(StrEnum):
    department = "department"
    topic = "topic"


def _bank(path: Path | None):
    try:
        return load_bank(path)
    except BankError as error:
        fail(str(error), error.problems)


def _campaign(organisation, name: str) -> AwarenessCampaign:
    campaign = campaign_by_name(organisation, name)
    if campaign is None:
        fail(f"no awareness campaign named {name!r} in {organisation.slug}")
    return campaign


def _numbers(rows) -> list[dict]:
    """Rows with percentages as plain numbers (JSON has no decimals)."""
    return [
        {key: float(value) if isinstance(value, Decimal) else value for key, value in row.items()}
        for row in rows
    ]


def _values(pairs: list[str]) -> dict[str, str]:
    values, problems = {}, []
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name.strip():
            problems.append(f"--value expects NAME=TEXT, got {pair!r}")
            continue
        values[name.strip()] = text.strip()
    if problems:
        fail("bad --value", problems)
    return values


@app.command("questions")
def questions_command(
    audience: Audience | None = typer.Option(None, "--audience", help="Only this audience."),
    bank: Path | None = BANK,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List (and check) the question bank: the questions per audience and the organisation
    values they need."""
    loaded = _bank(bank)
    rows = [
        {
            "audience": question.audience,
            "id": question.id,
            "topic": question.topic,
            "needs": sorted(question.values),
            "question": question.text,
            "answer": question.answer,
            "wrong": list(question.wrong),
        }
        for name, questions in loaded.questions.items()
        if audience is None or name == audience
        for question in questions
    ]
    columns = ["audience", "id", "topic", "needs", "question"]
    if fmt is not OutputFormat.table:
        columns = [*columns, "answer", "wrong"]
    emit(rows, columns, fmt, title=f"Questions in {loaded.source}")
    if fmt is OutputFormat.table:
        for name, meaning in loaded.values.items():
            console.print(f"value {name}: {meaning}", highlight=False)


@app.command("copy-bank")
def copy_bank_command(
    path: Path = typer.Argument(..., help="Where to write the YAML file.", dir_okay=False),
) -> None:
    """Write the built-in question bank to a file, to edit and use with --bank."""
    if path.exists():
        fail(f"{path} exists; choose another name or remove it first")
    try:
        shutil.copyfile(DEFAULT_BANK, path)
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    console.print(f"Wrote the default question bank to {path}; edit it, then pass --bank {path}.")


@campaign_app.command("create")
def create_command(
    org: str = ORG,
    name: str = typer.Option(..., "--name", help="Campaign name, unique."),
    audience: Audience = typer.Option(Audience.ALL_STAFF, "--audience"),
    department: str | None = typer.Option(None, "--department", help="Only this department."),
    person: list[str] = typer.Option(
        [], "--person", help="Only these people (email; repeat the option)."
    ),
    questions: int = typer.Option(5, "--questions", help=f"Questions to ask (1-{MAX_QUESTIONS})."),
    expires_days: int = typer.Option(14, "--expires-days", help="Days the links stay valid."),
    value: list[str] = typer.Option(
        [], "--value", help="Organisation value NAME=TEXT for the answers (repeat the option)."
    ),
    bank: Path | None = BANK,
    as_user: str | None = AS_USER,
) -> None:
    """Draw the questions and invite every current person in scope (links come from
    isms awareness links)."""
    ensure_database()
    organisation = organisation_or_exit(org)
    values = _values(value)
    loaded = _bank(bank)
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.EDIT_REGISTERS)):
            created = create_campaign(
                organisation,
                name=name,
                audience=audience.value,
                count=questions,
                expires_days=expires_days,
                department=department,
                people=person,
                values=values,
                bank=loaded,
            )
    except ValidationError as error:
        fail("campaign not created", list(error.messages))
    campaign = created.campaign
    for missing, ids in sorted(created.left_out.items()):
        err_console.print(
            f"note: {len(ids)} question(s) left out for want of --value {missing}=...: "
            + ", ".join(ids),
            highlight=False,
        )
    console.print(
        f"Campaign {campaign.name!r}: {len(campaign.questions)} questions for "
        f"{campaign.get_audience_display().lower()}, {created.invited} people invited, links "
        f"valid until {campaign.expires_on}.\n"
        f"Next: isms awareness links {json.dumps(campaign.name)} --org {organisation.slug} "
        "--base-url https://isms.example.org > links.csv",
        highlight=False,
    )


@campaign_app.command("list")
def list_command(
    org: str = ORG,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List the campaigns with their participation so far."""
    ensure_database()
    organisation = organisation_or_exit(org)
    today = timezone.localdate()
    rows = _numbers(
        campaign_summary(campaign, today)
        for campaign in AwarenessCampaign.objects.for_organisation(organisation)
    )
    columns = ["name", "audience", "department", "opened_on", "expires_on", "invited"]
    columns += ["answered", "participation"]
    if fmt is not OutputFormat.table:
        columns = list(rows[0]) if rows else columns
    emit(rows, columns, fmt, title=f"Awareness campaigns of {organisation.slug}")


@campaign_app.command("show")
def show_command(
    name: str = typer.Argument(..., help="Campaign name."),
    org: str = ORG,
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Show a campaign's questions as asked, with the right answers (to go through them with
    staff once the campaign has closed)."""
    ensure_database()
    campaign = _campaign(organisation_or_exit(org), name)
    rows = [
        {
            "number": number,
            "topic": question["topic"],
            "question": question["text"],
            "right_answer": question["options"][question["correct"]],
            "options": question["options"],
        }
        for number, question in enumerate(campaign.questions, start=1)
    ]
    columns = ["number", "topic", "question", "right_answer"]
    if fmt is not OutputFormat.table:
        columns = [*columns, "options"]
    emit(rows, columns, fmt, title=f"{campaign.name} (until {campaign.expires_on})")


@app.command("links")
def links_command(
    campaign_name: str = typer.Argument(..., metavar="CAMPAIGN", help="Campaign name."),
    org: str = ORG,
    base_url: str = typer.Option(
        None,
        "--base-url",
        help=f"Address of the isms web server (default $ISMS_BASE_URL or {DEFAULT_BASE_URL}).",
    ),
    person: list[str] = typer.Option(
        [], "--person", help="Only re-issue these people's links (email; repeat the option)."
    ),
    as_user: str | None = AS_USER,
) -> None:
    """Print the personal links as CSV (email,link) for a mail merge.

    Every run makes new links for the people who have not answered (or for --person) and the
    earlier ones stop working: only a hash of each link is stored, so links are shown once."""
    ensure_database()
    organisation = organisation_or_exit(org)
    campaign = _campaign(organisation, campaign_name)
    base = (base_url or os.environ.get("ISMS_BASE_URL") or DEFAULT_BASE_URL).strip()
    if not base.startswith(("https://", "http://")):
        fail(f"--base-url must start with https:// or http://, got {base!r}")
    try:
        link_url(base, "x" * 43)
    except NoReverseMatch:
        fail("the awareness page is not mounted in the URL configuration (isms.people.urls)")
    try:
        with acting_as(user_or_exit(as_user, organisation, Action.EDIT_REGISTERS)):
            issued = issue_links(campaign, people=person)
    except ValidationError as error:
        fail("no links issued", list(error.messages))
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["email", "link"])
    for invitation, token in issued:
        writer.writerow([invitation.person.email, link_url(base, token)])
    err_console.print(
        f"{len(issued)} link(s) for {campaign.name!r}, valid until {campaign.expires_on}; "
        "links printed before for the same people no longer work.",
        highlight=False,
    )


@app.command("results")
def results_command(
    campaign_name: str = typer.Argument(..., metavar="CAMPAIGN", help="Campaign name."),
    org: str = ORG,
    by: By = typer.Option(By.department, "--by", help="Group by department or by topic."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """Participation and pass rates per department (or topic). pass_rate is the share of
    topic checks passed, as the mock audit (PPL003) judges it."""
    ensure_database()
    campaign = _campaign(organisation_or_exit(org), campaign_name)
    rows = _numbers(campaign_results(campaign, by=by.value))
    columns = list(rows[0]) if rows else [by.value]
    emit(rows, columns, fmt, title=f"{campaign.name}: results by {by.value}")
