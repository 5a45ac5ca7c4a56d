"""Every governance page, in the states people meet it, has no axe-core WCAG 2.2 AA violations
and nothing blocked by the Content Security Policy."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from coplan.governance import domain
from coplan.governance.enums import (
    AttendanceStatus,
    BodyKind,
    BodyRole,
    DecisionKind,
    InterestKind,
)
from coplan.partnerships.enums import Role
from tests.browser.conftest import (
    assert_accessible,
    assert_no_csp_violations,
    label,
    login,
    submit,
)
from tests.factories import DepartmentFactory, OrganisationFactory, PartnershipFactory, member

pytestmark = [pytest.mark.xdist_group(__name__)]  # one worker per module (conftest.py)


@pytest.fixture(autouse=True)
def governance_media(settings, tmp_path):
    """Uploaded papers in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    partnership: object
    commissioner: object
    facilitator: object
    steering_member: object
    partner: object
    observer: object
    steering: object
    design: object
    held: object  # a steering meeting last week with everything recorded
    upcoming: object  # a steering meeting next week
    approved: object  # an earlier meeting whose minutes are approved
    action: object


def _seat(body, user, role=BodyRole.MEMBER, voting=True):
    membership = body.partnership.memberships.filter(user=user).first()
    domain.add_body_member(
        body=body, actor=None, membership=membership, role_in_body=role, is_voting=voting
    )


def build_world() -> World:
    partnership = PartnershipFactory(title="Furniture reuse PSP", is_illustrative=True)
    commissioner = member(
        partnership, Role.COMMISSIONER, DepartmentFactory(name="Housing"), full_name="Cara Com"
    )
    procurement = member(
        partnership,
        Role.PROCUREMENT,
        DepartmentFactory(name="Corporate Procurement"),
        full_name="Pat Proc",
    )
    steering_member = member(
        partnership, Role.STEERING, DepartmentFactory(name="Social Work"), full_name="Sol Work"
    )
    facilitator = member(
        partnership, Role.FACILITATOR, partnership.intermediary, full_name="Fin Facilitator"
    )
    partner = member(
        partnership, Role.SE_PARTNER, OrganisationFactory(name="RECAP"), full_name="Rae Cap"
    )
    user = member(partnership, Role.SERVICE_USER, full_name="Sam User")
    observer = member(partnership, Role.OBSERVER, full_name="Oli Observer")

    steering = domain.create_body(
        partnership=partnership,
        actor=None,
        kind=BodyKind.STEERING_GROUP,
        quorum=2,
        terms_of_reference="Oversees the partnership.\n\nMeets every two months.",
    )
    for person, role in [
        (commissioner, BodyRole.CHAIR),
        (procurement, BodyRole.MEMBER),
        (steering_member, BodyRole.MEMBER),
    ]:
        _seat(steering, person, role)
    _seat(steering, facilitator, BodyRole.SECRETARY, voting=False)
    design = domain.create_body(
        partnership=partnership, actor=None, kind=BodyKind.DESIGN_COMMITTEE, quorum=2
    )
    _seat(design, facilitator, BodyRole.CHAIR, voting=False)
    _seat(design, partner)
    _seat(design, user)

    now = timezone.now().replace(second=0, microsecond=0)

    def meeting(days, title):
        start = now + dt.timedelta(days=days)
        return domain.schedule_meeting(
            body=steering,
            actor=None,
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            location="Civic Centre, Committee Room 2",
            online_url="https://meet.example.org/steering",
        )

    everyone = {s.user_id: AttendanceStatus.PRESENT for s in domain.seats_on(steering)} | {
        steering_member.pk: AttendanceStatus.APOLOGIES
    }
    approved = meeting(-60, "Service design progress")
    domain.record_attendance(meeting=approved, actor=None, statuses=everyone)
    domain.save_minutes(meeting=approved, actor=None, text="The outcome framework was agreed.")

    held = meeting(-7, "Pilot review")
    item = domain.add_agenda_item(
        meeting=held, actor=None, title="Pilot monitoring", presenter=facilitator
    )
    domain.add_paper(
        agenda_item=item,
        actor=None,
        title="Monitoring report, months 1 to 3",
        file=SimpleUploadedFile("monitoring.pdf", b"%PDF-1.7 report", "application/pdf"),
    )
    domain.record_attendance(meeting=held, actor=None, statuses=everyone)
    domain.record_declaration(
        meeting=held,
        actor=None,
        person=procurement,
        interest="A relative volunteers with a pilot partner.",
        agenda_item=item,
    )
    domain.record_decision(
        meeting=held,
        actor=None,
        kind=DecisionKind.MINUTES_APPROVAL,
        subject=approved.minutes,
    )
    decision = domain.record_decision(
        meeting=held,
        actor=None,
        kind=DecisionKind.PILOT_EXTENSION_APPROVAL,
        text="The pilot is extended to nine months.",
        votes=(2, 0, 0),
        agenda_item=item,
    )
    action = domain.create_action(
        partnership=partnership,
        actor=None,
        description="Send the referral volumes.",
        owner=steering_member,
        due_on=timezone.localdate() - dt.timedelta(days=3),
        decision=decision,
    )
    domain.save_minutes(
        meeting=held,
        actor=None,
        text="Any other business: none.",
        item_minutes={item.pk: "Referrals are slower than planned."},
    )
    upcoming = meeting(7, "Interim evaluation")
    domain.add_agenda_item(meeting=upcoming, actor=None, title="Interim evaluation")
    domain.declare_interest(
        user=facilitator,
        actor=facilitator,
        kind=InterestKind.ORGANISATION_ROLE,
        description="Employed by the intermediary.",
        organisation=partnership.intermediary,
    )
    return World(
        partnership,
        commissioner,
        facilitator,
        steering_member,
        partner,
        observer,
        steering,
        design,
        held,
        upcoming,
        approved,
        action,
    )


