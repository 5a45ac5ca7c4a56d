from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def money(value):
    """£50,000 or £589,148.50."""
    if value is None:
        return ""
    text = f"{value:,.2f}"
    return "£" + (text[:-3] if text.endswith(".00") else text)


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """The current URL with ``page`` set, keeping the other query parameters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def page_range(page: Page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.simple_tag(takes_context=True)
def partnership_sections(context, partnership):
    from coplan.partnerships.sections import sections_for

    request = context["request"]
    match = request.resolver_match
    return sections_for(request.user, partnership, match.url_name, match.namespace)


@register.filter
def action_label(code: str) -> str:
    """``partnership.stage.advance_refused`` → “Partnership stage advance refused”."""
    words = code.replace("_", " ").replace(".", " ").split()
    return " ".join(words).capitalize()
