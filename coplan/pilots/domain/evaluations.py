"""Interim and final pilot evaluations: results snapshotted from the rollups, approval by the
commissioner for the steering group, and a bidder disclosure class on each result
(docs/disclosure.md, F1)."""

import datetime as dt

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.dates import add_months
from coplan.core.errors import DomainError
from coplan.design.domain.disclosure import check as check_disclosure
from coplan.design.domain.disclosure import record as record_disclosure
from coplan.partnerships.timeline import MIN_PILOT_MONTHS

from .. import dashboard
from ..enums import EvaluationKind, ResultKind
from ..models import Evaluation, EvaluationResult, Pilot

TEXT_FIELDS = ("title", "summary", "feedback_summary", "lessons", "proposed_changes")


def _d(day):
    return f"{day.day} {day:%B %Y}"


def _check_period(pilot: Pilot, kind: str, start: dt.date, end: dt.date) -> None:
    if end < start:
        raise DomainError(
            "The data must end after it starts.", code="invalid_period", field="period_end"
        )
    if start < pilot.starts_on or end > pilot.last_day:
        raise DomainError(
            f"The evaluation covers the pilot: from {_d(pilot.starts_on)} to "
            f"{_d(pilot.last_day)} at most.",
            code="period_outside_pilot",
            field="period_start" if start < pilot.starts_on else "period_end",
        )
    six_months = add_months(pilot.starts_on, MIN_PILOT_MONTHS) - dt.timedelta(days=1)
    if kind == EvaluationKind.INTERIM and end < six_months:
        raise DomainError(
            f"An interim evaluation comes at six months or later: its data must run to "
            f"{_d(six_months)} or later (rule T2: the pilot runs at least six whole months).",
            code="interim_before_six_months",
            field="period_end",
        )


def _snapshot(evaluation: Evaluation) -> list[EvaluationResult]:
    summary = dashboard.summarise(evaluation.pilot, evaluation.period_start, evaluation.period_end)
    results = []
    position = 0
    for row in summary["kpis"]:
        kpi = row["kpi"]
        results.append(
            EvaluationResult(
                evaluation=evaluation,
                kind=ResultKind.KPI,
                kpi=kpi,
                label=kpi.name,
                value=row["value"],
                unit=kpi.unit,
                target=kpi.target,
                baseline=kpi.baseline,
                direction=kpi.direction,
                rag=row["rag"].value,
                basis=row["basis"],
                position=position,
            )
        )
        position += 1
    for row in summary["unit_costs"]:
        provider = row["provider"]
        results.append(
            EvaluationResult(
                evaluation=evaluation,
                kind=ResultKind.UNIT_COST,
                service=row["service"],
                provider=provider,
                label=f"Cost per {row['service'].unit}: {row['service'].name}, {provider}",
                value=row["unit_cost"],
                unit="£",
                position=position,
            )
        )
        position += 1
    for row in summary["volumes"]:
        results.append(
            EvaluationResult(
                evaluation=evaluation,
                kind=ResultKind.VOLUME,
                service=row["service"],
                label=f"Volume: {row['service'].name}",
                value=row["quantity"],
                unit=f"{row['service'].unit}s",
                position=position,
            )
        )
        position += 1
    return results


def _key(result: EvaluationResult):
    return (result.kind, result.kpi_id, result.service_id, result.provider_id)


def create_evaluation(
    *,
    pilot: Pilot,
    actor,
    kind: str,
    period_start: dt.date,
    period_end: dt.date,
    title: str = "",
    **texts,
) -> Evaluation:
    _check_period(pilot, kind, period_start, period_end)
    with transaction.atomic():
        evaluation = Evaluation(
            pilot=pilot,
            kind=kind,
            period_start=period_start,
            period_end=period_end,
            title=title or f"{EvaluationKind(kind).label}: {_d(period_start)} to {_d(period_end)}",
            author=actor,
            **{k: v for k, v in texts.items() if k in TEXT_FIELDS},
        )
        evaluation.full_clean()
        evaluation.save()
        EvaluationResult.objects.bulk_create(_snapshot(evaluation))
        audit.log(
            actor=actor,
            action="pilots.evaluation.created",
            obj=evaluation,
            partnership=pilot.partnership,
            data={"kind": kind, "period_start": period_start, "period_end": period_end},
        )
    return evaluation