def gov(world, path=""):
    return f"/partnerships/{world.partnership.pk}/governance/{path}"


def error_summary_shown(page) -> None:
    expect(page.locator(".govuk-error-summary")).to_be_visible()


# --- scenarios: each sets up, navigates, and returns the expected <h1> text ------------------


def overview(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world))
    expect(page.locator(".govuk-tag--red").first).to_have_text("Overdue")
    return "Governance"


def overview_observer_mobile(page, live_server):
    page.set_viewport_size({"width": 375, "height": 812})
    world = build_world()
    login(page, live_server, world.observer)
    page.goto(gov(world))
    return "Governance"


def body_page(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(gov(world, f"bodies/{world.steering.pk}/"))
    return "Steering group"


def body_member_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(gov(world, f"bodies/{world.steering.pk}/"))
    submit(page, "Add to the Steering group")
    error_summary_shown(page)
    return "Steering group"


def seat_edit(page, live_server):
    world = build_world()
    seat = world.steering.members.get(user=world.steering_member)
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"bodies/{world.steering.pk}/members/{seat.pk}/edit/"))
    return "Edit the seat of Sol Work"


def body_new(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(gov(world, "bodies/new/"))
    return "Set up a body"


def body_new_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(gov(world, "bodies/new/"))
    page.get_by_label(label("Quorum (voting members present)")).fill("")
    submit(page, "Set up the body")
    error_summary_shown(page)
    return "Set up a body"


def body_edit(page, live_server):
    world = build_world()
    domain.record_decision(meeting=world.held, actor=None, kind=DecisionKind.TERMS_OF_REFERENCE)
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"bodies/{world.steering.pk}/edit/"))
    return "Terms of reference of the Steering group"


def meetings(page, live_server):
    world = build_world()
    login(page, live_server, world.partner)
    page.goto(gov(world, "meetings/"))
    return "Meetings"


def meeting_held(page, live_server):
    world = build_world()
    login(page, live_server, world.steering_member)
    page.goto(gov(world, f"meetings/{world.held.pk}/"))
    return f"Pilot review, {timezone.localtime(world.held.starts_at):%-d %B %Y}"


def meeting_locked(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"meetings/{world.approved.pk}/"))
    return f"Service design progress, {timezone.localtime(world.approved.starts_at):%-d %B %Y}"


def meeting_upcoming(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(gov(world, f"meetings/{world.upcoming.pk}/"))
    submit(page, "Send invitations")
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    return f"Interim evaluation, {timezone.localtime(world.upcoming.starts_at):%-d %B %Y}"


def meeting_new_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"bodies/{world.steering.pk}/meetings/new/"))
    submit(page, "Schedule the meeting")
    error_summary_shown(page)
    return "Schedule a meeting"


