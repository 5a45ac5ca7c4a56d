"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`).

Procurement law keeps bids and their evaluation among the few who run it: who bid is the
officers' to know (and the bidder's own), never the partnership's, and is withheld even from
subject-access exports until the bids are opened; individual and moderated scores and
evaluators' declared interests reach only the procurement officer (who chairs moderation) and
the evaluator concerned; the panel's make-up is told to every member once the contract is
awarded. What every member learns of the outcome is what the law publishes: who won and the
contract concluded.
"""

from coplan.core.sensitivity import Audience, Moment, declare

declare(
    Audience.OFFICERS,
    [
        "bidding.bid.submitted",
        "bidding.bid.replaced",
        "bidding.bid.withdrawn",
        "bidding.bid.refused_late",
        "bidding.bid.withdrawal_refused",
        "bidding.bid.read_refused",
        "bidding.receipt.checked",
    ],
    sealed_until=Moment.OPENING,
)
declare(
    Audience.OFFICERS,
    [
        "bidding.opening_time.set",
        "bidding.opening_time.refused",
        "bidding.opening.confirmed",
        "bidding.opening.refused",
        "bidding.opening.refused_early",
        "bidding.opening.refused_same_officer",
        "bidding.tender.opened",
        "bidding.price.explanation_requested",
        "bidding.price.explained",
        "bidding.price.query_decided",
        "bidding.award.refused",
        "bidding.contract.refused_in_standstill",
    ],
)
declare(
    Audience.OFFICERS,
    ["bidding.panel.assigned", "bidding.panel.shortfall_recorded"],
    members_from=Moment.AWARD,
)
declare(
    Audience.PROCUREMENT,
    [
        "bidding.score.submitted",
        "bidding.score.moderated",
        "bidding.conflict.declared",
        "bidding.conflict.decided",
        "bidding.panel.conflict_confirmed",
    ],
)
declare(Audience.MEMBERS, ["bidding.tender.awarded", "bidding.contract.concluded"])
declare(Audience.CONCERNED, ["bidding.two_factor.enrolled", "bidding.two_factor.verified"])
