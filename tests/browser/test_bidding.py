"""Every bidding page, in the states people meet it, has no axe-core WCAG 2.2 AA violations:
the bidder's page (empty, with errors, with a sealed bid), two-factor enrolment, the officers'
page sealed and opened, the opening time form, an opened bid and the bidder's verification."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from coplan.bidding import domain, receipts
from coplan.core.models import Affiliation
from coplan.partnerships.enums import Role
from coplan.tendering.models import (
    BenefitRequirement,
    BidderRegistration,
    Clause,
    ClauseVersion,
    Measure,
    PriceElement,
    QualityCriterion,
    Tender,
)
from tests.browser.conftest import (
    assert_accessible,
    assert_error_summary,
    assert_no_csp_violations,
    login,
    submit,
)
from tests.factories import OrganisationFactory, PartnershipFactory, UserFactory, member

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


def build_world():
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    officer = member(partnership, Role.PROCUREMENT, full_name="Pat Procurement")
    commissioner = member(partnership, Role.COMMISSIONER, full_name="Cara Com")
    now = timezone.now()
    tender = Tender.objects.create(
        partnership=partnership,
        title="Furniture storage and packs",
        reference="nlc-furniture-axe",
        benefit_weight=Decimal("10"),
        price_weight=Decimal("50"),
        published_at=now - dt.timedelta(days=30),
        submission_deadline=now + dt.timedelta(days=1),
        opening_at=now + dt.timedelta(days=1, hours=1),
    )
    PriceElement.objects.create(tender=tender, name="Storage", weight=Decimal("20"), order=1)
    PriceElement.objects.create(tender=tender, name="Packs", weight=Decimal("30"), order=2)
    QualityCriterion.objects.create(
        tender=tender, name="Method", weight=Decimal("40"), question="How will you deliver?"
    )
    clause = Clause.objects.create(type="targeted_recruitment", title="Trainees axe")
    version = ClauseVersion.objects.create(clause=clause, number=1, wording="Train people.")
    measure = Measure.objects.create(
        clause=clause, name="Trainee weeks", unit="weeks", evidence="Timesheets"
    )
    requirement = BenefitRequirement.objects.create(
        tender=tender, clause_version=version, measure=measure, mode="scored", minimum=Decimal("10")
    )
    bidder = UserFactory(full_name="Morag Outside")
    organisation = OrganisationFactory(name="Clearway Removals Ltd", type="private_company")
    Affiliation.objects.create(user=bidder, organisation=organisation)
    registration = BidderRegistration.objects.create(
        tender=tender, organisation=organisation, user=bidder
    )
    return partnership, tender, officer, commissioner, bidder, registration, requirement


def check(page):
    assert_accessible(page)
    assert_no_csp_violations(page)


def unused_code(device) -> str:
    """A code the device will accept: the current step's, or the next step's when the current
    one was already used (django-otp never accepts a step twice; its tolerance allows +1)."""
    device.refresh_from_db()
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.drift += max(0, device.last_t + 1 - clock.t())
    return f"{clock.token():06d}"


def verify_two_factor(page, user):
    """Enrol on the two-factor page (checked for accessibility) and continue."""
    check(page)
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code from your authenticator app").fill(unused_code(device))
    submit(page, "Confirm and continue")


def test_bidder_pages_are_accessible(page, live_server):
    partnership, tender, *_ = build_world()
    bidder = _[2]
    login(page, live_server, bidder)
    base = f"{live_server.url}/partnerships/{partnership.pk}/bids/{tender.pk}"
    page.goto(f"{base}/mine/")
    check(page)
    submit(page, "Seal and submit")
    check(page)  # the error summary
    page.get_by_label("Price: Storage (£)").fill("39000")
    page.get_by_label("Price: Packs (£)").fill("150000")
    page.get_by_label("Quality: Method").fill("Vans and a warehouse.")
    page.get_by_label("Community benefit: Trainee weeks (weeks) (at least 10)").fill("40")
    submit(page, "Seal and submit")
    assert "Your bid is sealed" in page.content()
    check(page)


def test_officer_pages_are_accessible(page, live_server):
    partnership, tender, officer, commissioner, bidder, registration, requirement = build_world()
    bid = domain.submit_bid(
        registration=registration,
        actor=bidder,
        prices={"Storage": "39000", "Packs": "150000"},
        quality={"Method": "Vans."},
        quantities={str(requirement.pk): "40"},
        documents=[("plan.txt", b"Our plan")],
    )
    login(page, live_server, officer)
    base = f"{live_server.url}/partnerships/{partnership.pk}/bids"
    page.goto(f"{base}/{tender.pk}/")
    verify_two_factor(page, officer)
    check(page)  # sealed
    page.goto(f"{base}/{tender.pk}/opening-time/")
    check(page)
    page.goto(f"{base}/")
    check(page)
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=now - dt.timedelta(hours=2), opening_at=now - dt.timedelta(hours=1)
    )
    tender.refresh_from_db()
    domain.confirm_opening(tender=tender, actor=commissioner)
    page.goto(f"{base}/{tender.pk}/")
    submit(page, "Confirm the opening")
    assert "The bids are open." in page.content()
    check(page)
    page.goto(f"{base}/{tender.pk}/bids/{bid.uuid}/")
    assert "plan.txt" in page.content()
    check(page)


def test_verification_page_is_accessible(page, live_server):
    partnership, tender, officer, commissioner, bidder, registration, requirement = build_world()
    bid = domain.submit_bid(
        registration=registration,
        actor=bidder,
        prices={"Storage": "39000", "Packs": "150000"},
        quality={"Method": "Vans."},
        quantities={str(requirement.pk): "40"},
    )
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=now - dt.timedelta(hours=2), opening_at=now - dt.timedelta(hours=1)
    )
    tender.refresh_from_db()
    domain.confirm_opening(tender=tender, actor=officer)
    domain.confirm_opening(tender=tender, actor=commissioner)
    login(page, live_server, bidder)
    page.goto(
        f"{live_server.url}/partnerships/{partnership.pk}/bids/{tender.pk}/mine/{bid.uuid}/verify/"
    )
    assert "matches its receipt" in page.content()
    check(page)
    # the receipt upload form: a file that is not a receipt, then the real receipt
    page.get_by_label("Your receipt").set_input_files(
        files=[{"name": "receipt.txt", "mimeType": "text/plain", "buffer": b"My shopping list"}]
    )
    submit(page, "Check my receipt")
    assert page.title().startswith("Error: ")
    check(page)
    assert_error_summary(page, "This is not a Coplan bid receipt")
    page.get_by_label("Your receipt").set_input_files(
        files=[
            {
                "name": f"receipt-{bid.receipt_number}.txt",
                "mimeType": "text/plain",
                "buffer": receipts.text(bid).encode(),
            }
        ]
    )
    submit(page, "Check my receipt")
    assert "Your receipt matches the opened bid" in page.content()
    check(page)
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/bids/{tender.pk}/mine/")
    check(page)


def continue_two_factor(page, user):
    """A later session: enter a current code from the confirmed device."""
    check(page)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    device.throttle_reset()
    page.get_by_label("Code from your authenticator app").fill(unused_code(device))
    submit(page, "Continue")


def test_evaluation_and_award_pages_are_accessible(page, live_server):
    from coplan.bidding.enums import Part

    partnership, tender, officer, commissioner, bidder, registration, requirement = build_world()
    bid = domain.submit_bid(
        registration=registration,
        actor=bidder,
        prices={"Storage": "39000", "Packs": "150000"},
        quality={"Method": "Vans and a warehouse."},
        quantities={str(requirement.pk): "40"},
    )
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=now - dt.timedelta(hours=2), opening_at=now - dt.timedelta(hours=1)
    )
    tender.refresh_from_db()
    domain.confirm_opening(tender=tender, actor=officer)
    domain.confirm_opening(tender=tender, actor=commissioner)
    tender.refresh_from_db()
    evaluator = member(partnership, Role.EVALUATOR, full_name="Eve Evaluator")
    Affiliation.objects.create(user=evaluator, organisation=registration.organisation)
    pricer = member(partnership, Role.STEERING, full_name="Fin Finance")
    linked = member(partnership, Role.STEERING, full_name="Gil Linked")
    Affiliation.objects.create(user=linked, organisation=registration.organisation)
    method = tender.quality_criteria.get()
    domain.assign(
        tender=tender,
        actor=officer,
        evaluator=evaluator,
        part=Part.QUALITY,
        criterion=method,
        confirm_conflict=True,
    )
    domain.assign(tender=tender, actor=officer, evaluator=pricer, part=Part.PRICE)
    domain.declare(tender=tender, evaluator=pricer, kind="none")
    base = f"{live_server.url}/partnerships/{partnership.pk}/bids/{tender.pk}"

    login(page, live_server, evaluator)
    page.goto(f"{base}/evaluation/declaration/")
    verify_two_factor(page, evaluator)
    assert "is a bidder" in page.content()
    check(page)
    submit(page, "Submit declaration")
    check(page)  # the error summary: no choice made
    page.get_by_label("No conflict of interest").check()
    submit(page, "Submit declaration")
    assert "awaits the procurement officer" in page.content()
    check(page)

    page.context.clear_cookies()
    login(page, live_server, officer)
    page.goto(f"{base}/evaluation/")
    verify_two_factor(page, officer)
    check(page)
    page.goto(f"{base}/evaluation/panel/add/")
    check(page)
    submit(page, "Add to the panel")
    check(page)
    # someone linked to a bidder: warned, with an "Assign anyway" box to tick
    page.get_by_label("Evaluator", exact=True).select_option(label="Gil Linked")
    page.get_by_label("Evaluates", exact=True).select_option(label="Quality: Method")
    submit(page, "Add to the panel")
    assert "Coplan found possible conflicts of interest:" in page.content()
    check(page)
    page.get_by_label("Assign anyway").check()
    submit(page, "Add to the panel")
    expect(page.locator("h1")).to_have_text("Evaluation")
    check(page)
    page.goto(f"{base}/evaluation/panel/{method.pk}/shortfall/")
    check(page)
    declaration = domain.declaration_of(tender, evaluator)
    page.goto(f"{base}/evaluation/declarations/{declaration.pk}/decide/")
    check(page)
    page.get_by_label("Proceed with mitigation").check()
    page.get_by_role("textbox", name="Mitigation").fill("Does not moderate.")
    page.get_by_role("textbox", name="Reasons").fill("Former employee only.")
    submit(page, "Record the decision")
    check(page)

    domain.submit_score(bid=bid, criterion=method, evaluator=evaluator, score=3, rationale="Good")
    page.goto(f"{base}/evaluation/moderation/{bid.uuid}/{method.pk}/")
    check(page)
    page.goto(f"{base}/evaluation/price-queries/{bid.uuid}/")
    check(page)
    page.goto(f"{base}/evaluation/results/")
    check(page)  # incomplete
    domain.moderate(bid=bid, criterion=method, actor=officer, score=3, rationale="Agreed")
    page.goto(f"{base}/evaluation/results/")
    assert "Totals and ranking" in page.content()
    check(page)
    page.goto(f"{base}/award/")
    check(page)
    domain.approve_award(tender=tender, actor=commissioner, reasons="The only compliant bid.")
    page.goto(f"{base}/award/")
    assert "Award letter" in page.content()
    check(page)

    page.context.clear_cookies()
    login(page, live_server, evaluator)
    page.goto(f"{base}/evaluation/scores/")
    continue_two_factor(page, evaluator)
    assert "Vans and a warehouse." in page.content()
    check(page)


def test_award_page_with_the_contract_kpi_picker_is_accessible(page, live_server):
    """The commissioner's award form with the pilot's KPIs as GOV.UK checkboxes, its error
    summary, and the contract section listing the KPIs chosen."""
    from coplan.bidding.enums import Part
    from coplan.pilots.models import Kpi, Pilot

    partnership, tender, officer, commissioner, bidder, registration, requirement = build_world()
    pilot = Pilot.objects.create(
        partnership=partnership,
        title="Homereach furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
    )
    for name in ["Emergency packs within 5 days", "Permanent packs within 10 days", "Trainees"]:
        Kpi.objects.create(
            pilot=pilot, name=name, definition="Count", unit="%", target=90, source="Log"
        )
    bid = domain.submit_bid(
        registration=registration,
        actor=bidder,
        prices={"Storage": "39000", "Packs": "150000"},
        quality={"Method": "Vans and a warehouse."},
        quantities={str(requirement.pk): "40"},
    )
    now = timezone.now()
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=now - dt.timedelta(hours=2), opening_at=now - dt.timedelta(hours=1)
    )
    tender.refresh_from_db()
    domain.confirm_opening(tender=tender, actor=officer)
    domain.confirm_opening(tender=tender, actor=commissioner)
    tender.refresh_from_db()
    evaluator = member(partnership, Role.EVALUATOR, full_name="Eve Evaluator")
    pricer = member(partnership, Role.STEERING, full_name="Fin Finance")
    method = tender.quality_criteria.get()
    domain.assign(
        tender=tender, actor=officer, evaluator=evaluator, part=Part.QUALITY, criterion=method
    )
    domain.assign(tender=tender, actor=officer, evaluator=pricer, part=Part.PRICE)
    for person in (evaluator, pricer):
        domain.declare(tender=tender, evaluator=person, kind="none")
    domain.submit_score(bid=bid, criterion=method, evaluator=evaluator, score=3, rationale="Good")
    domain.moderate(bid=bid, criterion=method, actor=officer, score=3, rationale="Agreed")

    login(page, live_server, commissioner)
    page.goto(f"{live_server.url}/partnerships/{partnership.pk}/bids/{tender.pk}/award/")
    verify_two_factor(page, commissioner)
    assert "Contract KPIs" in page.content()
    check(page)  # the form with the checkbox picker
    page.get_by_label("Homereach furniture pilot: Emergency packs within 5 days (%)").check()
    page.get_by_label("Homereach furniture pilot: Trainees (%)").check()
    submit(page, "Approve the award and send the letters")
    check(page)  # the error summary: no reasons given
    page.get_by_label("Electronically (10-day standstill)").check()
    page.get_by_role("textbox", name="Reasons for the award").fill("The only compliant bid.")
    submit(page, "Approve the award and send the letters")
    assert "Homereach furniture pilot: Trainees (target 90 %)" in page.content()
    check(page)  # the contract with its KPIs


def test_the_supplier_path_from_the_public_list_to_a_sealed_bid(page, live_server):
    """Issue 17, item 5: no typed address after the list of published tenders."""
    partnership, tender, _officer, _commissioner, bidder, registration, _req = build_world()
    registration.delete()
    login(page, live_server, bidder)
    page.goto(f"{live_server.url}/tenders/")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name=tender.title).first.click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Register as a bidder").click()
    check(page)
    page.get_by_label("Organisation").select_option(label="Clearway Removals Ltd")
    submit(page, "Register")
    assert page.url.endswith(f"/partnerships/{partnership.pk}/bids/{tender.pk}/mine/")
    check(page)
    submit(page, "Seal and submit")
    check(page)
    assert_error_summary(page, "Enter your price for Storage")
    page.get_by_label("Price: Storage (£)").fill("39000")
    page.get_by_label("Price: Packs (£)").fill("150000")
    page.get_by_label("Quality: Method").fill("Vans and a warehouse.")
    page.get_by_label("Community benefit: Trainee weeks (weeks) (at least 10)").fill("40")
    submit(page, "Seal and submit")
    assert "Your bid is sealed" in page.content()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Your tenders").first.click()
    check(page)
    bid = tender.bids.get()
    expect(page.get_by_text(f"Sealed, receipt {bid.receipt_number}")).to_be_visible()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Clarifications and addenda").click()
    check(page)
