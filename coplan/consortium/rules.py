"""Who may see and change the consortium, as named ``rules`` predicates.

Every member of the partnership sees who is in the consortium, its lead partner, legal model
and capability matrix. The work and revenue split, the agreement and the consortium's costs
are commercial: service user representatives never see them (docs/disclosure.md, roles). The
facilitator (who runs the design committee) and the lead partner's people manage the
consortium; each member's authorised signatory signs the agreement for it.
"""

import rules

from coplan.costing.rules import organisations_of
from coplan.partnerships.enums import Role
from coplan.partnerships.rules import has_role, is_member

is_facilitator = has_role(Role.FACILITATOR)
is_se_partner = has_role(Role.SE_PARTNER)
sees_commercial = has_role(*(r for r in Role if r != Role.SERVICE_USER))
council_side = has_role(
    Role.COMMISSIONER, Role.PROCUREMENT, Role.STEERING, Role.EVALUATOR, Role.OBSERVER
)


def consortium_of(partnership):
    """The partnership's consortium or ``None`` (cached on the partnership object)."""
    if partnership is None:
        return None
    if "_consortium_cache" not in partnership.__dict__:
        from .models import Consortium

        partnership.__dict__["_consortium_cache"] = (
            Consortium.objects.select_related("lead").filter(partnership=partnership).first()
        )
    return partnership.__dict__["_consortium_cache"]


def _se_organisations(user, partnership) -> set[int]:
    return set(organisations_of(user, partnership))


@rules.predicate
def leads_consortium(user, partnership):
    consortium = consortium_of(partnership)
    return bool(
        consortium
        and consortium.lead_id
        and consortium.lead_id in _se_organisations(user, partnership)
    )


@rules.predicate
def in_consortium(user, partnership):
    consortium = consortium_of(partnership)
    if consortium is None:
        return False
    mine = _se_organisations(user, partnership)
    return bool(mine) and consortium.members.filter(organisation_id__in=mine).exists()


@rules.predicate
def is_signatory(user, partnership):
    consortium = consortium_of(partnership)
    return bool(consortium) and consortium.members.filter(signatory=user).exists()


rules.add_perm("consortium.view_consortium", is_member)
rules.add_perm("consortium.view_commercial", sees_commercial)
rules.add_perm("consortium.form_consortium", is_facilitator | is_se_partner)
rules.add_perm("consortium.manage_consortium", is_facilitator | leads_consortium)
rules.add_perm("consortium.sign_agreement", is_signatory)
# The consortium's combined costs: in full for the facilitator and the members' people (one
# bid), only over versions shared with the council for the council side.
rules.add_perm("consortium.view_costs", is_facilitator | in_consortium | council_side)
rules.add_perm("consortium.view_all_costs", is_facilitator | in_consortium)
