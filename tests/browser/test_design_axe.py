"""Every service design page, in the states people meet it, has no axe-core WCAG 2.2 AA
violations. The pages service users use (the board, sharing, an item, "you said, we did",
their consent and the open engagement link) are also checked on a 375 px wide phone."""

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from coplan.design import domain
from coplan.design.models import SurveyImport
from coplan.partnerships.enums import Role
from tests.browser.conftest import (
    assert_accessible,
    assert_no_csp_violations,
    label,
    login,
    submit,
)
from tests.factories import PartnershipFactory, member

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)

PHONE = {"width": 375, "height": 812}


@dataclass
class World:
    partnership: object
    people: dict
    workshop: object
    idea: object
    feedback: object
    version: object
    requirement: object
    theme: object

    def url(self, path: str = "") -> str:
        return f"/partnerships/{self.partnership.pk}/design/{path}"


def build_world() -> World:
    """A partnership part-way through service design, built through the domain functions."""
    partnership = PartnershipFactory(title="Furniture reuse PSP", is_illustrative=True)
    names = {
        Role.FACILITATOR: "Fin Facilitator",
        Role.COMMISSIONER: "Cara Com",
        Role.SERVICE_USER: "Sam User",
    }
    people = {r.value: member(partnership, r, full_name=names.get(r, r.label)) for r in Role}
    facilitator = people["facilitator"]
    workshop = domain.create_activity(
        partnership=partnership,
        actor=facilitator,
        title="Workshop with young tenants",
        method="workshop",
        held_on=dt.date(2006, 5, 17),
        place="Motherwell Civic Centre",
        participant_count=14,
        facilitator=facilitator,
        notes="Two sessions: losing a tenancy, and the first week in a new flat.",
        new_user_groups=["Young people leaving homelessness", "Housing officers"],
    )
    domain.create_activity(
        partnership=partnership,
        actor=facilitator,
        title="Tenants' survey",
        method="survey",
        held_on=dt.date(2006, 6, 1),
        online=True,
    )
    young = partnership.user_groups.get(name="Young people leaving homelessness")
    theme = domain.create_theme(partnership=partnership, actor=facilitator, name="Storage")
    speed = domain.create_theme(partnership=partnership, actor=facilitator, name="Speed")
    idea = domain.post_item(
        partnership=partnership,
        actor=people["service_user"],
        kind="idea",
        text="Keep my things safe while I am in temporary accommodation.",
        consent_given=True,
        user_group=young,
        activity=workshop,
    )
    feedback = domain.record_item(
        activity=workshop,
        actor=facilitator,
        kind="feedback",
        text="I slept on the floor for three weeks after I got my keys.",
        user_group=young,
    )
    duplicate = domain.record_item(
        activity=workshop, actor=facilitator, kind="idea", text="Store furniture for a year."
    )
    domain.curate_item(item=idea, actor=facilitator, themes=[theme], is_insight=True)
    domain.curate_item(item=feedback, actor=facilitator, themes=[speed], is_insight=True)
    domain.merge_items(duplicate=duplicate, keep=idea, actor=facilitator)
    domain.support(item=idea, actor=people["commissioner"])
    domain.comment(item=idea, actor=people["se_partner"], text="Agreed.", consent_given=True)
    domain.record_consent(
        partnership=partnership, actor=facilitator, name="Jo Bloggs", covers="Named quotes"
    )
    version = domain.new_draft(partnership=partnership, actor=facilitator)
    requirement = domain.add_requirement(
        version=version,
        actor=facilitator,
        section="service_levels",
        text="Store a household's furniture for up to 12 months at no charge.",
        insights=[idea],
        activities=[workshop],
    )
    domain.add_requirement(
        version=version, actor=facilitator, section="kpis", text="Days from referral to delivery."
    )
    return World(partnership, people, workshop, idea, feedback, version, requirement, theme)


def second_version(world: World):
    commissioner, facilitator = world.people["commissioner"], world.people["facilitator"]
    domain.approve_version(version=world.version, actor=commissioner)
    draft = domain.new_draft(partnership=world.partnership, actor=facilitator, change_note="v2")
    domain.update_requirement(
        requirement=draft.requirements.get(key="SL-1"),
        actor=facilitator,
        text="Store a household's furniture for up to 6 months at no charge.",
        insights=[world.idea, world.feedback],
    )
    domain.add_requirement(
        version=draft, actor=facilitator, section="outcomes", text="Nobody sleeps on a floor."
    )
    return draft


def error_summary_shown(page) -> None:
    assert page.locator(".govuk-error-summary").is_visible(), "expected the error summary"


