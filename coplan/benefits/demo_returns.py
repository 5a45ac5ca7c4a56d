"""Homereach's quarterly community benefit returns (North Lanarkshire, illustrative).

Runs once the bidding app's demo has awarded the contract with its commitments (from the
tender's requirements: trainee places for young people leaving homelessness, items reused,
tonnes of goods reused): the first two years of quarterly returns, each submitted three weeks
after the quarter and verified a week later. The recruitment commitment dips to amber in the
first year; the last other commitment (tonnes: the tender lists it after items) goes red in
the middle of the first year, gets a remedial plan and recovers; one of its lines is queried
and answered; the rest follow a steady profile (amber only at a 97 % dip around the end of the
first year); recruits' additionality and 26/52-week retention are recorded. Nothing happens if
there is no contract yet.
"""

import datetime as dt
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from coplan.bidding.models import Contract
from coplan.core import clock
from coplan.partnerships.enums import Role

from . import calc, domain
from .models import QuarterlyReturn, ReturnLine
from .monitoring import is_recruitment
from .rules import can_submit_for

QUARTERS = 8  # two years
# Cumulative verified delivery as a share of the pro-rata target at each quarter's end.
PROFILES = [
    [Decimal(x) for x in ("1.00", "0.90", "0.80", "0.88", "1.00", "1.05", "1.08", "1.10")],
    [Decimal(x) for x in ("1.10", "1.05", "1.02", "0.97", "1.00", "1.02", "1.05", "1.10")],
    [Decimal(x) for x in ("0.90", "0.78", "0.68", "0.66", "0.80", "0.92", "1.00", "1.04")],
]

AMBER, GOOD, RED = PROFILES


def _profiles(commitments) -> dict:
    """The first recruitment commitment dips to amber; the last other one goes red (and gets
    the remedial plan); the rest follow the steady profile."""
    recruitment = [c for c in commitments if is_recruitment(c)]
    others = [c for c in commitments if not is_recruitment(c)]
    chosen = {c.pk: GOOD for c in commitments}
    if recruitment:
        chosen[recruitment[0].pk] = AMBER
    if others:
        chosen[others[-1].pk] = RED
    return chosen


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@contextmanager
def _dated(day: dt.date, hour: int = 11):
    with clock.at(_at(day, hour)):
        yield


def _whole(commitment) -> bool:
    return commitment.unit.lower() in {"people", "trainees", "items", "jobs", "placements"}


def _round(value: Decimal, whole: bool) -> Decimal:
    step = Decimal(1) if whole else Decimal("0.1")
    return value.quantize(step, rounding=ROUND_HALF_UP)


def _actuals(commitments, quarters) -> dict:
    """Quarterly actuals per commitment that follow its profile."""
    found = {}
    profiles = _profiles(commitments)
    for c in commitments:
        profile = profiles[c.pk]
        whole = _whole(c)
        done = Decimal(0)
        rows = []
        for q, (_, end) in enumerate(quarters):
            due = calc.pro_rata(c.target_min, c.period_start, c.period_end, end)
            cumulative = _round(due * profile[q], whole)
            rows.append(max(cumulative - done, Decimal(0)))
            done += rows[-1]
        found[c] = rows
    return found


def load(story) -> None:
    contract = (
        Contract.objects.filter(tender__partnership=story.partnership)
        .select_related("tender__partnership", "supplier", "consortium")
        .order_by("starts_on", "pk")
        .first()
    )
    if contract is None or QuarterlyReturn.objects.filter(contract=contract).exists():
        return
    commitments = list(contract.commitments.select_related("measure__clause").order_by("pk"))
    submitters = [p for p in story.people(Role.SE_PARTNER) if can_submit_for(p, contract)]
    managers = story.people(Role.COMMISSIONER) + story.people(Role.PROCUREMENT)
    if not commitments or not submitters or not managers:
        return
    supplier, manager = submitters[0], managers[-1]
    quarters = calc.quarters(contract.starts_on, contract.ends_on)[:QUARTERS]
    actuals = _actuals(commitments, quarters)
    profiles = _profiles(commitments)
    red = next((c for c in commitments if profiles[c.pk] is RED), None)
    for q, (start, end) in enumerate(quarters):
        submitted = end + dt.timedelta(days=21)
        verified = submitted + dt.timedelta(days=7)
        lines = {}
        for c in commitments:
            actual = actuals[c][q]
            line = {"actual": actual, "notes": ""}
            if is_recruitment(c):
                line["additional"] = int(actual * Decimal("0.7"))
                line["notes"] = "Start letters attached."
            lines[c] = line
        with _dated(submitted):
            ret = domain.submit_return(
                contract=contract,
                actor=supplier,
                period_start=start,
                lines=lines,
                notes=f"Return for {calc.quarter_label(start, end)}.",
                today=submitted,
            )
            for line in ret.lines.select_related("commitment"):
                body = f"{line.commitment.description}, {ret}: {line.actual}\n".encode()
                domain.add_evidence(
                    line=line,
                    actor=supplier,
                    upload=SimpleUploadedFile(
                        f"evidence-{start:%Y-%m}-{line.commitment_id}.csv", body, "text/csv"
                    ),
                )
        queried = None
        with _dated(verified):
            for line in ret.lines.select_related("commitment", "quarterly_return__contract"):
                if q == 1 and red is not None and line.commitment_id == red.pk:
                    queried = domain.query_line(
                        line=line,
                        actor=manager,
                        query="The waste transfer notes do not add up to this figure: "
                        "please check the March collections.",
                    )
                else:
                    domain.verify_line(line=line, actor=manager)
        if queried is not None:
            answered = verified + dt.timedelta(days=5)
            with _dated(answered):
                domain.resubmit_line(
                    line=queried,
                    actor=supplier,
                    actual=queried.actual,
                    notes="Checked: two notes were filed under April; copies attached.",
                )
            with _dated(answered + dt.timedelta(days=2)):
                domain.verify_line(line=ReturnLine.objects.get(pk=queried.pk), actor=manager)
        if q == 2 and red is not None:
            plan_day = verified + dt.timedelta(days=3)
            with _dated(plan_day):
                domain.plan_remedy(
                    commitment=red,
                    actor=supplier,
                    actions="Second weekly collection round from the storage service and a "
                    "monthly weighbridge check with Environmental Services; report progress "
                    "at each contract review.",
                    starts_on=plan_day,
                    due_on=quarters[5][1],
                )
    # Retention of the first year's recruits, recorded at 26 and 52 weeks.
    for c in commitments:
        if not is_recruitment(c):
            continue
        for line in ReturnLine.objects.filter(commitment=c).select_related(
            "quarterly_return__contract", "commitment"
        )[:4]:
            starts = int(line.actual)
            with _dated(line.quarterly_return.period_end + dt.timedelta(weeks=53)):
                domain.record_retention(
                    line=line,
                    actor=supplier,
                    in_post_26=(starts * 3 + 3) // 4,
                    in_post_52=(starts * 3) // 5,
                )
