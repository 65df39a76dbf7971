"""Access that can be taken away: memberships, users and tokens (issue 9, item 7)."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from isms.core import services
from isms.core.actor import acting_as
from isms.core.models import ApiToken, Membership
from isms.core.permissions import Action, Role, can

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_removing_a_member_is_kept_in_history_with_the_acting_user(organisation, make_member):
    owner, _ = make_member(organisation, Role.OWNER)
    user, membership = make_member(organisation, Role.CONTRIBUTOR)
    with acting_as(owner):
        services.remove_membership(organisation, user)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    deleted = Membership.history.filter(id=membership.pk).first()
    assert (deleted.history_type, deleted.history_user) == ("-", owner)
    with pytest.raises(ValidationError, match="is not a member of acme"):
        services.remove_membership(organisation, user)


def test_suspending_and_resuming_a_member(organisation, make_member):
    owner, _ = make_member(organisation, Role.OWNER)
    user, membership = make_member(organisation, Role.ISMS_MANAGER)
    with acting_as(owner):
        assert services.set_membership_active(organisation, user, False) is True
        assert services.set_membership_active(organisation, user, False) is False
    membership.refresh_from_db()
    assert not membership.is_active and membership.role == Role.ISMS_MANAGER
    assert not can(membership, Action.VIEW)
    suspended = membership.history.first()
    assert (suspended.is_active, suspended.history_user) == (False, owner)
    assert services.set_membership_active(organisation, user, True) is True
    membership.refresh_from_db()
    assert can(membership, Action.EDIT_REGISTERS)


def test_the_last_active_owner_cannot_be_removed_suspended_or_deactivated(
    organisation, make_member
):
    owner, owner_membership = make_member(organisation, Role.OWNER)
    with pytest.raises(ValidationError, match="last active owner of acme"):
        services.remove_membership(organisation, owner)
    with pytest.raises(ValidationError, match="last active owner of acme"):
        services.set_membership_active(organisation, owner, False)
    with pytest.raises(ValidationError, match="last active owner of acme"):
        services.set_user_active(owner, False)
    owner.refresh_from_db()
    owner_membership.refresh_from_db()
    assert owner.is_active and owner_membership.is_active

    # A suspended or deactivated second owner does not count as an owner.
    second, second_membership = make_member(organisation, Role.OWNER)
    services.set_membership_active(organisation, second, False)
    with pytest.raises(ValidationError):
        services.set_membership_active(organisation, owner, False)
    services.set_membership_active(organisation, second, True)
    services.set_user_active(second, False)
    with pytest.raises(ValidationError):
        services.remove_membership(organisation, owner)

    services.set_user_active(second, True)
    services.remove_membership(organisation, owner)
    assert list(Membership.objects.filter(role=Role.OWNER)) == [second_membership]


def test_a_user_deactivated_keeps_memberships_and_is_logged(
    organisation, other_organisation, make_member, caplog
):
    make_member(organisation, Role.OWNER)
    admin, _ = make_member(other_organisation, Role.OWNER)
    user, _ = make_member(organisation, Role.VIEWER)
    with caplog.at_level("INFO", logger="isms.security"), acting_as(admin):
        assert services.set_user_active(user, False) is True
        assert services.set_user_active(user, False) is False
    user.refresh_from_db()
    assert not user.is_active
    assert Membership.objects.filter(user=user).exists()
    assert f"user deactivated: {user.username} by {admin.username}" in caplog.text
    assert services.set_user_active(user, True) is True


def test_get_user_falls_back_to_a_unique_email(db):
    User = get_user_model()
    alice = User.objects.create_user("alice", email="Alice@acme.test")
    assert services.get_user("alice@acme.test") == alice
    User.objects.create_user("alice2", email="alice@acme.test")
    with pytest.raises(ValidationError, match="no user named"):
        services.get_user("alice@acme.test")


# Tokens


def test_a_token_expires_after_90_days_by_default_and_at_most_365(db, settings):
    user = get_user_model().objects.create_user("alice")
    record, _ = services.create_api_token(user, "default")
    assert abs(record.expires_at - (timezone.now() + dt.timedelta(days=90))) < dt.timedelta(
        minutes=1
    )
    record, _ = services.create_api_token(user, "year", expires_in_days=365)
    assert record.expires_at > timezone.now() + dt.timedelta(days=364)
    for days in (0, 366):
        with pytest.raises(ValidationError, match="valid for 1 to 365 days"):
            services.create_api_token(user, f"bad {days}", expires_in_days=days)
    settings.TOKEN_DAYS = 7
    record, _ = services.create_api_token(user, "short")
    assert record.expires_at < timezone.now() + dt.timedelta(days=8)


def test_expired_revoked_and_deactivated_tokens_do_not_authenticate(db):
    user = get_user_model().objects.create_user("alice")
    record, token = services.create_api_token(user, "t", read_only=True)
    assert services.token_for(token) == record and record.read_only and record.scope == "read"
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    assert services.token_for(token) is None
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now() + dt.timedelta(1))
    services.set_user_active(user, False)
    assert services.user_for_token(token) is None
    with pytest.raises(ValidationError, match="deactivated"):
        services.create_api_token(user, "another")
    services.set_user_active(user, True)
    assert services.user_for_token(token) == user
    assert services.revoke_api_token(user, "t") is True
    assert services.revoke_api_token(user, "t") is False
    assert services.token_for(token) is None
    assert services.token_for("not-even-ours") is None


def test_last_used_is_written_at_most_once_a_minute(db, django_assert_num_queries):
    user = get_user_model().objects.create_user("alice")
    record, token = services.create_api_token(user, "t")
    with django_assert_num_queries(2):  # the lookup, then the first use is written
        services.token_for(token)
    first = ApiToken.objects.get(pk=record.pk).last_used_at
    with django_assert_num_queries(1):  # within the minute: only the lookup
        services.token_for(token)
    assert ApiToken.objects.get(pk=record.pk).last_used_at == first
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=first - dt.timedelta(seconds=61))
    services.token_for(token)
    assert ApiToken.objects.get(pk=record.pk).last_used_at > first


# Throttling failed authentication


def test_the_tenth_failure_blocks_the_address_for_the_window(settings):
    settings.AUTH_FAILURE_LIMIT = 10
    settings.AUTH_FAILURE_WINDOW = 300
    for _ in range(9):
        services.record_auth_failure("token", "192.0.2.1")
    assert services.auth_retry_after("token", "192.0.2.1") == 0
    services.record_auth_failure("token", "192.0.2.1")
    assert 299 <= services.auth_retry_after("token", "192.0.2.1") <= 300
    with pytest.raises(services.TooManyAttempts, match="retry in 300 seconds") as raised:
        services.check_auth_throttle("token", "192.0.2.1")
    assert raised.value.retry_after == 300
    assert services.auth_retry_after("token", "192.0.2.2") == 0
    assert services.auth_retry_after("login", "192.0.2.1") == 0


def test_the_client_address_honours_only_the_configured_proxies(settings):
    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.7"}
    settings.NUM_PROXIES = 0
    assert services.client_address(meta) == "10.0.0.1"
    settings.NUM_PROXIES = 1
    assert services.client_address(meta) == "192.0.2.7"  # what our proxy saw; 6.6.6.6 is forged
    settings.NUM_PROXIES = 2
    assert services.client_address(meta) == "6.6.6.6"
    assert services.client_address({"REMOTE_ADDR": "10.0.0.1"}) == "10.0.0.1"
