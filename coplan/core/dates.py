"""Calendar-month arithmetic used by the timeline rules.

Convention (shown on the timeline page): months are whole calendar months, and end dates are
inclusive. A pilot from 1 October 2006 to 31 March 2007 runs 6 months; a PSP started on
1 January 2006 is 18 months before a tender published on 1 July 2007.
"""

import calendar
import datetime as dt


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
