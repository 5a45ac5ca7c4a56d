import pytest

from coplan.partnerships.enums import Role
from tests.factories import PartnershipFactory, UserFactory, member


@pytest.fixture
def partnership(db):
    return PartnershipFactory()


@pytest.fixture
def personas(partnership):
    """One person per role in ``partnership``, plus an outsider and a staff user
    (healthchecks ``hc/test.py`` role personas)."""
    people = {role.value: member(partnership, role) for role in Role}
    people["outsider"] = UserFactory()
    people["staff"] = UserFactory(is_staff=True)
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
