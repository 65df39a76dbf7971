"""Creating organisations, users and memberships with full validation.

The CLI, the web UI and the API all go through these functions so the rules are applied once.
Each raises django.core.exceptions.ValidationError with every problem, and writes nothing then.
"""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isms.core.models import ApiToken, Membership, Organisation
from isms.core.permissions import Role


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
    User = get_user_model()
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise ValidationError({"user": [f"no user named {username!r}"]}) from None


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
        membership.role = role
        membership.is_top_management = is_top_management
        membership.save()
    return membership, created


def membership_for(user, organisation: Organisation) -> Membership | None:
    """The user's membership in ``organisation`` (active or suspended), or None."""
    if user is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(organisation=organisation, user=user).first()


TOKEN_PREFIX = "isms_"  # noqa: S105 (a marker, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(user, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """A new API token for ``user``; returns (record, token). The token is not stored."""
    if ApiToken.objects.filter(user=user, name=name).exists():
        raise ValidationError({"name": [f"{user.username} already has a token named {name!r}"]})
    if expires_in_days is not None and expires_in_days < 1:
        raise ValidationError({"expires": ["a token must be valid for at least one day"]})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(token),
        expires_at=expires_at,
    )
    return record, token


def user_for_token(token: str):
    """The active user a valid, unexpired, unrevoked token belongs to, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if record is None or (record.expires_at and record.expires_at <= now):
        return None
    if not record.user.is_active:
        return None
    if record.last_used_at is None or now - record.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
