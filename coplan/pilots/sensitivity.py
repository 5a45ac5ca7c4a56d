"""Who sees this app's audit events (:mod:`coplan.core.sensitivity`): delivery records, KPIs
(whose baselines and targets may be money) and their imports are for members who see costs."""

from coplan.core.sensitivity import Audience, declare

from .enums import BatchStatus, ExtensionStatus

declare(
    Audience.MEMBERS,
    [
        "pilots.pilot.created",
        "pilots.pilot.updated",
        "pilots.pilot.stopped",
        "pilots.provider.added",
        "pilots.provider.removed",
        "pilots.service.created",
        "pilots.service.updated",
        "pilots.service.removed",
        "pilots.extension.requested",
        *(f"pilots.extension.{status}" for status in ExtensionStatus.values),
        "pilots.evaluation.created",
        "pilots.evaluation.updated",
        "pilots.evaluation.refreshed",
        "pilots.evaluation.approved",
        "pilots.evaluation.classified",
        "pilots.result.classified",
        "pilots.feedback.submitted",
        "pilots.feedback.responded",
        "pilots.issue.logged",
        "pilots.issue.updated",
        "pilots.issue.resolved",
    ],
)
declare(
    Audience.COST_VIEWERS,
    [
        "pilots.kpi.created",
        "pilots.kpi.updated",
        "pilots.kpi.deleted",
        "pilots.kpi_value.entered",
        "pilots.kpi_value.corrected",
        "pilots.record.created",
        "pilots.record.updated",
        "pilots.record.deleted",
        *(f"pilots.batch.{status}" for status in BatchStatus.values),
    ],
)
