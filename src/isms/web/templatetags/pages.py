"""Links to the other pages of a list, keeping whatever filters and sort the list was asked
with (the request's query string), so no page has to rebuild its own."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number) -> str:
    """``?...&page=N``: the current query with its page replaced."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
