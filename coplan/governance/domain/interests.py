"""The register of interests: each person's standing declarations, reviewed at least yearly."""

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from ..enums import InterestKind
from ..models import Interest, InterestReview


def declare_interest(
    *,
    user,
    actor,
    kind,
    description: str,
    organisation=None,
    organisation_name: str = "",
    starts_on=None,
) -> Interest:
    kind = InterestKind(kind)
    description = (description or "").strip()
    if not description:
        raise DomainError(
            "Describe the interest.", code="description_required", field="description"
        )
    if kind == InterestKind.ORGANISATION_ROLE and not (
        organisation or (organisation_name or "").strip()
    ):
        raise DomainError(
            "Name the organisation you hold the role in.",
            code="organisation_required",
            field="organisation",
        )
    with transaction.atomic():
        interest = Interest.objects.create(
            user=user,
            kind=kind,
            description=description,
            organisation=organisation,
            organisation_name=(organisation_name or "").strip(),
            starts_on=starts_on,
        )
        audit.log(
            actor=actor,
            action="governance.interest.declared",
            obj=interest,
            data={
                "user": user.email,
                "kind": kind.value,
                "organisation": interest.organisation_label,
            },
        )
    return interest


def end_interest(*, interest, actor, ends_on=None) -> Interest:
    ends_on = ends_on or clock.today()
    with transaction.atomic():
        locked = Interest.objects.select_for_update().get(pk=interest.pk)
        if locked.ends_on is not None:
            raise DomainError("This interest has already ended.", code="already_ended")
        if locked.starts_on and ends_on < locked.starts_on:
            raise DomainError(
                "An interest cannot end before it started.",
                code="ends_before_start",
                field="ends_on",
            )
        locked.ends_on = ends_on
        locked.save(update_fields=["ends_on"])
        audit.log(
            actor=actor,
            action="governance.interest.ended",
            obj=locked,
            data={"user": locked.user.email, "ends_on": ends_on},
        )
    interest.ends_on = ends_on
    return locked


def review_interests(*, user, actor) -> InterestReview:
    """The person confirms their register is complete and up to date (at least yearly)."""
    from ..queries import declared_interests

    with transaction.atomic():
        review = InterestReview.objects.create(
            user=user, interest_count=declared_interests(user).count()
        )
        audit.log(
            actor=actor,
            action="governance.interests.reviewed",
            obj=review,
            data={"user": user.email, "interests": review.interest_count},
        )
    return review
