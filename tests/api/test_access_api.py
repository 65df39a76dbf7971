"""The API when access is taken away: suspended members, deactivated users, expired, revoked
and read-only tokens, and the throttling of bad tokens (issue 9, item 7)."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from isms.core import services
from isms.core.models import ApiToken
from isms.core.permissions import Role
from isms.people.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """The failure counts live in the cache; no test may inherit another's."""
    cache.clear()
    yield
    cache.clear()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_suspended_member_gets_403_and_loses_the_organisation_from_the_list(
    api_as, organisation, make_member
):
    make_member(organisation, Role.OWNER)
    api = api_as(organisation, Role.ISMS_MANAGER)
    assert [org["slug"] for org in api.get("/orgs/").json()] == ["acme"]
    services.set_membership_active(organisation, api.user, False)

    assert api.get("/orgs/").json() == []
    response = api.get("/orgs/acme/departments/")
    assert response.status_code == 403
    assert response.json()["detail"] == "membership is suspended: cannot view"
    assert api.post("/orgs/acme/departments/", {"name": "Ops"}).status_code == 403
    assert not Department.objects.exists()
    # Still 404, not 403, for an organisation they never belonged to.
    assert api.get("/orgs/globex/departments/").status_code == 404

    services.set_membership_active(organisation, api.user, True)
    assert api.get("/orgs/acme/departments/").status_code == 200


def test_a_removed_member_gets_404(api_as, organisation, make_member):
    make_member(organisation, Role.OWNER)
    api = api_as(organisation, Role.CONTRIBUTOR)
    services.remove_membership(organisation, api.user)
    assert api.get("/orgs/acme/departments/").status_code == 404


def test_a_deactivated_user_is_refused_by_token_and_by_session(api_as, organisation):
    api = api_as(organisation, Role.VIEWER)
    session = Client()
    session.force_login(api.user)
    assert api.get("/orgs/").status_code == 200
    assert session.get("/api/orgs/").status_code == 200

    services.set_user_active(api.user, False)
    assert api.get("/orgs/").status_code == 401
    assert session.get("/api/orgs/").status_code == 401

    services.set_user_active(api.user, True)
    assert api.get("/orgs/").status_code == 200


def test_expired_and_revoked_tokens_answer_401(client, organisation, make_member):
    user, _ = make_member(organisation, Role.VIEWER)
    record, token = services.create_api_token(user, "script", expires_in_days=1)
    assert client.get("/api/orgs/", headers=bearer(token)).status_code == 200
    ApiToken.objects.filter(pk=record.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/api/orgs/", headers=bearer(token)).status_code == 401

    _, other = services.create_api_token(user, "other")
    services.revoke_api_token(user, "other")
    assert client.get("/api/orgs/", headers=bearer(other)).status_code == 401


def test_a_read_only_token_reads_but_every_write_is_403(client, organisation, make_member):
    user, _ = make_member(organisation, Role.OWNER)
    _, token = services.create_api_token(user, "dashboard", read_only=True)
    department = Department.objects.create(organisation=organisation, name="Ops")
    assert client.get("/api/orgs/acme/departments/", headers=bearer(token)).status_code == 200

    writes = [
        client.post(
            "/api/orgs/acme/departments/",
            {"name": "New"},
            content_type="application/json",
            headers=bearer(token),
        ),
        client.patch(
            f"/api/orgs/acme/departments/{department.pk}",
            {"name": "Renamed"},
            content_type="application/json",
            headers=bearer(token),
        ),
        client.delete(f"/api/orgs/acme/departments/{department.pk}", headers=bearer(token)),
    ]
    for response in writes:
        assert response.status_code == 403
        assert "'dashboard' is read-only" in response.json()["detail"]
    assert list(Department.objects.values_list("name", flat=True)) == ["Ops"]


def test_the_last_use_of_a_token_is_recorded(api_as, organisation):
    api = api_as(organisation)
    record = ApiToken.objects.get(user=api.user)
    assert record.last_used_at is None
    api.get("/orgs/")
    record.refresh_from_db()
    assert timezone.now() - record.last_used_at < dt.timedelta(minutes=1)


def test_ten_bad_tokens_block_the_address_even_for_a_good_token(
    client, organisation, make_member, settings, django_assert_num_queries
):
    settings.AUTH_FAILURE_LIMIT = 10
    settings.AUTH_FAILURE_WINDOW = 300
    user, _ = make_member(organisation, Role.VIEWER)
    _, good = services.create_api_token(user, "good")
    for attempt in range(10):
        response = client.get("/api/orgs/", headers=bearer(f"isms_guess{attempt}"))
        assert response.status_code == 401
    with django_assert_num_queries(0):  # the token is not even looked up
        blocked = client.get("/api/orgs/", headers=bearer(good))
    assert blocked.status_code == 429
    assert 299 <= int(blocked["Retry-After"]) <= 300
    assert "too many failed authentication attempts" in blocked.json()["detail"]

    # Another address is not affected; the block ends with the window.
    other = client.get("/api/orgs/", headers=bearer(good), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200
    cache.clear()
    assert client.get("/api/orgs/", headers=bearer(good)).status_code == 200


def test_successful_requests_do_not_count_as_failures(client, organisation, make_member, settings):
    settings.AUTH_FAILURE_LIMIT = 3
    user, _ = make_member(organisation, Role.VIEWER)
    _, good = services.create_api_token(user, "good")
    for _ in range(5):
        assert client.get("/api/orgs/", headers=bearer(good)).status_code == 200
    assert client.get("/api/orgs/").status_code == 401  # no token at all is not an attempt
    assert services.auth_retry_after("token", "127.0.0.1") == 0


def test_an_organisation_requiring_two_factor_refuses_an_unverified_browser_session(
    api_as, organisation, make_member
):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, _ = make_member(organisation, Role.ISMS_MANAGER)
    browser = Client()
    browser.force_login(user)
    assert browser.get("/api/orgs/acme/people/").status_code == 200
    organisation.require_two_factor = True
    organisation.save()
    refused = browser.get("/api/orgs/acme/people/")
    assert refused.status_code == 403 and "two-factor" in refused.json()["detail"]
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = browser.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert browser.get("/api/orgs/acme/people/").status_code == 200, "a verified session reads"
    token = api_as(organisation, Role.ISMS_MANAGER)
    assert token.get("/orgs/acme/people/").status_code == 200, "tokens are unaffected"
