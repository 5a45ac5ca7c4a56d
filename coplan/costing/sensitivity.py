"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`): cost models carry money,
which service users never see."""

from coplan.core.sensitivity import Audience, declare

declare(
    Audience.COST_VIEWERS,
    [
        "costing.model.created",
        "costing.model.updated",
        "costing.version.created",
        "costing.version.updated",
        "costing.version.imported",
        "costing.version.locked",
        "costing.version.shared",
        "costing.version.unshared",
        "costing.activity.added",
        "costing.activity.removed",
        "costing.staff.added",
        "costing.staff.updated",
        "costing.staff.removed",
        "costing.cost.added",
        "costing.cost.updated",
        "costing.cost.removed",
        "costing.pool.added",
        "costing.pool.updated",
        "costing.pool.removed",
        "costing.drivers.updated",
        "costing.assessment.recorded",
        "costing.action.added",
        "costing.action.updated",
        "costing.action.completed",
        "costing.thresholds.set",
    ],
)
