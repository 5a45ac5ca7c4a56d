"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`), and the moments a tender
reaches (bids opened, contract awarded) that widen or unseal the tender's events."""

from coplan.core import sensitivity
from coplan.core.sensitivity import Audience, Moment, declare


def _moments(partnership) -> dict[Moment, set]:
    from .models import Tender

    tenders = Tender.objects.all()
    if partnership is not None:
        tenders = tenders.filter(partnership=partnership)
    rows = list(tenders.values_list("pk", "opened_at", "awarded_at"))
    return {
        Moment.OPENING: {pk for pk, opened, _ in rows if opened},
        Moment.AWARD: {pk for pk, _, awarded in rows if awarded},
    }


sensitivity.register_moments(_moments)

declare(
    Audience.MEMBERS,
    [
        "tendering.tender.published",
        "tendering.timetable.set",
        "tendering.lot.added",
        "tendering.lot.removed",
        "tendering.document.added",
        "tendering.addendum.published",
        "tendering.clarification.answered",
        "tendering.criterion.added",
        "tendering.criterion.updated",
        "tendering.criterion.removed",
        "tendering.requirement.added",
        "tendering.requirement.updated",
        "tendering.requirement.removed",
        "tendering.model.set",
        "tendering.model.template_applied",
        "tendering.price_element.added",
        "tendering.price_element.updated",
        "tendering.price_element.removed",
        "tendering.measure.added",
        "tendering.clause.created",
        "tendering.clause.updated",
        "tendering.clause.revised",
    ],
)
# The estimated contract value and the money proxies of benefits.
declare(
    Audience.COST_VIEWERS,
    ["tendering.tender.created", "tendering.strategy.set", "tendering.proxy.set"],
)
# Who means to bid, and who asked which question, are the officers' to know: a clarification is
# published without its asker. Subject-access exports withhold registrations until opening.
declare(
    Audience.OFFICERS,
    ["tendering.bidder.registered"],
    sealed_until=Moment.OPENING,
)
declare(Audience.OFFICERS, ["tendering.clarification.asked"])
