"""Who may see and change a tender, as named ``rules`` predicates (docs/disclosure.md, roles).

Partnership-level permissions take the partnership; tender-level ones take the tender (the
predicates look at ``tender.partnership``).

* The procurement officer builds the strategy, criteria, weights and benefit requirements, the
  timetable, and runs the tender (clarifications, addenda).
* The commissioner (or the procurement officer) publishes it.
* Service user representatives never see commercial things: no tender workspace (they read the
  public notice like anyone else).
* Social enterprise partners (who may bid) and the facilitator never see the evaluation model
  — criteria, weights, scoring method, simulator — before it is published
  (docs/disclosure.md, F1 and F4).
* The clause library is shared: everyone signed in reads it, site administrators edit it.
"""

import rules

from coplan.partnerships.enums import Role
from coplan.partnerships.rules import has_role, is_member, is_site_admin


def _partnership(obj):
    """The partnership of a tender, or the object itself if it is a partnership."""
    return getattr(obj, "partnership", obj)


def _on_partnership(predicate, name):
    @rules.predicate(name=name)
    def wrapped(user, obj):
        return predicate(user, _partnership(obj))

    return wrapped


_COUNCIL = (Role.COMMISSIONER, Role.PROCUREMENT, Role.STEERING, Role.EVALUATOR, Role.OBSERVER)
_COMMERCIAL = tuple(r for r in Role if r != Role.SERVICE_USER)

is_tender_member = _on_partnership(is_member, "tender_member")
sees_commercial = _on_partnership(has_role(*_COMMERCIAL), "tender_sees_commercial")
council_side = _on_partnership(has_role(*_COUNCIL), "tender_council_side")
is_procurement = _on_partnership(has_role(Role.PROCUREMENT), "tender_procurement")
is_publisher = _on_partnership(has_role(Role.COMMISSIONER, Role.PROCUREMENT), "tender_publisher")


@rules.predicate
def is_published(user, tender):
    return getattr(tender, "published_at", None) is not None


@rules.predicate
def is_draft(user, tender):
    return getattr(tender, "published_at", None) is None


# Partnership level (the list of tenders, starting one).
rules.add_perm("tendering.view_tenders", sees_commercial)
rules.add_perm("tendering.add_tender", is_procurement)

# Tender level.
rules.add_perm("tendering.view_tender", sees_commercial)
rules.add_perm("tendering.change_tender", is_procurement)
# The evaluation model before publication: the council side only; after publication it is
# public (the notice shows it), so every member who sees the tender sees it.
rules.add_perm("tendering.view_evaluation_model", council_side | (is_published & sees_commercial))
rules.add_perm("tendering.change_evaluation_model", is_procurement & is_draft)
rules.add_perm("tendering.publish_tender", is_publisher)
rules.add_perm("tendering.manage_clarifications", is_procurement)
rules.add_perm("tendering.view_clarifications", is_publisher)

# The shared clause library.
rules.add_perm("tendering.view_clause", rules.is_authenticated)
rules.add_perm("tendering.change_clause", is_site_admin)