def _guard_draft(evaluation: Evaluation) -> None:
    if evaluation.is_approved:
        raise DomainError(
            "This evaluation is approved: its content cannot change. Start a new evaluation.",
            code="evaluation_approved",
        )


def refresh_results(*, evaluation: Evaluation, actor) -> Evaluation:
    """Recompute the results from the current data, keeping each result's commentary and
    disclosure class."""
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _guard_draft(evaluation)
        kept = {_key(r): r for r in evaluation.results.all()}
        fresh = _snapshot(evaluation)
        for result in fresh:
            old = kept.get(_key(result))
            if old is not None:
                result.commentary = old.commentary
                result.disclosure = old.disclosure
                result.disclosure_reason = old.disclosure_reason
                result.classified_by_id = old.classified_by_id
                result.classified_at = old.classified_at
        evaluation.results.all().delete()
        EvaluationResult.objects.bulk_create(fresh)
        audit.log(
            actor=actor,
            action="pilots.evaluation.refreshed",
            obj=evaluation,
            partnership=evaluation.pilot.partnership,
            data={"results": len(fresh)},
        )
    return evaluation


def update_evaluation(
    *, evaluation: Evaluation, actor, commentary: dict | None = None, **texts
) -> Evaluation:
    """Change the report's text and each result's commentary (``{result id: text}``)."""
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _guard_draft(evaluation)
        changed = []
        for name, value in texts.items():
            if name in TEXT_FIELDS and getattr(evaluation, name) != value:
                setattr(evaluation, name, value)
                changed.append(name)
        evaluation.full_clean()
        evaluation.save()
        for result in evaluation.results.all():
            if (
                commentary
                and result.pk in commentary
                and commentary[result.pk] != result.commentary
            ):
                result.commentary = commentary[result.pk]
                result.save(update_fields=["commentary"])
                changed.append(f"commentary:{result.pk}")
        audit.log(
            actor=actor,
            action="pilots.evaluation.updated",
            obj=evaluation,
            partnership=evaluation.pilot.partnership,
            data={"changed": changed},
        )
    return evaluation


def approve_evaluation(
    *, evaluation: Evaluation, actor, approved_on: dt.date | None = None, note: str = ""
) -> Evaluation:
    """The commissioner records the steering group's approval; the report is then fixed."""
    approved_on = approved_on or clock.today()
    with transaction.atomic():
        evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        _guard_draft(evaluation)
        if approved_on < evaluation.period_end:
            raise DomainError(
                "An evaluation is approved after the period its data covers.",
                code="approved_too_early",
                field="approved_on",
            )
        if not evaluation.results.exists():
            raise DomainError("The evaluation has no results yet.", code="no_results")
        evaluation.approved_by = actor
        evaluation.approved_on = approved_on
        evaluation.approval_note = note
        evaluation.save(update_fields=["approved_by", "approved_on", "approval_note"])
        audit.log(
            actor=actor,
            action="pilots.evaluation.approved",
            obj=evaluation,
            partnership=evaluation.pilot.partnership,
            data={"approved_on": approved_on, "note": note, "kind": evaluation.kind},
        )
    return evaluation


def _classification(obj: Evaluation | EvaluationResult):
    """The audit code and partnership of a pilot artefact's classification."""
    if isinstance(obj, Evaluation):
        return "pilots.evaluation.classified", obj.pilot.partnership
    return "pilots.result.classified", obj.evaluation.pilot.partnership


def classify_many(*, items, actor) -> int:
    """Set the bidder disclosure class of several evaluations or results, all or nothing
    (docs/disclosure.md, F1, implemented once in :mod:`coplan.design.domain.disclosure`).
    ``items`` holds ``(obj, disclosure, reason)`` triples; every one is checked before any is
    stored."""
    checked = [(obj, *check_disclosure(value, reason)) for obj, value, reason in items]
    now = clock.now()
    with transaction.atomic():
        for obj, value, reason in checked:
            action, partnership = _classification(obj)
            record_disclosure(
                obj=obj,
                actor=actor,
                value=value,
                reason=reason,
                now=now,
                action=action,
                partnership=partnership,
            )
    return len(checked)


def classify(*, obj: Evaluation | EvaluationResult, actor, disclosure: str, reason: str = ""):
    """Set the bidder disclosure class of an evaluation or one of its results
    (docs/disclosure.md, F1)."""
    classify_many(items=[(obj, disclosure, reason)], actor=actor)
    return obj
