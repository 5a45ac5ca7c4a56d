"""The golden thread's link point: later apps show what hangs off each requirement.

Apps depend one way (design ← pilots ← tendering), so a pilot KPI or a tender clause points
at a :class:`~coplan.design.models.Requirement`; the specification pages ask the registered
providers for those links, in one batch per page::

    from coplan.design.links import Link, register

    @register
    def kpis(requirements):  # -> {requirement id: [Link, ...]}
        ...
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    label: str  # e.g. "Pilot KPI: days from referral to delivery"
    url: str


_PROVIDERS: list[Callable[[list], dict[int, list[Link]]]] = []


def register(provider):
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)
    return provider


def links_for(requirements: Iterable) -> dict[int, list[Link]]:
    requirements = list(requirements)
    found: dict[int, list[Link]] = {}
    if not requirements:
        return found
    for provider in _PROVIDERS:
        for requirement_id, links in (provider(requirements) or {}).items():
            found.setdefault(requirement_id, []).extend(links)
    return found
