"""Signing in: the lockout and its answer, password reset links from the command line, TOTP
two-factor (enrolment, the code step, an organisation that requires it), the account page and
the organisation switcher. Real codes from the device's secret, real tokens, the real CLI."""

import base64
import datetime as dt
import logging
import re
import time
from urllib.parse import unquote, urlsplit

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from isms.cli.app import app
from isms.core.models import Organisation
from isms.core.permissions import Role
from isms.core.services import set_membership, set_membership_active
from isms.web.views.auth import PENDING, PENDING_SECONDS

pytestmark = pytest.mark.django_db
PASSWORD = "a long enough password 1"
NEW_PASSWORD = "another long passphrase 7"


def _sign_in(client, username, password=PASSWORD, next=""):
    return client.post("/login/", {"username": username, "password": password, "next": next})


def _fail(client, username, times):
    for _ in range(times):
        _sign_in(client, username, "wrong")


def cli(*args):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


# Lockout


def test_the_locked_out_answer_says_when_to_try_again(client, organisation, make_member, settings):
    user, _ = make_member(organisation, Role.VIEWER)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    locked = _sign_in(client, user.username)
    assert locked.status_code == 429
    cool_off = settings.AXES_COOLOFF_TIME * 3600
    assert cool_off - 5 <= int(locked["Retry-After"]) <= cool_off + 1
    page = locked.content.decode()
    assert "Try again after" in page and "UTC (in about 15 minutes)" in page
    assert "_auth_user_id" not in client.session


def test_a_successful_sign_in_resets_the_count(client, organisation, make_member, settings):
    user, _ = make_member(organisation, Role.VIEWER)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, user.username).status_code == 302
    client.post("/logout/")
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert _sign_in(client, user.username).status_code == 302, "the count started again"


def test_the_lockout_is_per_username_and_address(organisation, make_member, settings):
    settings.AUTH_FAILURE_LIMIT = 8
    victim, _ = make_member(organisation, Role.VIEWER)
    colleague, _ = make_member(organisation, Role.VIEWER)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    _fail(attacker, victim.username, settings.AXES_FAILURE_LIMIT)
    assert _sign_in(attacker, victim.username).status_code == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.2")
    assert _sign_in(elsewhere, victim.username).status_code == 302, "another address"
    same_address = Client(REMOTE_ADDR="203.0.113.7")
    assert _sign_in(same_address, colleague.username).status_code == 302, "another user"
    same_address.post("/logout/")
    # Six failures from that address so far (a locked-out try counts); the throttle trips at 8.
    _fail(same_address, "somebody-else", 1)
    assert _sign_in(same_address, colleague.username).status_code == 302, "seven: not yet"
    same_address.post("/logout/")
    _fail(same_address, "somebody-else", 1)
    blocked = _sign_in(same_address, colleague.username)
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "too many failed authentication attempts" in blocked.content.decode()


def test_a_created_users_password_is_hashed_with_argon2(make_member, organisation):
    user, _ = make_member(organisation, Role.VIEWER)
    assert user.password.startswith("argon2$")
    assert cli("user", "create", "carol", "--password", PASSWORD).exit_code == 0
    assert get_user_model().objects.get(username="carol").password.startswith("argon2$")


# Password reset links


def _reset_link(username, *options):
    result = cli("user", "reset-link", username, *options)
    assert result.exit_code == 0, result.output
    url = re.search(r"https?://\S+", result.output).group(0)
    return urlsplit(url).path


