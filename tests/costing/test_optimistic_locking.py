"""Every edit of a cost model draft carries the revision the person read: direct costs, overhead
pools, driver values, activities and removals refuse a save made over someone else's, in the
pages (message at the top, typed values kept) and in the API (422 ``edit_conflict``)."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from coplan.core.errors import DomainError
from coplan.costing import domain
from coplan.costing.models import CostModelVersion, DirectCostLine, DriverValue, OverheadPool
from tests.api.helpers import api_as, assert_problem

CONFLICT = "Someone else changed version 1 after you opened it"


@pytest.fixture
def version(partnership, personas):
    enterprise = partnership.memberships.get(user=personas["se_partner"]).organisation
    model = domain.create_cost_model(
        partnership=partnership,
        actor=personas["se_partner"],
        organisation=enterprise,
        service="Furniture packs",
        unit_name="pack",
    )
    return model.versions.get()


def _base(partnership, version):
    return (
        f"/partnerships/{partnership.pk}/costing/models/{version.cost_model_id}"
        f"/versions/{version.number}"
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _revision(version):
    return CostModelVersion.objects.get(pk=version.pk).revision


def _someone_else_saves(version, personas):
    """The facilitator adds a post, raising the revision by one."""
    domain.save_staff_line(
        version=version, actor=personas["facilitator"], name="Driver", salary=Decimal(24000)
    )


# --- domain ----------------------------------------------------------------------------------


def test_a_stale_direct_cost_save_is_refused_and_nothing_is_written(version, personas):
    opened = _revision(version)
    activity = version.activities.get()
    _someone_else_saves(version, personas)

    with pytest.raises(DomainError, match=CONFLICT) as refused:
        domain.save_direct_cost(
            version=version,
            actor=personas["se_partner"],
            name="Van hire",
            category="other",
            amount=Decimal(1200),
            activity=activity,
            revision=opened,
        )
    assert (refused.value.code, refused.value.field) == ("edit_conflict", "revision")
    assert not DirectCostLine.objects.filter(version=version).exists()


def test_the_current_revision_saves_and_raises_it_by_one(version, personas):
    opened = _revision(version)
    domain.save_pool(
        version=version,
        actor=personas["se_partner"],
        name="Premises",
        category="premises",
        amount=Decimal(5000),
        driver="headcount",
        revision=opened,
    )
    assert _revision(version) == opened + 1


@pytest.mark.parametrize("edit", ["remove_pool", "set_driver_values", "remove_activity"])
def test_removals_and_driver_values_check_the_revision_too(edit, version, personas):
    owner = personas["se_partner"]
    pool = domain.save_pool(
        version=version,
        actor=owner,
        name="Premises",
        category="premises",
        amount=Decimal(5000),
        driver="floor_area",
    )
    other = domain.add_activity(version=version, actor=owner, name="Storage", kind="project")
    opened = _revision(version)
    _someone_else_saves(version, personas)
    calls = {
        "remove_pool": lambda: domain.remove_pool(
            version=version, actor=owner, pool=pool, revision=opened
        ),
        "set_driver_values": lambda: domain.set_driver_values(
            version=version,
            actor=owner,
            driver="floor_area",
            values={other: Decimal(40)},
            revision=opened,
        ),
        "remove_activity": lambda: domain.remove_activity(
            version=version, actor=owner, activity=other, revision=opened
        ),
    }

    with pytest.raises(DomainError, match=CONFLICT):
        calls[edit]()
    assert OverheadPool.objects.filter(pk=pool.pk).exists()
    assert not DriverValue.objects.filter(version=version).exists()
    assert version.activities.filter(pk=other.pk).exists()


# --- pages -----------------------------------------------------------------------------------


def test_the_direct_cost_form_refuses_a_stale_save_and_keeps_the_typed_values(
    version, partnership, personas
):
    url = f"{_base(partnership, version)}/costs/new/"
    alice = _client(personas["se_partner"])
    form = alice.get(url).context["form"]
    assert form["revision"].value() == 0
    _someone_else_saves(version, personas)

    refused = alice.post(
        url,
        {
            "revision": form["revision"].value(),
            "name": "Van hire",
            "category": "other",
            "amount": "1200",
            "activity": version.activities.get().pk,
        },
    )

    assert refused.status_code == 200
    assert CONFLICT in refused.text
    assert refused.context["form"].non_field_errors() == [
        f"{CONFLICT}, so your changes were not saved (nothing was overwritten). Open it again "
        "to see their changes, then make yours."
    ]
    assert 'value="Van hire"' in refused.text
    assert 'value="1200"' in refused.text
    assert not DirectCostLine.objects.filter(version=version).exists()


def test_the_pool_form_refuses_a_stale_change(version, partnership, personas):
    pool = domain.save_pool(
        version=version,
        actor=personas["se_partner"],
        name="Premises",
        category="premises",
        amount=Decimal(5000),
        driver="headcount",
    )
    url = f"{_base(partnership, version)}/pools/{pool.pk}/"
    alice = _client(personas["se_partner"])
    revision = alice.get(url).context["form"]["revision"].value()
    _someone_else_saves(version, personas)

    refused = alice.post(
        url,
        {
            "revision": revision,
            "name": "Premises",
            "category": "premises",
            "amount": "9999",
            "driver": "headcount",
        },
    )

    assert refused.status_code == 200
    assert CONFLICT in refused.text
    assert 'value="9999"' in refused.text
    assert OverheadPool.objects.get(pk=pool.pk).amount == Decimal(5000)


def test_the_driver_values_form_refuses_a_stale_save(version, partnership, personas):
    activity = version.activities.get()
    url = f"{_base(partnership, version)}/drivers/floor_area/"
    alice = _client(personas["se_partner"])
    revision = alice.get(url).context["form"]["revision"].value()
    _someone_else_saves(version, personas)

    refused = alice.post(url, {"revision": revision, f"activity_{activity.pk}": "75"})

    assert refused.status_code == 200
    assert CONFLICT in refused.text
    assert 'value="75"' in refused.text
    assert not DriverValue.objects.filter(version=version).exists()


def test_a_stale_remove_button_is_refused_with_the_message_on_the_version_page(
    version, partnership, personas
):
    pool = domain.save_pool(
        version=version,
        actor=personas["se_partner"],
        name="Premises",
        category="premises",
        amount=Decimal(5000),
        driver="headcount",
    )
    base = _base(partnership, version)
    alice = _client(personas["se_partner"])
    page = alice.get(f"{base}/")
    assert f'name="revision" value="{_revision(version)}"' in page.text
    revision = _revision(version)
    _someone_else_saves(version, personas)

    refused = alice.post(f"{base}/pool/{pool.pk}/remove/", {"revision": revision}, follow=True)

    assert CONFLICT in refused.text
    assert OverheadPool.objects.filter(pk=pool.pk).exists()


# --- API -------------------------------------------------------------------------------------


def test_the_api_refuses_stale_direct_cost_pool_and_driver_saves(version, partnership, personas):
    url = f"/partnerships/{partnership.pk}/costing/models/{version.cost_model_id}/versions/1"
    api = api_as(personas["se_partner"])
    revision = api.get(url).json()["revision"]
    cost = {"name": "Van hire", "amount": "1200", "activity": "Furniture packs"}

    saved = api.post(f"{url}/direct-costs", {**cost, "revision": revision})
    assert saved.status_code == 201
    stale = [
        api.post(f"{url}/direct-costs", {**cost, "name": "Fuel", "revision": revision}),
        api.send(
            "PUT",
            f"{url}/direct-costs/{saved.json()['id']}",
            json.dumps({**cost, "amount": "1", "revision": revision}),
        ),
        api.post(
            f"{url}/pools",
            {"name": "Premises", "amount": "5000", "driver": "headcount", "revision": revision},
        ),
        api.send(
            "PUT",
            f"{url}/drivers",
            json.dumps(
                {"driver": "floor_area", "values": {"Furniture packs": "10"}, "revision": revision}
            ),
        ),
        api.delete(f"{url}/direct-costs/{saved.json()['id']}?revision={revision}"),
    ]

    for refused in stale:
        body = assert_problem(refused, 422, "Not allowed by the partnership's rules")
        assert (body["code"], body["field"], body["current_revision"]) == (
            "edit_conflict",
            "revision",
            revision + 1,
        )
    lines = DirectCostLine.objects.filter(version=version)
    assert [(c.name, c.amount) for c in lines] == [("Van hire", Decimal("1200.00"))]
    assert not OverheadPool.objects.filter(version=version).exists()
    assert not DriverValue.objects.filter(version=version).exists()
