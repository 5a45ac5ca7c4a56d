"""Consortium pages: query counts that do not grow with members and services, and the
consortium cost model summing members' locked models."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.consortium import domain, queries
from coplan.costing import domain as costing
from coplan.partnerships.enums import Role
from tests.costing.conftest import packs_contents
from tests.factories import OrganisationFactory, member


def _grow(w, start, count):
    facilitator = w.people["facilitator"]
    for i in range(start, start + count):
        org = OrganisationFactory(name=f"Grown {i}")
        member(w.partnership, Role.SE_PARTNER, org)
        new = domain.add_member(consortium=w.consortium, actor=facilitator, organisation=org)
        service = domain.add_service(
            consortium=w.consortium, actor=facilitator, name=f"Service {i}"
        )
        domain.add_capability(
            consortium=w.consortium,
            actor=facilitator,
            member=new,
            service=service,
            geography=f"Town {i}",
        )
        domain.set_split(service=service, actor=facilitator, shares={new: (D(100), D(100))})


@pytest.mark.parametrize("name", ["overview", "matrix", "split", "agreement", "costs"])
def test_pages_make_a_fixed_number_of_queries(client, world, name):
    client.force_login(world.people["facilitator"])
    target = reverse(f"consortium:{name}", args=[world.partnership.pk])
    _grow(world, 0, 1)
    client.get(target)
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    _grow(world, 1, 4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(target).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_consortium_cost_model_sums_members_locked_models_per_service(client, world):
    """Two members cost Packs: the lead (the hand-checked model: 60,060 for 400 packs) and
    the second (the same at 500 packs, locked but not shared)."""
    for m, units, share in ((world.lead, 400, True), (world.second, 500, False)):
        person = m.signatory
        model = costing.create_cost_model(
            partnership=world.partnership,
            actor=person,
            organisation=m.organisation,
            service="Packs",
        )
        model.partnership = world.partnership
        version = costing.replace_contents(
            model=model, actor=person, contents=packs_contents(units=D(units))
        )
        costing.lock_version(version=version, actor=person)
        if share:
            costing.share_version(version=version, actor=person)
    packs = next(
        s
        for s in queries.cost_summary(world.consortium, shared_only=False)
        if s.service == world.packs
    )
    assert packs.full_cost == D(120120)
    assert packs.units == D(900)
    assert packs.unit_cost == D(120120) / D(900)
    assert [r.member.organisation.name for r in packs.missing] == ["St P Test"]
    council = next(
        s
        for s in queries.cost_summary(world.consortium, shared_only=True)
        if s.service == world.packs
    )
    assert council.full_cost == D(60060)
    client.force_login(world.people["member_se"])
    html = client.get(reverse("consortium:costs", args=[world.partnership.pk])).content.decode()
    assert "£120,120.00" in html and "£133.47" in html
    client.force_login(world.people["commissioner"])
    html = client.get(reverse("consortium:costs", args=[world.partnership.pk])).content.decode()
    assert "£120,120.00" not in html and "£60,060.00" in html
