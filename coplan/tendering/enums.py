"""Choices of the tendering app as TextChoices (pretalx ``submission/enums.py``).

The scoring choices (``PriceMethod``, ``TieBreak``, ``ZeroPriceRule``, ``BenefitMethod``) are
the ones :mod:`coplan.tendering.scoring.engine` uses too (it re-exports them): one declaration,
one set of labels, for the stored tender and the simulator alike.
"""

from django.db import models


class ClauseType(models.TextChoices):
    """Community benefit clause types (docs/statutory.md, community benefit requirements)."""

    TARGETED_RECRUITMENT = (
        "targeted_recruitment",
        "Targeted recruitment and training of priority groups",
    )
    APPRENTICESHIPS = "apprenticeships", "Apprenticeships"
    WORK_PLACEMENTS = "work_placements", "Work placements and work experience"
    QUALIFICATIONS = "qualifications", "Training and qualifications"
    EDUCATION = "education", "Education engagement"
    SUBCONTRACTING = (
        "subcontracting",
        "Subcontracting to SMEs, social enterprises and supported businesses",
    )
    COMMUNITY = "community", "Community investment and volunteering"
    ENVIRONMENTAL = "environmental", "Environmental: reuse and recycling"


class ContractType(models.TextChoices):
    SERVICES = "services", "Services"
    SUPPLIES = "supplies", "Supplies (goods)"
    WORKS = "works", "Works"

    @property
    def ocds_category(self) -> str:
        """The OCDS ``mainProcurementCategory`` code."""
        return {"services": "services", "supplies": "goods", "works": "works"}[self.value]


class Route(models.TextChoices):
    OPEN = "open", "Open procedure"
    RESTRICTED = "restricted", "Restricted procedure"
    LIGHT_TOUCH = "light_touch", "Light-touch regime"
    QUICK_QUOTE = "quick_quote", "Quick quote"

    @property
    def ocds_method(self) -> str:
        """The OCDS ``procurementMethod`` code (closed codelist)."""
        return {
            "open": "open",
            "restricted": "selective",
            "light_touch": "open",
            "quick_quote": "limited",
        }[self.value]


class TenderStatus(models.TextChoices):
    """Derived from the tender's timestamps, never stored."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed for bids"
    OPENED = "opened", "Bids opened"
    AWARDED = "awarded", "Awarded"

    @property
    def tag_class(self) -> str:
        return {
            "draft": "govuk-tag--grey",
            "published": "govuk-tag--green",
            "closed": "govuk-tag--yellow",
            "opened": "govuk-tag--blue",
            "awarded": "govuk-tag--purple",
        }[self.value]


class PriceMethod(models.TextChoices):
    RELATIVE_TO_LOWEST = "relative_to_lowest", "Relative to the lowest price (W × Pmin / Pi)"
    LINEAR_DEVIATION = (
        "linear_deviation",
        "Linear deviation from the lowest (W × (1 − (Pi − Pmin) / Pmin)), clamped at 0",
    )
    RANGE = "range", "Range (W × (Pmax − Pi) / (Pmax − Pmin))"


class TieBreak(models.TextChoices):
    HIGHER_QUALITY = "higher_quality", "The higher quality score wins"
    LOWER_PRICE = "lower_price", "The lower price wins"
    NONE = "none", "No tie-break: tied bids share the rank"


class ZeroPriceRule(models.TextChoices):
    SCORE_ON_TOTAL = "score_on_total", "Score that element on the total price"
    FULL_MARKS = "full_marks", "A zero price in an element scores full marks for it"
    ERROR = "error", "A zero price is not accepted"


class BenefitMethod(models.TextChoices):
    RELATIVE_TO_MAX = (
        "relative_to_max",
        "Points menu or monetised value, relative to the highest (W × value / max value)",
    )
    METHOD_STATEMENT = "method_statement", "Scored method statement (W × score / 4)"


class RequirementMode(models.TextChoices):
    MANDATORY = "mandatory", "Mandatory contract condition"
    SCORED = "scored", "Scored commitment (bidders state quantities)"


class ClarificationStatus(models.TextChoices):
    ASKED = "asked", "Awaiting an answer"
    ANSWERED = "answered", "Answered to all bidders"
