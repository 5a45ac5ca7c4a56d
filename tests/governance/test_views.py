"""What the pages show and how their forms report refusals."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from coplan.governance import domain
from coplan.governance.enums import DecisionKind
from coplan.governance.models import Meeting
from coplan.partnerships.enums import Role
from tests.factories import PartnershipFactory, member

from .factories import held_meeting, meeting_of


def test_the_overview_highlights_overdue_actions(gov, as_user):
    domain.create_action(
        partnership=gov.partnership,
        actor=None,
        description="Send the volumes.",
        owner=gov.people["steering"],
        due_on=dt.date(2020, 1, 1),
    )
    response = as_user(gov.people["service_user"]).get(
        reverse("governance:index", args=[gov.partnership.pk])
    )
    html = response.content.decode()
    assert "1 overdue action." in html
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert [b.name for b in response.context["bodies"]] == ["Steering group", "Design committee"]
    # the service user may not change a steering group action they do not own
    assert response.context["editable"] == set()


def test_a_meeting_is_scheduled_in_uk_time(gov, as_user):
    response = as_user(gov.people["steering"]).post(
        reverse("governance:meeting.new", args=[gov.partnership.pk, gov.steering.pk]),
        {"date": "2030-07-02", "starts": "10:00", "ends": "12:00", "location": "Room 2"},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.starts_at == dt.datetime(2030, 7, 2, 9, tzinfo=dt.UTC)  # 10:00 BST


def test_form_refusals_show_in_the_error_summary(gov, as_user):
    meeting = held_meeting(gov.steering)
    response = as_user(gov.people["commissioner"]).post(
        reverse("governance:meeting.new", args=[gov.partnership.pk, gov.steering.pk]),
        {"date": "2030-07-02", "starts": "12:00", "ends": "10:00", "location": "Room 2"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert response.context["form"].errors == {"__all__": ["The meeting must end after it starts."]}
    response = as_user(gov.people["commissioner"]).post(
        reverse("governance:decision.new", args=[gov.partnership.pk, meeting.pk]),
        {"kind": "gate_approval", "stage": "pilot", "text": ""},
    )
    assert response.context["form"].errors["stage"][0].startswith("The partnership is in")


def test_a_gate_is_approved_from_the_decision_form(gov, as_user):
    meeting = held_meeting(gov.steering)
    response = as_user(gov.people["procurement"]).post(
        reverse("governance:decision.new", args=[gov.partnership.pk, meeting.pk]),
        {"kind": "gate_approval", "stage": "feasibility", "text": ""},
    )
    assert response.status_code == 302
    decision = meeting.decisions.get()
    assert (decision.kind, decision.stage) == (DecisionKind.GATE_APPROVAL, "feasibility")


def test_the_design_committee_cannot_choose_a_gate_approval(gov, as_user):
    meeting = held_meeting(gov.design)
    response = as_user(gov.people["se_partner"]).get(
        reverse("governance:decision.new", args=[gov.partnership.pk, meeting.pk])
    )
    form = response.context["form"]
    assert "stage" not in form.fields
    assert "gate_approval" not in dict(form.fields["kind"].choices)


def test_minutes_approved_from_the_form_lock_the_minutes_form(gov, as_user):
    earlier = held_meeting(gov.steering, hours_ago=48)
    domain.save_minutes(meeting=earlier, actor=None, text="Agreed.")
    later = held_meeting(gov.steering, hours_ago=1)
    client = as_user(gov.people["steering"])
    response = client.get(reverse("governance:decision.new", args=[gov.partnership.pk, later.pk]))
    assert list(response.context["form"].fields["minutes"].queryset) == [earlier.minutes]
    response = client.post(
        reverse("governance:decision.new", args=[gov.partnership.pk, later.pk]),
        {"kind": "minutes_approval", "minutes": earlier.minutes.pk, "text": ""},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("governance:minutes", args=[gov.partnership.pk, earlier.pk]), {"text": "Changed"}
    )
    assert response.status_code == 200
    assert "approved and locked" in response.context["form"].non_field_errors()[0]
    page = client.get(earlier.get_absolute_url()).content.decode()
    assert "this meeting&#x27;s record is locked" in page or "record is locked" in page


def test_before_the_meeting_the_attendance_form_offers_apologies_only(gov, as_user):
    meeting = meeting_of(gov.steering, days_ahead=2)
    response = as_user(gov.people["commissioner"]).get(
        reverse("governance:attendance", args=[gov.partnership.pk, meeting.pk])
    )
    field = response.context["form"].fields[f"person_{gov.people['steering'].pk}"]
    assert [value for value, _ in field.choices] == ["", "apologies"]
    assert not field.required


def test_your_actions_across_partnerships(gov, as_user):
    person = gov.people["steering"]
    other = PartnershipFactory(title="Befriending PSP")
    member(other, Role.COMMISSIONER)
    other.memberships.create(user=person, role=Role.STEERING)
    for partnership, due in [(gov.partnership, dt.date(2020, 1, 1)), (other, dt.date(2031, 1, 1))]:
        domain.create_action(
            partnership=partnership, actor=None, description="Mine", owner=person, due_on=due
        )
    response = as_user(person).get(reverse("governance_personal:actions"))
    assert [a.partnership for a in response.context["actions"]] == [gov.partnership, other]
    assert "Befriending PSP" in response.content.decode()
    other.memberships.filter(user=person).delete()  # left the partnership: its actions go
    response = as_user(person).get(reverse("governance_personal:actions"))
    assert [a.partnership for a in response.context["actions"]] == [gov.partnership]


def test_what_needs_doing(gov, as_user):
    meeting = held_meeting(gov.steering)
    domain.create_action(
        partnership=gov.partnership,
        actor=None,
        description="Overdue thing",
        owner=gov.people["steering"],
        due_on=dt.date(2020, 1, 1),
    )
    gov.partnership.started_on = dt.date(2007, 1, 1)  # 6 months before the tender: an error
    gov.partnership.save()
    response = as_user(gov.people["facilitator"]).get(reverse("governance_personal:needs_doing"))
    (todo,) = response.context["todos"]
    assert [a.description for a in todo.overdue] == ["Overdue thing"]
    assert todo.minutes == [meeting]
    assert todo.gate_waiting == "Feasibility (to PSP or not)"
    assert todo.timing[0].startswith("The PSP starts 6 months before the tender")
    domain.record_decision(
        meeting=meeting, actor=None, kind=DecisionKind.GATE_APPROVAL, stage="feasibility"
    )
    response = as_user(gov.people["facilitator"]).get(reverse("governance_personal:needs_doing"))
    (todo,) = response.context["todos"]
    assert (todo.gate_waiting, todo.gate_approved.stage) == ("", "feasibility")
    assert "the commissioner can advance the stage" in response.content.decode()


def test_a_seat_ends_when_the_role_is_removed(gov):
    from coplan.partnerships import domain as partnership_domain
    from coplan.partnerships.models import Membership

    membership = Membership.objects.get(partnership=gov.partnership, user=gov.people["steering"])
    partnership_domain.remove_member(membership=membership, actor=None)
    seat = gov.steering.members.get(user=gov.people["steering"])
    assert seat.left_on == timezone.localdate()
    assert seat.membership is None


def test_the_dashboard_panel_highlights_overdue_actions(gov, django_assert_max_num_queries):
    from django.template import Context, Template

    domain.create_action(
        partnership=gov.partnership,
        actor=None,
        description="Send the volumes.",
        owner=gov.people["steering"],
        due_on=dt.date(2020, 1, 1),
    )
    meeting_of(gov.steering, days_ahead=3, title="Pilot review")
    template = Template("{% load governance %}{% governance_panel partnership %}")
    with django_assert_max_num_queries(4):
        html = template.render(Context({"partnership": gov.partnership}))
    assert "1 overdue action" in html
    assert "Send the volumes." in html
    assert "Pilot review" in html
