"""Template tags of the partnership pages."""

from django import template

from coplan.partnerships.sections import sections_for

register = template.Library()


@register.simple_tag(takes_context=True)
def partnership_sections(context, partnership):
    """The sections of ``partnership`` the signed-in person may open, the current one marked."""
    request = context["request"]
    match = request.resolver_match
    return sections_for(request.user, partnership, match.url_name, match.namespace)
