"""Every pilot page, in the states people meet it, has no axe-core WCAG 2.2 AA violations and
nothing blocked by the Content Security Policy (charts are inline SVG without inline styles)."""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from coplan.partnerships.enums import Role
from coplan.pilots import domain
from coplan.pilots.enums import BatchStatus
from coplan.pilots.models import ImportBatch
from tests.browser.conftest import assert_accessible, assert_no_csp_violations, label, login, submit
from tests.factories import OrganisationFactory, PartnershipFactory, member
from tests.pilots.conftest import csv_bytes, make_kpis, row, sample_rows, upload

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


@pytest.fixture(autouse=True)
def pilot_media(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@dataclass
class World:
    partnership: object
    pilot: object
    people: dict
    kpis: dict
    imported: object
    rejected: object
    pending: object
    record: object
    feedback: object
    issue: object
    evaluation: object


def build_world() -> World:
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    people = {
        role.value: member(partnership, role, full_name=f"{role.label.split()[0]} Person")
        for role in Role
    }
    own = partnership.memberships.get(role=Role.SE_PARTNER).organisation
    other = OrganisationFactory(name="Beulah Scotland")
    member(partnership, Role.SE_PARTNER, organisation=other, full_name="Janice Kerr")
    facilitator = people["facilitator"]
    pilot = domain.create_pilot(
        partnership=partnership,
        actor=facilitator,
        title="Homereach furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
        funding_amount=Decimal("186000"),
        funding_route="Council grant",
        services=[("Emergency storage", "storage day"), ("Emergency furniture packs", "pack")],
        providers=[own, other],
    )
    services = {s.name: s for s in pilot.services.all()}
    kpis = make_kpis(pilot, facilitator, services)
    domain.set_kpi_value(
        kpi=kpis["manual"], actor=facilitator, period=dt.date(2006, 10, 1), value=Decimal(5)
    )
    imported = upload(pilot, facilitator, csv_bytes(sample_rows(own.name, other.name, 80)))
    rejected = upload(
        pilot,
        facilitator,
        csv_bytes(
            [row(provider=own.name, quantity="-1"), row(provider=own.name, day="not a date")]
        ),
        name="bad.csv",
    )
    pending = domain.upload_file(
        pilot=pilot,
        actor=facilitator,
        file=SimpleUploadedFile("pending.csv", csv_bytes([row(provider=own.name)])),
        filename="pending.csv",
    )
    record = pilot.records.filter(provider=own).first()
    feedback = domain.submit_feedback(
        pilot=pilot,
        actor=people["service_user"],
        rating=2,
        comment="The van was late",
        received_on=dt.date(2006, 11, 3),
    )
    domain.respond_to_feedback(feedback=feedback, actor=facilitator, response="A second van")
    domain.submit_feedback(
        pilot=pilot,
        actor=people["service_user"],
        rating=5,
        anonymous=True,
        received_on=dt.date(2006, 12, 3),
    )
    issue = domain.log_issue(
        pilot=pilot,
        actor=facilitator,
        title="Storage full",
        severity="critical",
        owner=people["steering"],
    )
    domain.request_extension(
        pilot=pilot, actor=facilitator, new_ends_on=dt.date(2007, 5, 31), reason="More winter data"
    )
    evaluation = domain.create_evaluation(
        pilot=pilot,
        actor=people["evaluator"],
        kind="interim",
        period_start=dt.date(2006, 10, 1),
        period_end=dt.date(2007, 3, 31),
        summary="Close to target.",
        lessons="Two vans.",
    )
    return World(
        partnership,
        pilot,
        people,
        kpis,
        imported,
        rejected,
        pending,
        record,
        feedback,
        issue,
        evaluation,
    )


def go(page, live_server, world, who, path=""):
    login(page, live_server, world.people[who])
    page.goto(f"/partnerships/{world.partnership.pk}/pilot/{path}")


# --- scenarios: each sets up, navigates and returns the expected <h1> ----------------------


def no_pilot(page, live_server):
    partnership = PartnershipFactory(title="Befriending PSP")
    commissioner = member(partnership, Role.COMMISSIONER)
    login(page, live_server, commissioner)
    page.goto(f"/partnerships/{partnership.pk}/pilot/")
    return "Pilot"


def pilot_new_errors(page, live_server):
    partnership = PartnershipFactory(title="Befriending PSP")
    commissioner = member(partnership, Role.COMMISSIONER)
    member(partnership, Role.SE_PARTNER, organisation=OrganisationFactory(name="ROAR member"))
    login(page, live_server, commissioner)
    page.goto(f"/partnerships/{partnership.pk}/pilot/new/")
    page.get_by_label(label("Pilot ends")).fill("2007-01-31")
    submit(page, "Record the pilot")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Record the pilot"


def overview(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner")
    return "Pilot"


def pilot_edit(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "edit/")
    return "Change the pilot"


def stop_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner", "stop/")
    submit(page, "Record the stop")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Stop the pilot early"


def services(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "services/")
    return "Services piloted"


def extension_new_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "extensions/new/")
    submit(page, "Request the extension")
    return "Request an extension"


def framework(page, live_server):
    world = build_world()
    go(page, live_server, world, "observer", "kpis/")
    # a member may follow each KPI into the golden thread
    expect(page.get_by_role("link", name=re.compile(r"^Golden thread of "))).to_have_count(
        len(world.kpis)
    )
    return "Monitoring framework"


def kpi_new_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "kpis/new/")
    submit(page, "Save the KPI")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Add a KPI"


