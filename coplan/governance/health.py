"""Health-check providers and gate criteria registered by this app (imported in ``ready``).

* Element 5 (cross-departmental steering group): replaces the foundation's membership-only
  provider; keeps its membership evidence and the "at least two council departments plus
  procurement" flag, and adds meetings held, minutes approved and overdue actions.
* Gate criteria: see :mod:`coplan.governance.gates`.
* The "Governance" link in the partnership's section navigation.
"""

import datetime as dt

from django.utils import timezone

from coplan.core import clock
from coplan.core.models import OrganisationType
from coplan.partnerships import sections
from coplan.partnerships.enums import Role
from coplan.partnerships.gates import GROUP_ROLES, steering_departments
from coplan.partnerships.health import ElementHealth, HealthStatus, provides

from . import queries
from .gates import register_gates
from .models import Meeting

MIN_DEPARTMENTS = 2


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def _composition(partnership, body):
    """(evidence line, departments, has procurement) for the steering group: its seats when the
    body exists and has members, otherwise the partnership's roles (as the foundation counts)."""
    seats = list(queries.seats_of(body)) if body is not None else []
    if seats:
        departments = sorted(
            {
                str(s.organisation)
                for s in seats
                if s.organisation and s.organisation.type in OrganisationType.public_sector()
            }
        )
        procurement = set(
            partnership.memberships.filter(role=Role.PROCUREMENT).values_list("user", flat=True)
        )
        has_procurement = any(s.user_id in procurement for s in seats)
        line = f"{_people(len(seats))} on the steering group."
        return line, departments, has_procurement
    members = partnership.memberships.filter(role__in=GROUP_ROLES).values("user").distinct().count()
    has_procurement = partnership.memberships.filter(role=Role.PROCUREMENT).exists()
    line = (
        f"{_people(members)} on the steering group "
        "(commissioner, procurement and steering members)."
    )
    return (line if members else ""), steering_departments(partnership), has_procurement


@provides(5)
def steering_group(partnership) -> ElementHealth:
    body = queries.steering_group(partnership)
    members, departments, has_procurement = _composition(partnership, body)
    if not departments and not members and body is None:
        return ElementHealth(5, HealthStatus.NOT_STARTED, ["No steering group members yet."])
    evidence = [
        members or "Nobody on the steering group yet.",
        f"Departments represented: {', '.join(departments) or 'none'}.",
    ]
    missing = []
    if len(departments) < MIN_DEPARTMENTS:
        missing.append(f"at least {MIN_DEPARTMENTS} council departments (now {len(departments)})")
    if not has_procurement:
        missing.append("a procurement officer")
    if missing:
        evidence.append("The steering group needs " + " and ".join(missing) + ".")
    now = clock.now()
    held = (
        Meeting.objects.filter(body=body, starts_at__lte=now, cancelled_at=None)
        if body is not None
        else Meeting.objects.none()
    )
    held_count = held.count()
    recent = held.filter(starts_at__gte=now - dt.timedelta(days=365)).count()
    approved = held.filter(minutes__status="approved").count()
    overdue = queries.overdue_actions(partnership).count()
    if body is None:
        evidence.append("The steering group is not set up in Coplan yet: no meetings recorded.")
    else:
        evidence.append(
            f"{held_count} meeting{'s' if held_count != 1 else ''} held "
            f"({recent} in the last 12 months); minutes approved for {approved}."
        )
        upcoming = queries.next_meetings(partnership).filter(body=body).first()
        if upcoming:
            local = timezone.localtime(upcoming.starts_at)
            evidence.append(f"Next meeting: {local.day} {local:%B %Y}.")
    evidence.append(
        f"{overdue} overdue action{'s' if overdue != 1 else ''}."
        if overdue
        else "No overdue actions."
    )
    if missing:
        status = HealthStatus.AT_RISK
    elif held_count == 0 or overdue or held_count - approved > 1:
        status = HealthStatus.IN_PROGRESS
    else:
        status = HealthStatus.ON_TRACK
    return ElementHealth(5, status, evidence)


def _register_section() -> None:
    from .urls import urlpatterns

    sections.register(
        sections.Section(
            "Governance",
            "governance:index",
            order=40,
            also_current=tuple(
                f"governance:{p.name}" for p in urlpatterns if p.name and p.name != "index"
            ),
        )
    )


register_gates()
_register_section()


from coplan.partnerships.panels import Panel  # noqa: E402
from coplan.partnerships.panels import register as register_panel  # noqa: E402

from .templatetags.governance import panel_context  # noqa: E402

register_panel(Panel("governance", "governance/_dashboard_panel.html", panel_context, order=10))
