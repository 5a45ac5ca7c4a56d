"""Capacity self-assessments and the capacity-building plan the intermediary tracks."""

import datetime as dt

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.partnerships.enums import Role

from ..enums import ActionStatus, CapacityArea
from ..models import CapacityAction, CapacityAssessment, CapacityScore
from ..rules import organisations_of

ACTION_FIELDS = ("area", "gap", "action", "provider", "due_on", "status", "organisation")


def _check_organisation(partnership, actor, organisation) -> None:
    if not partnership.memberships.filter(role=Role.SE_PARTNER, organisation=organisation).exists():
        raise DomainError(
            f"{organisation} is not a social enterprise partner in this partnership.",
            code="not_an_enterprise",
            field="organisation",
        )
    facilitating = partnership.memberships.filter(user=actor, role=Role.FACILITATOR).exists()
    if not facilitating and organisation.pk not in organisations_of(actor, partnership):
        raise DomainError(
            "You can only do this for the enterprise you represent.",
            code="not_your_enterprise",
            field="organisation",
        )


def _scores(scores: dict) -> list[tuple[str, int, str]]:
    """``{area: (score, evidence)}`` checked: every area scored 1–5."""
    rows = []
    for area in CapacityArea:
        if area.value not in scores and area not in scores:
            raise DomainError(
                f"Score {area.label.lower()} from 1 to 5.", code="required", field=area.value
            )
        score, evidence = scores.get(area.value, scores.get(area))
        if score is None or not 1 <= int(score) <= 5:
            raise DomainError(
                f"Score {area.label.lower()} from 1 to 5.", code="score", field=area.value
            )
        rows.append((area.value, int(score), (evidence or "").strip()))
    return rows


def record_assessment(
    *, partnership, actor, organisation, assessed_on: dt.date, scores: dict, notes: str = ""
) -> CapacityAssessment:
    """A self-assessment: every area (governance, finance, …) scored 1–5 with its evidence."""
    _check_organisation(partnership, actor, organisation)
    if assessed_on > clock.today():
        raise DomainError(
            "An assessment cannot be dated in the future.", code="future", field="assessed_on"
        )
    rows = _scores(scores)
    with transaction.atomic():
        assessment = CapacityAssessment.objects.create(
            partnership=partnership,
            organisation=organisation,
            assessed_on=assessed_on,
            assessed_by=actor,
            notes=notes,
        )
        CapacityScore.objects.bulk_create(
            CapacityScore(assessment=assessment, area=area, score=score, evidence=evidence)
            for area, score, evidence in rows
        )
        audit.log(
            actor=actor,
            action="costing.assessment.recorded",
            obj=assessment,
            partnership=partnership,
            data={
                "organisation": organisation.name,
                "assessed_on": assessed_on,
                "scores": {area: score for area, score, _ in rows},
            },
        )
    return assessment


def add_action(
    *,
    partnership,
    actor,
    organisation,
    area: str,
    gap: str,
    action: str,
    provider: str,
    due_on: dt.date,
) -> CapacityAction:
    """A line of the capacity-building plan: the gap, the action, who provides it, when."""
    _check_organisation(partnership, actor, organisation)
    if not gap.strip() or not action.strip():
        raise DomainError("Describe the gap and the action.", code="required", field="action")
    with transaction.atomic():
        item = CapacityAction.objects.create(
            partnership=partnership,
            organisation=organisation,
            area=area,
            gap=gap.strip(),
            action=action.strip(),
            provider=provider.strip(),
            due_on=due_on,
            created_by=actor,
        )
        audit.log(
            actor=actor,
            action="costing.action.added",
            obj=item,
            partnership=partnership,
            data={"organisation": organisation.name, "area": area, "due_on": due_on},
        )
    return item


def update_action(*, item, actor, completed_on: dt.date | None = None, **values) -> dict:
    """Change a plan line; marking it done records the day it was completed (today unless
    ``completed_on`` says otherwise)."""
    with transaction.atomic():
        current = CapacityAction.objects.select_for_update().get(pk=item.pk)
        changed = {}
        for name, value in values.items():
            if name not in ACTION_FIELDS:
                raise DomainError(
                    f"{name} cannot be changed here.", code="not_editable", field=name
                )
            old = getattr(current, name)
            if old != value:
                changed[name] = [str(old), str(value)]
                setattr(current, name, value)
        if "organisation" in changed:
            _check_organisation(item.partnership, actor, current.organisation)
        if "status" in changed:
            current.completed_on = (
                (completed_on or clock.today()) if current.status == ActionStatus.DONE else None
            )
        if changed:
            current.save()
            audit.log(
                actor=actor,
                action=(
                    "costing.action.completed"
                    if changed.get("status", [None, None])[1] == ActionStatus.DONE
                    else "costing.action.updated"
                ),
                obj=current,
                partnership=item.partnership,
                data={"changed": changed},
            )
    item.refresh_from_db()
    return changed
