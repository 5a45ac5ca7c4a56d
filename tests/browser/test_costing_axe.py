"""Every costing page, in the states people meet it, has no axe-core WCAG 2.2 AA violations."""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from coplan.costing import domain, queries, workbook
from coplan.costing.enums import CapacityArea
from coplan.partnerships.enums import Role
from tests.browser.conftest import assert_accessible, assert_no_csp_violations, login, submit
from tests.costing.conftest import packs_contents
from tests.factories import DepartmentFactory, OrganisationFactory, PartnershipFactory, member

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


@dataclass
class World:
    partnership: object
    owner: object
    facilitator: object
    commissioner: object
    service_user: object
    enterprise: object
    model: object
    locked: object
    draft: object


def build_world() -> World:
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    enterprise = OrganisationFactory(name="Reuse Works")
    owner = member(partnership, Role.SE_PARTNER, enterprise, full_name="Sadie Enterprise")
    facilitator = member(
        partnership, Role.FACILITATOR, partnership.intermediary, full_name="Fin Facilitator"
    )
    commissioner = member(partnership, Role.COMMISSIONER, DepartmentFactory(), full_name="Cara Com")
    service_user = member(partnership, Role.SERVICE_USER, full_name="Sam User")
    model = domain.create_cost_model(
        partnership=partnership,
        actor=owner,
        organisation=enterprise,
        service="Packs",
        unit_name="furniture pack",
    )
    model.partnership = partnership
    locked = domain.replace_contents(model=model, actor=owner, contents=packs_contents())
    domain.lock_version(version=locked, actor=owner)
    domain.share_version(version=locked, actor=owner)
    draft = domain.new_draft(model=model, actor=owner)
    domain.update_settings(version=draft, actor=owner, count_unallocated_staff=True)
    for day, value in ((dt.date(2006, 3, 1), 2), (dt.date(2007, 3, 1), 4)):
        domain.record_assessment(
            partnership=partnership,
            actor=owner,
            organisation=enterprise,
            assessed_on=day,
            scores={a.value: (value, f"{a.label} evidence") for a in CapacityArea},
            notes="With the intermediary.",
        )
    for due, status in (
        (dt.date(2006, 6, 1), "done"),
        (dt.date(2099, 1, 1), "planned"),
        (dt.date(2006, 1, 1), "in_progress"),
    ):
        item = domain.add_action(
            partnership=partnership,
            actor=facilitator,
            organisation=enterprise,
            area="finance",
            gap="No costing",
            action=f"Training due {due}",
            provider="CRNS",
            due_on=due,
        )
        if status != "planned":
            domain.update_action(item=item, actor=facilitator, status=status)
    return World(
        partnership,
        owner,
        facilitator,
        commissioner,
        service_user,
        enterprise,
        model,
        locked,
        draft,
    )


def base(w):
    return f"/partnerships/{w.partnership.pk}/costing"


def version_url(w, number):
    return f"{base(w)}/models/{w.model.pk}/versions/{number}"


def error_summary_shown(page) -> None:
    expect(page.locator(".govuk-error-summary").first).to_be_visible()


# --- scenarios --------------------------------------------------------------------------------


def overview(page, live_server):
    w = build_world()
    login(page, live_server, w.commissioner)
    page.goto(f"{base(w)}/")
    return "Full cost recovery"


