"""``isms org``, ``isms user`` and ``isms member``: tenants, logins and roles."""

from contextlib import contextmanager
from enum import StrEnum

import typer
from django.core.exceptions import ValidationError

from isms.cli.database import ensure_database
from isms.cli.output import OutputFormat, console, emit, fail
from isms.core import services
from isms.core.models import Membership, Organisation
from isms.core.permissions import Role

org_app = typer.Typer(help="Organisations (tenants).")
user_app = typer.Typer(help="Users who log in to the web UI and API.")
member_app = typer.Typer(help="Who belongs to an organisation, and in which role.")

RoleChoice = StrEnum("RoleChoice", {value: value for value in Role.values})


@contextmanager
def _validation_errors(what: str):
    """Turn a ValidationError into the bad-input exit, listing every field problem."""
    try:
        yield
    except ValidationError as error:
        problems = (
            [
                f"{field}: {message}"
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            if hasattr(error, "error_dict")
            else list(error.messages)
        )
        fail(f"cannot {what}", problems)


@org_app.command("create")
def org_create(
    slug: str = typer.Argument(..., help="Short id used in URLs and --org, e.g. acme."),
    name: str = typer.Option(..., "--name", "-n", help="Display name."),
) -> None:
    """Create an organisation."""
    ensure_database()
    with _validation_errors(f"create organisation {slug!r}"):
        organisation = services.create_organisation(slug, name)
    console.print(f"Created organisation [bold]{organisation.slug}[/] ({organisation.name}).")


@org_app.command("list")
def org_list(fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
    """List organisations."""
    ensure_database()
    rows = [
        {"slug": org.slug, "name": org.name, "created_at": org.created_at.isoformat()}
        for org in Organisation.objects.all()
    ]
    emit(rows, ["slug", "name", "created_at"], fmt, title="Organisations")


@user_app.command("create")
def user_create(
    username: str = typer.Argument(...),
    email: str = typer.Option("", "--email", "-e"),
    password: str | None = typer.Option(
        None,
        "--password",
        envvar="ISMS_NEW_USER_PASSWORD",
        help="Password (or ISMS_NEW_USER_PASSWORD). Prompted for when omitted and interactive.",
    ),
    no_password: bool = typer.Option(
        False, "--no-password", help="Create the user without a usable password."
    ),
) -> None:
    """Create a user who can log in."""
    ensure_database()
    if password is None and not no_password:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _validation_errors(f"create user {username!r}"):
        user = services.create_user(username, email, None if no_password else password)
    console.print(f"Created user [bold]{user.username}[/].")


@member_app.command("add")
def member_add(
    username: str = typer.Argument(..., help="An existing user."),
    org: str = typer.Option(..., "--org", help="Organisation slug."),
    role: RoleChoice = typer.Option(..., "--role", "-r", help="The member's role."),
    top_management: bool = typer.Option(
        False, "--top-management", help="The member is part of top management."
    ),
) -> None:
    """Add a user to an organisation, or change their role there."""
    ensure_database()
    with _validation_errors(f"add {username!r} to {org!r}"):
        organisation = services.get_organisation(org)
        user = services.get_user(username)
        membership, created = services.set_membership(
            organisation, user, role.value, top_management
        )
    verb = "Added" if created else "Updated"
    extra = " (top management)" if membership.is_top_management else ""
    console.print(
        f"{verb} [bold]{user.username}[/] in {organisation.slug} as "
        f"{Role(membership.role).label}{extra}."
    )


@member_app.command("list")
def member_list(
    org: str = typer.Option(..., "--org", help="Organisation slug."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List the members of an organisation."""
    ensure_database()
    with _validation_errors("list members"):
        organisation = services.get_organisation(org)
    rows = [
        {
            "username": m.user.username,
            "role": m.role,
            "top_management": m.is_top_management,
            "active": m.is_active,
        }
        for m in Membership.objects.for_organisation(organisation).select_related("user")
    ]
    emit(rows, ["username", "role", "top_management", "active"], fmt, title=f"Members of {org}")


token_app = typer.Typer(help="API tokens (Authorization: Bearer <token>).")


@token_app.command("create")
def token_create(
    username: str = typer.Argument(..., help="The user the token acts as."),
    name: str = typer.Option(..., "--name", "-n", help="What the token is for."),
    expires_days: int | None = typer.Option(
        None, "--expires-days", help="Days until it expires; default never."
    ),
) -> None:
    """Create an API token. It is printed once; only its hash is stored."""
    ensure_database()
    with _validation_errors(f"create a token for {username!r}"):
        user = services.get_user(username)
        record, token = services.create_api_token(user, name, expires_days)
    expiry = f", expires {record.expires_at:%Y-%m-%d}" if record.expires_at else ""
    console.print(
        f"Token {record.name!r} for {username}{expiry}. Store it now; it is not shown again:"
    )
    console.print(token, markup=False, highlight=False)


@token_app.command("list")
def token_list(
    username: str = typer.Argument(...),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List a user's API tokens (never the tokens themselves)."""
    ensure_database()
    with _validation_errors("list tokens"):
        user = services.get_user(username)
    rows = [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at.isoformat(timespec="seconds"),
            "expires_at": t.expires_at.isoformat(timespec="seconds") if t.expires_at else None,
            "last_used_at": t.last_used_at.isoformat(timespec="seconds")
            if t.last_used_at
            else None,
            "revoked": t.revoked_at is not None,
        }
        for t in user.api_tokens.all()
    ]
    emit(rows, list(rows[0]) if rows else ["name", "prefix"], fmt, title=f"Tokens of {username}")


@token_app.command("revoke")
def token_revoke(
    username: str = typer.Argument(...),
    name: str = typer.Option(..., "--name", "-n"),
) -> None:
    """Revoke a token so it no longer authenticates."""
    from django.utils import timezone

    ensure_database()
    with _validation_errors("revoke the token"):
        user = services.get_user(username)
    updated = user.api_tokens.filter(name=name, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        fail(f"{username} has no active token named {name!r}")
    console.print(f"Revoked token {name!r} of {username}.")
