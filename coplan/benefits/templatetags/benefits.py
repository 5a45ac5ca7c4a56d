from decimal import Decimal

from django import template

from coplan.benefits.calc import rounded

register = template.Library()


def _text(value: Decimal, places: int) -> str:
    text = f"{rounded(value, places):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def percent(fraction, places=1):
    """0.035 → “3.5 %”."""
    if fraction in (None, ""):
        return ""
    return f"{_text(Decimal(fraction) * 100, int(places))} %"


@register.filter
def pct(value, places=0):
    """A percentage already: 87.5 → “88 %” (places=0)."""
    if value in (None, ""):
        return ""
    return f"{_text(Decimal(value), int(places))} %"


@register.filter
def number(value, places=2):
    """12.50 → “12.5”, 3.00 → “3”."""
    if value in (None, ""):
        return ""
    return _text(Decimal(value), int(places))
