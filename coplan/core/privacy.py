"""The data protection register: each app declares, in its own ``privacy.py``, the personal
data it holds as ``Category`` objects (what, whose, why, on what lawful basis, for how long, and
how to export, erase and apply retention to it). ``coplan.ops.privacy`` runs subject access,
erasure and retention across every registered category; the privacy notice lists them."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import autodiscover_modules

from coplan.core.dates import add_months

# What an erased person is called wherever their name was.
ERASED_NAME = "Erased person"


@dataclass(frozen=True)
class Category:
    """One kind of personal data an app holds."""

    key: str  # "design.contributions"
    title: str  # "Ideas, feedback and comments"
    holds: str  # what personal data, in plain words
    about: str  # whose data
    purpose: str
    lawful_basis: str
    retention: str  # in plain words
    export: Callable | None = None  # (person) -> list[dict]
    erase: Callable | None = None  # (person) -> int (records anonymised)
    retain: Callable | None = None  # (today, dry_run) -> int (records affected)
    notice: str = ""  # what service users are told, in plain language (privacy notice)

    @property
    def app(self) -> str:
        return self.key.split(".", 1)[0]


_REGISTRY: dict[str, Category] = {}
_discovered = False


def register(category: Category) -> Category:
    _REGISTRY[category.key] = category
    return category


def categories() -> list[Category]:
    global _discovered
    if not _discovered:
        autodiscover_modules("privacy")
        _discovered = True
    return sorted(_REGISTRY.values(), key=lambda c: c.key)


# Dates the retention rules count from.


def months_ago(today: dt.date, months: int) -> dt.date:
    return add_months(today, -months)


def retention_months(name: str, default: int) -> int:
    return int(getattr(settings, "COPLAN_RETENTION_MONTHS", {}).get(name, default))
