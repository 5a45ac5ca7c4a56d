"""Two people editing the same specification draft or cost model at once: the second save is
refused with a clear message, and nothing the first person saved is overwritten."""

from decimal import Decimal

import pytest
from django.test import Client

from coplan.core.errors import DomainError
from coplan.costing import domain as costing
from coplan.costing.models import CostModelVersion
from coplan.design import domain as design
from coplan.design.models import SpecificationVersion
from tests.api.helpers import api_as, assert_problem


@pytest.fixture
def draft(partnership, personas):
    return design.new_draft(partnership=partnership, actor=personas["facilitator"])


def two_clients(*users):
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def test_the_second_spec_save_is_refused_in_the_domain(draft, personas):
    opened = draft.revision
    design.update_version(
        version=draft, actor=personas["facilitator"], change_note="Mine", revision=opened
    )

    with pytest.raises(DomainError, match="Someone else saved version 1 after you opened it"):
        design.update_version(
            version=draft, actor=personas["commissioner"], change_note="Theirs", revision=opened
        )
    assert SpecificationVersion.objects.get(pk=draft.pk).change_note == "Mine"


def test_the_second_spec_save_is_refused_on_the_page(draft, partnership, personas):
    url = f"/partnerships/{partnership.pk}/design/specification/{draft.number}/edit/"
    alice, bob = two_clients(personas["facilitator"], personas["commissioner"])
    form_a = alice.get(url).context["form"]
    form_b = bob.get(url).context["form"]
    assert form_a["revision"].value() == form_b["revision"].value() == 0

    first = alice.post(url, {"revision": 0, "change_note": "Alice's note"})
    second = bob.post(url, {"revision": 0, "change_note": "Bob's note"})

    assert first.status_code == 302
    assert second.status_code == 200
    assert "Someone else saved version 1 after you opened it" in second.text
    assert "Bob&#x27;s note" in second.text  # what Bob typed is still on his page
    assert SpecificationVersion.objects.get(pk=draft.pk).change_note == "Alice's note"


def test_the_second_spec_save_is_refused_in_the_api(draft, partnership, personas):
    url = f"/partnerships/{partnership.pk}/design/versions/{draft.number}"
    alice, bob = api_as(personas["facilitator"]), api_as(personas["commissioner"])
    revision = alice.get(url).json()["revision"]

    assert alice.patch(url, {"change_note": "A", "revision": revision}).status_code == 200
    refused = bob.patch(url, {"change_note": "B", "revision": revision})

    body = assert_problem(refused, 422, "Not allowed by the partnership's rules")
    assert (body["code"], body["field"], body["current_revision"]) == (
        "edit_conflict",
        "revision",
        revision + 1,
    )
    assert SpecificationVersion.objects.get(pk=draft.pk).change_note == "A"


def test_a_save_without_a_revision_still_works(draft, personas):
    """Scripts that do not send a revision keep working (last write wins, as before)."""
    design.update_version(version=draft, actor=personas["facilitator"], change_note="One")
    design.update_version(version=draft, actor=personas["facilitator"], change_note="Two")
    assert SpecificationVersion.objects.get(pk=draft.pk).change_note == "Two"


@pytest.fixture
def cost_version(partnership, personas):
    enterprise = partnership.memberships.get(user=personas["se_partner"]).organisation
    model = costing.create_cost_model(
        partnership=partnership,
        actor=personas["se_partner"],
        organisation=enterprise,
        service="Furniture packs",
        unit_name="pack",
    )
    return model.versions.get()


def test_the_second_cost_model_save_is_refused(cost_version, personas):
    owner = personas["se_partner"]
    opened = CostModelVersion.objects.get(pk=cost_version.pk).revision
    costing.update_settings(
        version=cost_version, actor=owner, revision=opened, units=Decimal("400")
    )

    with pytest.raises(DomainError, match="Someone else changed version 1 after you opened it"):
        costing.update_settings(
            version=cost_version, actor=owner, revision=opened, units=Decimal("999")
        )
    assert CostModelVersion.objects.get(pk=cost_version.pk).units == Decimal("400")


def test_a_staff_line_saved_meanwhile_refuses_the_settings_form(
    cost_version, partnership, personas
):
    v = cost_version
    base = f"/partnerships/{partnership.pk}/costing/models/{v.cost_model_id}/versions/{v.number}"
    alice, bob = two_clients(personas["se_partner"], personas["facilitator"])
    revision = alice.get(f"{base}/settings/").context["form"]["revision"].value()
    bob_form = bob.get(f"{base}/staff/new/").context["form"]

    saved = bob.post(
        f"{base}/staff/new/",
        {"revision": bob_form["revision"].value(), "name": "Driver", "salary": "24000"},
    )
    refused = alice.post(
        f"{base}/settings/",
        {
            "revision": revision,
            "period": "2026-27",
            "units": "500",
            "surplus_percent": "5",
            "basis": "all",
        },
    )

    assert saved.status_code == 302
    assert refused.status_code == 200
    assert "Someone else changed version 1 after you opened it" in refused.text
    assert CostModelVersion.objects.get(pk=v.pk).units != Decimal("500")


def test_the_cost_model_api_refuses_a_stale_save(cost_version, partnership, personas):
    v = cost_version
    url = f"/partnerships/{partnership.pk}/costing/models/{v.cost_model_id}/versions/{v.number}"
    api = api_as(personas["se_partner"])
    revision = api.get(url).json()["revision"]

    assert api.patch(url, {"units": "300", "revision": revision}).status_code == 200
    refused = api.patch(url, {"units": "301", "revision": revision})

    assert assert_problem(refused, 422, "Not allowed by the partnership's rules")["code"] == (
        "edit_conflict"
    )
    assert CostModelVersion.objects.get(pk=v.pk).units == Decimal("300")
