"""Organisations, memberships and the base mixins every register model is built from."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import DatabaseError, models
from simple_history.models import HistoricalRecords

from isms.core.actor import current_user, history_user
from isms.core.permissions import Role

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    "a slug is 1-50 lowercase letters, digits and hyphens, not starting or ending with a hyphen",
)


class StaleRecord(DatabaseError):
    """A save of a copy of a row that someone else changed after the copy was read."""


class TrackedModel(models.Model):
    """Records who created and last changed a row and when, and keeps every version.

    History (django-simple-history) stores the whole row before and after each change with the
    acting user (see :mod:`isms.core.actor`), so an auditor can see who changed what and when.
    """

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    row_version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Counts the saves of this row: the API's ETag, and how the importer and the "
        "API notice a change made by someone else since they read the row.",
    )
    history = HistoricalRecords(inherit=True, get_user=history_user)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        user = current_user()
        update_fields = kwargs.get("update_fields")
        self._expected_row_version = None
        if not self._state.adding:
            # The update only applies to the row as it was read (see _do_update): a copy
            # someone else changed since is refused, never written back over their change.
            self._expected_row_version = self.row_version
            self.row_version = (self.row_version or 0) + 1
        if user is not None:
            if self._state.adding and self.created_by_id is None:
                self.created_by = user
            self.updated_by = user
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "updated_by", "updated_at", "row_version"}
        try:
            super().save(*args, **kwargs)
        except StaleRecord:
            self.row_version = self._expected_row_version
            raise

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = getattr(self, "_expected_row_version", None)
        if expected is None or not values:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if base_qs.filter(pk=pk_val, row_version=expected)._update(values) > 0:
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise StaleRecord(
                f"{self._meta.verbose_name} {self} was changed by someone else since it was read "
                f"(it was version {expected}); nothing was saved: read it again and retry"
            )
        return False


class Organisation(TrackedModel):
    """A tenant: one organisation's ISMS. Every register row belongs to exactly one."""

    slug = models.CharField(max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=200)
    require_two_factor = models.BooleanField(
        default=False,
        help_text="Members must confirm a TOTP code at sign-in before any of this "
        "organisation's pages (API tokens are unaffected).",
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class OrganisationQuerySet(models.QuerySet):
    def for_organisation(self, organisation: Organisation) -> "OrganisationQuerySet":
        return self.filter(organisation=organisation)


class OrganisationScopedModel(TrackedModel):
    """Base for every register row: owned by one organisation, tracked, kept in history.

    Read through ``Model.objects.for_organisation(org)`` so that no query crosses tenants.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        abstract = True


class Membership(OrganisationScopedModel):
    """A user's role in one organisation, and whether they are part of top management."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_top_management = models.BooleanField(
        default=False, help_text="Sits on top management (signs management reviews, 5.1, 9.3)."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__slug", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="core_membership_one_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="core_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} as {self.role}"


def unique_key(*fields: str) -> models.UniqueConstraint:
    """The natural key of a register row, unique within its organisation."""
    return models.UniqueConstraint(
        fields=["organisation", *fields], name="%(app_label)s_%(class)s_key"
    )


def person_field(help_text: str, *, required: bool = False, **kwargs) -> models.ForeignKey:
    """A reference to a person of the same organisation (owner, approver, reviewer, ...)."""
    return models.ForeignKey(
        "people.Person",
        null=not required,
        blank=not required,
        on_delete=models.RESTRICT,
        related_name="+",
        help_text=help_text,
        **kwargs,
    )


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 hash is stored; the token is shown once.

    Every token expires (``ISMS_TOKEN_DAYS``, 90 days unless asked otherwise, at most a year);
    a read-only token may only read (GET, HEAD, OPTIONS), whatever its user's role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for.")
    prefix = models.CharField(
        max_length=12, editable=False, help_text="First characters, to tell tokens apart."
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="After this the token no longer authenticates.")
    last_used_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="Last successful use, to the minute (not written on every request).",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(
        default=False, help_text="The token may only read: any other method answers 403."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="core_apitoken_name_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def scope(self) -> str:
        return "read" if self.read_only else "read-write"