def kpi_edit(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", f"kpis/{world.kpis['within5'].pk}/edit/")
    return "Change a KPI"


def kpi_values(page, live_server):
    world = build_world()
    go(page, live_server, world, "evaluator", f"kpis/{world.kpis['manual'].pk}/values/")
    return "KPI values"


def dashboard(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner", "dashboard/")
    assert page.locator("svg[role=img]").count() >= 3
    return "Pilot dashboard"


def dashboard_filtered_service_user(page, live_server):
    world = build_world()
    go(page, live_server, world, "service_user", "dashboard/?month=2006-11")
    return "Pilot dashboard"


def dashboard_mobile(page, live_server):
    page.set_viewport_size({"width": 375, "height": 812})
    return dashboard(page, live_server)


def returns(page, live_server):
    world = build_world()
    go(page, live_server, world, "steering", "returns/?month=2006-12")
    return "Monthly returns"


def records(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "records/?page=2")
    return "Delivery records"


def record_new_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "se_partner", "records/new/")
    page.get_by_label(label("Quantity")).fill("-1")
    submit(page, "Save the record")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Record a delivery"


def record_edit(page, live_server):
    world = build_world()
    go(page, live_server, world, "se_partner", f"records/{world.record.pk}/edit/")
    return "Change a delivery record"


def uploads(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "uploads/")
    return "Uploads"


def upload_new_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "se_partner", "uploads/new/")
    submit(page, "Upload the file")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Upload delivery records"


