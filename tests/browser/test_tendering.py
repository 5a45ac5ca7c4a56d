"""Every tendering page, in the states people meet it, has no axe-core WCAG 2.2 AA
violations and nothing blocked by the CSP: the tender workspace, the public notice (no
login), registration and clarifications, and the shared clause library."""

import re

import pytest
from playwright.sync_api import expect

from coplan.core.models import Affiliation
from coplan.partnerships.enums import Role
from coplan.tendering import domain
from coplan.tendering.models import Clause
from tests.browser.conftest import (
    assert_accessible,
    assert_error_summary,
    assert_no_csp_violations,
    login,
    submit,
)
from tests.factories import (
    OrganisationFactory,
    PartnershipFactory,
    SiteAdminFactory,
    UserFactory,
    member,
)
from tests.tendering.conftest import build_world
from tests.tendering.test_spec_requirement import specification

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


def library():
    """The starter clause library (a transactional test flushes the data migration's rows)."""
    from coplan.tendering.models import ClauseVersion, Measure, ProxyValue
    from coplan.tendering.seed import seed_library

    seed_library(Clause, ClauseVersion, Measure, ProxyValue)


def world(*, published=False, asked=False):
    library()
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    people = {role.value: member(partnership, role) for role in Role}
    people["outsider"] = UserFactory()
    people["staff"] = SiteAdminFactory()
    w = build_world(partnership, people)
    if published or asked:
        domain.publish(tender=w.tender, actor=people["commissioner"])
    if asked:
        firm = OrganisationFactory(name="Brannock Removals and Storage Ltd")
        Affiliation.objects.create(user=people["outsider"], organisation=firm)
        registration = domain.register_bidder(
            tender=w.tender, actor=people["outsider"], organisation=firm
        )
        w.question = domain.ask(
            tender=w.tender,
            registration=registration,
            actor=people["outsider"],
            question="Is the van fleet transferred?",
        )
        domain.answer(
            clarification=domain.ask(
                tender=w.tender,
                registration=registration,
                actor=people["outsider"],
                question="One lot only?",
            ),
            actor=people["procurement"],
            published_question="May a bidder bid for one lot?",
            answer="Yes.",
        )
    return w


def base(w):
    return f"/partnerships/{w.partnership.pk}/tender"


def tpath(w, rest=""):
    return f"{base(w)}/{w.tender.pk}/{rest}"


def as_officer(page, live_server, w, path):
    login(page, live_server, w.people["procurement"])
    page.goto(live_server.url + path)


def overview(page, live_server):
    w = world()
    as_officer(page, live_server, w, f"{base(w)}/")
    return "Tenders"


def new_tender_errors(page, live_server):
    w = world()
    as_officer(page, live_server, w, f"{base(w)}/new/")
    page.get_by_label("Title").fill("")
    submit(page, "Start the tender")
    expect(page.locator(".govuk-error-summary").first).to_be_visible()
    return "Start a tender"


def draft_tender(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w))
    expect(page.get_by_role("button", name="Publish the tender")).to_be_visible()
    return w.tender.title


def strategy_form(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "strategy/"))
    return "Procurement strategy"


def lot_form(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "lots/add/"))
    return "Add a lot"


def document_form(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "documents/add/"))
    return "Add a tender document"


def model_with_a_warning(page, live_server):
    w = world()
    domain.add_criterion(
        tender=w.tender,
        actor=w.people["procurement"],
        name="Track record",
        question="How you delivered the pilot.",
    )
    as_officer(page, live_server, w, tpath(w, "model/"))
    expect(page.locator(".govuk-warning-text").first).to_be_visible()
    return "Criteria and scoring model"


def model_form(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "model/edit/"))
    return "Scoring model"


def criterion_errors(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "model/criteria/add/"))
    submit(page, "Add the criterion")
    expect(page.locator(".govuk-error-summary").first).to_be_visible()
    return "Add a quality criterion"


def criterion_edit_errors(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, f"model/criteria/{w.delivery.pk}/"))
    page.get_by_label("Name").fill("")
    submit(page, "Save the criterion")
    expect(page.locator(".govuk-error-summary").first).to_be_visible()
    return "Change “Service delivery”"


def element_edit_errors(page, live_server):
    w = world()
    packs = domain.add_price_element(
        tender=w.tender, actor=w.people["procurement"], name="Furniture packs", weight=60
    )
    as_officer(page, live_server, w, tpath(w, f"model/elements/{packs.pk}/"))
    page.get_by_label("Weight (% of the total)").fill("")
    submit(page, "Save the price element")
    expect(page.locator(".govuk-error-summary").first).to_be_visible()
    return "Change the price element “Furniture packs”"


def element_form(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "model/elements/add/"))
    return "Add a price element"


def simulator(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "simulator/"))
    return "Scoring model simulator"


def requirement_form(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "requirements/add/"))
    return "Add a community benefit requirement"


def timetable_form(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "timetable/"))
    return "Timetable"


def evidence_pack(page, live_server):
    w = world()
    as_officer(page, live_server, w, tpath(w, "evidence/"))
    return "Evidence pack"


def clarifications(page, live_server):
    w = world(asked=True)
    as_officer(page, live_server, w, tpath(w, "clarifications/"))
    return "Clarifications and addenda"


def answer_form(page, live_server):
    w = world(asked=True)
    as_officer(page, live_server, w, tpath(w, f"clarifications/{w.question.pk}/answer/"))
    return f"Answer clarification {w.question.number}"


def addendum_form(page, live_server):
    w = world(published=True)
    as_officer(page, live_server, w, tpath(w, "addenda/add/"))
    return "Publish an addendum"


def public_notice_without_login(page, live_server):
    w = world(published=True)
    page.goto(f"{live_server.url}/tenders/{w.tender.reference}/")
    return w.tender.title


