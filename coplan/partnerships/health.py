"""The seven-elements health check, an extension point each app fills for its own element.

An app registers a provider with ``@provides(element_number)``; the provider takes a partnership
and returns an :class:`ElementHealth`. Elements nobody provides for yet say "not started".
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from .enums import Role
from .gates import GROUP_ROLES, steering_departments
from .timeline import check_partnership


class HealthStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"

    @property
    def tag_class(self) -> str:
        return {
            "not_started": "govuk-tag--grey",
            "in_progress": "govuk-tag--blue",
            "on_track": "govuk-tag--green",
            "at_risk": "govuk-tag--red",
        }[self.value]


ELEMENTS = {
    1: "Service design with service users",
    2: "Piloting with monitoring that feeds the tender",
    3: "Intermediary support",
    4: "Capacity building (costing services)",
    5: "Cross-departmental steering group",
    6: "Consortium building via a design committee",
    7: "Community benefit clauses in the tender",
}


@dataclass
class ElementHealth:
    number: int
    status: HealthStatus
    evidence: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return ELEMENTS[self.number]

    def as_dict(self) -> dict:
        return {
            "element": self.number,
            "name": self.name,
            "status": self.status.value,
            "status_label": self.status.label,
            "evidence": self.evidence,
        }


_PROVIDERS: dict[int, Callable] = {}


def provides(number: int):
    if number not in ELEMENTS:
        raise ValueError(f"PSP elements are numbered 1 to 7, not {number}")

    def decorator(fn):
        _PROVIDERS[number] = fn
        return fn

    return decorator


def health_check(partnership) -> list[ElementHealth]:
    rows = []
    for number in ELEMENTS:
        provider = _PROVIDERS.get(number)
        if provider is None:
            rows.append(
                ElementHealth(
                    number, HealthStatus.NOT_STARTED, ["No evidence recorded in Coplan yet."]
                )
            )
        else:
            rows.append(provider(partnership))
    return rows


@provides(3)
def intermediary_support(partnership) -> ElementHealth:
    evidence = []
    facilitators = [m for m in partnership.roster if m.role == Role.FACILITATOR]
    if partnership.intermediary_id is None:
        return ElementHealth(3, HealthStatus.NOT_STARTED, ["No intermediary named yet."])
    evidence.append(f"Intermediary: {partnership.intermediary}.")
    if facilitators:
        evidence.append("Facilitators: " + ", ".join(str(m.user) for m in facilitators) + ".")
    else:
        evidence.append("No facilitator is a member yet.")
    check = check_partnership(partnership)
    if partnership.tender_on:
        tender = partnership.tender_on
        evidence.append(f"Timeline back-planned from a tender on {tender.day} {tender:%B %Y}.")
    else:
        evidence.append("No tender date yet, so no timeline.")
    evidence += [f.message for f in check.errors + check.warnings]
    if check.errors or not facilitators:
        status = HealthStatus.AT_RISK
    elif partnership.tender_on and not check.warnings:
        status = HealthStatus.ON_TRACK
    else:
        status = HealthStatus.IN_PROGRESS
    return ElementHealth(3, status, evidence)


@provides(5)
def steering_group(partnership) -> ElementHealth:
    departments = steering_departments(partnership)
    members = len({m.user_id for m in partnership.roster if m.role in GROUP_ROLES})
    if not departments and not members:
        return ElementHealth(5, HealthStatus.NOT_STARTED, ["No steering group members yet."])
    evidence = [
        f"{members} {'person' if members == 1 else 'people'} on the steering group "
        "(commissioner, procurement and steering members).",
        f"Departments represented: {', '.join(departments) or 'none'}.",
    ]
    has_procurement = any(m.role == Role.PROCUREMENT for m in partnership.roster)
    if not has_procurement:
        evidence.append("No procurement officer on the group.")
    if len(departments) >= 2 and has_procurement:
        return ElementHealth(5, HealthStatus.ON_TRACK, evidence)
    return ElementHealth(5, HealthStatus.AT_RISK, evidence)
