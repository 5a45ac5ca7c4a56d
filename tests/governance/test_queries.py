"""Every list page runs a fixed number of queries, however much it lists (pretalx testing
docs); and the reads other apps use."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.governance import domain, queries
from coplan.governance.enums import InterestKind
from tests.api.helpers import api_as

from .factories import held_meeting, meeting_of


def populate(gov, n: int) -> None:
    """``n`` steering meetings, each with an agenda item, a declaration, minutes, a decision
    and an overdue action; ``n`` register entries."""
    for i in range(n):
        meeting = held_meeting(gov.steering, hours_ago=24 * (i + 1))
        item = domain.add_agenda_item(
            meeting=meeting, actor=None, title=f"Item {i}", presenter=gov.people["facilitator"]
        )
        domain.record_declaration(
            meeting=meeting, actor=None, person=gov.people["steering"], interest=f"Interest {i}"
        )
        domain.save_minutes(meeting=meeting, actor=None, text=f"Minutes {i}")
        decision = domain.record_decision(
            meeting=meeting, actor=None, text=f"Decision {i}", agenda_item=item
        )
        domain.create_action(
            partnership=gov.partnership,
            actor=None,
            description=f"Action {i}",
            owner=gov.people["commissioner"],
            due_on=dt.date(2020, 1, 1) + dt.timedelta(days=i),
            decision=decision,
        )
        domain.declare_interest(
            user=gov.people["procurement"],
            actor=None,
            kind=InterestKind.OTHER,
            description=f"Interest {i}",
        )
    domain.review_interests(user=gov.people["procurement"], actor=None)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


PAGES = [
    ("governance:index", True),
    ("governance:meetings", True),
    ("governance:decisions", True),
    ("governance:actions", True),
    ("governance:interests", True),
    ("governance:body", True),
    ("governance:meeting", True),
    ("governance_personal:actions", False),
    ("governance_personal:needs_doing", False),
]


@pytest.mark.parametrize(("url_name", "scoped"), PAGES, ids=[p[0] for p in PAGES])
def test_list_pages_run_a_fixed_number_of_queries(
    url_name, scoped, gov, as_user, django_assert_max_num_queries
):
    client = as_user(gov.people["commissioner"])

    def page_url():
        if not scoped:
            return reverse(url_name)
        args = [gov.partnership.pk]
        if url_name == "governance:body":
            args.append(gov.steering.pk)
        if url_name == "governance:meeting":
            args.append(gov.steering.meetings.order_by("starts_at").first().pk)
        return reverse(url_name, args=args)

    populate(gov, 2)
    few = count(client, page_url())
    populate(gov, 5)
    many = count(client, page_url())

    assert many == few, f"{url_name}: {few} queries for 2 meetings, {many} for 7"
    with django_assert_max_num_queries(25):
        client.get(page_url())


API_LISTS = ["meetings", "decisions", "actions", "bodies"]


@pytest.mark.parametrize("what", API_LISTS)
def test_api_lists_run_a_fixed_number_of_queries(what, gov):
    api = api_as(gov.people["observer"])
    path = f"/partnerships/{gov.partnership.pk}/{what}"
    populate(gov, 2)
    with CaptureQueriesContext(connection) as few:
        assert api.get(path).status_code == 200
    populate(gov, 5)
    with CaptureQueriesContext(connection) as many:
        assert api.get(path).status_code == 200
    assert len(many) == len(few)


def test_overdue_actions_for_the_dashboard(gov):
    populate(gov, 3)
    overdue = queries.overdue_actions(gov.partnership, today=dt.date(2020, 1, 2))
    assert [a.description for a in overdue] == ["Action 0"]
    assert len(queries.overdue_actions(gov.partnership)) == 3


def test_meetings_without_approved_minutes(gov):
    populate(gov, 2)
    upcoming = meeting_of(gov.steering, days_ahead=2)  # not held yet: not counted
    found = list(queries.meetings_without_approved_minutes(gov.partnership))
    assert len(found) == 2 and upcoming not in found
