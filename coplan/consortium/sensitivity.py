"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`)."""

from coplan.core.sensitivity import Audience, declare

declare(
    Audience.MEMBERS,
    [
        "consortium.created",
        "consortium.updated",
        "consortium.member.added",
        "consortium.member.updated",
        "consortium.member.removed",
        "consortium.capability.added",
        "consortium.capability.removed",
        "consortium.service.added",
        "consortium.service.removed",
        "consortium.agreement.updated",
        "consortium.agreement.heads_agreed",
        "consortium.agreement.signed",
        "consortium.agreement.signatures_voided",
        "consortium.agreement.completed",
    ],
)
# The split of the contract's money between members.
declare(Audience.COST_VIEWERS, ["consortium.split.set"])
