from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from coplan.costing import domain
from coplan.partnerships.enums import Role
from coplan.partnerships.models import Membership
from tests.factories import OrganisationFactory, member


def packs_contents(**settings) -> domain.Contents:
    """The hand-checked multi-pool model of ``test_calc`` as a version's contents."""
    return domain.Contents(
        activities=[
            ("Packs", "project"),
            ("Storage", "project"),
            ("Core", "core"),
            ("Fundraising", "fundraising"),
        ],
        staff=[
            {
                "name": "Manager",
                "salary": D(30000),
                "employer_ni": D(3000),
                "pension": D(1000),
                "time": {
                    "Packs": D("0.2"),
                    "Storage": D("0.2"),
                    "Core": D("0.4"),
                    "Fundraising": D("0.2"),
                },
            },
            {
                "name": "Driver A",
                "salary": D(20000),
                "employer_ni": D(2000),
                "pension": D(600),
                "time": {"Packs": D(1)},
            },
            {
                "name": "Driver B",
                "salary": D(20000),
                "employer_ni": D(2000),
                "pension": D(600),
                "time": {"Packs": D("0.5"), "Storage": D("0.5")},
            },
            {
                "name": "Fundraiser",
                "salary": D(24000),
                "employer_ni": D(2400),
                "pension": D(400),
                "time": {"Fundraising": D(1)},
            },
            {
                "name": "Finance officer",
                "salary": D(18000),
                "employer_ni": D(1800),
                "pension": D(0),
                "time": {},
            },
        ],
        direct_costs=[
            {"name": "Van fuel", "category": "travel", "amount": D(5000), "activity": "Packs"},
            {"name": "Materials", "category": "materials", "amount": D(3000), "activity": "Packs"},
            {
                "name": "Storage unit rent",
                "category": "premises",
                "amount": D(6000),
                "activity": "Storage",
            },
        ],
        pools=[
            {
                "name": "Premises",
                "category": "premises",
                "amount": D(12000),
                "driver": "headcount",
                "denominator": None,
            },
            {
                "name": "Central functions",
                "category": "central",
                "amount": D(9000),
                "driver": "staff_time",
                "denominator": None,
            },
            {
                "name": "Governance",
                "category": "governance",
                "amount": D(6000),
                "driver": "expenditure",
                "denominator": None,
            },
        ],
        settings={
            "units": D(400),
            "surplus_rate": D("0.05"),
            "basis": "all",
            "count_unallocated_staff": False,
            "period": "2006/07",
        }
        | settings,
    )


def organisation_of(partnership, user):
    return Membership.objects.get(partnership=partnership, user=user).organisation


@pytest.fixture
def world(partnership, personas):
    """A partnership whose enterprise partner owns a cost model for "Packs" (draft version 1
    holding the hand-checked figures), plus a second enterprise with its own partner."""
    owner = personas["se_partner"]
    enterprise = organisation_of(partnership, owner)
    rival = OrganisationFactory(name="Rival Reuse Ltd")
    personas["other_se"] = member(partnership, Role.SE_PARTNER, rival)
    model = domain.create_cost_model(
        partnership=partnership,
        actor=owner,
        organisation=enterprise,
        service="Packs",
        unit_name="furniture pack",
    )
    model.partnership = partnership
    version = domain.replace_contents(model=model, actor=owner, contents=packs_contents())
    return SimpleNamespace(
        partnership=partnership,
        people=personas,
        owner=owner,
        enterprise=enterprise,
        rival=rival,
        model=model,
        version=version,
    )


@pytest.fixture
def locked(world):
    """Version 1 locked and shared with the council; version 2 a draft copy."""
    from coplan.costing.models import CostModelVersion

    domain.lock_version(version=world.version, actor=world.owner)
    domain.share_version(version=world.version, actor=world.owner, shared=True)
    world.version = CostModelVersion.objects.get(pk=world.version.pk)
    world.version.cost_model = world.model
    world.draft = domain.new_draft(model=world.model, actor=world.owner)
    return world
