"""The tender's timetable: clarification deadline, submission deadline, bid opening and planned
award, checked against a minimum submission period and the PSP timeline (docs/timeline.md, T1–T3).

The minimum period is longer when partners who co-designed the service may bid
(docs/disclosure.md, F1: the authority must set adequate time limits so that bidders who were
not in the partnership can catch up on the information shared during its preparation).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from coplan.consortium.models import Consortium
from coplan.core import audit, clock
from coplan.core.dates import add_months, whole_months_between
from coplan.core.errors import DomainError
from coplan.partnerships.enums import Role
from coplan.partnerships.timeline import MIN_MONTHS_BEFORE_TENDER, check_timeline

from ..models import Tender
from .strategy import _guard_draft

# Public Contracts (Scotland) Regulations 2015 reg. 27(1) and (4): the minimum time limit for
# the receipt of tenders in an open procedure is 35 days from the contract notice, reduced by
# 5 days where tenders are submitted electronically (as they are in Coplan).
MIN_SUBMISSION_DAYS = 30
MIN_SUBMISSION_SOURCE = "Public Contracts (Scotland) Regulations 2015, reg. 27(1) and (4)"
# Design inference (docs/disclosure.md, F1, "longer minimum window when PSP partners may
# bid"): two more weeks for outside bidders to absorb the evidence pack when co-designers may
# bid.
CO_DESIGN_EXTRA_DAYS = 14
# Clarification questions close at least this long before the submission deadline, so that
# every answer reaches every bidder in time.
MIN_CLARIFICATION_GAP_DAYS = 6

TIMETABLE_FIELDS = (
    "clarification_deadline",
    "submission_deadline",
    "opening_at",
    "planned_award_on",
)


@dataclass
class TimetableCheck:
    publish_on: dt.date | None
    minimum_days: int
    co_designers_may_bid: bool
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def co_designers_may_bid(partnership) -> bool:
    """Whether partners who co-designed the service may bid: any social enterprise partner of
    the partnership, or a consortium formed by the design committee."""
    if any(m.role == Role.SE_PARTNER for m in partnership.roster):
        return True
    return Consortium.objects.filter(partnership=partnership).exists()


def minimum_days(partnership) -> int:
    return MIN_SUBMISSION_DAYS + (CO_DESIGN_EXTRA_DAYS if co_designers_may_bid(partnership) else 0)


def _d(day) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day)
        return f"{day.day} {day:%B %Y} {day:%H:%M}"
    return f"{day.day} {day:%B %Y}"


def _publication_finding(finding, partnership, publish_on: dt.date) -> str:
    """A PSP timeline error as the publication checklist says it: the rules that depend on the
    day of publication (docs/timeline.md, T1 and T3) say which day was checked and the earliest
    day that passes."""
    if finding.code == "tender_before_spec_freeze":
        freeze = partnership.spec_freeze_on
        return (
            f"PSP timeline (T3): published on {_d(publish_on)}, the tender would open before "
            f"the specification freezes on {_d(freeze)}; publish on or after {_d(freeze)}."
        )
    if finding.code == "psp_start_under_12_months":
        earliest = add_months(partnership.started_on, MIN_MONTHS_BEFORE_TENDER)
        return (
            f"PSP timeline (T1): published on {_d(publish_on)}, the tender would open "
            f"{whole_months_between(partnership.started_on, publish_on)} months after the PSP "
            f"started on {_d(partnership.started_on)}; it must run at least "
            f"{MIN_MONTHS_BEFORE_TENDER} months first, so publish on or after {_d(earliest)}."
        )
    return f"PSP timeline: {finding.message}"


def check_timetable(tender: Tender, *, publish_on: dt.date | None = None) -> TimetableCheck:
    """Check the timetable for a publication on ``publish_on`` (the tender's publication date
    if published, else the partnership's planned tender date, else today)."""
    partnership = tender.partnership
    if publish_on is None:
        if tender.published_at:
            publish_on = timezone.localdate(tender.published_at)
        else:
            publish_on = partnership.tender_on or clock.today()
    may_bid = co_designers_may_bid(partnership)
    days = MIN_SUBMISSION_DAYS + (CO_DESIGN_EXTRA_DAYS if may_bid else 0)
    result = TimetableCheck(publish_on=publish_on, minimum_days=days, co_designers_may_bid=may_bid)
    clarify, submit = tender.clarification_deadline, tender.submission_deadline
    opening, award = tender.opening_at, tender.planned_award_on
    for name, value in (
        ("clarification_deadline", clarify),
        ("submission_deadline", submit),
        ("opening_at", opening),
        ("planned_award_on", award),
    ):
        if value is None:
            label = Tender._meta.get_field(name).verbose_name
            result.errors.append((name, f"Set the {label}."))
    if submit:
        earliest = publish_on + dt.timedelta(days=days)
        if timezone.localdate(submit) < earliest:
            why = (
                f"{MIN_SUBMISSION_DAYS} days ({MIN_SUBMISSION_SOURCE}) plus "
                f"{CO_DESIGN_EXTRA_DAYS} because partners who co-designed the service may bid"
                if may_bid
                else f"{MIN_SUBMISSION_DAYS} days ({MIN_SUBMISSION_SOURCE})"
            )
            result.errors.append(
                (
                    "submission_deadline",
                    f"The submission deadline must be at least {days} days after publication "
                    f"on {_d(publish_on)} ({why}): {_d(earliest)} or later.",
                )
            )
    if clarify and submit and clarify > submit - dt.timedelta(days=MIN_CLARIFICATION_GAP_DAYS):
        result.errors.append(
            (
                "clarification_deadline",
                f"Clarification questions must close at least {MIN_CLARIFICATION_GAP_DAYS} "
                "days before the submission deadline, so every answer reaches every bidder "
                "in time.",
            )
        )
    if clarify and timezone.localdate(clarify) <= publish_on:
        result.errors.append(
            ("clarification_deadline", "The clarification deadline must be after publication.")
        )
    if opening and submit and opening < submit:
        result.errors.append(
            ("opening_at", "Bids cannot be opened before the submission deadline.")
        )
    if award and opening and award <= timezone.localdate(opening):
        result.errors.append(
            ("planned_award_on", "The planned award must come after the bids are opened.")
        )
    psp = check_timeline(
        started_on=partnership.started_on,
        tender_on=publish_on,
        pilot_start=partnership.pilot_starts_on,
        pilot_end=partnership.pilot_ends_on,
        spec_freeze_on=partnership.spec_freeze_on,
    )
    for finding in psp.errors:
        message = _publication_finding(finding, partnership, publish_on)
        result.errors.append(("publication", message))
    for finding in psp.warnings:
        result.warnings.append(f"PSP timeline: {finding.message}")
    return result


def set_timetable(*, tender: Tender, actor, **fields) -> Tender:
    """Set the timetable. Incomplete or early dates are saved (a draft may be incomplete) and
    reported by :func:`check_timetable`; publication refuses them."""
    if set(fields) - set(TIMETABLE_FIELDS):
        raise TypeError(f"Unknown timetable fields: {sorted(set(fields) - set(TIMETABLE_FIELDS))}")
    _guard_draft(tender, "the timetable")
    submit = fields.get("submission_deadline", tender.submission_deadline)
    clarify = fields.get("clarification_deadline", tender.clarification_deadline)
    if submit and clarify and clarify >= submit:
        raise DomainError(
            "The clarification deadline must be before the submission deadline.",
            field="clarification_deadline",
        )
    with transaction.atomic():
        for name, value in fields.items():
            setattr(tender, name, value)
        tender.save()
        audit.log(
            actor=actor,
            action="tendering.timetable.set",
            obj=tender,
            partnership=tender.partnership,
            data={k: fields[k] for k in fields},
        )
    return tender
