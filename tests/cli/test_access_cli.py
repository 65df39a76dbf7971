"""isms member remove/suspend/resume, isms user deactivate/activate/list, and token expiry,
scope and listing from the command line (issue 9, item 7)."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from isms.core.models import ApiToken, Membership
from isms.core.permissions import Role


@pytest.fixture
def acme(cli, organisation, make_member):
    """acme with an owner (olivia), an ISMS manager (mike) and a viewer (vic)."""
    make_member(organisation, Role.OWNER, username="olivia")
    make_member(organisation, Role.ISMS_MANAGER, username="mike")
    make_member(organisation, Role.VIEWER, username="vic")
    return organisation


def members(cli):
    return {
        row["username"]: row["active"]
        for row in json.loads(cli("member", "list", "--org", "acme", "-f", "json").stdout)
    }


def test_suspend_resume_and_remove_a_member_in_the_owners_name(cli, acme):
    result = cli("member", "suspend", "vic", "--org", "acme", "--as", "olivia")
    assert result.exit_code == 0, result.output
    assert "Suspended vic in acme" in result.stdout
    assert members(cli)["vic"] is False
    membership = Membership.objects.get(user__username="vic")
    assert membership.history.first().history_user.username == "olivia"
    assert "already suspended" in cli("member", "suspend", "vic", "--org", "acme").stdout

    assert cli("member", "resume", "vic", "--org", "acme", "--as", "olivia").exit_code == 0
    assert members(cli)["vic"] is True

    result = cli("member", "remove", "vic", "--org", "acme", "--as", "olivia")
    assert result.exit_code == 0, result.output
    assert "Removed vic from acme." in result.stdout
    assert "vic" not in members(cli)
    deleted = Membership.history.filter(id=membership.pk).first()
    assert (deleted.history_type, deleted.history_user.username) == ("-", "olivia")


def test_only_an_owner_may_manage_members(cli, acme):
    result = cli("member", "suspend", "vic", "--org", "acme", "--as", "mike")
    assert result.exit_code == 2
    assert "--as mike in acme" in result.output and "may not manage_members" in result.output
    assert members(cli)["vic"] is True
    assert cli("member", "remove", "vic", "--org", "acme", "--as", "mike").exit_code == 2
    promote = cli("member", "add", "vic", "--org", "acme", "-r", "owner", "--as", "mike")
    assert promote.exit_code == 2
    assert Membership.objects.get(user__username="vic").role == Role.VIEWER


def test_the_last_active_owner_stays(cli, acme):
    for command in ("remove", "suspend"):
        result = cli("member", command, "olivia", "--org", "acme", "--as", "olivia")
        assert result.exit_code == 2, command
        assert "olivia is the last active owner of acme" in result.output
    result = cli("user", "deactivate", "olivia")
    assert result.exit_code == 2
    assert "last active owner of acme" in result.output
    assert members(cli)["olivia"] is True
    assert get_user_model().objects.get(username="olivia").is_active

    cli("member", "add", "mike", "--org", "acme", "--role", "owner", "--as", "olivia")
    assert cli("member", "suspend", "olivia", "--org", "acme", "--as", "mike").exit_code == 0


def test_unknown_members_exit_2(cli, acme):
    result = cli("member", "remove", "ghost", "--org", "acme")
    assert result.exit_code == 2 and "no user named 'ghost'" in result.output
    get_user_model().objects.create_user("stranger")
    result = cli("member", "suspend", "stranger", "--org", "acme")
    assert result.exit_code == 2 and "stranger is not a member of acme" in result.output


def test_deactivate_and_activate_a_user(cli, acme, caplog):
    with caplog.at_level("INFO", logger="isms.security"):
        result = cli("user", "deactivate", "mike", "--as", "olivia")
    assert result.exit_code == 0, result.output
    assert "refuses their tokens and sessions" in result.stdout
    assert "user deactivated: mike by olivia" in caplog.text
    users = {row["username"]: row for row in json.loads(cli("user", "list", "-f", "json").stdout)}
    assert users["mike"]["active"] is False and users["mike"]["organisations"] == ["acme"]
    assert cli("user", "activate", "mike").exit_code == 0
    assert get_user_model().objects.get(username="mike").is_active
    # --as must manage the members of every organisation the user belongs to.
    result = cli("user", "deactivate", "vic", "--as", "mike")
    assert result.exit_code == 2 and "may not manage_members" in result.output


def test_users_are_found_by_email_too(cli, acme):
    get_user_model().objects.filter(username="vic").update(email="vic@acme.test")
    assert cli("member", "suspend", "vic@acme.test", "--org", "acme").exit_code == 0
    assert members(cli)["vic"] is False


def test_tokens_expire_in_90_days_by_default_and_can_be_read_only(cli, acme):
    result = cli("token", "create", "mike", "--name", "ci")
    assert result.exit_code == 0, result.output
    assert "read-write, expires" in result.stdout
    default = ApiToken.objects.get(name="ci")
    assert default.expires_at.date() == (timezone.now() + dt.timedelta(days=90)).date()

    result = cli(
        "token", "create", "vic", "--name", "dash", "--expires-in-days", "7", "--read-only"
    )
    assert result.exit_code == 0, result.output
    token = ApiToken.objects.get(name="dash")
    assert token.read_only
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=7)).date()

    result = cli("token", "create", "vic", "--name", "long", "--expires-in-days", "400")
    assert result.exit_code == 2 and "valid for 1 to 365 days" in result.output
    assert cli("token", "create", "vic", "--name", "old", "--expires-days", "3").exit_code == 0


def test_token_list_shows_every_token_or_one_users(cli, acme):
    cli("token", "create", "mike", "--name", "ci")
    cli("token", "create", "vic", "--name", "dash", "--read-only")
    cli("token", "revoke", "vic", "--name", "dash")
    rows = json.loads(cli("token", "list", "-f", "json").stdout)
    assert [(r["user"], r["name"], r["scope"], r["revoked"], r["valid"]) for r in rows] == [
        ("mike", "ci", "read-write", False, True),
        ("vic", "dash", "read", True, False),
    ]
    assert set(rows[0]) == {
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked",
        "valid",
    }
    only_vic = json.loads(cli("token", "list", "--user", "vic", "-f", "json").stdout)
    assert [r["name"] for r in only_vic] == ["dash"]
    assert json.loads(cli("token", "list", "mike", "-f", "json").stdout)[0]["name"] == "ci"
    assert "API tokens" in cli("token", "list").stdout
    assert cli("token", "revoke", "vic", "--name", "dash").exit_code == 2
