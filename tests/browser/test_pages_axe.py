"""Every page, in the states people meet it, has no axe-core WCAG 2.2 AA violations."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coplan.core.models import StatutoryRule
from coplan.partnerships import domain
from coplan.partnerships.enums import Role, Stage
from tests.browser.conftest import assert_accessible, assert_no_csp_violations, label, login, submit
from tests.factories import (
    CouncilFactory,
    DepartmentFactory,
    IntermediaryFactory,
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    SiteAdminFactory,
    UserFactory,
    member,
)

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


@dataclass
class World:
    partnership: object
    commissioner: object
    facilitator: object
    procurement: object
    service_user: object
    observer: object
    staff: object


def build_world(stage: Stage = Stage.FEASIBILITY) -> World:
    """A partnership with one person per persona, plus a second partnership and a staff user."""
    partnership = PartnershipFactory(title="Furniture reuse PSP", stage=stage)
    other = PartnershipFactory(title="Befriending PSP")
    world = World(
        partnership=partnership,
        commissioner=member(
            partnership, Role.COMMISSIONER, organisation=DepartmentFactory(), full_name="Cara Com"
        ),
        facilitator=member(
            partnership,
            Role.FACILITATOR,
            organisation=partnership.intermediary,
            full_name="Fin Facilitator",
        ),
        procurement=member(
            partnership, Role.PROCUREMENT, organisation=DepartmentFactory(), full_name="Pat Proc"
        ),
        service_user=member(partnership, Role.SERVICE_USER, full_name="Sam User"),
        observer=member(partnership, Role.OBSERVER, full_name="Oli Observer"),
        staff=SiteAdminFactory(full_name="Stella Staff"),
    )
    # The commissioner also sits on the other partnership, so their list has two cards.
    MembershipFactory(partnership=other, user=world.commissioner, role=Role.STEERING)
    return world


def add_rules() -> None:
    """The seeded statutory rules do not survive a transactional test's flush: add some."""
    for key, value, start in [
        ("regulated_goods_services", "50000", "2016-04-18"),
        ("light_touch", "589148", "2016-04-18"),
        ("light_touch", "615278", "2018-01-01"),
        ("light_touch", "700000", "2099-01-01"),
    ]:
        StatutoryRule.objects.create(
            key=key,
            value=Decimal(value),
            effective_from=dt.date.fromisoformat(start),
            rule="Services at or above this value follow the light-touch regime.",
            source="Procurement Reform (Scotland) Act 2014 s.3",
        )


def invite(world: World, email: str = "new.person@example.org") -> str:
    _invitation, raw = domain.invite_member(
        partnership=world.partnership,
        actor=world.facilitator,
        email=email,
        roles=[Role.SE_PARTNER, Role.STEERING],
        organisation=OrganisationFactory(name="Reuse Works"),
        full_name="New Person",
    )
    return raw


def error_summary_shown(page) -> None:
    expect(page.locator(".govuk-error-summary")).to_be_visible()


# --- scenarios: each sets up, navigates, and returns the expected <h1> text ----------------


def login_page(page, live_server):
    page.goto("/login/")
    return "Sign in to Coplan"


def login_page_errors(page, live_server):
    page.goto("/login/")
    page.get_by_label(label("Email address")).fill("nobody@example.org")
    page.get_by_label(label("Password")).fill("not-the-password")
    submit(page, "Sign in")
    error_summary_shown(page)
    return "Sign in to Coplan"


def locked_out(page, live_server):
    UserFactory(email="locked@example.org")
    for _ in range(5):
        page.goto("/login/")
        page.get_by_label(label("Email address")).fill("locked@example.org")
        page.get_by_label(label("Password")).fill("wrong-password")
        submit(page, "Sign in")
    return "Too many sign-in attempts"


def partnership_list(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto("/partnerships/")
    assert page.locator(".govuk-summary-card").count() == 2
    return "Your partnerships"


def partnership_new(page, live_server):
    world = build_world()
    CouncilFactory(name="Glasgow City Council")
    IntermediaryFactory(name="Glasgow CVS")
    login(page, live_server, world.staff)
    page.goto("/partnerships/new/")
    return "Start a partnership"


def partnership_new_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.staff)
    page.goto("/partnerships/new/")
    submit(page, "Start the partnership")
    error_summary_shown(page)
    return "Start a partnership"


