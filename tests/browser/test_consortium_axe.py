"""Every consortium page, in the states people meet it, has no axe-core WCAG 2.2 AA
violations."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coplan.consortium import domain
from coplan.consortium.enums import LegalModel
from coplan.costing import domain as costing
from coplan.partnerships.enums import Role
from tests.browser.conftest import assert_accessible, assert_no_csp_violations, login, submit
from tests.costing.conftest import packs_contents
from tests.factories import DepartmentFactory, OrganisationFactory, PartnershipFactory, member

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


@dataclass
class World:
    partnership: object
    lead: object
    second: object
    facilitator: object
    commissioner: object
    service_user: object
    consortium: object = None


def build_world(*, formed: bool = True, signed: int = 0) -> World:
    partnership = PartnershipFactory(title="Furniture reuse PSP")
    orgs = [OrganisationFactory(name=n) for n in ("Reuse Works", "Packs Plus", "Store Co")]
    people = [
        member(partnership, Role.SE_PARTNER, org, full_name=name)
        for org, name in zip(orgs, ("Lee Lead", "Sid Second", "Tam Third"), strict=True)
    ]
    w = World(
        partnership=partnership,
        lead=people[0],
        second=people[1],
        facilitator=member(
            partnership, Role.FACILITATOR, partnership.intermediary, full_name="Fin Facilitator"
        ),
        commissioner=member(
            partnership, Role.COMMISSIONER, DepartmentFactory(), full_name="Cara Com"
        ),
        service_user=member(partnership, Role.SERVICE_USER, full_name="Sam User"),
    )
    if not formed:
        return w
    consortium = domain.form_consortium(
        partnership=partnership,
        actor=w.facilitator,
        name="Homereach",
        legal_model=LegalModel.LEAD_CONTRACTOR,
        members=orgs,
        lead=orgs[0],
    )
    members = list(consortium.members.select_related("organisation").order_by("pk"))
    storage = domain.add_service(consortium=consortium, actor=w.facilitator, name="Storage")
    packs = domain.add_service(consortium=consortium, actor=w.facilitator, name="Packs")
    domain.set_split(
        service=storage,
        actor=w.facilitator,
        shares={members[0]: (Decimal(60), Decimal(60)), members[2]: (Decimal(40), Decimal(40))},
    )
    domain.set_split(
        service=packs,
        actor=w.facilitator,
        shares={members[0]: (Decimal(50), Decimal(50)), members[1]: (Decimal(50), Decimal(50))},
    )
    for m, place in ((members[0], "Motherwell"), (members[1], "Airdrie"), (members[2], "Wishaw")):
        domain.add_capability(
            consortium=consortium,
            actor=w.facilitator,
            member=m,
            service=packs if m != members[2] else storage,
            geography=place,
        )
    domain.update_agreement(
        agreement=consortium.agreement,
        actor=w.facilitator,
        heads_of_terms="Reuse Works leads; back-to-back subcontracts.",
    )
    domain.agree_heads_of_terms(agreement=consortium.agreement, actor=w.facilitator)
    for m in members[:signed]:
        domain.sign_agreement(agreement=consortium.agreement, actor=m.signatory, member=m)
    model = costing.create_cost_model(
        partnership=partnership, actor=people[0], organisation=orgs[0], service="Packs"
    )
    model.partnership = partnership
    version = costing.replace_contents(model=model, actor=people[0], contents=packs_contents())
    costing.lock_version(version=version, actor=people[0])
    w.consortium = consortium
    return w


def base(w):
    return f"/partnerships/{w.partnership.pk}/consortium"


def error_summary_shown(page) -> None:
    expect(page.locator(".govuk-error-summary").first).to_be_visible()


def not_formed(page, live_server):
    w = build_world(formed=False)
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/")
    return "Consortium"


def form_errors(page, live_server):
    w = build_world(formed=False)
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/new/")
    submit(page, "Form the consortium")
    error_summary_shown(page)
    return "Form the consortium"


def overview_for_the_lead(page, live_server):
    w = build_world(signed=1)
    login(page, live_server, w.lead)
    page.goto(f"{base(w)}/")
    return "Homereach"


def overview_for_a_service_user(page, live_server):
    w = build_world()
    login(page, live_server, w.service_user)
    page.goto(f"{base(w)}/")
    return "Homereach"


def details_form(page, live_server):
    w = build_world()
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/edit/")
    return "Change the consortium's details"


def member_form(page, live_server):
    w = build_world()
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/members/{w.consortium.members.first().pk}/")
    return f"Change {w.consortium.members.first().organisation}"


def matrix(page, live_server):
    w = build_world()
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/capabilities/")
    return "Capability matrix"


def split(page, live_server):
    w = build_world()
    login(page, live_server, w.commissioner)
    page.goto(f"{base(w)}/split/")
    return "Work and revenue split"


def split_errors(page, live_server):
    w = build_world()
    login(page, live_server, w.facilitator)
    packs = w.consortium.services.get(name="Packs")
    page.goto(f"{base(w)}/split/{packs.pk}/")
    page.get_by_label("Reuse Works: share of the work (%)").fill("70")
    submit(page, "Save the split")
    error_summary_shown(page)
    return "Work and revenue split: Packs"


def agreement_to_sign(page, live_server):
    w = build_world(signed=1)
    login(page, live_server, w.second)
    page.goto(f"{base(w)}/agreement/")
    expect(page.get_by_role("button", name="Sign revision 2 for Packs Plus")).to_be_visible()
    return "Consortium agreement"


def agreement_voided(page, live_server):
    w = build_world(signed=2)
    login(page, live_server, w.facilitator)
    page.goto(f"{base(w)}/agreement/edit/")
    expect(page.locator(".govuk-warning-text")).to_be_visible()
    page.get_by_label("Liability").fill("Joint and several.")
    submit(page, "Save the agreement")
    expect(page.get_by_text("This change voided 2 signatures")).to_be_visible()
    return "Consortium agreement"


def costs(page, live_server):
    w = build_world()
    login(page, live_server, w.second)
    page.goto(f"{base(w)}/costs/")
    return "Consortium cost model"


SCENARIOS = [
    not_formed,
    form_errors,
    overview_for_the_lead,
    overview_for_a_service_user,
    details_form,
    member_form,
    matrix,
    split,
    split_errors,
    agreement_to_sign,
    agreement_voided,
    costs,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_consortium_page_is_accessible(scenario, page, live_server):
    expected_h1 = scenario(page, live_server)
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)
