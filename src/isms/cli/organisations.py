"""``isms org``, ``isms user`` and ``isms member``: tenants, logins and roles."""

from contextlib import contextmanager
from enum import StrEnum

import typer
from django.core.exceptions import ValidationError

from isms.cli.database import ensure_database
from isms.cli.lookups import user_or_exit
from isms.cli.output import OutputFormat, console, emit, fail
from isms.core import accounts, services
from isms.core.actor import acting_as
from isms.core.models import ApiToken, Membership, Organisation
from isms.core.permissions import Action, Role

org_app = typer.Typer(help="Organisations (tenants).")
user_app = typer.Typer(help="Users who log in to the web UI and API.")
member_app = typer.Typer(help="Who belongs to an organisation, and in which role.")

RoleChoice = StrEnum("RoleChoice", {value: value for value in Role.values})

USER = typer.Argument(..., help="A user name (or the email of exactly one user).")
ORG = typer.Option(..., "--org", help="Organisation slug.")
AS_USER = typer.Option(
    None,
    "--as",
    help="Record the change in history as made by this user (an owner of the organisation).",
)


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


@org_app.command("update")
def org_update(
    slug: str = typer.Argument(..., help="The organisation's slug."),
    require_two_factor: bool | None = typer.Option(
        None,
        "--require-two-factor/--no-require-two-factor",
        help="Members must confirm a TOTP code before any of the organisation's pages.",
    ),
    as_user: str | None = AS_USER,
) -> None:
    """Change an organisation's settings (an owner's: --as must manage the organisation)."""
    ensure_database()
    if require_two_factor is None:
        fail("nothing to change: give --require-two-factor or --no-require-two-factor")
    with _validation_errors(f"update organisation {slug!r}"):
        organisation = services.get_organisation(slug)
    actor = user_or_exit(as_user, organisation, Action.MANAGE_ORGANISATION)
    with acting_as(actor):
        changed = accounts.set_require_two_factor(organisation, require_two_factor)
    state = "requires" if require_two_factor else "does not require"
    prefix = "" if changed else "Already: "
    console.print(f"{prefix}{organisation.slug} {state} two-factor of its members.")


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


@user_app.command("reset-link")
def user_reset_link(
    username: str = USER,
    hours: int = typer.Option(
        24, "--hours", help="Hours the link is valid: 1 to 72 (PASSWORD_RESET_TIMEOUT)."
    ),
    base_url: str = typer.Option(
        "http://127.0.0.1:8000",
        "--base-url",
        envvar="ISMS_BASE_URL",
        help="Where users reach the web application (or ISMS_BASE_URL).",
    ),
) -> None:
    """Print a one-time link where the user sets a new password (no e-mail is sent).

    The link works once, expires after --hours, and clears the user's sign-in lockout when
    used. Hand it over in person or through a channel you trust."""
    ensure_database()
    with _validation_errors(f"make a reset link for {username!r}"):
        user = services.get_user(username)
        link = accounts.reset_link_path(user, hours)
    console.print(f"Password reset link for [bold]{user.username}[/], valid {hours} h and once:")
    console.print(base_url.rstrip("/") + link, markup=False, highlight=False, soft_wrap=True)


@user_app.command("two-factor-off")
def user_two_factor_off(username: str = USER, as_user: str | None = AS_USER) -> None:
    """Remove a user's two-factor device (they lost it); they enrol again at the next sign-in
    to an organisation that requires it. The --as user must own every organisation of the
    user."""
    ensure_database()
    with _validation_errors(f"turn two-factor off for {username!r}"):
        user = services.get_user(username)
    actor = _as_user_for_all_organisations_of(user, as_user)
    with acting_as(actor):
        removed = accounts.remove_two_factor(user, code=None)
    if removed:
        console.print(f"Removed the two-factor device of [bold]{user.username}[/].")
    else:
        console.print(f"{user.username} has no two-factor device.")


