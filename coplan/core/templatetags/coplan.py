from decimal import Decimal, InvalidOperation

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def money(value):
    """£50,000 or £589,148.50 (GOV.UK style: pence only when there are some). Takes a
    Decimal, a number or a decimal string (a sealed bid's prices are strings)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount:,.2f}"
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


@register.filter
def action_label(code: str) -> str:
    """``partnership.stage.advance_refused`` → “Partnership stage advance refused”."""
    words = code.replace("_", " ").replace(".", " ").split()
    return " ".join(words).capitalize()


@register.filter
def as_problems(items) -> list[tuple[str, str]]:
    """``(anchor, message)`` pairs for ``components/error_summary.html``, from what pages hold:
    messages (of level error or warning), texts, objects with a ``message``, ``{field:
    message}`` or pairs already (an empty anchor: no link of its own, or the include's
    ``anchor``)."""
    if not items:
        return []
    if isinstance(items, dict):
        return [("" if field == "__all__" else field, str(m)) for field, m in items.items()]
    pairs = []
    for item in items:
        if isinstance(item, tuple | list) and len(item) == 2:
            pairs.append((item[0] or "", str(item[1])))
        elif hasattr(item, "level_tag"):  # a django.contrib.messages message
            if item.level_tag in ("error", "warning"):
                pairs.append(("", str(item)))
        else:
            pairs.append(("", _problem_text(item)))
    return pairs


def _problem_text(item) -> str:
    """An item's own text if it says itself (a row error: "Row 3, column B (“Theme”): …"),
    else its ``message`` (a finding, a refusal)."""
    plain = type(item).__str__ in (object.__str__, BaseException.__str__)
    if plain and hasattr(item, "message"):
        return str(item.message)
    return str(item)