def public_list(page, live_server):
    world(published=True)
    page.goto(f"{live_server.url}/tenders/")
    return "Published tenders"


def register_form(page, live_server):
    w = world(published=True)
    user = UserFactory()
    Affiliation.objects.create(user=user, organisation=OrganisationFactory(name="Firm Ltd"))
    login(page, live_server, user)
    page.goto(f"{live_server.url}/tenders/{w.tender.reference}/register/")
    return "Register as a bidder"


def bidder_clarifications(page, live_server):
    w = world(asked=True)
    login(page, live_server, w.people["outsider"])
    page.goto(f"{live_server.url}/tenders/{w.tender.reference}/clarifications/")
    return "Clarifications and addenda"


def clause_library(page, live_server):
    library()
    login(page, live_server, UserFactory())
    page.goto(f"{live_server.url}/tenders/clauses/")
    return "Community benefit clause library"


def clause_detail(page, live_server):
    library()
    login(page, live_server, SiteAdminFactory())
    clause = Clause.objects.get(type="environmental")
    page.goto(f"{live_server.url}/tenders/clauses/{clause.pk}/")
    return clause.title


def clause_edit_warns_on_residence(page, live_server):
    library()
    login(page, live_server, SiteAdminFactory())
    clause = Clause.objects.get(type="targeted_recruitment")
    page.goto(f"{live_server.url}/tenders/clauses/{clause.pk}/edit/")
    page.get_by_label("Model wording").fill("Recruit local people only.")
    submit(page, "Save as a new version")
    expect(page.get_by_text("the wording mentions local people")).to_be_visible()
    return clause.title


SCENARIOS = [
    overview,
    new_tender_errors,
    draft_tender,
    strategy_form,
    lot_form,
    document_form,
    model_with_a_warning,
    model_form,
    criterion_errors,
    criterion_edit_errors,
    element_form,
    element_edit_errors,
    simulator,
    requirement_form,
    timetable_form,
    evidence_pack,
    clarifications,
    answer_form,
    addendum_form,
    public_notice_without_login,
    public_list,
    register_form,
    bidder_clarifications,
    clause_library,
    clause_detail,
    clause_edit_warns_on_residence,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_tendering_page_is_accessible(scenario, page, live_server):
    expected_h1 = scenario(page, live_server)
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)


def check(page, expected_h1):
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)


def test_clause_library_forms_are_accessible(page, live_server):
    """The staff's clause library forms: a new clause (blank and with its error summary), a
    clause's settings, a new measure and a new proxy value."""
    library()
    login(page, live_server, SiteAdminFactory())
    clause = Clause.objects.get(type="environmental")
    measure = clause.measures.order_by("pk").first()
    page.goto(f"{live_server.url}/tenders/clauses/new/")
    check(page, "Add a clause")
    page.get_by_label("Title").fill("")
    submit(page, "Add the clause")
    check(page, "Add a clause")
    assert_error_summary(page, "Enter a title")
    page.goto(f"{live_server.url}/tenders/clauses/{clause.pk}/settings/")
    expect(page.get_by_label("Offer this clause for new tenders")).to_be_checked()
    check(page, f"Change the details of “{clause.title}”")
    page.goto(f"{live_server.url}/tenders/clauses/{clause.pk}/measures/add/")
    check(page, f"Add a measure to “{clause.title}”")
    page.goto(f"{live_server.url}/tenders/clauses/{clause.pk}/measures/{measure.pk}/proxies/add/")
    check(page, f"Add a proxy value for “{measure.name}”")


def test_golden_thread_and_upload_pages_are_accessible(page, live_server):
    """The tender linked to the signed-off specification: its page with the "Specification
    requirement" column and "Golden thread" links, the benefit requirement and criterion forms
    with the specification requirement select, and a refused upload's error summary."""
    w = world()
    spec = specification(w.partnership, 1, ["CB-1", "SL-1"])
    officer = w.people["procurement"]
    domain.update_requirement(requirement=w.tonnes, actor=officer, spec_requirement=spec["CB-1"])
    domain.update_criterion(criterion=w.delivery, actor=officer, spec_requirement=spec["SL-1"])
    choice = re.compile(r"^\s*Specification requirement")

    as_officer(page, live_server, w, tpath(w))
    expect(page.get_by_role("columnheader", name="Specification requirement")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Golden thread"))).to_have_count(2)
    check(page, w.tender.title)

    page.goto(live_server.url + tpath(w, f"requirements/{w.tonnes.pk}/"))
    expect(page.get_by_label(choice)).to_have_value(str(spec["CB-1"].pk))
    check(page, "Change the requirement “Tonnes diverted from landfill”")

    page.goto(live_server.url + tpath(w, "model/criteria/add/"))
    expect(page.get_by_label(choice).locator("option")).to_have_count(3)  # None, CB-1, SL-1
    check(page, "Add a quality criterion")

    page.goto(live_server.url + tpath(w, f"model/criteria/{w.delivery.pk}/"))
    expect(page.get_by_label(choice)).to_have_value(str(spec["SL-1"].pk))
    check(page, "Change “Service delivery”")

    page.goto(live_server.url + tpath(w, "model/"))
    expect(page.get_by_role("columnheader", name="Specification requirement")).to_be_visible()
    check(page, "Criteria and scoring model")

    page.goto(live_server.url + tpath(w, "documents/add/"))
    page.get_by_label("Title").fill("Specification")
    page.get_by_label("File").set_input_files(
        files=[
            {
                "name": "specification.pdf",
                "mimeType": "application/pdf",
                "buffer": b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            }
        ]
    )
    submit(page, "Add the document")
    check(page, "Add a tender document")
    assert_error_summary(page, re.compile(r"does not look like a \.pdf file"))
