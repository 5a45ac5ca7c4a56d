"""The costing pages: the calculation on screen with its explicit denominator and checks, the
workbook upload, version comparison, planned against pilot actual unit cost, and query counts
for the list pages."""

import datetime as dt
import importlib
import io
import sys
import types
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from coplan.core.models import AuditEvent
from coplan.costing import domain, queries, workbook
from coplan.costing.enums import CapacityArea
from coplan.costing.models import CostModelVersion, StaffLine
from coplan.partnerships.enums import Role
from tests.factories import OrganisationFactory, member

from .conftest import packs_contents


def page(client, user, name, w, **kwargs):
    client.force_login(user)
    response = client.get(reverse(f"costing:{name}", kwargs={"pk": w.partnership.pk, **kwargs}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_version_page_shows_the_figures_the_denominator_and_the_checks(client, world):
    html = page(client, world.owner, "version.detail", world, model_pk=world.model.pk, number=1)
    assert "£60,060.00" in html and "£150.15" in html and "£157.66" in html
    assert "Shares are taken over all activities, including core work and fundraising" in html
    assert "Allocated plus unallocated overheads equal the pools" in html
    assert "£27,000.00 + £0.00 = £27,000.00" in html
    assert "Finance officer has no time on any activity" in html
    assert "Lock version 1" in html
    domain.update_settings(
        version=world.version, actor=world.owner, basis="projects", count_unallocated_staff=True
    )
    html = page(client, world.owner, "version.detail", world, model_pk=world.model.pk, number=1)
    assert "projects only (core work and fundraising take no share)" in html


def test_a_draft_that_does_not_add_up_says_why_instead_of_figures(client, world):
    domain.save_pool(
        version=world.version,
        actor=world.owner,
        name="Warehouse",
        category="premises",
        amount=D(100),
        driver="custom",
    )
    html = page(client, world.owner, "version.detail", world, model_pk=world.model.pk, number=1)
    assert "The model does not add up yet" in html
    assert "Warehouse is shared by custom values" in html
    client.post(reverse("costing:version.lock", args=[world.partnership.pk, world.model.pk, 1]))
    html = page(client, world.owner, "version.detail", world, model_pk=world.model.pk, number=1)
    assert "cannot be locked until it adds up" in html
    assert not CostModelVersion.objects.get(pk=world.version.pk).is_locked


def test_adding_a_post_through_the_form_checks_the_time(client, world):
    client.force_login(world.owner)
    packs = world.version.activities.get(name="Packs")
    storage = world.version.activities.get(name="Storage")
    target = reverse("costing:staff.new", args=[world.partnership.pk, world.model.pk, 1])
    response = client.post(
        target,
        {"name": "Busy", "salary": "20000", f"time_{packs.pk}": "70", f"time_{storage.pk}": "40"},
    )
    assert response.status_code == 200
    assert "The time adds up to 110 %: it cannot exceed 100 %" in response.content.decode()
    response = client.post(target, {"name": "Trainee", "salary": "9000", f"time_{packs.pk}": "50"})
    assert response.status_code == 302
    line = StaffLine.objects.get(name="Trainee")
    assert [t.fraction for t in line.times.all()] == [D("0.5")]


def _upload(client, w, data: bytes):
    client.force_login(w.owner)
    return client.post(
        reverse("costing:model.import", args=[w.partnership.pk, w.model.pk]),
        {"file": SimpleUploadedFile("model.xlsx", data)},
    )


def test_uploading_a_bad_workbook_lists_the_cells_and_writes_nothing(client, world):
    version = queries.full_version(world.version)
    version.cost_model = world.model
    book = load_workbook(io.BytesIO(workbook.export(version)))
    book["Direct costs"]["B3"] = "thirty thousand"
    book["Pools and drivers"]["D4"] = "Weather"
    buffer = io.BytesIO()
    book.save(buffer)
    before = AuditEvent.objects.count()
    response = _upload(client, world, buffer.getvalue())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Direct costs!B3" in html and "Pools and drivers!D4" in html
    assert "nothing was imported" in html
    assert AuditEvent.objects.count() == before
    assert StaffLine.objects.get(version=world.version, name="Manager").salary == D(30000)


def test_uploading_a_good_workbook_replaces_the_draft(client, world):
    domain.lock_version(version=world.version, actor=world.owner)
    version = queries.full_version(world.version)
    version.cost_model = world.model
    book = load_workbook(io.BytesIO(workbook.export(version)))
    book["Summary"]["B7"] = 500
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(client, world, buffer.getvalue())
    assert response.status_code == 302
    draft = world.model.versions.get(number=2)
    assert draft.units == D(500)
    assert response["Location"] == draft.get_absolute_url()


def test_the_workbook_download(client, world):
    client.force_login(world.people["facilitator"])
    response = client.get(
        reverse("costing:version.export", args=[world.partnership.pk, world.model.pk, 1])
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames == [
        "Summary",
        "Direct costs",
        "Pools and drivers",
    ]


def test_comparing_versions_on_screen(client, locked):
    domain.update_settings(version=locked.draft, actor=locked.owner, units=D(500))
    client.force_login(locked.owner)
    response = client.get(
        reverse("costing:version.compare", args=[locked.partnership.pk, locked.model.pk]),
        {"a": 1, "b": 2},
    )
    html = response.content.decode()
    assert "Version 1 against version 2" in html
    assert "£150.15" in html and "£120.12" in html  # 60,060 ÷ 500
    assert "Units of service" in html


# --- planned against the pilot's actual unit cost -------------------------------------------


def _pilots_provide_actuals() -> bool:
    try:
        module = importlib.import_module("coplan.pilots.queries")
    except ImportError:
        return False
    return hasattr(module, "actual_unit_costs")


def test_without_pilot_data_the_comparison_says_so(client, locked):
    html = page(client, locked.owner, "overview", locked)
    assert "No pilot data yet" in html


@pytest.mark.skipif(_pilots_provide_actuals(), reason="the pilots app provides real actuals")
def test_planned_against_actual_with_a_stub_of_the_pilots_function(client, locked, monkeypatch):
    stub = types.ModuleType("coplan.pilots.queries")
    stub.actual_unit_costs = lambda partnership: {("packs", locked.enterprise.pk): D("171.60")}
    monkeypatch.setitem(sys.modules, "coplan.pilots.queries", stub)
    _assert_compared(client, locked)


@pytest.mark.skipif(not _pilots_provide_actuals(), reason="the pilots app is not there yet")
def test_planned_against_actual_with_real_pilot_data(client, locked):
    from coplan.pilots.models import MonthlyRollup, Pilot, PilotService

    pilot = Pilot.objects.create(
        partnership=locked.partnership,
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    service = PilotService.objects.create(pilot=pilot, name="Packs")
    MonthlyRollup.objects.create(
        pilot=pilot,
        service=service,
        provider=locked.enterprise,
        month=dt.date(2006, 10, 1),
        records=20,
        quantity=D(20),
        cost=D("3432.00"),
    )
    _assert_compared(client, locked)


def _assert_compared(client, w):
    rows, has_pilot = queries.planned_against_actual(
        w.partnership, list(queries.models_for(w.partnership, w.owner))
    )
    assert has_pilot
    assert [(r.planned, r.actual) for r in rows] == [(D("150.15"), D("171.60"))]
    assert rows[0].difference == D("21.45")
    html = page(client, w.owner, "overview", w)
    assert "£171.60" in html and "+£21.45" in html


# --- query counts -----------------------------------------------------------------------------


def _more_models(w, start, count):
    for i in range(start, start + count):
        org = OrganisationFactory(name=f"Enterprise {i}")
        person = member(w.partnership, Role.SE_PARTNER, org)
        model = domain.create_cost_model(
            partnership=w.partnership, actor=person, organisation=org, service="Packs"
        )
        model.partnership = w.partnership
        version = domain.replace_contents(model=model, actor=person, contents=packs_contents())
        domain.lock_version(version=version, actor=person)
        domain.share_version(version=version, actor=person)
        domain.record_assessment(
            partnership=w.partnership,
            actor=person,
            organisation=org,
            assessed_on=dt.date(2006, 3, 1),
            scores={a.value: (3, "") for a in CapacityArea},
        )
        domain.add_action(
            partnership=w.partnership,
            actor=person,
            organisation=org,
            area="finance",
            gap="Gap",
            action="Act",
            provider="CRNS",
            due_on=dt.date(2006, 6, 1),
        )


@pytest.mark.parametrize("name", ["overview", "capacity", "plan"])
def test_list_pages_make_a_fixed_number_of_queries(client, locked, name):
    user = locked.people["commissioner"]
    client.force_login(user)
    target = reverse(f"costing:{name}", args=[locked.partnership.pk])
    _more_models(locked, 0, 1)
    client.get(target)
    with CaptureQueriesContext(connection) as few:
        assert client.get(target).status_code == 200
    _more_models(locked, 1, 4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(target).status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_period_example_is_the_financial_year_of_the_partnerships_pilot(client, world):
    def hint():
        client.force_login(world.owner)
        url = reverse(
            "costing:version.settings",
            kwargs={"pk": world.partnership.pk, "model_pk": world.model.pk, "number": 1},
        )
        return client.get(url).context["form"].fields["period"].help_text

    assert hint() == "For example 2006/07."  # North Lanarkshire's pilot: October 2006
    world.partnership.pilot_starts_on = dt.date(2027, 4, 1)
    world.partnership.pilot_ends_on = dt.date(2027, 9, 30)
    world.partnership.save()
    assert hint() == "For example 2027/28."
