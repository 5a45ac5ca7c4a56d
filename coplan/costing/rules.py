"""Who may see and change cost models and capacity plans, as named ``rules`` predicates.

A cost model is private to the social enterprise that owns it: its own people (social
enterprise partners who joined on its behalf) and the intermediary's facilitators see every
version; the council side (and the evaluator and observers) see only the locked versions the
enterprise has shared with them; other enterprises see none of it (a consortium pools its
members' locked models on the consortium's own page); service user representatives never see
costs (docs/disclosure.md, roles).

Partnership-level permissions (checked with ``partnerships.queries.get_for``, 404 for
outsiders, 403 for members without them) gate the pages; object-level ones decide which cost
models and versions a member sees (a model they cannot see is a 404).
"""

import rules

from coplan.partnerships.enums import Role
from coplan.partnerships.rules import has_role

is_facilitator = has_role(Role.FACILITATOR)
is_se_partner = has_role(Role.SE_PARTNER)
sees_costs = has_role(*(r for r in Role if r != Role.SERVICE_USER))
# What an enterprise shares, it shares with the council side (not with other enterprises).
sees_shared = has_role(*(r for r in Role if r not in {Role.SERVICE_USER, Role.SE_PARTNER}))


def organisations_of(user, partnership) -> frozenset[int]:
    """The organisations ``user`` represents as a social enterprise partner in ``partnership``
    (cached on the partnership object)."""
    if not getattr(user, "is_authenticated", False) or partnership is None:
        return frozenset()
    cache = partnership.__dict__.setdefault("_se_orgs_cache", {})
    if user.pk not in cache:
        cache[user.pk] = frozenset(
            partnership.memberships.filter(
                user=user, role=Role.SE_PARTNER, organisation__isnull=False
            ).values_list("organisation_id", flat=True)
        )
    return cache[user.pk]


def owns(user, obj) -> bool:
    """``user`` represents the enterprise that owns ``obj`` (anything with ``organisation_id``
    and ``partnership``)."""
    return obj.organisation_id in organisations_of(user, obj.partnership)


@rules.predicate
def owns_model(user, model):
    return model is not None and owns(user, model)


@rules.predicate
def facilitates_model(user, model):
    return model is not None and is_facilitator(user, model.partnership)


@rules.predicate
def sees_shared_costs(user, model):
    return model is not None and sees_shared(user, model.partnership)


@rules.predicate
def owns_capacity_item(user, obj):
    return obj is not None and owns(user, obj)


@rules.predicate
def facilitates_capacity_item(user, obj):
    return obj is not None and is_facilitator(user, obj.partnership)


def can_see_version(user, version) -> bool:
    """Drafts and unshared versions are for the owner and the facilitator only."""
    model = version.cost_model
    if user.has_perm("costing.view_private_costmodel", model):
        return True
    return version.is_shared and user.has_perm("costing.view_costmodel", model)


# Partnership level
rules.add_perm("costing.view_costing", sees_costs)
rules.add_perm("costing.add_costmodel", is_facilitator | is_se_partner)
rules.add_perm("costing.view_shared_costs", sees_shared)
rules.add_perm("costing.view_capacity", sees_costs)
rules.add_perm("costing.add_assessment", is_facilitator | is_se_partner)
rules.add_perm("costing.add_action", is_facilitator | is_se_partner)
rules.add_perm("costing.set_variance_threshold", is_facilitator)

# Cost model level
rules.add_perm("costing.view_private_costmodel", owns_model | facilitates_model)
rules.add_perm("costing.view_costmodel", owns_model | facilitates_model | sees_shared_costs)
rules.add_perm("costing.change_costmodel", owns_model | facilitates_model)
rules.add_perm("costing.lock_costmodel", owns_model | facilitates_model)
rules.add_perm("costing.share_costmodel", owns_model)

# Capacity assessment and plan level
rules.add_perm("costing.change_assessment", owns_capacity_item | facilitates_capacity_item)
rules.add_perm("costing.change_action", owns_capacity_item | facilitates_capacity_item)
