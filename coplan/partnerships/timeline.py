"""Timing rules T1–T3 (docs/timeline.md), as one stateless function shared by the timeline page and
``POST /api/v1/planning/timeline-check``."""

import datetime as dt
from dataclasses import dataclass, field

from coplan.core.dates import add_months, months_inclusive, whole_months_between

MIN_MONTHS_BEFORE_TENDER = 12
RECOMMENDED_MONTHS_BEFORE_TENDER = 18
MIN_PILOT_MONTHS = 6

CONVENTION = (
    "Months are whole calendar months and end dates are inclusive: a pilot from 1 October 2006 "
    "to 31 March 2007 runs 6 months, and a PSP started on 1 January 2006 starts 18 months before "
    "a tender published on 1 July 2007."
)


@dataclass(frozen=True)
class Finding:
    code: str
    message: str


@dataclass
class TimelineCheck:
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    months_before_tender: int | None = None
    pilot_months: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.errors + self.warnings)


def _d(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def check_timeline(
    *,
    started_on: dt.date | None,
    tender_on: dt.date | None,
    pilot_start: dt.date | None = None,
    pilot_end: dt.date | None = None,
    design_ends_on: dt.date | None = None,
    spec_freeze_on: dt.date | None = None,
) -> TimelineCheck:
    result = TimelineCheck()
    if started_on and tender_on:
        months = whole_months_between(started_on, tender_on)
        result.months_before_tender = months
        if months < MIN_MONTHS_BEFORE_TENDER:
            latest = add_months(tender_on, -MIN_MONTHS_BEFORE_TENDER)
            result.errors.append(
                Finding(
                    "psp_start_under_12_months",
                    f"The PSP starts {months} months before the tender; it must start at least "
                    f"{MIN_MONTHS_BEFORE_TENDER} months before (by {_d(latest)}), "
                    "or the tender must move later.",
                )
            )
        elif months < RECOMMENDED_MONTHS_BEFORE_TENDER:
            preferred = add_months(tender_on, -RECOMMENDED_MONTHS_BEFORE_TENDER)
            result.warnings.append(
                Finding(
                    "psp_start_under_18_months",
                    f"The PSP starts {months} months before the tender; "
                    f"{RECOMMENDED_MONTHS_BEFORE_TENDER} months is recommended (start by "
                    f"{_d(preferred)}).",
                )
            )
    if pilot_start and pilot_end:
        months = months_inclusive(pilot_start, pilot_end)
        earliest_end = add_months(pilot_start, MIN_PILOT_MONTHS) - dt.timedelta(days=1)
        result.pilot_months = months
        if months < MIN_PILOT_MONTHS:
            result.errors.append(
                Finding(
                    "pilot_under_6_months",
                    f"The pilot runs {months} months ({_d(pilot_start)} to {_d(pilot_end)}); "
                    f"it must run at least {MIN_PILOT_MONTHS} months, to {_d(earliest_end)} "
                    "or later.",
                )
            )
    if design_ends_on and pilot_start and design_ends_on >= pilot_start:
        result.warnings.append(
            Finding(
                "design_overlaps_pilot",
                f"Service design ends on {_d(design_ends_on)}, on or after the pilot starts "
                f"({_d(pilot_start)}).",
            )
        )
    if spec_freeze_on and pilot_end and spec_freeze_on <= pilot_end:
        result.errors.append(
            Finding(
                "spec_freeze_before_pilot_ends",
                f"The specification freezes on {_d(spec_freeze_on)}, before the pilot ends "
                f"({_d(pilot_end)}); pilot results must feed the frozen specification (T3).",
            )
        )
    if spec_freeze_on and tender_on and spec_freeze_on > tender_on:
        result.errors.append(
            Finding(
                "tender_before_spec_freeze",
                f"The tender is published on {_d(tender_on)}, before the specification freezes "
                f"({_d(spec_freeze_on)}); a tender cannot open before the freeze (T3).",
            )
        )
    return result


def back_plan(tender_on: dt.date) -> dict[str, dt.date]:
    """Suggested milestones for a tender date: start 18 months before, design until the pilot,
    a 6-month pilot ending 3 months before the tender, a month to evaluate, freeze 2 months
    before. For a tender on 1 July 2007 this gives the North Lanarkshire PSP's own dates."""
    pilot_starts_on = add_months(tender_on, -9)
    return {
        "started_on": add_months(tender_on, -RECOMMENDED_MONTHS_BEFORE_TENDER),
        "design_ends_on": pilot_starts_on - dt.timedelta(days=1),
        "pilot_starts_on": pilot_starts_on,
        "pilot_ends_on": add_months(tender_on, -3) - dt.timedelta(days=1),
        "spec_freeze_on": add_months(tender_on, -2),
        "tender_on": tender_on,
    }


def check_partnership(partnership) -> TimelineCheck:
    return check_timeline(
        started_on=partnership.started_on,
        tender_on=partnership.tender_on,
        pilot_start=partnership.pilot_starts_on,
        pilot_end=partnership.pilot_ends_on,
        design_ends_on=partnership.design_ends_on,
        spec_freeze_on=partnership.spec_freeze_on,
    )
