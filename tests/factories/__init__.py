"""Factories for tests (pretalx ``src/tests/factories``)."""

import datetime as dt
from importlib import import_module

import factory
from django.apps import apps
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from coplan.core.models import (
    SITE_ADMINISTRATORS,
    Affiliation,
    Organisation,
    OrganisationType,
    User,
)
from coplan.partnerships.enums import Role
from coplan.partnerships.models import Membership, Partnership

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def site_administrators() -> Group:
    """The group the data migrations make (made again if a transactional test flushed it)."""
    group = Group.objects.filter(name=SITE_ADMINISTRATORS).first()
    if group is None:
        for module in (
            "coplan.core.migrations.0011_site_administrators",
            "coplan.tendering.migrations.0004_site_administrators_clause_library",
        ):
            import_module(module).seed(apps, None)
        group = Group.objects.get(name=SITE_ADMINISTRATORS)
    return group


class SiteAdminFactory(UserFactory):
    """A site administrator: staff (the admin site opens) in the Site administrators group,
    not a superuser."""

    is_staff = True

    @factory.post_generation
    def site_admin_group(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(site_administrators())


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.SOCIAL_ENTERPRISE


class CouncilFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Council {n}")
    type = OrganisationType.LOCAL_AUTHORITY


class DepartmentFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Department {n}")
    type = OrganisationType.COUNCIL_DEPARTMENT


class IntermediaryFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"CVS {n}")
    type = OrganisationType.INTERMEDIARY
    is_third_sector = True


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    title = factory.Sequence(lambda n: f"Partnership {n}")
    service_area = "Emergency furniture"
    summary = "People losing a tenancy need storage and furniture packs."
    lead_authority = factory.SubFactory(CouncilFactory)
    intermediary = factory.SubFactory(IntermediaryFactory)
    started_on = dt.date(2006, 1, 1)
    design_ends_on = dt.date(2006, 9, 30)
    pilot_starts_on = dt.date(2006, 10, 1)
    pilot_ends_on = dt.date(2007, 3, 31)
    spec_freeze_on = dt.date(2007, 5, 1)
    tender_on = dt.date(2007, 7, 1)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    partnership = factory.SubFactory(PartnershipFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.STEERING
    organisation = factory.SubFactory(DepartmentFactory)


def member(partnership, role: Role, organisation=None, **user_fields) -> User:
    """A new person holding ``role`` in ``partnership``."""
    user = UserFactory(**user_fields)
    organisation = organisation or OrganisationFactory()
    Affiliation.objects.get_or_create(user=user, organisation=organisation)
    MembershipFactory(partnership=partnership, user=user, role=role, organisation=organisation)
    return user
