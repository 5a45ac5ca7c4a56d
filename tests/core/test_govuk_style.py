"""One GOV.UK style everywhere: "(optional)" is said once (the field component adds it to every
optional field that is not a select, so no form's own label says it again: "Minimum score
(optional) (optional)"), and money is written one way (£1,379,400 and £4.20)."""

import importlib
import pkgutil

from django import forms

import coplan
from coplan.core.forms import GovukFormMixin


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_optional_field_says_optional_in_its_own_label():
    for module in pkgutil.walk_packages(coplan.__path__, "coplan."):
        if module.name.rsplit(".", 1)[-1] == "forms" or ".forms." in module.name:
            importlib.import_module(module.name)
    doubled = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _subclasses(GovukFormMixin)
        for name, field in getattr(form, "base_fields", {}).items()
        if not field.required
        and not isinstance(field.widget, forms.Select)
        and "(optional)" in str(field.label or "")
    ]
    assert doubled == []


def test_money_is_shown_the_gov_uk_way_whatever_it_comes_as():
    from decimal import Decimal

    from coplan.core.templatetags.coplan import money

    assert money(Decimal("1379400.00")) == "£1,379,400"
    assert money(Decimal("4.2")) == "£4.20"
    assert money("123457.89") == "£123,457.89"  # a sealed bid's prices are strings
    assert money(None) == money("") == ""