def dashboard(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/")
    return "Furniture reuse PSP"


def dashboard_mobile(page, live_server):
    page.set_viewport_size({"width": 375, "height": 812})
    return dashboard(page, live_server)


def partnership_edit(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(f"/partnerships/{world.partnership.pk}/edit/")
    return "Edit partnership details"


def timeline(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/timeline/")
    return "Timeline"


def timeline_edit(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/timeline/edit/")
    return "Change the timeline"


def timeline_edit_suggested(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/timeline/edit/")
    page.get_by_label(label("Tender publication date")).fill("2027-07-01")
    submit(page, "Suggest dates")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    return "Change the timeline"


def timeline_edit_plan_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/timeline/edit/")
    submit(page, "Suggest dates")
    error_summary_shown(page)
    return "Change the timeline"


def stage(page, live_server):
    world = build_world(stage=Stage.SERVICE_DESIGN)
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/stage/")
    expect(page.get_by_role("button", name="Advance to Pilot")).to_be_visible()
    expect(page.get_by_role("button", name="Go back")).to_be_visible()
    return "Stages and gates"


def stage_refused(page, live_server):
    world = build_world()
    world.partnership.memberships.filter(role=Role.PROCUREMENT).delete()
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/stage/")
    submit(page, "Advance to Strategic")
    error_summary_shown(page)
    return "Stages and gates"


def members(page, live_server):
    world = build_world()
    invite(world)
    login(page, live_server, world.facilitator)
    page.goto(f"/partnerships/{world.partnership.pk}/members/")
    expect(page.get_by_role("button", name="Send invitation")).to_be_visible()
    expect(page.get_by_role("cell", name="new.person@example.org", exact=True)).to_be_visible()
    return "Members"


def members_invite_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(f"/partnerships/{world.partnership.pk}/members/")
    submit(page, "Send invitation")
    error_summary_shown(page)
    return "Members"


def activity(page, live_server):
    world = build_world()
    invite(world)
    login(page, live_server, world.commissioner)
    page.goto(f"/partnerships/{world.partnership.pk}/activity/")
    return "Activity"


def invitation_new_person(page, live_server):
    world = build_world()
    raw = invite(world)
    page.goto(f"/partnerships/invitations/{raw}/")
    return "Join Furniture reuse PSP"


def invitation_errors(page, live_server):
    world = build_world()
    raw = invite(world)
    page.goto(f"/partnerships/invitations/{raw}/")
    page.get_by_label(label("Full name")).fill("")
    submit(page, "Create account and join")
    error_summary_shown(page)
    return "Join Furniture reuse PSP"


def invitation_invalid(page, live_server):
    page.goto("/partnerships/invitations/not-a-real-token/")
    return "This invitation link does not work"


def profile_new_token(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto("/profile/")
    page.get_by_label(label("Token name")).fill("Monthly returns upload")
    submit(page, "Create a token")
    expect(page.locator("#new-token")).to_be_visible()
    return "Your profile"


def organisations(page, live_server):
    world = build_world()
    login(page, live_server, world.staff)
    page.goto("/organisations/")
    return "Organisations"


def organisation_new(page, live_server):
    world = build_world()
    login(page, live_server, world.staff)
    page.goto("/organisations/new/")
    return "Add an organisation"


def organisation_new_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.staff)
    page.goto("/organisations/new/")
    submit(page, "Add organisation")
    error_summary_shown(page)
    return "Add an organisation"


def rules(page, live_server):
    world = build_world()
    add_rules()
    login(page, live_server, world.staff)
    page.goto("/rules/")
    return "Statutory rules"


def rules_bad_date(page, live_server):
    world = build_world()
    add_rules()
    login(page, live_server, world.staff)
    page.goto("/rules/?on=bad")
    expect(page.locator("#on-error")).to_be_visible()
    return "Statutory rules"


def rule_new(page, live_server):
    world = build_world()
    login(page, live_server, world.staff)
    page.goto("/rules/new/")
    return "Add a threshold version"


def rule_new_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.staff)
    page.goto("/rules/new/")
    submit(page, "Save")
    error_summary_shown(page)
    return "Add a threshold version"


def rule_edit(page, live_server):
    world = build_world()
    add_rules()
    login(page, live_server, world.staff)
    page.goto(f"/rules/{StatutoryRule.objects.first().pk}/edit/")
    return "Edit a threshold version"


def accessibility_statement(page, live_server):
    page.goto("/accessibility/")
    return "Accessibility statement for Coplan"


def not_found(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    response = page.goto("/partnerships/999999/")
    assert response.status == 404
    return "Page not found"


def forbidden(page, live_server):
    world = build_world()
    login(page, live_server, world.service_user)
    response = page.goto(f"/partnerships/{world.partnership.pk}/edit/")
    assert response.status == 403
    return "You cannot do this"


SCENARIOS = [
    login_page,
    login_page_errors,
    locked_out,
    partnership_list,
    partnership_new,
    partnership_new_errors,
    dashboard,
    partnership_edit,
    timeline,
    timeline_edit,
    timeline_edit_suggested,
    timeline_edit_plan_errors,
    stage,
    stage_refused,
    members,
    members_invite_errors,
    activity,
    invitation_new_person,
    invitation_errors,
    invitation_invalid,
    profile_new_token,
    organisations,
    organisation_new,
    organisation_new_errors,
    rules,
    rules_bad_date,
    rule_new,
    rule_new_errors,
    rule_edit,
    accessibility_statement,
    not_found,
    forbidden,
    dashboard_mobile,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_page_is_accessible(scenario, page, live_server):
    expected_h1 = scenario(page, live_server)
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)
