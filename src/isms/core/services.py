"""Creating organisations, users and memberships with full validation.

The CLI, the web UI and the API all go through these functions so the rules are applied once.
Each raises django.core.exceptions.ValidationError with every problem, and writes nothing then.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from isms.core.models import Membership, Organisation
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
