"""List pages run a fixed number of queries, however many rows they show."""

import pytest
from django.urls import reverse

from coplan.partnerships import domain
from coplan.partnerships.enums import Role
from tests.factories import OrganisationFactory, PartnershipFactory, member


def _grow(partnership, actor, n):
    for i in range(n):
        member(partnership, Role.SE_PARTNER)
        domain.update_partnership(partnership=partnership, actor=actor, title=f"Renamed {i}")


@pytest.mark.parametrize(
    ("url_name", "with_pk"),
    [
        ("partnerships:list", False),
        ("partnerships:members", True),
        ("partnerships:activity", True),
        ("core:organisations", False),
    ],
)
def test_list_pages_do_not_query_per_row(
    db, client, django_assert_max_num_queries, url_name, with_pk
):
    partnership = PartnershipFactory()
    commissioner = member(partnership, Role.COMMISSIONER)
    client.force_login(commissioner)
    url = reverse(url_name, args=[partnership.pk] if with_pk else [])
    client.get(url)  # warm caches (content types, sessions)

    _grow(partnership, commissioner, 3)
    with django_assert_max_num_queries(15) as few:
        assert client.get(url).status_code == 200

    _grow(partnership, commissioner, 12)
    for _ in range(12):
        PartnershipFactory().memberships.create(user=commissioner, role=Role.OBSERVER)
        OrganisationFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
