"""States and choices as TextChoices (pretalx ``submission/enums.py``)."""

from django.db import models

from . import calc


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    LOCKED = "locked", "Locked"

    @property
    def tag_class(self) -> str:
        return {"draft": "govuk-tag--grey", "locked": "govuk-tag--green"}[self.value]


class ActivityKind(models.TextChoices):
    PROJECT = calc.Kind.PROJECT.value, "Project or service"
    CORE = calc.Kind.CORE.value, "Core work"
    FUNDRAISING = calc.Kind.FUNDRAISING.value, "Fundraising"


class Basis(models.TextChoices):
    ALL = calc.Basis.ALL.value, "All activities, including core work and fundraising"
    PROJECTS = calc.Basis.PROJECTS.value, "Projects only (core work and fundraising take no share)"


class Driver(models.TextChoices):
    HEADCOUNT = calc.Driver.HEADCOUNT.value, calc.DRIVER_LABELS[calc.Driver.HEADCOUNT]
    STAFF_TIME = calc.Driver.STAFF_TIME.value, calc.DRIVER_LABELS[calc.Driver.STAFF_TIME]
    EXPENDITURE = calc.Driver.EXPENDITURE.value, calc.DRIVER_LABELS[calc.Driver.EXPENDITURE]
    FLOOR_AREA = calc.Driver.FLOOR_AREA.value, calc.DRIVER_LABELS[calc.Driver.FLOOR_AREA]
    CUSTOM = calc.Driver.CUSTOM.value, calc.DRIVER_LABELS[calc.Driver.CUSTOM]

    @classmethod
    def entered(cls) -> list["Driver"]:
        """Drivers whose values are entered per activity (the others derive from the lines)."""
        return [cls.FLOOR_AREA, cls.CUSTOM]


class DirectCostCategory(models.TextChoices):
    MATERIALS = "materials", "Materials"
    EQUIPMENT = "equipment", "Equipment"
    TRAVEL = "travel", "Travel"
    PREMISES = "premises", "Project premises"
    VOLUNTEERS = "volunteers", "Volunteer expenses"
    OTHER = "other", "Other"


class PoolCategory(models.TextChoices):
    PREMISES = "premises", "Premises and office"
    CENTRAL = "central", "Central functions (finance, HR, IT, management)"
    GOVERNANCE = "governance", "Governance and strategic development"
    FUNDRAISING = "fundraising", "Fundraising"
    CUSTOM = "custom", "Other"

    @property
    def usual_driver(self) -> str:
        """The ACEVO 2004 template's usual driver for the pool (``docs/formulas.md``, costing)."""
        return {
            "premises": Driver.HEADCOUNT,
            "central": Driver.STAFF_TIME,
            "governance": Driver.EXPENDITURE,
            "fundraising": Driver.EXPENDITURE,
            "custom": Driver.CUSTOM,
        }[self.value]


class CapacityArea(models.TextChoices):
    GOVERNANCE = "governance", "Governance"
    FINANCE = "finance", "Finance"
    HR = "hr", "HR and people"
    QUALITY = "quality", "Quality systems"
    IT_DATA = "it_data", "IT and data"
    BID_WRITING = "bid_writing", "Bid writing"
    CONTRACT_MANAGEMENT = "contract_management", "Contract management"
    INSURANCE = "insurance", "Insurance"


SCORE_LABELS = {
    1: "1 – Not in place",
    2: "2 – Basic",
    3: "3 – Developing",
    4: "4 – Established",
    5: "5 – Strong",
}


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"

    @classmethod
    def open(cls) -> set["ActionStatus"]:
        return {cls.PLANNED, cls.IN_PROGRESS}

    @property
    def tag_class(self) -> str:
        return {
            "planned": "govuk-tag--grey",
            "in_progress": "govuk-tag--blue",
            "done": "govuk-tag--green",
            "cancelled": "govuk-tag--orange",
        }[self.value]
