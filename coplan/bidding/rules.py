"""Who may do what with bids, as named ``rules`` predicates on a **tender**.

* Officers — the partnership's procurement officer and commissioner — set the opening time,
  see the list of bids (who and when, never content) and confirm the opening (four-eyes: two
  different officers).
* After opening, bid content is read by the procurement officer (and, once the evaluation
  panel exists, by evaluators for their assigned parts). The seal itself refuses to decrypt
  before opening, whatever the permission says.
* Bidders — the person who registered the organisation for the tender, or anyone affiliated
  with the registered organisation — submit, replace and withdraw their own bid and download
  its receipt.
"""

import rules

from coplan.partnerships.enums import Role
from coplan.partnerships.rules import roles_of
from coplan.tendering.models import BidderRegistration
from coplan.tendering.rules import is_procurement  # one predicate, in the lower app

OFFICER_ROLES = frozenset({Role.PROCUREMENT.value, Role.COMMISSIONER.value})


@rules.predicate
def is_officer(user, tender):
    return bool(roles_of(user, tender.partnership) & OFFICER_ROLES)


def registration_of(user, tender):
    """The bidder registration ``user`` acts for in ``tender`` (or ``None``)."""
    if not getattr(user, "is_authenticated", False):
        return None
    regs = BidderRegistration.objects.filter(tender=tender).select_related(
        "organisation", "consortium"
    )
    mine = regs.filter(user=user).first()
    if mine is None:
        mine = regs.filter(organisation__in=user.organisations.all()).first()
    return mine


@rules.predicate
def is_bidder(user, tender):
    return registration_of(user, tender) is not None


@rules.predicate
def is_opened(user, tender):
    return tender.opened_at is not None


rules.add_perm("bidding.view_bids", is_officer)
rules.add_perm("bidding.set_opening_time", is_officer)
rules.add_perm("bidding.open_bids", is_officer)
rules.add_perm("bidding.read_bid_content", is_procurement & is_opened)
rules.add_perm("bidding.submit_bid", is_bidder)


@rules.predicate
def is_assigned(user, tender):
    """On the tender's evaluation panel (what they may see also needs a cleared declaration)."""
    if not getattr(user, "is_authenticated", False):
        return False
    from .models import Assignment

    return Assignment.objects.filter(tender=tender, evaluator=user).exists()


rules.add_perm("bidding.view_evaluation", is_officer)
rules.add_perm("bidding.manage_evaluation", is_procurement)
rules.add_perm("bidding.evaluate", is_assigned)
rules.add_perm("bidding.award", is_officer)