@user_app.command("list")
def user_list(fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f")) -> None:
    """List users, whether they may log in, and their organisations."""
    from django.contrib.auth import get_user_model

    ensure_database()
    rows = [
        {
            "username": user.username,
            "email": user.email,
            "active": user.is_active,
            "organisations": [
                m.organisation.slug + ("" if m.is_active else " (suspended)")
                for m in user.memberships.select_related("organisation")
            ],
        }
        for user in get_user_model().objects.order_by("username")
    ]
    emit(rows, ["username", "email", "active", "organisations"], fmt, title="Users")


def _as_user_for_all_organisations_of(user, as_user: str | None):
    """The ``--as`` user, who must manage the members of every organisation ``user`` is in."""
    if not as_user:
        return None
    for membership in user.memberships.select_related("organisation"):
        user_or_exit(as_user, membership.organisation, Action.MANAGE_MEMBERS)
    return user_or_exit(as_user)


def _set_user_active(username: str, active: bool, as_user: str | None) -> None:
    ensure_database()
    verb = "activate" if active else "deactivate"
    with _validation_errors(f"{verb} {username!r}"):
        user = services.get_user(username)
    actor = _as_user_for_all_organisations_of(user, as_user)
    with _validation_errors(f"{verb} {username!r}"), acting_as(actor):
        changed = services.set_user_active(user, active)
    if not changed:
        console.print(f"{user.username} is already {'active' if active else 'deactivated'}.")
    elif active:
        console.print(f"Activated [bold]{user.username}[/]: their unexpired tokens work again.")
    else:
        console.print(
            f"Deactivated [bold]{user.username}[/]: the API refuses their tokens and sessions."
        )


@user_app.command("deactivate")
def user_deactivate(username: str = USER, as_user: str | None = AS_USER) -> None:
    """Stop a user logging in: the API refuses their tokens and sessions (undo: activate).

    Refused while they are the last active owner of an organisation."""
    _set_user_active(username, False, as_user)


@user_app.command("activate")
def user_activate(username: str = USER, as_user: str | None = AS_USER) -> None:
    """Let a deactivated user log in again."""
    _set_user_active(username, True, as_user)


@member_app.command("add")
def member_add(
    username: str = USER,
    org: str = ORG,
    role: RoleChoice = typer.Option(..., "--role", "-r", help="The member's role."),
    top_management: bool = typer.Option(
        False, "--top-management", help="The member is part of top management."
    ),
    as_user: str | None = AS_USER,
) -> None:
    """Add a user to an organisation, or change their role there."""
    ensure_database()
    with _validation_errors(f"add {username!r} to {org!r}"):
        organisation = services.get_organisation(org)
        user = services.get_user(username)
    actor = user_or_exit(as_user, organisation, Action.MANAGE_MEMBERS)
    with _validation_errors(f"add {username!r} to {org!r}"), acting_as(actor):
        membership, created = services.set_membership(
            organisation, user, role.value, top_management
        )
    verb = "Added" if created else "Updated"
    extra = " (top management)" if membership.is_top_management else ""
    console.print(
        f"{verb} [bold]{user.username}[/] in {organisation.slug} as "
        f"{Role(membership.role).label}{extra}."
    )


def _member_and_actor(username: str, org: str, as_user: str | None, what: str):
    with _validation_errors(what):
        organisation = services.get_organisation(org)
        user = services.get_user(username)
    return organisation, user, user_or_exit(as_user, organisation, Action.MANAGE_MEMBERS)


@member_app.command("remove")
def member_remove(username: str = USER, org: str = ORG, as_user: str | None = AS_USER) -> None:
    """Take a user out of an organisation (kept in the membership's history).

    Refused for the last active owner: make another member owner first."""
    ensure_database()
    what = f"remove {username!r} from {org!r}"
    organisation, user, actor = _member_and_actor(username, org, as_user, what)
    with _validation_errors(what), acting_as(actor):
        services.remove_membership(organisation, user)
    console.print(f"Removed [bold]{user.username}[/] from {organisation.slug}.")


def _set_member_active(username: str, org: str, as_user: str | None, active: bool) -> None:
    ensure_database()
    what = f"{'resume' if active else 'suspend'} {username!r} in {org!r}"
    organisation, user, actor = _member_and_actor(username, org, as_user, what)
    with _validation_errors(what), acting_as(actor):
        changed = services.set_membership_active(organisation, user, active)
    state = "active" if active else "suspended"
    if not changed:
        console.print(f"{user.username} is already {state} in {organisation.slug}.")
    elif active:
        console.print(f"Resumed [bold]{user.username}[/] in {organisation.slug}.")
    else:
        console.print(
            f"Suspended [bold]{user.username}[/] in {organisation.slug}: they keep their role "
            "but may do nothing there until resumed."
        )


@member_app.command("suspend")
def member_suspend(username: str = USER, org: str = ORG, as_user: str | None = AS_USER) -> None:
    """Suspend a membership: the member may do nothing in the organisation (undo: resume).

    Refused for the last active owner."""
    _set_member_active(username, org, as_user, False)


@member_app.command("resume")
def member_resume(username: str = USER, org: str = ORG, as_user: str | None = AS_USER) -> None:
    """Reactivate a suspended membership."""
    _set_member_active(username, org, as_user, True)


@member_app.command("list")
def member_list(
    org: str = ORG,
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
    expires_in_days: int | None = typer.Option(
        None,
        "--expires-in-days",
        "--expires-days",
        help="Days until it expires: 1 to 365; default ISMS_TOKEN_DAYS (90).",
    ),
    read_only: bool = typer.Option(
        False, "--read-only", help="The token may only read (GET); writes answer 403."
    ),
) -> None:
    """Create an API token. It is printed once; only its hash is stored."""
    ensure_database()
    with _validation_errors(f"create a token for {username!r}"):
        user = services.get_user(username)
        record, token = services.create_api_token(user, name, expires_in_days, read_only)
    console.print(
        f"Token {record.name!r} for {user.username}, {record.scope}, expires "
        f"{record.expires_at:%Y-%m-%d %H:%M} UTC. Store it now; it is not shown again:"
    )
    console.print(token, markup=False, highlight=False)


def _when(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


TOKEN_COLUMNS = (
    "user",
    "name",
    "prefix",
    "scope",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked",
    "valid",
)


@token_app.command("list")
def token_list(
    username: str | None = typer.Argument(None, help="Only this user's tokens."),
    user_option: str | None = typer.Option(None, "--user", "-u", help="Only this user's tokens."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f"),
) -> None:
    """List API tokens (never the tokens themselves): all, or one user's."""
    from django.utils import timezone

    ensure_database()
    if username and user_option and username != user_option:
        fail("name the user once: as the argument or with --user")
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
    who = username or user_option
    if who:
        with _validation_errors("list tokens"):
            tokens = tokens.filter(user=services.get_user(who))
    now = timezone.now()
    rows = [
        {
            "user": t.user.username,
            "name": t.name,
            "prefix": t.prefix,
            "scope": t.scope,
            "created_at": _when(t.created_at),
            "expires_at": _when(t.expires_at),
            "last_used_at": _when(t.last_used_at),
            "revoked": t.revoked_at is not None,
            "valid": t.revoked_at is None and t.expires_at > now and t.user.is_active,
        }
        for t in tokens
    ]
    title = f"Tokens of {who}" if who else "API tokens"
    emit(rows, list(TOKEN_COLUMNS), fmt, title=title)


@token_app.command("revoke")
def token_revoke(
    username: str = typer.Argument(...),
    name: str = typer.Option(..., "--name", "-n"),
) -> None:
    """Revoke a token so it no longer authenticates."""
    ensure_database()
    with _validation_errors("revoke the token"):
        user = services.get_user(username)
    if not services.revoke_api_token(user, name):
        fail(f"{username} has no active token named {name!r}")
    console.print(f"Revoked token {name!r} of {user.username}.")
