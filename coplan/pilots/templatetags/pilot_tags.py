from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value, places=1):
    """1234.5 → '1,234.5'; whole numbers without decimals; '—' for nothing."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.{int(places)}f}"


@register.filter
def measure(value, unit=""):
    """A KPI value with its unit: '85.2%', '£67.50', '4.2 days'."""
    if value is None:
        return "No data"
    unit = unit or ""
    if unit == "£":
        return f"£{Decimal(value):,.2f}"
    text = num(value)
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


@register.filter
def money(value):
    if value is None:
        return "—"
    return f"£{Decimal(value):,.2f}"
