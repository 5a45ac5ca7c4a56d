"""States and roles as TextChoices (pretalx ``submission/enums.py``)."""

from django.db import models


class Stage(models.TextChoices):
    FEASIBILITY = "feasibility", "Feasibility (to PSP or not)"
    STRATEGIC = "strategic", "Strategic"
    SERVICE_DESIGN = "service_design", "Service design"
    PILOT = "pilot", "Pilot"
    PROCUREMENT = "procurement", "Procurement"
    CONTRACT = "contract", "Contract and monitoring"

    @classmethod
    def ordered(cls) -> list["Stage"]:
        return list(cls)

    @property
    def number(self) -> int:
        return Stage.ordered().index(self)

    @property
    def next(self) -> "Stage | None":
        order = Stage.ordered()
        i = order.index(self)
        return order[i + 1] if i + 1 < len(order) else None

    @property
    def earlier(self) -> list["Stage"]:
        return Stage.ordered()[: self.number]


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended without tender"


class Role(models.TextChoices):
    FACILITATOR = "facilitator", "Intermediary facilitator"
    COMMISSIONER = "commissioner", "Commissioner"
    PROCUREMENT = "procurement", "Procurement officer"
    STEERING = "steering", "Steering group member"
    SE_PARTNER = "se_partner", "Social enterprise partner"
    SERVICE_USER = "service_user", "Service user representative"
    EVALUATOR = "evaluator", "Evaluator"
    OBSERVER = "observer", "Observer / auditor"

    @classmethod
    def managers(cls) -> set["Role"]:
        """Roles that run the partnership: edit it, its timeline and its members."""
        return {cls.FACILITATOR, cls.COMMISSIONER}

    @classmethod
    def read_only(cls) -> set["Role"]:
        return {cls.OBSERVER}


class StageChangeKind(models.TextChoices):
    ADVANCED = "advanced", "Advanced"
    LOOPED_BACK = "looped_back", "Looped back"
    REFUSED = "refused", "Advance refused"
