import pytest

from coplan.partnerships.enums import Role
from tests.factories import PartnershipFactory, SiteAdminFactory, UserFactory, member


@pytest.fixture
def partnership(db):
    return PartnershipFactory()


@pytest.fixture
def personas(partnership):
    """One person per role in ``partnership``, plus an outsider and a member of the site's
    staff — a site administrator (staff, in the Site administrators group, not a superuser)
    who is not a member either (healthchecks ``hc/test.py`` role personas)."""
    people = {role.value: member(partnership, role) for role in Role}
    people["outsider"] = UserFactory()
    people["staff"] = SiteAdminFactory()
    return people


ALL_ROLES = [r.value for r in Role]
PERSONAS = [*ALL_ROLES, "outsider"]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def foundation_gates(monkeypatch):
    """Pin every exit gate to the foundation's own criteria, as if no app had registered any:
    for tests of the stage mechanics themselves."""
    from coplan.partnerships import gates

    monkeypatch.setattr(gates, "_CRITERIA", {s: list(c) for s, c in gates.FOUNDATION.items()})
    monkeypatch.setattr(gates, "_RETIRED", set())


DATA_MIGRATIONS = (
    "coplan.core.migrations.0003_seed_statutory_rules",
    "coplan.core.migrations.0009_seed_standstill_rules",
    "coplan.tendering.migrations.0002_seed_clause_library",
)


@pytest.fixture
def seeded():
    """The rows the data migrations seed (statutory rules, the clause library), again: a
    transactional test flushes them, and pytest-django runs those tests last, one after
    another, so a later transactional test cannot count on them."""
    from importlib import import_module

    from django.apps import apps

    for module in DATA_MIGRATIONS:
        import_module(module).seed(apps, None)
