"""``{% organisation_menu %}``: the header's menu of the signed-in user's organisations."""

from django import template

from isms.core.models import Membership, Organisation

register = template.Library()


@register.inclusion_tag("web/account/organisation_menu.html", takes_context=True)
def organisation_menu(context):
    """The user's active organisations (one query), the page's own marked as current."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"organisations": []}
    page_organisation = context.get("organisation")
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "organisation__slug")
    )
    return {
        "organisations": [membership.organisation for membership in memberships],
        "current": page_organisation if isinstance(page_organisation, Organisation) else None,
    }
