"""Health-check providers and gate criteria registered by this app: element 1 of the seven
(service design with service users) and the service design stage's "specification approved"
gate, checked against the data instead of a manual checklist item."""

from django.db.models import Q, Sum
from django.utils import timezone

from coplan.core import clock
from coplan.partnerships import gates
from coplan.partnerships.enums import Stage
from coplan.partnerships.health import ElementHealth, HealthStatus, provides

from . import queries
from .models import EngagementActivity, UserGroup

TRACED_ON_TRACK = 50  # % of requirements traced to user input for "on track"


def _approved(version) -> str:
    when = version.frozen_at if version.status == "frozen" else version.approved_at
    state = "frozen" if version.status == "frozen" else "approved"
    return f"Version {version.number}, {state} on {timezone.localtime(when):%-d %B %Y}"


def spec_approved(partnership) -> gates.Outcome:
    version = queries.latest_signed_off(partnership)
    if version is None:
        return gates.Outcome(
            False,
            "No specification version is approved yet: the commissioner approves a draft on "
            "the service design specification page.",
        )
    return gates.Outcome(True, _approved(version) + ".")


gates.register(
    Stage.SERVICE_DESIGN,
    gates.Criterion("spec_approved", "Specification version 1 approved", spec_approved),
    replaces="spec_v1_approved",
)


@provides(1)
def service_design(partnership) -> ElementHealth:
    today = clock.today()
    held = EngagementActivity.objects.filter(partnership=partnership, held_on__lte=today)
    count = held.count()
    latest = queries.latest_version(partnership)
    if not count and latest is None:
        return ElementHealth(1, HealthStatus.NOT_STARTED, ["No evidence recorded in Coplan yet."])
    people = held.aggregate(n=Sum("participant_count"))["n"] or 0
    groups = list(
        UserGroup.objects.filter(partnership=partnership)
        .filter(Q(activities__in=held) | Q(items__isnull=False))
        .distinct()
        .values_list("name", flat=True)
    )
    signed_off = queries.latest_signed_off(partnership)
    trace = queries.trace_stats(latest)
    unanswered = queries.insights_without_response(partnership).count()
    evidence = [
        f"{count} engagement activit{'y' if count == 1 else 'ies'} held with {people} "
        "participants.",
        f"User groups reached: {', '.join(groups) or 'none recorded'}.",
    ]
    if latest is not None:
        evidence.append(
            f"{trace.traced} of {trace.total} requirements ({trace.share}%) in version "
            f"{latest.number} trace to user input."
        )
    evidence.append(
        f"Latest approved specification: {_approved(signed_off)}."
        if signed_off
        else "No specification version approved yet."
    )
    if unanswered:
        evidence.append(
            f"{unanswered} insight{' has' if unanswered == 1 else 's have'} no response on "
            "'you said, we did' yet."
        )
    past_design = Stage(partnership.stage).number > Stage.SERVICE_DESIGN.number
    if past_design and (signed_off is None or unanswered):
        status = HealthStatus.AT_RISK
    elif signed_off and not unanswered and trace.share >= TRACED_ON_TRACK and count:
        status = HealthStatus.ON_TRACK
    else:
        status = HealthStatus.IN_PROGRESS
    return ElementHealth(1, status, evidence)
