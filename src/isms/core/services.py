"""Creating organisations, users and memberships with full validation.

The CLI, the web UI and the API all go through these functions so the rules are applied once.
Each raises django.core.exceptions.ValidationError with every problem, and writes nothing then.
"""

import datetime as dt
import hashlib
import logging
import math
import secrets
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.utils import timezone

from isms.core.actor import current_user
from isms.core.models import ApiToken, Membership, Organisation
from isms.core.permissions import Role

#: Access given, taken away or refused: always logged (see LOGGING in settings).
security_log = logging.getLogger("isms.security")


def create_organisation(slug: str, name: str) -> Organisation:
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": [f"an organisation with slug {slug!r} already exists"]})
    organisation = Organisation(slug=slug, name=name.strip())
    organisation.full_clean()
    organisation.save()
    return organisation


def get_organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        known = ", ".join(Organisation.objects.values_list("slug", flat=True)[:20]) or "none yet"
        raise ValidationError(
            {"org": [f"no organisation with slug {slug!r} (known: {known})"]}
        ) from None


def create_user(username: str, email: str = "", password: str | None = None):
    """A login. ``password=None`` creates a user who cannot log in until a password is set."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [f"a user named {username!r} already exists"]})
    user = User(username=username, email=email)
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            errors["password"] = list(error.messages)
    if errors:
        raise ValidationError(errors)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def get_user(username: str):
    """The user named ``username``, or else the one user whose email it is."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None and "@" in username:
        by_email = list(User.objects.filter(email__iexact=username)[:2])
        user = by_email[0] if len(by_email) == 1 else None
    if user is None:
        raise ValidationError({"user": [f"no user named {username!r}"]})
    return user


@transaction.atomic
def set_membership(
    organisation: Organisation, user, role: str, is_top_management: bool = False
) -> tuple[Membership, bool]:
    """Give ``user`` ``role`` in ``organisation``; returns (membership, created)."""
    if role not in Role.values:
        raise ValidationError({"role": [f"{role!r} is not a role; choose from {Role.values}"]})
    membership, created = Membership.objects.get_or_create(
        organisation=organisation,
        user=user,
        defaults={"role": role, "is_top_management": is_top_management},
    )
    if not created and (
        membership.role != role or membership.is_top_management != is_top_management
    ):
        if membership.role == Role.OWNER and role != Role.OWNER:
            _lock([organisation])
            problem = _last_owner_problem(organisation, user, "change their role")
            if problem:
                raise ValidationError({"role": [problem]})
        membership.role = role
        membership.is_top_management = is_top_management
        membership.save()
    return membership, created


def membership_for(user, organisation: Organisation) -> Membership | None:
    """The user's membership in ``organisation`` (active or suspended), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(organisation=organisation, user=user).first()


# Taking access away (and giving it back). Each refuses to leave an organisation without an
# active owner: nobody could then manage its members. The organisations concerned are locked
# first, so two owners suspending each other at the same moment cannot both succeed.


def _lock(organisations) -> None:
    pks = sorted({organisation.pk for organisation in organisations})
    # FOR NO KEY UPDATE: writes that only refer to the organisation are not blocked.
    locked = Organisation.objects.select_for_update(no_key=True).filter(pk__in=pks)
    list(locked.values_list("pk", flat=True))


def _last_owner_problem(organisation: Organisation, user, doing: str) -> str | None:
    owners = Membership.objects.filter(
        organisation=organisation, role=Role.OWNER, is_active=True, user__is_active=True
    )
    if owners.filter(user=user).exists() and not owners.exclude(user=user).exists():
        return (
            f"{user.username} is the last active owner of {organisation.slug}: make another "
            f"member owner before you {doing}"
        )
    return None


def _existing_membership(organisation: Organisation, user) -> Membership:
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        raise ValidationError(
            {"member": [f"{user.username} is not a member of {organisation.slug}"]}
        )
    return membership


def _actor() -> str:
    user = current_user()
    return user.username if user is not None else "the system (no --as)"


@transaction.atomic
def remove_membership(organisation: Organisation, user) -> Membership:
    """Take ``user`` out of ``organisation``; the deletion stays in the membership's history."""
    _lock([organisation])
    membership = _existing_membership(organisation, user)
    problem = _last_owner_problem(organisation, user, "remove them")
    if problem:
        raise ValidationError({"member": [problem]})
    membership.delete()
    security_log.info(
        "membership removed: %s from %s by %s", user.username, organisation.slug, _actor()
    )
    return membership


@transaction.atomic
def set_membership_active(organisation: Organisation, user, active: bool) -> bool:
    """Suspend (``active=False``) or resume a membership; True when it changed.

    A suspended member keeps their role but may do nothing (:func:`~isms.core.permissions.can`
    is false), and the organisation drops out of their list."""
    _lock([organisation])
    membership = _existing_membership(organisation, user)
    if membership.is_active == active:
        return False
    if not active:
        problem = _last_owner_problem(organisation, user, "suspend them")
        if problem:
            raise ValidationError({"member": [problem]})
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    security_log.info(
        "membership %s: %s in %s by %s",
        "resumed" if active else "suspended",
        user.username,
        organisation.slug,
        _actor(),
    )
    return True


