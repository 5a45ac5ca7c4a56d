"""Every list page runs a fixed number of queries, however long the list (pretalx testing
docs: a query-count test for every list view)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.design import domain


def grow(world, start: int, n: int) -> None:
    """Add ``n`` more of everything the list pages show."""
    facilitator = world.people["facilitator"]
    for i in range(start, start + n):
        activity = domain.create_activity(
            partnership=world.partnership,
            actor=facilitator,
            title=f"Drop-in {i}",
            method="drop_in",
            held_on=dt.date(2006, 7, 1 + i % 28),
            place="Coatbridge",
            participant_count=i,
            new_user_groups=[f"Group {i}"],
        )
        item = domain.record_item(
            activity=activity, actor=facilitator, kind="idea", text=f"Idea {i}"
        )
        theme = domain.create_theme(partnership=world.partnership, actor=facilitator, name=f"T{i}")
        domain.curate_item(
            item=item, actor=facilitator, themes=[theme, world.storage], is_insight=True
        )
        domain.support(item=item, actor=world.people["service_user"])
        domain.comment(item=item, actor=world.people["service_user"], text=f"Comment {i}")
        domain.record_consent(
            partnership=world.partnership, actor=facilitator, name=f"Person {i}", covers="Quotes"
        )
        domain.add_requirement(
            version=world.partnership.specification_versions.get(status="draft"),
            actor=facilitator,
            section="outcomes",
            text=f"Requirement {i}",
            insights=[item],
            activities=[activity],
        )


LISTS = [
    ("overview", "facilitator"),
    ("activity.list", "facilitator"),
    ("board", "service_user"),
    ("board", "facilitator"),
    ("insights", "facilitator"),
    ("spec.list", "commissioner"),
    ("spec.detail", "observer"),
    ("spec.edit", "commissioner"),
    ("spec.diff", "observer"),
    ("you_said", "service_user"),
    ("consent.list", "facilitator"),
    ("disclosure", "procurement"),
    ("import.upload", "facilitator"),
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url_name", "persona"), LISTS, ids=[f"{u}-{p}" for u, p in LISTS])
def test_list_pages_run_a_fixed_number_of_queries(
    url_name, persona, world, as_user, django_assert_max_num_queries
):
    client = as_user(world.people[persona])
    kwargs = {"number": 1} if url_name in ("spec.detail", "spec.edit") else {}
    url = reverse(f"design:{url_name}", kwargs={"pk": world.partnership.pk, **kwargs})
    if url_name == "spec.diff":
        domain.approve_version(version=world.version, actor=world.people["commissioner"])
        domain.new_draft(partnership=world.partnership, actor=world.people["facilitator"])
        url += "?base=1&other=2"
    grow(world, 0, 2)
    few = _count(client, url)
    grow(world, 2, 10)

    with django_assert_max_num_queries(few):
        client.get(url)
    assert few <= 40
