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


IRREGULAR = {"people": "person"}


@register.filter
def unit_for(unit, value):
    """A commitment's unit (stored plural) agreeing with ``value``: “1 trainee place”,
    “2 trainee places”, “1 person”, “1 item reused”. Only exactly one is singular; the first
    plural word of the unit is the one that changes."""
    if value in (None, "") or Decimal(value) != 1 or not unit:
        return unit
    words = unit.split(" ")
    for i, word in enumerate(words):
        if word.lower() in IRREGULAR:
            words[i] = IRREGULAR[word.lower()]
            return " ".join(words)
        if len(word) > 2 and word.endswith("s") and not word.endswith("ss"):
            words[i] = word[:-1]
            return " ".join(words)
    return unit
