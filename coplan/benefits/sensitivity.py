"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`): returns against the
contract and social-value analyses carry money."""

from coplan.core.sensitivity import Audience, declare

declare(
    Audience.MEMBERS,
    [
        "benefits.thresholds.set",
        "benefits.evidence.added",
        "benefits.remedy.planned",
        "benefits.remedy.completed",
    ],
)
declare(
    Audience.COST_VIEWERS,
    [
        "benefits.return.submitted",
        "benefits.line.queried",
        "benefits.line.resubmitted",
        "benefits.line.verified",
        "benefits.line.retention_recorded",
        "benefits.sroi.created",
        "benefits.sroi.updated",
        "benefits.sroi.deleted",
        "benefits.sroi.outcome_added",
        "benefits.sroi.outcome_removed",
    ],
)
