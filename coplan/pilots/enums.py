"""States and kinds of the pilots app as TextChoices (pretalx ``submission/enums.py``)."""

from django.db import models

from coplan.core.enums import Disclosure  # noqa: F401  shared with other apps (docs/disclosure.md, F1)


class PilotStatus(models.TextChoices):
    """Derived from the dates (and a recorded stop), like the Digital Marketplace's
    ``Brief.status``: never stored."""

    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped early"

    @property
    def tag_class(self) -> str:
        return {
            "planned": "govuk-tag--grey",
            "running": "govuk-tag--blue",
            "completed": "govuk-tag--green",
            "stopped": "govuk-tag--red",
        }[self.value]


class ExtensionStatus(models.TextChoices):
    PROPOSED = "proposed", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"

    @property
    def tag_class(self) -> str:
        return {
            "proposed": "govuk-tag--yellow",
            "approved": "govuk-tag--green",
            "refused": "govuk-tag--red",
        }[self.value]


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"

    @property
    def months(self) -> int:
        return 1 if self == Frequency.MONTHLY else 3


class Method(models.TextChoices):
    RECORDS = "records", "Computed from delivery records"
    FEEDBACK = "feedback", "Computed from service user feedback"
    MANUAL = "manual", "Entered by hand each period"


class Aggregation(models.TextChoices):
    COUNT = "count", "Count of records"
    SUM = "sum", "Sum of a measure"
    AVERAGE = "average", "Average of a measure"
    PERCENTAGE = "percentage", "Percentage of records meeting the condition"
    PER_UNIT = "per_unit", "A measure per unit delivered (sum of the measure ÷ quantity)"


class Measure(models.TextChoices):
    QUANTITY = "quantity", "Quantity delivered"
    COST = "cost", "Cost"
    SATISFACTION = "satisfaction", "Satisfaction (1–5)"
    WAIT_DAYS = "wait_days", "Days from referral to delivery"
    WAIT_WORKING_DAYS = "wait_working_days", "Working days from referral to delivery"


class ConditionField(models.TextChoices):
    QUANTITY = "quantity", "Quantity delivered"
    COST = "cost", "Cost"
    SATISFACTION = "satisfaction", "Satisfaction (1–5)"
    WAIT_DAYS = "wait_days", "Days from referral to delivery"
    WAIT_WORKING_DAYS = "wait_working_days", "Working days from referral to delivery"
    OUTCOME = "outcome_code", "Outcome code"

    @property
    def numeric(self) -> bool:
        return self != ConditionField.OUTCOME


class Op(models.TextChoices):
    LT = "lt", "is less than"
    LTE = "lte", "is at most"
    EQ = "eq", "equals"
    NE = "ne", "does not equal"
    GTE = "gte", "is at least"
    GT = "gt", "is more than"
    IN = "in", "is one of (comma-separated)"

    @property
    def symbol(self) -> str:
        return {"lt": "<", "lte": "≤", "eq": "=", "ne": "≠", "gte": "≥", "gt": ">", "in": "∈"}[
            self.value
        ]


class Rag(models.TextChoices):
    GREEN = "green", "Green: target met"
    AMBER = "amber", "Amber: close to target"
    RED = "red", "Red: off target"
    NONE = "none", "No data yet"

    @property
    def short(self) -> str:
        return {"green": "Green", "amber": "Amber", "red": "Red", "none": "No data"}[self.value]

    @property
    def tag_class(self) -> str:
        return {
            "green": "govuk-tag--green",
            "amber": "govuk-tag--yellow",
            "red": "govuk-tag--red",
            "none": "govuk-tag--grey",
        }[self.value]


class BatchStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded: match the columns"
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Checking and importing"
    IMPORTED = "imported", "Imported"
    REJECTED = "rejected", "Rejected: nothing imported"
    FAILED = "failed", "Failed: nothing imported"
    REVERTED = "reverted", "Reverted"

    @classmethod
    def active(cls) -> list["BatchStatus"]:
        """A file in one of these states counts as already uploaded."""
        return [cls.QUEUED, cls.RUNNING, cls.IMPORTED]

    @classmethod
    def in_progress(cls) -> list["BatchStatus"]:
        return [cls.QUEUED, cls.RUNNING]

    @property
    def tag_class(self) -> str:
        return {
            "uploaded": "govuk-tag--grey",
            "queued": "govuk-tag--grey",
            "running": "govuk-tag--blue",
            "imported": "govuk-tag--green",
            "rejected": "govuk-tag--red",
            "failed": "govuk-tag--red",
            "reverted": "govuk-tag--yellow",
        }[self.value]


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"

    @property
    def tag_class(self) -> str:
        return {
            "low": "govuk-tag--grey",
            "medium": "govuk-tag--yellow",
            "high": "govuk-tag--orange",
            "critical": "govuk-tag--red",
        }[self.value]


class FeedbackChannel(models.TextChoices):
    ONLINE = "online", "Online, in Coplan"
    PAPER = "paper", "Paper form"
    PHONE = "phone", "Phone call"
    EVENT = "event", "At an event or visit"


class EvaluationKind(models.TextChoices):
    INTERIM = "interim", "Interim evaluation"
    FINAL = "final", "Final evaluation"


class ResultKind(models.TextChoices):
    KPI = "kpi", "KPI result"
    UNIT_COST = "unit_cost", "Actual cost per unit"
    VOLUME = "volume", "Volume delivered"
