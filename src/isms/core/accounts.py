"""Sign-in security that the CLI and the web pages share: one-time password reset links,
TOTP devices (django-otp) and an organisation's two-factor requirement.

Every change here is logged on the ``isms.security`` logger, like the other changes of access.
"""

import datetime as dt
import ipaddress

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from isms.core.models import Organisation
from isms.core.services import _actor, client_address, security_log


def axes_client_address(request) -> str | None:
    """The client address django-axes locks out: the one the API throttles, or None when that
    is not an IP address (a test client's fake request, a forged X-Forwarded-For): axes
    stores it in an IP address column, which PostgreSQL checks."""
    address = client_address(request.META)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


# Password reset links, for a self-hosted server that sends no e-mail: an operator runs
# `isms user reset-link NAME` and hands the printed URL over. The token is Django's: it is
# bound to the password hash and the last sign-in, so it works once, and it expires
# PASSWORD_RESET_TIMEOUT seconds after the moment it carries.


class _ExpiringIn(PasswordResetTokenGenerator):
    """Makes tokens that Django's checker (``default_token_generator``) accepts for ``hours``
    only: the token's moment is set ``PASSWORD_RESET_TIMEOUT - hours`` in the past, so the
    one timeout of the settings ends it at the time asked for."""

    def __init__(self, hours: int):
        super().__init__()
        self._backdate = dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - hours * 3600)

    def _now(self):
        return super()._now() - self._backdate


def reset_link_hours_limit() -> int:
    """The longest a reset link may be valid, in hours (PASSWORD_RESET_TIMEOUT)."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def reset_link_path(user, hours: int) -> str:
    """The path ``/reset/<uidb64>/<token>/`` where ``user`` sets a new password, valid for
    ``hours`` (1 to :func:`reset_link_hours_limit`) and until it has been used once."""
    limit = reset_link_hours_limit()
    if not 1 <= hours <= limit:
        raise ValidationError({"hours": [f"a reset link is valid for 1 to {limit} hours"]})
    if not user.is_active:
        raise ValidationError(
            {"user": [f"{user.username} is deactivated: activate them first (isms user activate)"]}
        )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = _ExpiringIn(hours).make_token(user)
    security_log.info(
        "password reset link for %s made by %s, valid %s h", user.username, _actor(), hours
    )
    return f"/reset/{uid}/{token}/"


def reset_link_is_valid(user, token: str) -> bool:
    return default_token_generator.check_token(user, token)


def password_was_reset(user, address: str) -> None:
    """After a reset: log it, and clear the sign-in lockouts of ``user`` (django-axes)."""
    from axes.utils import reset as reset_lockouts

    cleared = reset_lockouts(username=user.get_username())
    security_log.info(
        "password of %s reset with a link from %s (%s sign-in lockout records cleared)",
        user.username,
        address,
        cleared,
    )


# Two-factor: one TOTP device per user. Enrolment makes an unconfirmed device (its secret is
# shown once as a QR code and in text); a correct code confirms it. Only a confirmed device
# counts: at sign-in, for an organisation's requirement, and on the account page.


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed device, made now when there is none (with a new secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


class WrongCode(Exception):
    """The code did not match, or too many wrong codes: wait (the message says how long)."""


def check_code(device: TOTPDevice, code: str) -> None:
    """Raise :class:`WrongCode` unless ``code`` is the device's current code. Wrong codes are
    throttled by the device (1, 2, 4, 8... seconds between tries); a code works once."""
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        wait = ""
        until = (detail or {}).get("locked_until")
        if until is not None:
            from django.utils import timezone

            seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
            wait = f" in {seconds} seconds"
        raise WrongCode(f"too many wrong codes: try again{wait}")
    if not device.verify_token("".join(code.split())):
        raise WrongCode("that code is not right (or was used already): try the current one")


@transaction.atomic
def confirm_enrolment(user, code: str) -> TOTPDevice:
    """Confirm the user's new device with a code from it; their earlier devices are removed."""
    device = enrolment_device(user)
    check_code(device, code)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    security_log.info("two-factor device confirmed for %s", user.username)
    return device


@transaction.atomic
def remove_two_factor(user, code: str | None) -> int:
    """Remove the user's devices. From the web a current ``code`` is required; ``None`` is the
    operator's removal (``isms user two-factor-off``) for someone who lost their device."""
    device = confirmed_device(user)
    if code is not None:
        if device is None:
            raise WrongCode("two-factor is not on")
        check_code(device, code)
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    how = "with a current code" if code is not None else f"by {_actor()}"
    security_log.info("two-factor removed for %s %s", user.username, how)
    return removed


@transaction.atomic  # a savepoint: a stale save rolls back only itself
def set_require_two_factor(organisation: Organisation, required: bool) -> bool:
    """Require (or stop requiring) two-factor of the organisation's members; False when it
    was so already. Saved with the organisation's row version: a copy someone changed since
    is refused (StaleRecord). Recorded in the organisation's history with the acting user."""
    if organisation.require_two_factor == required:
        return False
    organisation.require_two_factor = required
    organisation.save(update_fields=["require_two_factor"])
    security_log.info(
        "two-factor %s for %s by %s",
        "required" if required else "no longer required",
        organisation.slug,
        _actor(),
    )
    return True
