"""“(optional)” is said once: the field component adds it to every optional field that is not a
select, so no form's own label says it again ("Minimum score (optional) (optional)")."""

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
