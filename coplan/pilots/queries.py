"""Reusable reads with the visibility filters applied, and what other apps ask of pilots."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404

from coplan.partnerships.queries import get_for

from .enums import BatchStatus, Disclosure
from .models import (
    DeliveryRecord,
    Evaluation,
    EvaluationResult,
    Feedback,
    ImportBatch,
    MonthlyRollup,
    Pilot,
    PilotIssue,
)


def pilot_of(partnership) -> Pilot | None:
    return (
        Pilot.objects.filter(partnership=partnership)
        .select_related("partnership")
        .prefetch_related("services", "providers__organisation")
        .first()
    )


def get_pilot(user, pk, perm: str = "pilots.view_pilot") -> tuple:
    """(partnership, pilot) if ``user`` may ``perm``: 404 for outsiders or when there is no
    pilot yet, 403 for members without the permission."""
    partnership = get_for(user, pk, perm)
    pilot = pilot_of(partnership)
    if pilot is None:
        raise Http404("This partnership has no pilot yet")
    pilot.partnership = partnership
    return partnership, pilot


def get_pilot_light(user, pk, perm: str = "pilots.view_pilot") -> tuple:
    """Like :func:`get_pilot` in one query (pilot with its partnership) and without services
    and providers, for pages served from a cache; same 404 and 403 as ``get_for``."""
    try:
        pilot = Pilot.objects.select_related(
            "partnership__lead_authority", "partnership__intermediary"
        ).get(partnership_id=pk)
    except (Pilot.DoesNotExist, ValueError, TypeError):
        get_for(user, pk, perm)  # 404 or 403 as for any partnership page
        raise Http404("This partnership has no pilot yet") from None
    partnership = pilot.partnership
    if not user.has_perm("partnerships.view_partnership", partnership):
        raise Http404("No such partnership")
    if not user.has_perm(perm, partnership):
        raise PermissionDenied("Your role in this partnership does not allow this.")
    return partnership, pilot


def records_of(pilot: Pilot, *, scope=None, service=None, provider=None, month=None):
    records = DeliveryRecord.objects.filter(pilot=pilot)
    if scope is not None:
        records = records.filter(provider_id__in=scope)
    if service:
        records = records.filter(service_id=service)
    if provider:
        records = records.filter(provider_id=provider)
    if month:
        records = records.filter(month=month)
    return records.select_related("service", "provider").order_by("-delivered_on", "-id")


def record_count(pilot: Pilot, *, scope=None, service=None, provider=None, month=None) -> int:
    """How many records match, from the rollups (a COUNT over a million rows is not needed)."""
    rows = MonthlyRollup.objects.filter(pilot=pilot)
    if scope is not None:
        rows = rows.filter(provider_id__in=scope)
    if service:
        rows = rows.filter(service_id=service)
    if provider:
        rows = rows.filter(provider_id=provider)
    if month:
        rows = rows.filter(month=month)
    return rows.aggregate(n=Sum("records"))["n"] or 0


def batches_of(pilot: Pilot, *, scope=None):
    """The pilot's uploads, newest first; a provider sees only uploads for its own
    organisation (a short list, filtered here rather than by JSON lookups)."""
    batches = (
        ImportBatch.objects.filter(pilot=pilot)
        .select_related("uploaded_by", "reverted_by")
        .defer("errors", "preview")
        .order_by("-created_at", "-id")
    )
    if scope is None:
        return list(batches)
    return [
        b for b in batches if b.allowed_providers is not None and set(b.allowed_providers) <= scope
    ]


def issues_of(pilot: Pilot):
    return PilotIssue.objects.filter(pilot=pilot).select_related(
        "owner", "raised_by", "service", "provider"
    )


def feedback_of(pilot: Pilot):
    return Feedback.objects.filter(pilot=pilot).select_related(
        "service", "provider", "submitted_by", "responded_by"
    )


def evaluations_of(pilot: Pilot):
    return Evaluation.objects.filter(pilot=pilot).select_related("author", "approved_by", "pilot")


def actual_unit_costs(partnership) -> dict[tuple[str, int], Decimal]:
    """{(service name, provider organisation id): actual cost per unit} over the whole pilot,
    from the rollups — what the costing app compares full-cost-recovery unit costs with."""
    pilot = Pilot.objects.filter(partnership=partnership).first()
    if pilot is None:
        return {}
    rows = (
        MonthlyRollup.objects.filter(pilot=pilot)
        .values("service__name", "provider_id")
        .annotate(cost=Sum("cost"), quantity=Sum("quantity"))
        .order_by()
    )
    return {
        (r["service__name"], r["provider_id"]): (r["cost"] / r["quantity"]).quantize(
            Decimal("0.01")
        )
        for r in rows
        if r["quantity"]
    }


def unclassified_artefacts(partnership) -> list[dict]:
    """Pilot evaluations and their results (KPI results, unit costs, volumes) with no bidder
    disclosure class yet: the tender cannot open while any remain (docs/disclosure.md, F1)."""
    found = []
    for evaluation in Evaluation.objects.filter(pilot__partnership=partnership).order_by("pk"):
        if evaluation.disclosure == Disclosure.UNCLASSIFIED:
            found.append(
                {
                    "kind": "pilot_evaluation",
                    "label": evaluation.title,
                    "url": evaluation.get_absolute_url(),
                    "object": evaluation,
                }
            )
    results = (
        EvaluationResult.objects.filter(
            evaluation__pilot__partnership=partnership, disclosure=Disclosure.UNCLASSIFIED
        )
        .select_related("evaluation__pilot")
        .order_by("evaluation_id", "position", "pk")
    )
    for result in results:
        found.append(
            {
                "kind": f"pilot_{result.kind}",
                "label": f"{result.evaluation.title}: {result.label}",
                "url": result.evaluation.get_absolute_url(),
                "object": result,
            }
        )
    return found


def batch_for(pilot: Pilot, batch_pk) -> ImportBatch:
    try:
        return ImportBatch.objects.select_related("uploaded_by").get(pilot=pilot, pk=batch_pk)
    except (ImportBatch.DoesNotExist, ValueError, TypeError):
        raise Http404("No such upload") from None


def running_batches(pilot: Pilot):
    return ImportBatch.objects.filter(pilot=pilot, status__in=BatchStatus.in_progress())