def model_new(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{base(w)}/models/new/")
    return "Create a cost model"


def model_new_errors(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{base(w)}/models/new/")
    page.get_by_label("Unit of service").fill("")
    submit(page, "Create the cost model")
    error_summary_shown(page)
    return "Create a cost model"


def model_detail(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{base(w)}/models/{w.model.pk}/")
    return "Packs"


def locked_version(page, live_server):
    w = build_world()
    login(page, live_server, w.commissioner)
    page.goto(f"{version_url(w, 1)}/")
    page.get_by_text("How Premises is shared").click()
    return "Packs: version 1"


def draft_version(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/")
    return "Packs: version 2"


def draft_that_does_not_add_up(page, live_server):
    w = build_world()
    domain.save_pool(
        version=w.draft,
        actor=w.owner,
        name="Warehouse",
        category="premises",
        amount=Decimal(100),
        driver="floor_area",
    )
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/")
    submit(page, "Lock version 2")
    error_summary_shown(page)
    return "Packs: version 2"


def settings_form_errors(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/settings/")
    page.get_by_label("Units of service in the period").fill("none")
    submit(page, "Save settings")
    error_summary_shown(page)
    return "Units, surplus and denominator"


def staff_form(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/staff/{w.draft.staff_lines.first().pk}/")
    return "Change a post"


def staff_form_errors(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/staff/new/")
    page.get_by_label("Time on Packs (%)").fill("80")
    page.get_by_label("Time on Storage (%)").fill("40")
    submit(page, "Save post")
    error_summary_shown(page)
    return "Add a post"


def cost_form(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/costs/new/")
    return "Add a direct cost"


def pool_form_errors(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/pools/new/")
    submit(page, "Save pool")
    error_summary_shown(page)
    return "Add an overhead pool"


def drivers_form(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{version_url(w, 2)}/drivers/floor_area/")
    return "Floor area per activity"


def compare(page, live_server):
    w = build_world()
    domain.update_settings(version=w.draft, actor=w.owner, units=Decimal(500))
    login(page, live_server, w.owner)
    page.goto(f"{base(w)}/models/{w.model.pk}/compare/?a=1&b=2")
    return "Compare versions"


def import_rejected(page, live_server, tmp_path_factory):
    w = build_world()
    version = queries.full_version(w.locked)
    version.cost_model = w.model
    book = load_workbook(io.BytesIO(workbook.export(version)))
    book["Direct costs"]["B3"] = "lots"
    path = tmp_path_factory.mktemp("upload") / "model.xlsx"
    book.save(path)
    login(page, live_server, w.owner)
    page.goto(f"{base(w)}/models/{w.model.pk}/import/")
    page.get_by_label("Workbook (XLSX)").set_input_files(str(path))
    submit(page, "Import the workbook")
    error_summary_shown(page)
    expect(page.get_by_text("Direct costs!B3")).to_be_visible()
    return "Import a workbook"


def capacity(page, live_server):
    w = build_world()
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/capacity/")
    return "Capacity building"


def capacity_organisation(page, live_server):
    w = build_world()
    login(page, live_server, w.commissioner)
    page.goto(f"{base(w)}/capacity/enterprises/{w.enterprise.pk}/")
    return "Reuse Works: capacity"


def assessment_form_errors(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{base(w)}/capacity/assessments/new/")
    submit(page, "Record the assessment")
    error_summary_shown(page)
    return "Record a capacity self-assessment"


def assessment_detail(page, live_server):
    w = build_world()
    login(page, live_server, w.owner)
    page.goto(f"{base(w)}/capacity/assessments/{w.enterprise.capacity_assessments.first().pk}/")
    return "Self-assessment of 1 March 2006"


def plan(page, live_server):
    w = build_world()
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/capacity/plan/")
    return "Capacity-building plan"


def action_form(page, live_server):
    w = build_world()
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/capacity/plan/new/")
    return "Add an action to the plan"


def forbidden_for_service_users(page, live_server):
    w = build_world()
    login(page, live_server, w.service_user)
    response = page.goto(f"{base(w)}/")
    assert response.status == 403
    return "You cannot do this"


SCENARIOS = [
    overview,
    model_new,
    model_new_errors,
    model_detail,
    locked_version,
    draft_version,
    draft_that_does_not_add_up,
    settings_form_errors,
    staff_form,
    staff_form_errors,
    cost_form,
    pool_form_errors,
    drivers_form,
    compare,
    import_rejected,
    capacity,
    capacity_organisation,
    assessment_form_errors,
    assessment_detail,
    plan,
    action_form,
    forbidden_for_service_users,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_costing_page_is_accessible(scenario, page, live_server, tmp_path_factory):
    if scenario is import_rejected:
        expected_h1 = scenario(page, live_server, tmp_path_factory)
    else:
        expected_h1 = scenario(page, live_server)
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)
