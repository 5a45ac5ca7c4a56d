"""Who sees this app's audit events, and which roles make up each audience
(:mod:`coplan.core.sensitivity`)."""

from django.db.models import Q

from coplan.core import sensitivity
from coplan.core.sensitivity import Audience, Moment

from .enums import Role

# The roles behind each audience inside a partnership. Site administrators and "only the person
# concerned" are no partnership role.
AUDIENCE_ROLES: dict[Audience, frozenset[str]] = {
    Audience.MEMBERS: frozenset(r.value for r in Role),
    Audience.COST_VIEWERS: frozenset(r.value for r in Role) - {Role.SERVICE_USER.value},
    Audience.OFFICERS: frozenset({Role.PROCUREMENT.value, Role.COMMISSIONER.value}),
    Audience.PROCUREMENT: frozenset({Role.PROCUREMENT.value}),
    Audience.CONCERNED: frozenset(),
    Audience.SITE: frozenset(),
}


def visible_to(user, roles: frozenset[str], reached: dict[Moment, set]) -> Q:
    """The events of one partnership that a member holding ``roles`` may see: those whose
    audience includes one of the roles, those that became every member's at a moment their
    tender has reached (``reached``: tender ids per moment), and the person's own."""
    table = sensitivity.table()
    seen = [code for code, s in table.items() if AUDIENCE_ROLES[s.audience] & roles]
    query = Q(action__in=seen)
    if roles:
        for moment in Moment:
            widened = [code for code, s in table.items() if s.members_from == moment]
            if widened and reached[moment]:
                query |= Q(action__in=widened, data__tender__in=sorted(reached[moment]))
    if getattr(user, "pk", None) is not None:
        query |= Q(actor_id=user.pk) | Q(data__person_id=user.pk)
    return query


sensitivity.declare(
    Audience.MEMBERS,
    [
        "partnership.created",
        "partnership.updated",
        "partnership.timeline.updated",
        "partnership.stage.advanced",
        "partnership.stage.advance_refused",
        "partnership.stage.looped_back",
        "partnership.member.invited",
        "partnership.member.invitation_revoked",
        "partnership.member.joined",
        "partnership.member.added",
        "partnership.member.removed",
    ],
)