def test_a_reset_link_sets_a_new_password_once(client, organisation, make_member, caplog):
    user, _ = make_member(organisation, Role.VIEWER)
    elsewhere = Client()
    assert _sign_in(elsewhere, user.username).status_code == 302
    link = _reset_link(user.username)
    assert re.fullmatch(r"/reset/[\w-]+/[\w-]+/", link)
    opened = client.get(link)
    assert opened.status_code == 302, "the token moves into the session, out of the URL"
    form_url = opened["Location"]
    form = client.get(form_url).content.decode()
    assert f"For <strong>{user.username}</strong>" in form
    assert '<label for="id_new_password1">' in form
    short = client.post(form_url, {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200
    assert "This password is too short" in short.content.decode()
    assert 'aria-describedby="new_password2-errors"' in short.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD), "nothing changed on a refused password"
    with caplog.at_level(logging.INFO, logger="isms.security"):
        done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and user.password.startswith("argon2$")
    assert f"password of {user.username} reset with a link" in caplog.text
    assert elsewhere.get("/account/").status_code == 302, "other sessions are signed out"
    again = Client().get(link, follow=True).content.decode()
    assert "This reset link does not work" in again, "a link works once"
    assert _sign_in(Client(), user.username, NEW_PASSWORD).status_code == 302


def test_a_reset_link_expires_after_the_hours_asked(organisation, make_member, settings):
    user, _ = make_member(organisation, Role.VIEWER)
    link = _reset_link(user.username, "--hours", "2")
    token = link.rstrip("/").split("/")[-1]
    made_at = base36_to_int(token.split("-")[0])
    expires = made_at + settings.PASSWORD_RESET_TIMEOUT
    now = int((dt.datetime.now() - dt.datetime(2001, 1, 1)).total_seconds())  # tokens' clock
    assert 2 * 3600 - 5 <= expires - now <= 2 * 3600 + 1

    class Past(PasswordResetTokenGenerator):
        def _now(self):
            return dt.datetime.now() - dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    expired = Client().get(f"/reset/{uid}/{Past().make_token(user)}/", follow=True)
    assert "This reset link does not work" in expired.content.decode()
    too_long = cli("user", "reset-link", user.username, "--hours", "73")
    assert too_long.exit_code == 2 and "1 to 72 hours" in too_long.output


def test_a_reset_clears_the_lockout(client, organisation, make_member, settings):
    user, _ = make_member(organisation, Role.VIEWER)
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    assert AccessAttempt.objects.filter(username=user.username).exists()
    form_url = client.get(_reset_link(user.username))["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert _sign_in(client, user.username, NEW_PASSWORD).status_code == 302


# Two-factor


def _code(device, steps_ahead=0):
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _later(device):
    """As if the next time step had come: the code just used may not be used again, so the
    next check uses a code of a step the device has not seen."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def _enrol(client):
    page = client.get("/account/two-factor/").content.decode()
    device = TOTPDevice.objects.get(user=client.user, confirmed=False)
    response = client.post("/account/two-factor/", {"action": "confirm", "code": _code(device)})
    assert response.status_code == 302, response.content.decode()
    _later(device)
    return page, TOTPDevice.objects.get(pk=device.pk)


@pytest.fixture
def member(make_member, organisation):
    def make(role=Role.ISMS_MANAGER):
        user, _ = make_member(organisation, role)
        client = Client()
        client.force_login(user)
        client.user = user
        return client

    return make


def test_enrolment_shows_a_qr_code_and_counts_only_once_confirmed(member):
    client = member()
    page = client.get("/account/two-factor/").content.decode()
    image = re.search(r'<img class="qr" src="(data:image/svg\+xml[^"]+)"', page).group(1)
    svg = unquote(image.split(",", 1)[1])
    assert svg.startswith("<svg xmlns='http://www.w3.org/2000/svg'"), "an image needs xmlns"
    device = TOTPDevice.objects.get(user=client.user)
    assert not device.confirmed
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert base64.b32decode(secret.replace(" ", "")) == device.bin_key
    assert "style=" not in page and '<label for="id_code">' in page
    wrong = client.post("/account/two-factor/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert "Off." in client.get("/account/").content.decode()
    time.sleep(1.1)  # the device slows wrong codes down: 1 s after the first
    right = client.post("/account/two-factor/", {"action": "confirm", "code": _code(device)})
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    account = client.get("/account/").content.decode()
    assert "On (an authenticator app); this session is verified by it." in account


def test_a_user_with_a_device_is_asked_for_a_code_after_the_password(member, settings):
    client = member()
    _, device = _enrol(client)
    username = client.user.username
    browser = Client()
    step = _sign_in(browser, username, next="/orgs/acme/")
    assert step.status_code == 302 and step["Location"].startswith("/login/code/")
    assert "_auth_user_id" not in browser.session, "not signed in before the code"
    assert browser.get("/orgs/acme/").status_code == 302
    code_page = browser.get(step["Location"]).content.decode()
    assert '<label for="id_code">' in code_page and "Your password was right" in code_page
    wrong = browser.post("/login/code/", {"code": "123456", "next": "/orgs/acme/"})
    assert wrong.status_code == 422 and "_auth_user_id" not in browser.session
    hurried = browser.post("/login/code/", {"code": _code(device), "next": "/orgs/acme/"})
    assert "Too many wrong codes: try again in" in hurried.content.decode()
    assert "_auth_user_id" not in browser.session
    time.sleep(2.1)
    right = browser.post("/login/code/", {"code": _code(device), "next": "/orgs/acme/"})
    assert right.status_code == 302 and right["Location"] == "/orgs/acme/"
    assert browser.session["_auth_user_id"] == str(client.user.pk)
    assert "this session is verified" in browser.get("/account/").content.decode()
    replay = Client()
    browser_code = _code(device)
    replay.post("/login/", {"username": username, "password": PASSWORD})
    again = replay.post("/login/code/", {"code": browser_code})
    assert again.status_code == 422, "a code works once"


def test_the_code_step_goes_nowhere_else_and_waits_five_minutes(member):
    client = member()
    _, device = _enrol(client)
    browser = Client()
    _sign_in(browser, client.user.username)
    away = browser.post("/login/code/", {"code": _code(device), "next": "https://evil.example/"})
    assert away.status_code == 302 and away["Location"] == "/", "only a path on this site"
    browser.post("/logout/")
    _later(device)
    _sign_in(browser, client.user.username)
    session = browser.session
    session[PENDING] = {**session[PENDING], "at": time.time() - PENDING_SECONDS - 1}
    session.save()
    late = browser.post("/login/code/", {"code": _code(device)})
    assert late.status_code == 302 and late["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in browser.session, "the password must be given again"


def test_wrong_codes_count_towards_the_address_throttle(member, settings):
    settings.AUTH_FAILURE_LIMIT = 3
    client = member()
    _, device = _enrol(client)
    browser = Client()
    _sign_in(browser, client.user.username)
    for _ in range(3):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        browser.post("/login/code/", {"code": "000000"})
    blocked = browser.post("/login/code/", {"code": _code(device)})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert "_auth_user_id" not in browser.session


def test_removing_two_factor_asks_for_a_current_code(member):
    client = member()
    _, device = _enrol(client)
    page = client.get("/account/two-factor/").content.decode()
    assert "Two-factor is <strong>on</strong>" in page
    refused = client.post("/account/two-factor/", {"action": "remove", "code": "000000"})
    assert refused.status_code == 422 and TOTPDevice.objects.filter(pk=device.pk).exists()
    time.sleep(1.1)
    removed = client.post("/account/two-factor/", {"action": "remove", "code": _code(device)})
    assert removed.status_code == 302 and not TOTPDevice.objects.filter(user=client.user).exists()


def test_an_operator_removes_a_lost_device(member, organisation, make_member):
    client = member()
    _enrol(client)
    owner, _ = make_member(organisation, Role.OWNER)
    result = cli("user", "two-factor-off", client.user.username, "--as", owner.username)
    assert result.exit_code == 0 and "Removed the two-factor device" in result.output
    assert not TOTPDevice.objects.filter(user=client.user).exists()


# An organisation that requires two-factor


def test_only_an_owner_opens_the_organisation_settings(member):
    for role in (Role.ISMS_MANAGER, Role.INTERNAL_AUDITOR, Role.CONTRIBUTOR, Role.VIEWER):
        client = member(role)
        assert client.get("/orgs/acme/settings/").status_code == 403
        forged = client.post("/orgs/acme/settings/", {"require_two_factor": "on", "row_version": 1})
        assert forged.status_code == 403
    assert not Organisation.objects.get(slug="acme").require_two_factor
    owner = member(Role.OWNER)
    page = owner.get("/orgs/acme/settings/").content.decode()
    assert '<label for="id_require_two_factor">' in page
    assert Client().get("/orgs/acme/settings/")["Location"] == "/login/?next=/orgs/acme/settings/"


def test_an_owner_requires_two_factor_and_members_are_sent_to_verify(member, organisation):
    owner = member(Role.OWNER)
    settings_page = owner.get("/orgs/acme/settings/").content.decode()
    version = re.search(r'name="row_version" value="(\d+)"', settings_page).group(1)
    unverified = owner.post(
        "/orgs/acme/settings/", {"require_two_factor": "on", "row_version": version}
    )
    assert unverified.status_code == 422
    assert "Set up two-factor for yourself first" in unverified.content.decode()
    _enrol(owner)  # confirming also verifies this session
    saved = owner.post("/orgs/acme/settings/", {"require_two_factor": "on", "row_version": version})
    assert saved.status_code == 302
    organisation.refresh_from_db()
    assert organisation.require_two_factor
    assert organisation.history.first().history_user == owner.user

    newcomer = member(Role.VIEWER)
    sent = newcomer.get("/orgs/acme/registers/")
    assert sent.status_code == 302
    assert sent["Location"] == "/account/two-factor/?next=%2Forgs%2Facme%2Fregisters%2F"
    assert newcomer.get("/orgs/acme/").status_code == 302
    assert newcomer.get("/account/").status_code == 200, "their own account page is open"
    assert newcomer.get("/orgs/globex/").status_code == 404, "nothing leaks for non-members"
    _enrol(newcomer)
    assert newcomer.get("/orgs/acme/registers/").status_code == 200

    # A device, but this session was signed in without it (e.g. enrolled elsewhere since).
    device = TOTPDevice.objects.get(user=newcomer.user)
    other_session = Client()
    other_session.force_login(newcomer.user)
    step = other_session.get("/orgs/acme/")
    assert step["Location"] == "/login/code/?next=%2Forgs%2Facme%2F"
    assert "requires two-factor" in other_session.get(step["Location"]).content.decode()
    done = other_session.post("/login/code/", {"code": _code(device), "next": "/orgs/acme/"})
    assert done["Location"] == "/orgs/acme/"
    assert other_session.get("/orgs/acme/").status_code == 200


def test_htmx_requests_are_sent_to_verify_by_the_client(member, organisation):
    organisation.require_two_factor = True
    organisation.save()
    client = member(Role.VIEWER)
    response = client.get("/orgs/acme/registers/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/account/two-factor/?next=")


def test_a_stale_settings_form_saves_nothing(member, organisation):
    owner = member(Role.OWNER)
    _enrol(owner)
    page = owner.get("/orgs/acme/settings/").content.decode()
    version = re.search(r'name="row_version" value="(\d+)"', page).group(1)
    organisation.name = "Acme Components Ltd"
    organisation.save()
    stale = owner.post("/orgs/acme/settings/", {"require_two_factor": "on", "row_version": version})
    assert stale.status_code == 409 and "Someone changed" in stale.content.decode()
    organisation.refresh_from_db()
    assert not organisation.require_two_factor


def test_org_update_on_the_command_line(organisation, make_member):
    owner, _ = make_member(organisation, Role.OWNER)
    viewer, _ = make_member(organisation, Role.VIEWER)
    refused = cli("org", "update", "acme", "--require-two-factor", "--as", viewer.username)
    assert refused.exit_code == 2 and "may not manage_organisation" in refused.output
    done = cli("org", "update", "acme", "--require-two-factor", "--as", owner.username)
    assert done.exit_code == 0 and "acme requires two-factor" in done.output
    organisation.refresh_from_db()
    assert organisation.require_two_factor
    assert organisation.history.first().history_user == owner
    off = cli("org", "update", "acme", "--no-require-two-factor", "--as", owner.username)
    assert off.exit_code == 0 and "does not require" in off.output
    assert cli("org", "update", "acme").exit_code == 2


# The account page and the organisation switcher


def test_the_account_page_lists_organisations_and_roles(member, other_organisation):
    client = member(Role.CONTRIBUTOR)
    set_membership(other_organisation, client.user, Role.VIEWER, True)
    page = client.get("/account/").content.decode()
    assert client.user.username in page
    assert "Acme Ltd" in page and "Contributor" in page
    assert "Globex Corporation" in page and "Viewer (read-only" in page
    assert "top management" in page and "Off." in page


def test_the_switcher_lists_active_organisations_in_one_query(
    member, organisation, other_organisation, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = member(Role.VIEWER)
    set_membership(other_organisation, client.user, Role.VIEWER)
    page = client.get("/orgs/acme/").content.decode()
    menu = re.search(r'<details class="switch">.*?</details>', page, re.S).group(0)
    assert '<a href="/orgs/acme/" aria-current="page">Acme Ltd</a>' in menu
    assert '<a href="/orgs/globex/">Globex Corporation</a>' in menu
    assert "<summary>Acme Ltd</summary>" in menu
    with CaptureQueriesContext(connection) as few:
        client.get("/account/")
    for number in range(30):
        extra = Organisation.objects.create(slug=f"client-{number}", name=f"Client {number}")
        set_membership(extra, client.user, Role.VIEWER)
    suspended = Organisation.objects.create(slug="gone", name="Gone Ltd")
    set_membership(suspended, client.user, Role.VIEWER)
    set_membership_active(suspended, client.user, False)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/account/").content.decode()
    assert len(many) == len(few), "the menu is one query however many organisations"
    menu = re.search(r'<details class="switch">.*?</details>', page, re.S).group(0)
    assert "Client 29" in menu and "Gone Ltd" not in menu and "aria-current" not in menu
