"""The action log: owners told of new actions, overdue actions found, reminder emails at most
once a day per action however often the job runs, and exports to CSV and XLSX."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.core.tables import read_table
from coplan.governance import domain, queries
from coplan.governance.enums import ActionStatus, ReminderKind
from coplan.governance.models import Reminder
from coplan.partnerships.enums import Status

from .factories import held_meeting

TODAY = dt.date(2026, 3, 10)


def at(day: dt.date, hour: int = 7):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


@pytest.fixture
def action(gov, django_capture_on_commit_callbacks):
    with time_machine.travel(at(TODAY)):
        meeting = held_meeting(gov.steering)
        decision = domain.record_decision(meeting=meeting, actor=None, text="Extend the pilot")
        with django_capture_on_commit_callbacks(execute=True):
            created = domain.create_action(
                partnership=gov.partnership,
                actor=gov.people["commissioner"],
                description="Draft the procurement strategy.",
                owner=gov.people["procurement"],
                due_on=TODAY + dt.timedelta(days=10),
                decision=decision,
                base_url="https://coplan.test",
            )
    mail.outbox.clear()
    return created


def test_a_new_action_links_meeting_and_decision_and_tells_its_owner(
    gov, django_capture_on_commit_callbacks
):
    meeting = held_meeting(gov.steering)
    decision = domain.record_decision(meeting=meeting, actor=None, text="Extend the pilot")
    with django_capture_on_commit_callbacks(execute=True):
        action = domain.create_action(
            partnership=gov.partnership,
            actor=gov.people["commissioner"],
            description="Tell the partners.",
            owner=gov.people["facilitator"],
            due_on=dt.date(2026, 12, 1),
            decision=decision,
        )
    assert (action.meeting, action.body, action.status) == (meeting, gov.steering, "open")
    assert [m.to for m in mail.outbox] == [[gov.people["facilitator"].email]]
    assert "Tell the partners." in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="governance.action.created").count() == 1
    with pytest.raises(DomainError) as error:
        domain.create_action(
            partnership=gov.partnership,
            actor=None,
            description="x",
            owner=gov.people["outsider"],
            due_on=dt.date(2026, 12, 1),
        )
    assert (error.value.code, error.value.field) == ("not_a_member", "owner")


def test_completing_and_reopening_an_action(action, gov):
    changed = domain.update_action(
        action=action, actor=gov.people["procurement"], status=ActionStatus.DONE, today=TODAY
    )
    assert changed["status"] == ["open", "done"]
    assert action.completed_on == TODAY
    domain.update_action(action=action, actor=None, status=ActionStatus.OPEN)
    assert action.completed_on is None
    assert domain.update_action(action=action, actor=None, status=ActionStatus.OPEN) == {}


def test_passing_an_action_on_tells_the_new_owner(action, gov, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        domain.update_action(
            action=action, actor=gov.people["commissioner"], owner=gov.people["steering"]
        )
    assert mail.outbox[0].subject.startswith("Action passed to you")
    assert mail.outbox[0].to == [gov.people["steering"].email]


def test_overdue_actions_are_open_and_past_due(action, gov):
    assert list(queries.overdue_actions(gov.partnership, TODAY)) == []
    late = TODAY + dt.timedelta(days=11)
    assert list(queries.overdue_actions(gov.partnership, late)) == [action]
    assert action.is_overdue_on(late)
    domain.update_action(action=action, actor=None, status=ActionStatus.DONE)
    assert list(queries.overdue_actions(gov.partnership, late)) == []


# --- reminders -------------------------------------------------------------------------------


def send(day: dt.date):
    with time_machine.travel(at(day)):
        return domain.send_reminders(base_url="https://coplan.test")


def test_reminders_before_the_due_date_go_once_per_due_date(action, gov):
    due = action.due_on
    assert send(due - dt.timedelta(days=4)).emails == 0  # not yet
    run = send(due - dt.timedelta(days=3))
    assert (run.emails, [r.kind for r in run.reminders]) == (1, [ReminderKind.DUE_SOON])
    assert mail.outbox[0].to == [gov.people["procurement"].email]
    assert mail.outbox[0].subject == "Action due soon on Coplan"
    assert f"https://coplan.test/partnerships/{gov.partnership.pk}/governance/actions/" in (
        mail.outbox[0].body
    )
    assert send(due - dt.timedelta(days=3)).emails == 0  # run again the same day: nothing
    assert send(due - dt.timedelta(days=1)).emails == 0  # this due date was reminded already
    domain.update_action(action=action, actor=None, due_on=due + dt.timedelta(days=7))
    assert send(due + dt.timedelta(days=5)).emails == 1  # a new due date: a new reminder
    assert len(mail.outbox) == 2


def test_overdue_reminders_repeat_weekly_at_most_once_a_day(action):
    due = action.due_on
    days = [due + dt.timedelta(days=n) for n in range(1, 16)]
    sent = {day: send(day).emails + send(day).emails for day in days}  # twice a day
    assert [day for day, count in sent.items() if count] == [days[0], days[7], days[14]]
    assert all(count <= 1 for count in sent.values())
    assert mail.outbox[0].subject == "1 overdue action on Coplan"
    assert "(1 day overdue)" in mail.outbox[0].body
    assert "(8 days overdue)" in mail.outbox[1].body
    assert set(Reminder.objects.values_list("kind", flat=True)) == {"overdue"}
    assert AuditEvent.objects.filter(action="governance.action.reminded").count() == 3


def test_one_email_per_owner_lists_all_their_actions(action, gov):
    domain.create_action(
        partnership=gov.partnership,
        actor=None,
        description="Check the light-touch threshold.",
        owner=gov.people["procurement"],
        due_on=action.due_on - dt.timedelta(days=20),
    )
    run = send(action.due_on - dt.timedelta(days=2))
    assert (run.emails, len(run.reminders)) == (1, 2)
    assert "Check the light-touch threshold." in mail.outbox[0].body
    assert "Draft the procurement strategy." in mail.outbox[0].body


def test_no_reminders_for_closed_actions_ended_partnerships_or_inactive_owners(action, gov):
    late = action.due_on + dt.timedelta(days=1)
    gov.partnership.status = Status.ENDED
    gov.partnership.save()
    assert send(late).emails == 0
    gov.partnership.status = Status.ACTIVE
    gov.partnership.save()
    gov.people["procurement"].is_active = False
    gov.people["procurement"].save()
    assert send(late).emails == 0
    gov.people["procurement"].is_active = True
    gov.people["procurement"].save()
    domain.update_action(action=action, actor=None, status=ActionStatus.CANCELLED)
    assert send(late).emails == 0


def test_a_failed_email_is_tried_again_on_the_next_run(action, monkeypatch):
    from django.core.mail import EmailMessage

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    late = action.due_on + dt.timedelta(days=1)
    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(ConnectionRefusedError):
        send(late)
    assert not Reminder.objects.exists()
    monkeypatch.undo()
    assert send(late).emails == 1


def test_the_send_reminders_command_is_safe_to_run_repeatedly(action):
    out = StringIO()
    day = action.due_on + dt.timedelta(days=1)
    with time_machine.travel(at(day)):
        call_command("send_reminders", stdout=out)
        call_command("send_reminders", stdout=out)
    assert out.getvalue().splitlines() == [
        "Sent 1 reminder email about 1 action.",
        "Sent 0 reminder emails about 0 actions.",
    ]
    call_command("send_reminders", "--today", day.isoformat(), stdout=StringIO())
    assert len(mail.outbox) == 1


# --- exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_action_log_exports_to_csv_and_xlsx(action, gov, as_user, fmt):
    url = reverse("governance:actions.export", args=[gov.partnership.pk, fmt])
    response = as_user(gov.people["observer"]).get(url + "?status=all")
    assert response.status_code == 200
    assert f'filename="action-log-{gov.partnership.pk}.{fmt}"' in response["Content-Disposition"]
    table = read_table(response.content, f"export.{fmt}")
    assert table.columns[:6] == ["Reference", "Action", "Owner", "Owner email", "Due", "Status"]
    (row,) = table.rows
    assert row["Reference"] == action.reference
    assert row["Owner email"] == gov.people["procurement"].email
    assert row["Status"] == "Open"
    assert row["Body"] == "Steering group"
    assert row["Decision"] == action.decision.reference
    assert row["Due"].startswith(action.due_on.isoformat())
    assert as_user(gov.people["outsider"]).get(url).status_code == 404
    assert as_user(gov.people["observer"]).get(url.replace(fmt, "pdf")).status_code == 404
