"""Consent of named contributors: what it covers, when given, and withdrawal, which removes
the person's name from everything they contributed but keeps the anonymised text and counts."""

import datetime as dt

from django.db import transaction
from django.db.models import Q

from coplan.core import audit, clock
from coplan.core.errors import DomainError

from ..models import Consent, Item, Support
from ..queries import active_consent
from ._common import clean_text, require_member, same_partnership

BOARD_COVERS = (
    "Coplan keeps my name with the ideas, feedback and comments I post, and shows it to the "
    "partnership's members unless I post anonymously. I can withdraw this at any time."
)
OPEN_LINK_COVERS = (
    "The partnership keeps my name with the ideas and feedback I send through the open "
    "engagement link. I can withdraw this at any time by asking the facilitator."
)
SURVEY_COVERS = "My name is kept with my survey answers (ticked 'yes' on the survey form)."


def record_consent(
    *, partnership, actor, covers, given_on=None, user=None, name="", user_group=None
) -> Consent:
    """Record what a named contributor agreed to (a member, or a person without an account)."""
    covers = clean_text(covers, field="covers", message="Say what the person agreed to.")
    name = " ".join((name or "").split())
    if user is None and not name:
        raise DomainError("Enter the person's name.", code="name_required", field="name")
    if user is not None:
        require_member(user, partnership, field="user")
        if active_consent(partnership, user):
            raise DomainError(
                f"{user} has already given consent: withdraw it before recording a new one.",
                code="consent_exists",
                field="user",
            )
        name = ""
    same_partnership(user_group, partnership, field="user_group", what="user group")
    given_on = given_on or clock.today()
    if given_on > clock.today():
        raise DomainError(
            "Consent cannot be given in the future.", code="future_date", field="given_on"
        )
    with transaction.atomic():
        consent = Consent.objects.create(
            partnership=partnership,
            user=user,
            name=name,
            user_group=user_group,
            covers=covers,
            given_on=given_on,
            recorded_by=actor,
        )
        audit.log(
            actor=actor,
            action="design.consent.recorded",
            obj=consent,
            partnership=partnership,
            data={"account": user is not None, "given_on": given_on, "covers": covers},
        )
    return consent


def withdraw_consent(*, consent, actor, on: dt.date | None = None) -> dict:
    """Withdraw consent: the person's items lose their author and name (the text stays, now
    anonymous), their supports lose the link to them (the counts stay), and their attendance
    becomes an anonymous attendance. Returns how many of each were anonymised."""
    on = on or clock.today()
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if not locked.is_active:
            raise DomainError("This consent was already withdrawn.", code="already_withdrawn")
        if on < locked.given_on:
            raise DomainError(
                "Consent cannot be withdrawn before it was given.",
                code="invalid_date",
                field="withdrawn_on",
            )
        mine = Q(consent=locked)
        if locked.user_id:
            mine |= Q(author_id=locked.user_id)
        items = Item.objects.filter(mine, partnership_id=locked.partnership_id).update(
            author=None, author_name="", consent=None, anonymous=True
        )
        supports = 0
        if locked.user_id:
            supports = Support.objects.filter(
                user_id=locked.user_id, item__partnership_id=locked.partnership_id
            ).update(user=None)
        attendances = locked.attendances.update(consent=None)
        locked.withdrawn_on = on
        locked.save(update_fields=["withdrawn_on"])
        counts = {"items": items, "supports": supports, "attendances": attendances}
        audit.log(
            actor=actor,
            action="design.consent.withdrawn",
            obj=locked,
            partnership=locked.partnership,
            data={"withdrawn_on": on, "anonymised": counts},
        )
    consent.withdrawn_on = on
    return counts
