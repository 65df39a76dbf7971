"""External auditor access: a grant of read-only access to what one external audit needs,
ending with that audit, revocable, every page opened logged (see :class:`AuditorGrant`).

A grant is deliberately not a membership: the auditor has no role in the organisation, so
every page that asks for a membership keeps answering 404, and only the auditor's own pages,
which ask :func:`active_grant`, open.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from isms.audits.models import AuditorAccessLog, AuditorGrant, ExternalAudit
from isms.core.models import Membership


def audit_last_day(audit: ExternalAudit) -> dt.date:
    """The day an external audit ends: the day it was held, else the day it is planned for
    (the register records one day per audit)."""
    return audit.held_on or audit.planned_on


def _audit_not_over(today: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}held_on__gte": today}) | Q(
        **{f"{prefix}held_on__isnull": True, f"{prefix}planned_on__gte": today}
    )


@transaction.atomic
def grant_access(
    organisation, *, user, audit: ExternalAudit, granted_by, expires_on: dt.date | None = None
) -> AuditorGrant:
    """Give ``user`` read-only access for ``audit`` until ``expires_on`` (default and at the
    latest: the audit's last day). ValidationError names the field at fault."""
    today = timezone.localdate()
    if audit.organisation_id != organisation.pk:
        raise ValidationError({"audit": "no such external audit in this organisation"})
    last_day = audit_last_day(audit)
    errors: dict[str, str] = {}
    if last_day < today:
        errors["audit"] = f"{audit.ref} ended on {last_day}: there is nothing left to grant"
    if expires_on is None:
        expires_on = last_day
    elif expires_on > last_day:
        errors["expires_on"] = f"access ends with the audit, on {last_day} at the latest"
    elif expires_on < today:
        errors["expires_on"] = "the expiry is in the past"
    if not user.is_active:
        errors["username"] = f"{user.get_username()} is deactivated"
    elif Membership.objects.filter(organisation=organisation, user=user).exists():
        errors["username"] = (
            f"{user.get_username()} is a member of this organisation; a grant is for an "
            "external auditor, who is not"
        )
    elif active_grants(user, today).filter(audit=audit).exists():
        errors["username"] = f"{user.get_username()} already has access for {audit.ref}"
    if errors:
        raise ValidationError(errors)
    return AuditorGrant.objects.create(
        organisation=organisation,
        user=user,
        audit=audit,
        expires_on=expires_on,
        granted_by=granted_by,
    )


@transaction.atomic
def revoke(grant: AuditorGrant, *, by) -> AuditorGrant:
    """End the grant now (its history keeps who revoked it and when). Revoking twice changes
    nothing."""
    grant = AuditorGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.revoked_by = by
        grant.save()
    return grant


def active_grants(user, today: dt.date | None = None):
    """The grants ``user`` may use today: not revoked, not expired, the audit not over, the user
    active."""
    today = today or timezone.localdate()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AuditorGrant.objects.none()
    return AuditorGrant.objects.filter(
        _audit_not_over(today, "audit__"),
        user=user,
        revoked_at__isnull=True,
        expires_on__gte=today,
    )


def active_grant(user, slug: str, grant_id: int) -> AuditorGrant | None:
    """The grant ``grant_id`` of ``user`` into organisation ``slug`` if it is usable today,
    with its audit and organisation (one query); None otherwise."""
    return (
        active_grants(user)
        .filter(pk=grant_id, organisation__slug=slug)
        .select_related("audit", "organisation")
        .first()
    )


def grant_state(grant: AuditorGrant, today: dt.date | None = None) -> str:
    """active, revoked or expired: what the owner's list says of a grant."""
    today = today or timezone.localdate()
    if grant.revoked_at is not None:
        return "revoked"
    if grant.expires_on < today or audit_last_day(grant.audit) < today:
        return "expired"
    return "active"


def log_access(grant: AuditorGrant, path: str, opened: str) -> None:
    """Record that the auditor opened ``opened`` at ``path``."""
    AuditorAccessLog.objects.create(grant=grant, path=path[:500], opened=opened[:300])
