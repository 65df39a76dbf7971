"""Two-factor in a real browser: enrol from the account page with a code computed from the
secret the page shows, sign in again with the password and the code, an organisation that
requires it, the organisation menu by keyboard, a password reset link; axe on every page of
sign-in and at phone width."""

import base64
import re
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from typer.testing import CliRunner

from isms.cli.app import app
from isms.core.models import Organisation
from isms.core.permissions import Role
from isms.core.services import set_membership

from .conftest import PASSWORD, PHONE


def _code_from_secret(secret: str, steps_ahead: int = 0) -> str:
    key = base64.b32decode(secret.replace(" ", ""))
    totp = TOTP(key)
    totp.time = time.time() + steps_ahead * 30
    return f"{totp.token():06d}"


def test_enrol_then_sign_in_with_a_code(visit, organisation, member):
    user = member(organisation, Role.OWNER, password=PASSWORD)
    visit.sign_in(user, PASSWORD)
    page = visit.page
    visit.follow(page.get_by_role("link", name=user.get_username()), "account")
    visit.check_accessibility()
    visit.follow(page.get_by_role("link", name="Turn on two-factor"), "enrol")
    visit.check_accessibility()
    assert page.locator("img.qr").evaluate("img => img.naturalWidth") > 0, "the QR code shows"
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code from your app").fill("000000")
    visit.follow(page.get_by_role("button", name="Confirm and turn on"), "wrong-code")
    assert page.get_by_text("That code is not right").is_visible()
    visit.check_accessibility()
    time.sleep(1.1)
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code from your app").fill(_code_from_secret(secret))
    visit.follow(page.get_by_role("button", name="Confirm and turn on"), "enrolled")
    assert page.get_by_text("this session is verified by it").is_visible()
    visit.follow(page.get_by_role("button", name="Sign out"), "signed-out")

    visit.open("/login/", "sign-in-again")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    visit.follow(page.get_by_role("button", name="Sign in"), "code-step")
    assert "/login/code/" in page.url
    visit.check_accessibility()
    page.get_by_label("Code (6 digits)").fill(_code_from_secret(secret, steps_ahead=1))
    visit.follow(page.get_by_role("button", name="Continue"), "signed-in-with-code")
    assert page.get_by_role("link", name="Acme Ltd").first.is_visible()

    visit.open("/orgs/acme/settings/", "settings")
    visit.check_accessibility()
    page.get_by_label("Require two-factor of every member").check()
    visit.follow(page.get_by_role("button", name="Save"), "settings-saved")
    assert Organisation.objects.get(slug="acme").require_two_factor


def test_a_member_without_a_device_is_sent_to_enrol_and_back(visit, organisation, member):
    organisation.require_two_factor = True
    organisation.save()
    user = member(organisation, Role.VIEWER)
    visit.signed_in_as(user)
    visit.open("/orgs/acme/registers/", "sent-to-enrol")
    page = visit.page
    assert "/account/two-factor/" in page.url
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Code from your app").fill(_code_from_secret(secret))
    visit.follow(page.get_by_role("button", name="Confirm and turn on"), "back-at-registers")
    assert page.url.endswith("/orgs/acme/registers/")
    assert TOTPDevice.objects.get(user=user).confirmed


def test_the_organisation_menu_works_by_keyboard(visit, organisation, member):
    user = member(organisation, Role.VIEWER)
    other = Organisation.objects.create(slug="globex", name="Globex Corporation")
    set_membership(other, user, Role.VIEWER)
    visit.signed_in_as(user)
    visit.open("/orgs/acme/", "acme")
    page = visit.page
    summary = page.locator("details.switch summary")
    summary.focus()
    page.keyboard.press("Enter")
    visit.shoot("menu-open")
    current = page.locator('details.switch a[aria-current="page"]')
    assert current.inner_text() == "Acme Ltd"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Globex Corporation"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/orgs/globex/")
    visit.page.set_viewport_size(PHONE)
    visit.open("/account/", "account-at-phone-width")
    page.locator("details.switch summary").click()
    visit.shoot("menu-at-phone-width")
    visit.no_horizontal_scroll()
    visit.check_accessibility()


def test_a_reset_link_in_the_browser(visit, organisation, member):
    user = member(organisation, Role.VIEWER, password=PASSWORD)
    output = CliRunner().invoke(app, ["user", "reset-link", user.get_username()]).output
    path = re.search(r"/reset/\S+/", output).group(0)
    visit.open(path, "reset-form")
    page = visit.page
    visit.check_accessibility()
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("New password confirmation").fill("short")
    visit.follow(page.get_by_role("button", name="Set the password"), "reset-refused")
    assert page.get_by_text("This password is too short").is_visible()
    visit.check_accessibility()
    page.get_by_label("New password", exact=True).fill("a brand new passphrase 9")
    page.get_by_label("New password confirmation").fill("a brand new passphrase 9")
    visit.follow(page.get_by_role("button", name="Set the password"), "reset-done")
    visit.check_accessibility()
    visit.page.set_viewport_size(PHONE)
    visit.open("/login/", "sign-in-at-phone-width")
    visit.no_horizontal_scroll()
    visit.check_accessibility()
