"""Choices shared by several apps."""

from django.db import models


class Disclosure(models.TextChoices):
    """Bidder disclosure class of a design or pilot artefact (docs/disclosure.md, F1): one set of
    codes, so the tender app can treat every artefact alike."""

    UNCLASSIFIED = "unclassified", "Not classified yet"
    PUBLISH = "publish", "Publish to all bidders"
    REDACT_THEN_PUBLISH = "redact_then_publish", "Redact, then publish to all bidders"
    INTERNAL_ONLY = "internal_only", "Internal only"

    @classmethod
    def classes(cls) -> list["Disclosure"]:
        """The classes a person can choose (everything except "not classified")."""
        return [cls.PUBLISH, cls.REDACT_THEN_PUBLISH, cls.INTERNAL_ONLY]

    @property
    def tag_class(self) -> str:
        return {
            "unclassified": "govuk-tag--red",
            "publish": "govuk-tag--green",
            "redact_then_publish": "govuk-tag--yellow",
            "internal_only": "govuk-tag--grey",
        }[self.value]
