"""Calendar-month arithmetic used by the timeline rules.

Convention (shown on the timeline page): months are whole calendar months, and end dates are
inclusive. A pilot from 1 October 2006 to 31 March 2007 runs 6 months; a PSP started on
1 January 2006 is 18 months before a tender published on 1 July 2007.
"""

import calendar
import datetime as dt

from . import clock


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Complete calendar months from ``start`` up to (not including) ``end``; negative if
    ``end`` is earlier."""
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def months_inclusive(start: dt.date, end_inclusive: dt.date) -> int:
    """Complete calendar months covered by the inclusive period ``start``..``end_inclusive``."""
    return whole_months_between(start, end_inclusive + dt.timedelta(days=1))


# --- Example dates for hints and error messages ----------------------------------------------
# Help texts quote the partnership's own timeline (its pilot, its tender), never another
# partnership's years; with no partnership (the statutory rules page) they quote today.

_SMALL_WORDS = {"and", "of", "the", "for", "&"}


def long_date(day: dt.date) -> str:
    """A date in prose, the GOV.UK way: ``17 May 2027``."""
    return f"{day.day} {day:%B %Y}"


def financial_year(day: dt.date) -> str:
    """The UK financial year (1 April to 31 March) that ``day`` falls in: ``2027/28``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


class DateExamples:
    """Example dates for one partnership's forms, made from its own timeline.

    Takes any object with the partnership's date fields (``started_on``, ``pilot_starts_on``,
    ``tender_on``, …) and its ``lead_authority``; a missing date falls back to ``today``."""

    def __init__(self, partnership=None, *, today: dt.date | None = None):
        if today is None:
            today = clock.today()
        self.partnership = partnership
        self.today = today

    def _day(self, *names: str) -> dt.date:
        for name in names:
            value = getattr(self.partnership, name, None)
            if value is not None:
                return value
        return self.today

    @property
    def pilot_start(self) -> dt.date:
        return self._day("pilot_starts_on", "tender_on", "started_on")

    @property
    def pilot_end(self) -> dt.date:
        return getattr(self.partnership, "pilot_ends_on", None) or (
            add_months(self.pilot_start, 6) - dt.timedelta(days=1)
        )

    @property
    def design_day(self) -> dt.date:
        """A day during service design: halfway through it, or the PSP start."""
        start = getattr(self.partnership, "started_on", None)
        end = getattr(self.partnership, "design_ends_on", None)
        if start and end and end >= start:
            return start + dt.timedelta(days=(end - start).days // 2)
        return start or end or self.today

    @property
    def tender_day(self) -> dt.date:
        return self._day("tender_on", "pilot_ends_on", "pilot_starts_on", "started_on")

    def iso(self, day: dt.date | None = None) -> str:
        """For date inputs, which take (and send) ``2027-05-17``."""
        return (day or self.today).isoformat()

    def six_month_pilot(self) -> str:
        """``1 April 2027 to 30 September 2027 is 6 months.`` from the pilot's start."""
        start = self.pilot_start
        end = add_months(start, 6) - dt.timedelta(days=1)
        return f"{long_date(start)} to {long_date(end)} is {months_inclusive(start, end)} months."

    def approval_day(self) -> dt.date:
        """A meeting soon after the pilot ends, when its evaluation is approved."""
        return self.pilot_end + dt.timedelta(days=14)

    def costing_period(self) -> str:
        """The financial year the pilot starts in: ``2027/28``."""
        return financial_year(self.pilot_start)

    def opening_time(self, deadline: dt.datetime | None = None) -> str:
        """For a ``datetime-local`` input: the day after the deadline (or 7 weeks after the
        tender's publication) at 10:00, like ``2027-08-20 10:00``."""
        if deadline is not None:
            from django.utils import timezone

            day = timezone.localdate(deadline) + dt.timedelta(days=1)
        else:
            day = self.tender_day + dt.timedelta(weeks=7)
        return f"{day.isoformat()} 10:00"

    def training_month(self) -> str:
        """A month some time before the tender: ``March 2027``."""
        return f"{add_months(self.tender_day, -4):%B %Y}"

    def tender_reference(self) -> str:
        """The lead authority's initials, the tender's year and a number: ``RC-2027-001``."""
        lead = getattr(self.partnership, "lead_authority", None)
        words = [w for w in getattr(lead, "name", "").split() if w.lower() not in _SMALL_WORDS]
        initials = "".join(w[0] for w in words if w[0].isalnum()).upper() or "REF"
        return f"{initials}-{self.tender_day.year}-001"