def upload_matching(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", f"uploads/{world.pending.pk}/")
    return "Upload"


def upload_running(page, live_server):
    world = build_world()
    ImportBatch.objects.filter(pk=world.pending.pk).update(
        status=BatchStatus.RUNNING, processed_rows=0, estimated_rows=10
    )
    go(page, live_server, world, "facilitator", f"uploads/{world.pending.pk}/")
    expect(page.locator("progress")).to_be_visible()
    page.wait_for_timeout(1300)  # one htmx poll swaps the progress in place
    return "Upload"


def upload_rejected(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", f"uploads/{world.rejected.pk}/")
    return "Upload"


def upload_imported(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", f"uploads/{world.imported.pk}/")
    return "Upload"


def feedback(page, live_server):
    world = build_world()
    go(page, live_server, world, "service_user", "feedback/")
    return "Service user feedback"


def feedback_new_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "service_user", "feedback/new/")
    submit(page, "Send the feedback")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Give feedback"


def feedback_new_on_behalf(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "feedback/new/")
    return "Give feedback"


def feedback_respond(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner", f"feedback/{world.feedback.pk}/respond/")
    return "You said, we did"


def issues(page, live_server):
    world = build_world()
    go(page, live_server, world, "observer", "issues/")
    return "Issue log"


def issue_edit_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "steering", f"issues/{world.issue.pk}/edit/")
    page.get_by_label(label("Date resolved")).fill("2006-01-01")
    submit(page, "Save the issue")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Change an issue"


def evaluations(page, live_server):
    world = build_world()
    go(page, live_server, world, "procurement", "evaluations/")
    return "Evaluations"


def evaluation_new_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "evaluator", "evaluations/new/")
    page.get_by_label(label("Interim evaluation")).check()
    page.get_by_label(label("Data to")).fill("2006-12-31")
    submit(page, "Start the evaluation")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Start an evaluation"


def evaluation(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner", f"evaluations/{world.evaluation.pk}/")
    return "Evaluation"


def evaluation_edit(page, live_server):
    world = build_world()
    go(page, live_server, world, "evaluator", f"evaluations/{world.evaluation.pk}/edit/")
    return "Change the evaluation"


def evaluation_classify_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "procurement", f"evaluations/{world.evaluation.pk}/classify/")
    page.get_by_label(label("The report as a whole")).select_option("internal_only")
    submit(page, "Save the disclosure classes")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    return "Disclosure to bidders"


SCENARIOS = [
    no_pilot,
    pilot_new_errors,
    overview,
    pilot_edit,
    stop_errors,
    services,
    extension_new_errors,
    framework,
    kpi_new_errors,
    kpi_edit,
    kpi_values,
    dashboard,
    dashboard_filtered_service_user,
    dashboard_mobile,
    returns,
    records,
    record_new_errors,
    record_edit,
    uploads,
    upload_new_errors,
    upload_matching,
    upload_running,
    upload_rejected,
    upload_imported,
    feedback,
    feedback_new_errors,
    feedback_new_on_behalf,
    feedback_respond,
    issues,
    issue_edit_errors,
    evaluations,
    evaluation_new_errors,
    evaluation,
    evaluation_edit,
    evaluation_classify_errors,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_pilot_page_is_accessible(scenario, page, live_server):
    expected_h1 = scenario(page, live_server)
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)


def test_dashboard_served_from_the_page_cache_is_accessible(page, live_server, monkeypatch):
    """Loaded twice in a row by the same signed-in browser, the dashboard comes the second time
    from the page cache with a fresh CSP nonce: nothing is blocked and it is as accessible."""
    from django.core.cache import caches

    from coplan.partnerships import pagecache

    caches["pages"].clear()
    hits = []
    serve = pagecache._serve

    def counted(request, entry, **kwargs):
        hits.append(request.path)
        return serve(request, entry, **kwargs)

    monkeypatch.setattr(pagecache, "_serve", counted)
    world = build_world()
    login(page, live_server, world.people["commissioner"])
    address = f"/partnerships/{world.partnership.pk}/pilot/dashboard/"
    nonces = []
    for load in (1, 2):
        response = page.goto(address)
        assert len(hits) == load - 1, f"load {load}: {len(hits)} page cache hit(s)"
        header = response.headers["content-security-policy"]
        nonce = re.search(r"'nonce-([^']+)'", header).group(1)
        used = page.evaluate("[...document.querySelectorAll('script[nonce]')].map((s) => s.nonce)")
        assert used and set(used) == {nonce}, f"load {load}: scripts carry {used}, not {nonce}"
        nonces.append(nonce)
        expect(page.locator("h1")).to_have_text("Pilot dashboard")
        assert page.locator("svg[role=img]").count() >= 3
        assert_accessible(page)
        assert_no_csp_violations(page)
    assert nonces[0] != nonces[1]


def test_a_whole_upload_through_the_pages(page, live_server, tmp_path):
    """A partner uploads a file, checks the preview and matched columns, imports it, and sees
    the records counted; a file with a bad row is refused whole, with its errors listed by row
    and column. Every step is axe-clean and nothing is blocked by the CSP."""
    world = build_world()
    own = world.partnership.memberships.get(user=world.people["se_partner"]).organisation
    good = tmp_path / "november.csv"
    good.write_bytes(csv_bytes([row(provider=own.name, day="2006-11-06"), row(provider=own.name)]))
    bad = tmp_path / "december.csv"
    bad.write_bytes(csv_bytes([row(provider=own.name, day="2006-12-04", quantity="-2")]))
    before = world.pilot.records.count()

    go(page, live_server, world, "se_partner", "uploads/new/")
    assert_accessible(page)
    page.get_by_label(label("Delivery records file")).set_input_files(str(good))
    submit(page, "Upload the file")
    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    expect(page.get_by_role("region", name="File preview (scrolls sideways)")).to_contain_text(
        own.name
    )
    assert_accessible(page)
    assert_no_csp_violations(page)
    submit(page, "Check and import")
    expect(page.get_by_text("2 delivery records were imported")).to_be_visible()
    assert_accessible(page)
    assert world.pilot.records.count() == before + 2

    page.goto(f"/partnerships/{world.partnership.pk}/pilot/uploads/new/")
    page.get_by_label(label("Delivery records file")).set_input_files(str(bad))
    submit(page, "Upload the file")
    submit(page, "Check and import")
    errors = page.get_by_role("region", name="Errors table (scrolls sideways)")
    expect(errors).to_contain_text("-2")
    expect(page.get_by_role("link", name="Download the errors as CSV")).to_be_visible()
    assert_accessible(page)
    assert_no_csp_violations(page)
    assert world.pilot.records.count() == before + 2
