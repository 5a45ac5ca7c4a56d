"""Display filters for costing figures: everything is exact until it reaches the page."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


def _quantize(value, places: int) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@register.filter
def percent(value, places: int = 1):
    """A fraction as a percentage: 0.2333 → “23.3 %”."""
    if value is None or value == "":
        return ""
    shown = _quantize(Decimal(value) * 100, int(places))
    text = f"{shown:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


@register.filter
def pounds(value):
    """Money to the penny, rounded half up: “£1,234.57”."""
    if value is None or value == "":
        return ""
    return f"£{_quantize(value, 2):,.2f}"


@register.filter
def num(value, places: int = 4):
    """A number without trailing zeros, at most ``places`` decimal places: 1.7000 → “1.7”."""
    if value is None or value == "":
        return ""
    shown = _quantize(value, int(places))
    text = f"{shown:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def signed_pounds(value):
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{pounds(abs(value))}"


@register.filter
def signed(value):
    if value is None:
        return ""
    return f"+{value}" if value > 0 else (f"−{abs(value)}" if value < 0 else "0")
