"""Who may see and change community benefits, as named ``rules`` predicates.

Every member follows the golden thread and sees the contract's commitments and their status.
SROI analyses carry the investment (a cost), so service user representatives do not see them
(docs/disclosure.md, roles). The facilitator, the council side that commissions and the social
enterprise partners build SROI analyses. Contract managers (commissioner, procurement officer)
verify or query return lines; the supplier's people submit returns (checked against the
contract).
"""

import rules

from coplan.partnerships.enums import Role
from coplan.partnerships.rules import has_role, is_member
from coplan.pilots.rules import sees_costs

R = Role
# Contract values, social value and SROI are money: the one rule of ``pilots.view_costs``.
sees_commercial = sees_costs
builds_sroi = has_role(R.FACILITATOR, R.COMMISSIONER, R.PROCUREMENT, R.SE_PARTNER)
manages_contract = has_role(R.COMMISSIONER, R.PROCUREMENT)
may_submit = has_role(R.SE_PARTNER)

rules.add_perm("benefits.view_benefits", is_member)
rules.add_perm("benefits.view_thread", is_member)
rules.add_perm("benefits.view_sroi", sees_commercial)
rules.add_perm("benefits.manage_sroi", builds_sroi)
rules.add_perm("benefits.view_returns", sees_commercial)
rules.add_perm("benefits.submit_returns", may_submit)
rules.add_perm("benefits.verify_returns", manages_contract)
rules.add_perm("benefits.plan_remedy", manages_contract | may_submit)


def supplier_organisations(contract) -> set[int]:
    """The contractor: the supplier and, for a consortium, its members."""
    found = {contract.supplier_id}
    if contract.consortium_id:
        found |= set(contract.consortium.members.values_list("organisation_id", flat=True))
    return found


def can_submit_for(user, contract) -> bool:
    """``user`` is a social enterprise partner of the partnership for the contractor."""
    if not getattr(user, "is_authenticated", False):
        return False
    partnership = contract.tender.partnership
    mine = set(
        partnership.memberships.filter(user=user, role=Role.SE_PARTNER)
        .exclude(organisation=None)
        .values_list("organisation_id", flat=True)
    )
    return bool(mine & supplier_organisations(contract))
