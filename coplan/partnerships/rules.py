"""Who may do what in a partnership, as named ``rules`` predicates (pretalx ``rules.py``).

Views and the API resolve a partnership with :func:`coplan.partnerships.queries.get_for`:
a person who is not a member gets 404; a member without the permission gets 403. Only roles
count inside a partnership: neither ``is_staff`` nor ``is_superuser`` opens one (the user model
sends every object-level check to these predicates, superuser or not).

Site-level things (the statutory rules table, organisations, starting a partnership) are for
:func:`is_site_admin`: the "Site administrators" group, or a superuser.
"""

import rules

from coplan.core.models import SITE_ADMINISTRATORS, OrganisationType

from .enums import Role


def roles_of(user, partnership) -> frozenset[str]:
    """The role codes ``user`` holds in ``partnership``, cached on the partnership object."""
    if not getattr(user, "is_authenticated", False) or partnership is None:
        return frozenset()
    cache = partnership.__dict__.setdefault("_roles_cache", {})
    if user.pk not in cache:
        cache[user.pk] = frozenset(m.role for m in partnership.roster if m.user_id == user.pk)
    return cache[user.pk]


def has_role(*roles: Role):
    wanted = frozenset(r.value for r in roles)

    @rules.predicate(name="has_role_" + "_or_".join(sorted(wanted)))
    def predicate(user, partnership):
        return bool(roles_of(user, partnership) & wanted)

    return predicate


@rules.predicate
def is_member(user, partnership):
    return bool(roles_of(user, partnership))


is_commissioner = has_role(Role.COMMISSIONER)
is_manager = has_role(Role.COMMISSIONER, Role.FACILITATOR)


@rules.predicate
def is_site_admin(user):
    """In the "Site administrators" group, or a superuser: for site-level pages only (no
    partnership predicate uses it). ``is_staff`` alone is not enough: it only opens /admin/."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if "_is_site_admin" not in user.__dict__:
        user._is_site_admin = user.groups.filter(name=SITE_ADMINISTRATORS).exists()
    return user._is_site_admin


@rules.predicate
def works_for_public_body(user):
    if not getattr(user, "is_authenticated", False):
        return False
    return user.organisations.filter(type__in=OrganisationType.public_sector()).exists()


@rules.predicate
def works_for_intermediary(user):
    """Affiliated with an intermediary (a CVS, TSI or network): the people who run PSPs."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.organisations.filter(type=OrganisationType.INTERMEDIARY).exists()


@rules.predicate
def manages_any_partnership(user):
    if not getattr(user, "is_authenticated", False):
        return False
    return user.memberships.filter(role__in=Role.managers()).exists()


rules.add_perm("partnerships.view_partnership", is_member)
rules.add_perm("partnerships.change_partnership", is_manager)
rules.add_perm("partnerships.change_timeline", is_manager)
rules.add_perm("partnerships.advance_stage", is_commissioner)
rules.add_perm("partnerships.view_members", is_member)
rules.add_perm("partnerships.manage_members", is_manager)
rules.add_perm("partnerships.view_activity", is_member)
rules.add_perm(
    "partnerships.add_partnership",
    is_site_admin | works_for_public_body | works_for_intermediary,
)

rules.add_perm("core.view_statutoryrule", rules.is_authenticated)
rules.add_perm("core.change_statutoryrule", is_site_admin)
rules.add_perm("core.view_organisation", rules.is_authenticated)
rules.add_perm("core.add_organisation", is_site_admin | manages_any_partnership)
