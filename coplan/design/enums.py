"""States and kinds of the service design app as TextChoices (pretalx ``submission/enums.py``)."""

from django.db import models

from coplan.core.enums import Disclosure  # noqa: F401  shared with other apps (docs/disclosure.md, F1)


class Method(models.TextChoices):
    WORKSHOP = "workshop", "Workshop"
    SURVEY = "survey", "Survey"
    INTERVIEW = "interview", "Interview"
    FOCUS_GROUP = "focus_group", "Focus group"
    DROP_IN = "drop_in", "Drop-in"


class ItemKind(models.TextChoices):
    IDEA = "idea", "Idea"
    FEEDBACK = "feedback", "Feedback"
    COMMENT = "comment", "Comment"

    @classmethod
    def posts(cls) -> list["ItemKind"]:
        """Kinds that stand on their own on the board (a comment answers one of them)."""
        return [cls.IDEA, cls.FEEDBACK]


class ItemSource(models.TextChoices):
    BOARD = "board", "Posted on the board"
    ACTIVITY = "activity", "Recorded at an engagement activity"
    SURVEY = "survey", "Imported from a survey"
    OPEN_LINK = "open_link", "Posted through an open engagement link"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    FROZEN = "frozen", "Frozen"

    @classmethod
    def signed_off(cls) -> list["VersionStatus"]:
        """Approved by the commissioner (a frozen version was approved first)."""
        return [cls.APPROVED, cls.FROZEN]

    @property
    def tag_class(self) -> str:
        return {
            "draft": "govuk-tag--grey",
            "approved": "govuk-tag--green",
            "frozen": "govuk-tag--blue",
        }[self.value]


class SectionKind(models.TextChoices):
    OUTCOMES = "outcomes", "Outcomes"
    OUTPUTS = "outputs", "Outputs"
    SERVICE_LEVELS = "service_levels", "Service levels"
    ELIGIBILITY = "eligibility_referral", "Eligibility and referral"
    VOLUMES = "volumes", "Expected volumes"
    KPIS = "kpis", "Key performance indicators"
    COMMUNITY_BENEFITS = "community_benefits", "Community benefit requirements"

    @property
    def prefix(self) -> str:
        """Requirement references start with it: OUT-1, SL-3, CB-2."""
        return {
            "outcomes": "OUT",
            "outputs": "OP",
            "service_levels": "SL",
            "eligibility_referral": "ER",
            "volumes": "VOL",
            "kpis": "KPI",
            "community_benefits": "CB",
        }[self.value]

    @property
    def hint(self) -> str:
        return {
            "outcomes": "The difference the service makes to the people who use it.",
            "outputs": "What the service delivers, and how much of it.",
            "service_levels": "How quickly and how well: response times, hours, standards.",
            "eligibility_referral": "Who can use the service and how people are referred.",
            "volumes": "How many people or items the service expects each year.",
            "kpis": "How performance is measured. The pilot's monitoring framework links here.",
            "community_benefits": "Training, jobs, subcontracting, reuse and other benefits.",
        }[self.value]


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded, columns not matched yet"
    IMPORTED = "imported", "Imported"
    REJECTED = "rejected", "Rejected, nothing imported"


class Response(models.TextChoices):
    """What the partnership did about an insight ("you said, we did")."""

    NONE = "none", "No response yet"
    SHAPED = "shaped", "Shaped the specification"
    NOT_TAKEN_UP = "not_taken_up", "Not taken up"
