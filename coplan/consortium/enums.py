"""States and choices as TextChoices."""

from django.db import models


class LegalModel(models.TextChoices):
    LEAD_CONTRACTOR = "lead_contractor", "Lead contractor with subcontracts"
    SPV = "spv", "New jointly managed company (special purpose vehicle)"
    JOINT_VENTURE = "joint_venture", "Unincorporated joint venture"


class AgreementStatus(models.TextChoices):
    HEADS_OF_TERMS = "heads_of_terms", "Heads of terms"
    DRAFT = "draft", "Draft agreement"
    SIGNED = "signed", "Signed"

    @property
    def tag_class(self) -> str:
        return {
            "heads_of_terms": "govuk-tag--grey",
            "draft": "govuk-tag--blue",
            "signed": "govuk-tag--green",
        }[self.value]