@transaction.atomic
def set_user_active(user, active: bool) -> bool:
    """Deactivate (``active=False``) or reactivate a login; True when it changed.

    A deactivated user's tokens and sessions no longer authenticate; reactivating gives back
    the tokens that have not expired or been revoked meanwhile."""
    if user.is_active == active:
        return False
    if not active:
        organisations = list(
            Organisation.objects.filter(
                pk__in=Membership.objects.filter(user=user).values("organisation")
            ).order_by("pk")
        )
        _lock(organisations)
        problems = [
            problem
            for organisation in organisations
            if (problem := _last_owner_problem(organisation, user, "deactivate them"))
        ]
        if problems:
            raise ValidationError({"user": problems})
    user.is_active = active
    user.save(update_fields=["is_active"])
    security_log.info(
        "user %s: %s by %s", "activated" if active else "deactivated", user.username, _actor()
    )
    return True


TOKEN_PREFIX = "isms_"  # noqa: S105 (a marker, not a secret)
#: last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
#: Request methods a read-only token may use.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(
    user, name: str, expires_in_days: int | None = None, read_only: bool = False
) -> tuple[ApiToken, str]:
    """A new API token for ``user``; returns (record, token). The token is not stored.

    It expires after ``expires_in_days`` (default ``settings.TOKEN_DAYS``, 90; at most
    ``settings.TOKEN_MAX_DAYS``, 365); a ``read_only`` token may only read."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["a token needs a name (what it is for)"]
    elif ApiToken.objects.filter(user=user, name=name).exists():
        errors["name"] = [f"{user.username} already has a token named {name!r}"]
    days = settings.TOKEN_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= settings.TOKEN_MAX_DAYS:
        errors["expires"] = [
            f"a token is valid for 1 to {settings.TOKEN_MAX_DAYS} days, not {days}"
        ]
    if not user.is_active:
        errors["user"] = [f"{user.username} is deactivated (isms user activate first)"]
    if errors:
        raise ValidationError(errors)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(token),
        expires_at=timezone.now() + dt.timedelta(days=days),
        read_only=read_only,
    )
    return record, token


def token_for(token: str) -> ApiToken | None:
    """The token record if ``token`` is valid now: known, unexpired, unrevoked, and its user
    active. Notes the use (at most once a minute)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if record is None or record.expires_at <= now or not record.user.is_active:
        return None
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        try:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
            record.last_used_at = now
        except OperationalError:  # a busy SQLite database: a read must not wait on this
            pass
    return record


def user_for_token(token: str):
    """The active user a valid, unexpired, unrevoked token belongs to, or None."""
    record = token_for(token)
    return record.user if record is not None else None


def revoke_api_token(user, name: str) -> bool:
    """Revoke ``user``'s active token ``name``; False when there is none."""
    revoked = ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if revoked:
        security_log.info("token %r of %s revoked by %s", name, user.username, _actor())
    return bool(revoked)


# Throttling failed authentication. Failures are counted per client address in Django's cache;
# AUTH_FAILURE_LIMIT failures within AUTH_FAILURE_WINDOW seconds block the address for the
# window: it gets 429 without its credentials being checked. The default cache is per process
# (LocMemCache): several server processes need a shared cache (ISMS_CACHE_URL), or each counts
# on its own and an attacker gets that many times the attempts.


class TooManyAttempts(Exception):
    """Raised instead of checking credentials from an address that failed too often."""

    def __init__(self, retry_after: int):
        super().__init__(
            f"too many failed authentication attempts from your address; retry in "
            f"{retry_after} seconds"
        )
        self.retry_after = retry_after


def client_address(meta) -> str:
    """The client's address: REMOTE_ADDR, or the one ``settings.NUM_PROXIES`` trusted
    proxies recorded in X-Forwarded-For (the n-th from the right, which a client cannot forge)."""
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if settings.NUM_PROXIES and hops:
        return hops[-min(settings.NUM_PROXIES, len(hops))]
    return meta.get("REMOTE_ADDR") or "unknown"


def _throttle_key(what: str, kind: str, address: str) -> str:
    return f"isms:auth:{what}:{kind}:{hashlib.sha256(address.encode()).hexdigest()[:40]}"


def auth_retry_after(kind: str, address: str) -> int:
    """Seconds ``address`` must wait before trying ``kind`` ("token", "login") again; 0 when
    it may try now."""
    blocked_until = cache.get(_throttle_key("block", kind, address))
    if blocked_until is None:
        return 0
    return max(1, math.ceil(blocked_until - time.time()))


def check_auth_throttle(kind: str, address: str) -> None:
    """Raise :class:`TooManyAttempts` when ``address`` is blocked for ``kind``."""
    retry_after = auth_retry_after(kind, address)
    if retry_after:
        raise TooManyAttempts(retry_after)


def record_auth_failure(kind: str, address: str) -> None:
    """Count a failed attempt; the AUTH_FAILURE_LIMIT-th within the window blocks ``address``."""
    key = _throttle_key("failures", kind, address)
    window = settings.AUTH_FAILURE_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        failures = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.set(key, 1, timeout=window)
        failures = 1
    if failures >= settings.AUTH_FAILURE_LIMIT:
        cache.set(_throttle_key("block", kind, address), time.time() + window, timeout=window)
        cache.delete(key)
        security_log.warning(
            "%s authentication blocked for %s s: %s failures from %s",
            kind,
            window,
            failures,
            address,
        )
