"""States and kinds as TextChoices (pretalx ``submission/enums.py``)."""

from django.db import models


class BodyKind(models.TextChoices):
    STEERING_GROUP = "steering_group", "Steering group"
    DESIGN_COMMITTEE = "design_committee", "Design committee"
    WORKING_GROUP = "working_group", "Working group"

    @classmethod
    def one_per_partnership(cls) -> set["BodyKind"]:
        """A partnership has at most one steering group and one design committee."""
        return {cls.STEERING_GROUP, cls.DESIGN_COMMITTEE}

    @property
    def position(self) -> int:
        return list(BodyKind).index(self)


class DecisionRule(models.TextChoices):
    CONSENSUS = "consensus", "Consensus of the members present"
    SIMPLE_MAJORITY = "simple_majority", "Simple majority of the votes cast"
    TWO_THIRDS = "two_thirds", "Two-thirds majority of the votes cast"
    UNANIMOUS = "unanimous", "Unanimity of the voting members present"


class BodyRole(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    SECRETARY = "secretary", "Secretary"
    MEMBER = "member", "Member"
    ADVISER = "adviser", "Adviser"


class MeetingStatus(models.TextChoices):
    """Derived from the meeting's timestamps, never stored."""

    UPCOMING = "upcoming", "Upcoming"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class InterestNature(models.TextChoices):
    FINANCIAL = "financial", "Financial"
    NON_FINANCIAL = "non_financial", "Non-financial (personal or organisational)"


class DeclarationOutcome(models.TextChoices):
    NOTED = "noted", "Noted: took part in the discussion and any vote"
    NO_VOTE = "no_vote", "Took part in the discussion but did not vote"
    WITHDREW = "withdrew", "Left the meeting for the item"

    @classmethod
    def not_voting(cls) -> set["DeclarationOutcome"]:
        return {cls.NO_VOTE, cls.WITHDREW}


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved and locked"


class DecisionKind(models.TextChoices):
    GENERAL = "general", "General"
    GATE_APPROVAL = "gate_approval", "Gate approval (leaving a stage)"
    SPEC_VERSION_APPROVAL = "spec_version_approval", "Approval of a specification version"
    PILOT_EXTENSION_APPROVAL = "pilot_extension_approval", "Approval of a pilot extension"
    EVALUATION_WEIGHTS_APPROVAL = (
        "evaluation_weights_approval",
        "Approval of evaluation criteria and weights",
    )
    AWARD_APPROVAL = "award_approval", "Award approval"
    MINUTES_APPROVAL = "minutes_approval", "Approval of the minutes of an earlier meeting"
    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference agreed"

    @classmethod
    def steering_group_only(cls) -> set["DecisionKind"]:
        return {cls.GATE_APPROVAL}


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"

    @classmethod
    def open(cls) -> set["ActionStatus"]:
        """Statuses of actions still to do: these can become overdue."""
        return {cls.OPEN, cls.IN_PROGRESS}

    @classmethod
    def closed(cls) -> set["ActionStatus"]:
        return {cls.DONE, cls.CANCELLED}


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"


class InterestKind(models.TextChoices):
    ORGANISATION_ROLE = (
        "organisation_role",
        "Role in an organisation (employee, director, trustee, member)",
    )
    FINANCIAL = "financial", "Financial interest (shares, contracts, paid work, gifts)"
    CLOSE_ASSOCIATE = "close_associate", "Interest of a family member or close associate"
    OTHER = "other", "Other interest"