def go(page, live_server, world, persona, path=""):
    login(page, live_server, world.people[persona])
    page.goto(world.url(path))


# --- scenarios: each sets up, navigates, and returns the expected <h1> text ----------------


def overview(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator")
    return "Service design"


def activities(page, live_server):
    world = build_world()
    go(page, live_server, world, "observer", "activities/")
    return "Engagement activities"


def activity_new_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "activities/new/")
    submit(page, "Save activity")
    error_summary_shown(page)
    return "Add an engagement activity"


def activity_detail(page, live_server):
    world = build_world()
    domain.open_link(activity=world.workshop, actor=world.people["facilitator"])
    go(page, live_server, world, "facilitator", f"activities/{world.workshop.pk}/")
    assert page.get_by_role("button", name="Turn the open link off").is_visible()
    return "Workshop with young tenants"


def activity_detail_service_user(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "service_user", f"activities/{world.workshop.pk}/")
    return "Workshop with young tenants"


def record_form(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", f"activities/{world.workshop.pk}/record/")
    return "Record what was said"


def open_link(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    domain.open_link(activity=world.workshop, actor=world.people["facilitator"])
    page.goto(world.url(f"open/{world.workshop.open_token}/"))
    return "Tell us what you think"


def open_link_errors(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    domain.open_link(activity=world.workshop, actor=world.people["facilitator"])
    page.goto(world.url(f"open/{world.workshop.open_token}/"))
    page.get_by_label(label("Your name")).fill("Jo Bloggs")
    submit(page, "Send")
    error_summary_shown(page)
    return "Tell us what you think"


def open_link_sent(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    domain.open_link(activity=world.workshop, actor=world.people["facilitator"])
    page.goto(world.url(f"open/{world.workshop.open_token}/"))
    page.get_by_label("An idea: something that would make the service better").check()
    page.get_by_label(label("Tell us in your own words")).fill("Evening deliveries, please.")
    submit(page, "Send")
    return "Thank you"


def board(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "service_user", "board/")
    assert page.locator(".govuk-summary-card").count() == 2
    return "Ideas and feedback"


def board_facilitator(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "board/?sort=support&q=floor")
    return "Ideas and feedback"


def share(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "steering", "board/new/")
    assert page.get_by_label(label("I agree that Coplan keeps my name with what I write")).count()
    return "Share an idea or feedback"


def share_errors(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "steering", "board/new/")
    submit(page, "Post it")
    error_summary_shown(page)
    return "Share an idea or feedback"


def share_posted(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "service_user", "board/new/")
    page.get_by_label("Feedback: something about how things are now").check()
    page.get_by_label(label("Tell us in your own words")).fill("The van came on time.")
    page.get_by_label(label("Hide my name from other members")).check()
    submit(page, "Post it")
    assert page.locator(".govuk-notification-banner--success").is_visible()
    return "Feedback #" + page.url.rstrip("/").rsplit("/", 1)[1]


def item_service_user(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "service_user", f"board/{world.idea.pk}/")
    return f"Idea #{world.idea.pk}"


def item_facilitator(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", f"board/{world.idea.pk}/")
    assert page.get_by_role("button", name="Save themes and insight").is_visible()
    return f"Idea #{world.idea.pk}"


def item_refused(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner", f"board/{world.feedback.pk}/")
    submit(page, "Save the response")
    error_summary_shown(page)
    return f"Feedback #{world.feedback.pk}"


def insights(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "insights/")
    assert page.get_by_role("table").count() == 2
    return "Insights and themes"


def insights_service_user(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "service_user", "insights/?response=none")
    return "Insights and themes"


def theme_edit(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", f"themes/{world.theme.pk}/edit/")
    return "Rename the theme"


def import_upload(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "import/")
    return "Import survey results"


def import_upload_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "import/")
    submit(page, "Upload and match columns")
    error_summary_shown(page)
    return "Import survey results"


def _upload(page, live_server, world, content: str):
    go(page, live_server, world, "facilitator", "import/")
    page.get_by_label(label("Survey")).select_option(label="Tenants' survey (survey, 1 June 2006)")
    page.get_by_label(label("Survey results")).set_input_files(
        {"name": "survey.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    submit(page, "Upload and match columns")


def import_map(page, live_server):
    world = build_world()
    _upload(page, live_server, world, "Answer,Group\nBeds first,Carers\n")
    return "Match the columns"


def import_rejected(page, live_server):
    world = build_world()
    _upload(page, live_server, world, "Answer,Theme\nBeds first,Storage\nVans,Nope\n")
    page.get_by_label("Answer", exact=True).check()
    page.get_by_label(label("Column with themes")).select_option("Theme")
    submit(page, "Import the answers")
    assert page.get_by_text("Row 3, column “Theme”").first.is_visible()
    assert SurveyImport.objects.get().status == "rejected"
    return "Match the columns"


def spec_list(page, live_server):
    world = build_world()
    second_version(world)
    go(page, live_server, world, "commissioner", "specification/")
    return "Service specification"


def spec_detail_draft(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner", "specification/1/")
    assert page.get_by_role("button", name="Approve version 1").is_visible()
    expect(page.get_by_role("link", name="Golden thread of SL-1")).to_be_visible()
    return "Specification version 1"


def spec_detail_approved(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    domain.approve_version(version=world.version, actor=world.people["commissioner"])
    go(page, live_server, world, "service_user", "specification/1/")
    # each requirement links to its golden thread (the latest version the person sees)
    expect(page.get_by_role("link", name=re.compile(r"^Golden thread of "))).to_have_count(2)
    return "Specification version 1"


def spec_refused(page, live_server):
    world = build_world()
    domain.discard_draft(version=world.version, actor=world.people["facilitator"])
    domain.new_draft(partnership=world.partnership, actor=world.people["facilitator"])
    go(page, live_server, world, "commissioner", "specification/1/")
    submit(page, "Approve version 1")
    error_summary_shown(page)
    return "Specification version 1"


def spec_edit(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "specification/1/edit/")
    return "Edit draft version 1"


def requirement_new(page, live_server):
    world = build_world()
    go(
        page,
        live_server,
        world,
        "facilitator",
        "specification/1/requirements/new/?section=outcomes",
    )
    return "Add a requirement"


def requirement_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "specification/1/requirements/new/")
    submit(page, "Save the requirement")
    error_summary_shown(page)
    return "Add a requirement"


def spec_diff(page, live_server):
    world = build_world()
    second_version(world)
    go(page, live_server, world, "observer", "specification/compare/?base=1&other=2")
    assert page.locator("ins").count() and page.locator("del").count()
    return "Compare specification versions"


def you_said(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    domain.respond(
        insight=world.feedback,
        actor=world.people["commissioner"],
        not_taken_up_reason="Packs already arrive within 5 days.",
    )
    go(page, live_server, world, "service_user", "you-said-we-did/")
    return "You said, we did"


def you_said_unanswered(page, live_server):
    world = build_world()
    go(page, live_server, world, "commissioner", "you-said-we-did/")
    return "You said, we did"


def consent_facilitator(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "consent/")
    return "Consent"


def consent_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "facilitator", "consent/")
    submit(page, "Record consent")
    error_summary_shown(page)
    return "Consent"


def consent_own(page, live_server):
    page.set_viewport_size(PHONE)
    world = build_world()
    go(page, live_server, world, "service_user", "consent/")
    assert page.get_by_role("button", name="Withdraw consent of Sam User").is_visible()
    return "Your consent"


def disclosure(page, live_server):
    world = build_world()
    go(page, live_server, world, "procurement", "disclosure/")
    return "Disclosure to bidders"


def disclosure_errors(page, live_server):
    world = build_world()
    go(page, live_server, world, "procurement", "disclosure/")
    page.get_by_label("Internal only").check()
    submit(page, "Classify the chosen items")
    error_summary_shown(page)
    return "Disclosure to bidders"


SCENARIOS = [
    overview,
    activities,
    activity_new_errors,
    activity_detail,
    activity_detail_service_user,
    record_form,
    open_link,
    open_link_errors,
    open_link_sent,
    board,
    board_facilitator,
    share,
    share_errors,
    share_posted,
    item_service_user,
    item_facilitator,
    item_refused,
    insights,
    insights_service_user,
    theme_edit,
    import_upload,
    import_upload_errors,
    import_map,
    import_rejected,
    spec_list,
    spec_detail_draft,
    spec_detail_approved,
    spec_refused,
    spec_edit,
    requirement_new,
    requirement_errors,
    spec_diff,
    you_said,
    you_said_unanswered,
    consent_facilitator,
    consent_errors,
    consent_own,
    disclosure,
    disclosure_errors,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_design_page_is_accessible(scenario, page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    expected_h1 = scenario(page, live_server)
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)


@pytest.mark.parametrize(
    "scenario",
    [board, share, item_service_user, you_said, consent_own, open_link],
    ids=["board", "share", "item", "you_said", "consent", "open_link"],
)
def test_service_user_pages_fit_a_phone(scenario, page, live_server):
    """Nothing on the service user pages is wider than a 375 px screen."""
    scenario(page, live_server)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
