"""Decisions at a quorate meeting, with votes if taken and a link to the object decided.

Some kinds change what they decide, in the same transaction: approving minutes locks them,
agreeing terms of reference records the agreement on the body, and a gate approval is what
lets the commissioner advance the partnership's stage (a gate criterion checks for it)."""

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.partnerships.enums import Stage
from coplan.partnerships.models import Partnership

from .. import queries
from ..enums import AttendanceStatus, BodyKind, DecisionKind, DecisionRule, MinutesStatus
from ..models import Body, Decision, Minutes
from ..signals import decision_recorded
from ._common import (
    ensure_held,
    ensure_not_cancelled,
    ensure_not_locked,
    lock_meeting,
    london_day,
)
from .meetings import meeting_day, quorum_of
from .minutes import has_content


def eligible_voters(meeting, agenda_item=None) -> int:
    """Voting members present, less those who declared an interest for the whole meeting or
    this item and did not vote or left the room."""
    present = set(
        meeting.attendance.filter(status=AttendanceStatus.PRESENT, is_voting=True).values_list(
            "user_id", flat=True
        )
    )
    scope = Q(agenda_item__isnull=True)
    if agenda_item is not None:
        scope |= Q(agenda_item=agenda_item)
    stood_aside = set(
        meeting.declarations.filter(scope, outcome__in=["no_vote", "withdrew"]).values_list(
            "user_id", flat=True
        )
    )
    return len(present - stood_aside)


def carried(rule, votes_for: int, against: int, abstaining: int, eligible: int) -> bool:
    rule = DecisionRule(rule)
    if rule == DecisionRule.SIMPLE_MAJORITY:
        return votes_for > against
    if rule == DecisionRule.TWO_THIRDS:
        cast = votes_for + against
        return cast > 0 and 3 * votes_for >= 2 * cast
    if rule == DecisionRule.UNANIMOUS:
        return votes_for == eligible and eligible > 0
    return against == 0 and votes_for > 0  # consensus: nobody against


def _check_votes(body, votes, eligible) -> tuple[int, int, int] | None:
    if votes is None:
        return None
    try:
        votes_for, against, abstaining = (int(v) for v in votes)
    except (TypeError, ValueError):
        raise DomainError(
            "Give the votes for, against and abstaining, or none of them.",
            code="votes_incomplete",
            field="votes",
        ) from None
    if min(votes_for, against, abstaining) < 0:
        raise DomainError("Votes cannot be negative.", code="votes_negative", field="votes")
    if votes_for + against + abstaining > eligible:
        raise DomainError(
            f"{votes_for + against + abstaining} votes recorded but only {eligible} voting "
            "members present could vote.",
            code="too_many_votes",
            field="votes",
        )
    if not carried(body.decision_rule, votes_for, against, abstaining, eligible):
        rule = DecisionRule(body.decision_rule).label.lower()
        raise DomainError(
            f"The vote ({votes_for} for, {against} against, {abstaining} abstaining) does not "
            f"carry under the {body.name}'s decision rule ({rule}). Record the discussion in "
            "the minutes instead.",
            code="not_carried",
            field="votes",
        )
    return votes_for, against, abstaining


def resolve_subject(partnership, type_label: str, object_id) -> object:
    """The object named ``app_label.model`` and ``object_id``, which must belong to the
    partnership (API callers name what a decision decides this way)."""
    try:
        model = apps.get_model(type_label)
        obj = model._default_manager.get(pk=object_id)
    except (LookupError, ValueError, TypeError):
        raise DomainError(
            f"{type_label} is not something Coplan knows.", code="unknown_subject", field="subject"
        ) from None
    except Exception:
        raise DomainError(
            f"No {type_label} has id {object_id}.", code="unknown_subject", field="subject"
        ) from None
    _check_subject_partnership(partnership, obj)
    return obj


def _check_subject_partnership(partnership, subject) -> None:
    owner = getattr(subject, "partnership_id", None)
    if owner is None and hasattr(subject, "meeting"):
        owner = subject.meeting.partnership_id
    if isinstance(subject, Partnership):
        owner = subject.pk
    if owner is not None and owner != partnership.pk:
        raise DomainError(
            "The decision can only decide something in this partnership.",
            code="wrong_partnership",
            field="subject",
        )


def _gate(kind, stage, partnership, body):
    if kind != DecisionKind.GATE_APPROVAL:
        if stage:
            raise DomainError(
                "Only a gate approval names a stage.", code="stage_not_expected", field="stage"
            )
        return ""
    if body.kind != BodyKind.STEERING_GROUP:
        raise DomainError(
            "Gate approvals are decisions of the steering group.",
            code="steering_group_only",
            field="kind",
        )
    try:
        stage = Stage(stage)
    except ValueError:
        raise DomainError(
            "Choose the stage the partnership may leave.", code="stage_required", field="stage"
        ) from None
    if stage != partnership.stage:
        raise DomainError(
            f"The partnership is in {partnership.get_stage_display()}: the steering group can "
            f"only approve leaving the current stage, not {stage.label}.",
            code="not_current_stage",
            field="stage",
        )
    if stage.next is None:
        raise DomainError(f"{stage.label} is the last stage.", code="last_stage", field="stage")
    if queries.gate_approval(partnership, stage) is not None:
        raise DomainError(
            f"The steering group has already approved leaving {stage.label}.",
            code="already_approved",
            field="stage",
        )
    return stage.value