def meeting_edit(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"meetings/{world.upcoming.pk}/edit/"))
    return "Change the meeting"


def meeting_cancel(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"meetings/{world.upcoming.pk}/cancel/"))
    return "Cancel the meeting"


def agenda_new(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"meetings/{world.upcoming.pk}/agenda/new/"))
    return "Add an agenda item"


def paper_new_errors(page, live_server):
    world = build_world()
    item = world.upcoming.agenda_items.get()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"meetings/{world.upcoming.pk}/agenda/{item.pk}/papers/new/"))
    submit(page, "Upload the paper")
    error_summary_shown(page)
    return "Add a paper"


def attendance(page, live_server):
    world = build_world()
    meeting = domain.schedule_meeting(
        body=world.steering,
        actor=None,
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
        location="Room 2",
    )
    login(page, live_server, world.steering_member)
    page.goto(gov(world, f"meetings/{meeting.pk}/attendance/"))
    submit(page, "Save attendance")
    error_summary_shown(page)
    return "Attendance"


def apologies(page, live_server):
    world = build_world()
    login(page, live_server, world.steering_member)
    page.goto(gov(world, f"meetings/{world.upcoming.pk}/attendance/"))
    return "Attendance"


def declaration_new(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"meetings/{world.held.pk}/declarations/new/"))
    return "Record a declaration of interest"


def minutes_form(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto(gov(world, f"meetings/{world.held.pk}/minutes/"))
    return "Revise the draft minutes"


def decision_new_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"meetings/{world.held.pk}/decisions/new/"))
    page.get_by_label(label("Gate approval (leaving a stage)")).check()
    page.get_by_label(label("Stage the partnership may leave (gate approvals only)")).select_option(
        "pilot"
    )
    submit(page, "Record the decision")
    error_summary_shown(page)
    return "Record a decision"


def decisions(page, live_server):
    world = build_world()
    login(page, live_server, world.observer)
    page.goto(gov(world, "decisions/"))
    return "Decisions"


def action_log(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, "actions/?status=all"))
    return "Action log"


def action_new(page, live_server):
    world = build_world()
    login(page, live_server, world.commissioner)
    page.goto(gov(world, f"actions/new/?meeting={world.held.pk}"))
    return "Add an action"


def action_edit(page, live_server):
    world = build_world()
    login(page, live_server, world.steering_member)
    page.goto(gov(world, f"actions/{world.action.pk}/"))
    return f"Action {world.action.reference}"


def register(page, live_server):
    world = build_world()
    login(page, live_server, world.partner)
    page.goto(gov(world, "interests/"))
    return "Register of interests"


def your_actions(page, live_server):
    world = build_world()
    login(page, live_server, world.steering_member)
    page.goto("/governance/actions/")
    return "Your actions"


def needs_doing(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto("/governance/needs-doing/")
    return "What needs doing"


def your_interests(page, live_server):
    world = build_world()
    login(page, live_server, world.facilitator)
    page.goto("/governance/interests/")
    return "Your register of interests"


def your_interests_errors(page, live_server):
    world = build_world()
    login(page, live_server, world.partner)
    page.goto("/governance/interests/")
    submit(page, "Add to my register")
    error_summary_shown(page)
    return "Your register of interests"


def calendar(page, live_server):
    world = build_world()
    login(page, live_server, world.partner)
    page.goto("/governance/calendar/")
    return "Your calendar feeds"


SCENARIOS = [
    overview,
    overview_observer_mobile,
    body_page,
    body_member_errors,
    seat_edit,
    body_new,
    body_new_errors,
    body_edit,
    meetings,
    meeting_held,
    meeting_locked,
    meeting_upcoming,
    meeting_new_errors,
    meeting_edit,
    meeting_cancel,
    agenda_new,
    paper_new_errors,
    attendance,
    apologies,
    declaration_new,
    minutes_form,
    decision_new_errors,
    decisions,
    action_log,
    action_new,
    action_edit,
    register,
    your_actions,
    needs_doing,
    your_interests,
    your_interests_errors,
    calendar,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_governance_page_is_accessible(scenario, page, live_server):
    expected_h1 = scenario(page, live_server)
    expect(page.locator("h1")).to_have_text(expected_h1)
    assert_accessible(page)
    assert_no_csp_violations(page)
