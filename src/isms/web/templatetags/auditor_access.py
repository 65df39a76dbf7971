"""Auditor access in shared templates: whether the page's member may grant it (the nav's
entry), and the signed-in user's active grants (the home page's list)."""

from django import template

from isms.audits.auditor_access import active_grants
from isms.core.permissions import Action, can
from isms.core.services import membership_for

register = template.Library()


@register.simple_tag(takes_context=True)
def may_grant_auditors(context) -> bool:
    """True when the page's user may manage auditor grants of the page's organisation (the
    view's membership if it passed one, else one query)."""
    organisation = context.get("organisation")
    request = context.get("request")
    if organisation is None or request is None:
        return False
    membership = context.get("membership")
    if membership is None or membership.organisation_id != organisation.pk:
        membership = membership_for(request.user, organisation)
    return can(membership, Action.MANAGE_MEMBERS) or can(membership, Action.MANAGE_ORGANISATION)


@register.simple_tag(takes_context=True)
def auditor_grants(context) -> list:
    """The signed-in user's usable grants with their organisation and audit (one query)."""
    request = context.get("request")
    if request is None:
        return []
    return list(
        active_grants(request.user)
        .select_related("organisation", "audit")
        .order_by("expires_on", "organisation__name")
    )