def _minutes_subject(subject, meeting) -> Minutes:
    if not isinstance(subject, Minutes):
        raise DomainError(
            "Choose the minutes to approve.", code="minutes_required", field="minutes"
        )
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=subject.pk)
    if minutes.meeting.body_id != meeting.body_id:
        raise DomainError(
            "A body approves its own minutes only.", code="other_body", field="minutes"
        )
    if minutes.meeting.starts_at >= meeting.starts_at:
        raise DomainError(
            "Minutes are approved at a later meeting of the body.",
            code="not_a_later_meeting",
            field="minutes",
        )
    if minutes.status != MinutesStatus.DRAFT:
        raise DomainError(
            "These minutes are already approved.", code="already_approved", field="minutes"
        )
    if not has_content(minutes):
        raise DomainError(
            "These minutes are empty: write them before they are approved.",
            code="minutes_empty",
            field="minutes",
        )
    return minutes


def record_decision(
    *,
    meeting,
    actor,
    kind=DecisionKind.GENERAL,
    text: str = "",
    stage=None,
    votes=None,
    agenda_item=None,
    subject=None,
) -> Decision:
    """Record a decision taken at ``meeting``. ``votes`` is ``(for, against, abstaining)`` if a
    vote was taken; ``subject`` is the object decided (minutes for a minutes approval)."""
    kind = DecisionKind(kind)
    text = (text or "").strip()
    with transaction.atomic():
        locked = lock_meeting(meeting)
        ensure_not_cancelled(locked)
        ensure_held(locked, "decisions")
        ensure_not_locked(locked)
        quorum = quorum_of(locked)
        if not quorum.met:
            raise DomainError(
                f"The meeting is not quorate ({quorum.label}): it cannot take decisions.",
                code="not_quorate",
            )
        if agenda_item is not None and agenda_item.meeting_id != locked.pk:
            raise DomainError(
                "That agenda item belongs to another meeting.",
                code="wrong_meeting",
                field="agenda_item",
            )
        partnership = Partnership.objects.select_for_update().get(pk=locked.partnership_id)
        body = locked.body
        stage_value = _gate(kind, stage, partnership, body)
        votes = _check_votes(body, votes, eligible_voters(locked, agenda_item))
        minutes = None
        if kind == DecisionKind.MINUTES_APPROVAL:
            minutes = _minutes_subject(subject, locked)
            subject = minutes
            text = text or (
                f"The minutes of the meeting on {london_day(minutes.meeting.starts_at)} were "
                "approved as a correct record."
            )
        elif kind == DecisionKind.TERMS_OF_REFERENCE:
            subject = subject or body
            if not isinstance(subject, Body):
                raise DomainError(
                    "Choose the body whose terms are agreed.", code="body_required", field="subject"
                )
            text = text or f"The terms of reference of the {subject.name} were agreed."
        elif kind == DecisionKind.GATE_APPROVAL:
            subject = subject or partnership
            text = text or (
                f"The steering group approved leaving the {Stage(stage_value).label} stage."
            )
        if subject is not None:
            _check_subject_partnership(partnership, subject)
        if not text:
            raise DomainError("Write down what was decided.", code="text_required", field="text")
        number = (locked.decisions.aggregate(n=Max("number"))["n"] or 0) + 1
        decision = Decision(
            partnership=partnership,
            meeting=locked,
            agenda_item=agenda_item,
            number=number,
            kind=kind,
            text=text,
            stage=stage_value,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if votes is not None:
            decision.votes_for, decision.votes_against, decision.votes_abstaining = votes
        if subject is not None:
            decision.subject_type = ContentType.objects.get_for_model(subject)
            decision.subject_id = str(subject.pk)
        decision.save()
        if minutes is not None:
            minutes.status = MinutesStatus.APPROVED
            minutes.approved_at = clock.now()
            minutes.approval = decision
            minutes.save(update_fields=["status", "approved_at", "approval"])
            audit.log(
                actor=actor,
                action="governance.minutes.approved",
                obj=minutes.meeting,
                partnership=partnership,
                data={"decision": decision.reference, "version": minutes.version},
            )
        if kind == DecisionKind.TERMS_OF_REFERENCE:
            Body.objects.filter(pk=subject.pk).update(
                tor_agreed_on=meeting_day(locked), tor_decision=decision
            )
            audit.log(
                actor=actor,
                action="governance.body.terms_agreed",
                obj=subject,
                partnership=partnership,
                data={"decision": decision.reference, "agreed_on": meeting_day(locked)},
            )
        audit.log(
            actor=actor,
            action="governance.decision.recorded",
            obj=decision,
            partnership=partnership,
            data={
                "kind": kind.value,
                "stage": stage_value or None,
                "votes": list(votes) if votes else None,
                "subject": f"{decision.subject_type.app_label}.{decision.subject_type.model}:"
                f"{decision.subject_id}"
                if subject is not None
                else None,
                "reference": decision.reference,
            },
        )
        decision_recorded.send(sender=Decision, decision=decision)
    return decision
