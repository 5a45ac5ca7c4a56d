"""A tender's timetable and its check."""

import datetime as dt

from ninja import Schema

from .. import domain
from ..models import Tender
from .common import TENDER, _tender, router


class TimetableIn(Schema):
    clarification_deadline: dt.datetime | None = None
    submission_deadline: dt.datetime | None = None
    opening_at: dt.datetime | None = None
    planned_award_on: dt.date | None = None


class ProblemItem(Schema):
    field: str
    message: str


class TimetableOut(Schema):
    clarification_deadline: dt.datetime | None
    submission_deadline: dt.datetime | None
    opening_at: dt.datetime | None
    planned_award_on: dt.date | None
    publish_on: dt.date | None
    minimum_days: int
    co_designers_may_bid: bool
    ok: bool
    errors: list[ProblemItem]
    warnings: list[str]


def _timetable_out(tender: Tender) -> dict:
    check = domain.check_timetable(tender)
    return {
        "clarification_deadline": tender.clarification_deadline,
        "submission_deadline": tender.submission_deadline,
        "opening_at": tender.opening_at,
        "planned_award_on": tender.planned_award_on,
        "publish_on": check.publish_on,
        "minimum_days": check.minimum_days,
        "co_designers_may_bid": check.co_designers_may_bid,
        "ok": check.ok,
        "errors": [{"field": f, "message": m} for f, m in check.errors],
        "warnings": check.warnings,
    }


@router.get(TENDER + "/timetable", response=TimetableOut)
def get_timetable(request, pk: int, tender_pk: int):
    return _timetable_out(_tender(request, pk, tender_pk))


@router.put(TENDER + "/timetable", response=TimetableOut)
def set_timetable(request, pk: int, tender_pk: int, payload: TimetableIn):
    tender = _tender(request, pk, tender_pk, "tendering.change_tender")
    domain.set_timetable(tender=tender, actor=request.user, **payload.dict())
    return _timetable_out(tender)
