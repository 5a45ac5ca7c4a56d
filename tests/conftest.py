import pytest

from coplan.partnerships.enums import Role
from tests import shared_demo
from tests.factories import PartnershipFactory, SiteAdminFactory, UserFactory, member


def pytest_collection_modifyitems(items):
    shared_demo.order_demo_tests_first(items)


@pytest.fixture(scope="session")
def _demo_session(django_db_setup, django_db_blocker, tmp_path_factory):
    """The shared demo's media folder; the demo's transaction is rolled back at the end of the
    session, before the test database goes."""
    yield tmp_path_factory.mktemp("demo-media")
    shared_demo.SHARED.close(django_db_blocker)


@pytest.fixture(autouse=True)
def _shared_demo(request):
    """Open the shared demo before the first test that asks for it; roll it back before the
    first test that does not (see ``tests/shared_demo.py``)."""
    demo = shared_demo.SHARED
    if shared_demo.asks_for_demo(request.node):
        shared_demo.fail_if_transactional(request)
        if not demo.is_open:
            media = request.getfixturevalue("_demo_session")
            demo.open(request.getfixturevalue("django_db_blocker"), media)
    elif demo.is_open:
        demo.close(request.getfixturevalue("django_db_blocker"))


@pytest.fixture
def demo_db(db, settings):
    """Both demo partnerships, loaded once per test process; what the test changes is rolled
    back after it."""
    from django.core.cache import caches

    settings.MEDIA_ROOT = shared_demo.SHARED.media
    caches["pages"].clear()


@pytest.fixture
def demo_stories(demo_db):
    """``{"north_lanarkshire": DemoStory, "renfrewshire": DemoStory}`` of the shared demo."""
    return shared_demo.stories()


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
