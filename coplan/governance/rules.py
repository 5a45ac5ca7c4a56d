"""Who may do what in governance, as named ``rules`` predicates.

Pages resolve the partnership with :func:`coplan.partnerships.queries.get_for` first, so a
person who is not a member of the partnership gets 404 everywhere; these rules then decide
between the page (or the change) and 403.

The rules, precisely:

* **Read** (``governance.view``): every member of the partnership, in any role, reads every
  body, meeting, paper, attendance list, declaration, minutes, decision and action.
* **Manage bodies** (``governance.manage_bodies`` on the partnership,
  ``governance.change_body`` on a body): the facilitator and the commissioner create bodies,
  edit terms of reference (quorum, decision rule) and appoint or remove members.
* **Run a body** (``governance.run_body`` on a body): the facilitator and the commissioner for
  every body, and a *current* member of *that* body who holds any role other than observer.
  Running a body means scheduling and editing its meetings, agenda and papers, sending
  invitations, recording attendance and declarations, drafting minutes and recording decisions
  (including approving earlier minutes) and actions at its meetings. A steering group member
  who does not sit on the design committee cannot edit the design committee's minutes, and the
  other way round.
* **Partnership actions** (``governance.add_action``): actions not arising from a meeting are
  added by the facilitator or the commissioner; actions arising from a meeting by whoever may
  run its body.
* **Change an action** (``governance.change_action``): its owner (reporting progress or marking
  it done), whoever may run the body it came from, and the facilitator or the commissioner.
* **Observers** (observer or auditor role only) read everything and change nothing: 403.
* The register of interests is personal: each person keeps their own; partnership members read
  the registers of the partnership's members.
"""

import rules

from coplan.partnerships.enums import Role
from coplan.partnerships.rules import is_manager, is_member, roles_of


def _partnership_of(obj):
    return getattr(obj, "partnership", obj)


def _writer_roles(user, partnership) -> frozenset[str]:
    return roles_of(user, partnership) - {r.value for r in Role.read_only()}


def current_seat(user, body):
    """``user``'s current seat on ``body`` (cached on the body object), or None."""
    if not getattr(user, "is_authenticated", False) or body is None:
        return None
    cache = body.__dict__.setdefault("_seat_cache", {})
    if user.pk not in cache:
        cache[user.pk] = body.members.filter(user=user, left_on__isnull=True).first()
    return cache[user.pk]


@rules.predicate
def sits_on_body(user, body):
    return current_seat(user, body) is not None


@rules.predicate
def manages_body(user, body):
    return is_manager(user, body.partnership)


@rules.predicate
def may_write_in_partnership(user, obj):
    """Holds at least one role that is not read-only."""
    return bool(_writer_roles(user, _partnership_of(obj)))


@rules.predicate
def is_member_of_partnership(user, obj):
    return is_member(user, _partnership_of(obj))


can_run_body = manages_body | (sits_on_body & may_write_in_partnership)


@rules.predicate
def owns_action(user, action):
    return action.owner_id == getattr(user, "pk", None) and may_write_in_partnership(user, action)


@rules.predicate
def runs_action_body(user, action):
    return action.body is not None and can_run_body(user, action.body)


@rules.predicate
def manages_action_partnership(user, action):
    return is_manager(user, action.partnership)


rules.add_perm("governance.view", is_member)
rules.add_perm("governance.manage_bodies", is_manager)
rules.add_perm("governance.add_action", is_manager)
rules.add_perm("governance.view_body", is_member_of_partnership)
rules.add_perm("governance.change_body", manages_body)
rules.add_perm("governance.run_body", can_run_body)
rules.add_perm(
    "governance.change_action", owns_action | runs_action_body | manages_action_partnership
)
