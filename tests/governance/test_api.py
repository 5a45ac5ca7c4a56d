"""The governance API: the same rules as the pages, refusals as problem bodies (RFC 9457)."""

import datetime as dt

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coplan.governance import domain
from coplan.governance.enums import AttendanceStatus
from coplan.governance.models import Body, Decision, Minutes
from coplan.partnerships import gates
from coplan.partnerships.models import Membership
from tests.api.helpers import (
    FORBIDDEN,
    INVALID,
    NOT_FOUND,
    REFUSED,
    Api,
    api_as,
    assert_problem,
)

from .factories import held_meeting, meeting_of


@pytest.fixture
def api(gov):
    cache = {}

    def as_persona(name) -> Api:
        if name not in cache:
            cache[name] = api_as(gov.people[name])
        return cache[name]

    return as_persona


def base(gov) -> str:
    return f"/partnerships/{gov.partnership.pk}"


def test_bodies_are_listed_for_members_and_hidden_from_outsiders(gov, api):
    response = api("service_user").get(f"{base(gov)}/bodies")
    assert response.status_code == 200
    assert [(b["kind"], b["quorum"]) for b in response.json()] == [
        ("steering_group", 2),
        ("design_committee", 2),
    ]
    assert_problem(api("outsider").get(f"{base(gov)}/bodies"), 404, NOT_FOUND)
    detail = api("observer").get(f"{base(gov)}/bodies/{gov.steering.pk}").json()
    chair = detail["members"][0]
    assert (chair["role_in_body"], chair["person"]["id"]) == (
        "chair",
        gov.people["commissioner"].pk,
    )
    assert chair["organisation"]["name"]  # the department is shown


def test_managers_set_up_bodies_and_others_are_refused(gov, api):
    payload = {"kind": "working_group", "name": "Referrals", "quorum": 2}
    body = assert_problem(api("steering").post(f"{base(gov)}/bodies", payload), 403, FORBIDDEN)
    assert body["detail"] == "Only the facilitator or the commissioner can set up bodies."
    response = api("facilitator").post(f"{base(gov)}/bodies", payload)
    assert response.status_code == 201
    assert response.json()["name"] == "Referrals"
    again = api("facilitator").post(f"{base(gov)}/bodies", {"kind": "steering_group"})
    problem = assert_problem(again, 422, REFUSED)
    assert (problem["code"], problem["field"]) == ("body_exists", "kind")


def test_seats_are_added_from_partnership_memberships(gov, api):
    membership = Membership.objects.get(partnership=gov.partnership, user=gov.people["evaluator"])
    response = api("commissioner").post(
        f"{base(gov)}/bodies/{gov.steering.pk}/members",
        {"membership_id": membership.pk, "role_in_body": "adviser", "is_voting": False},
    )
    assert response.status_code == 201
    seat = response.json()
    assert (seat["role_in_body"], seat["is_voting"]) == ("adviser", False)
    removed = api("commissioner").delete(
        f"{base(gov)}/bodies/{gov.steering.pk}/members/{seat['id']}"
    )
    assert removed.status_code == 204
    assert gov.steering.members.get(pk=seat["id"]).left_on is not None


def test_a_seat_added_through_the_api_must_say_whether_it_votes(gov, api):
    membership = Membership.objects.get(partnership=gov.partnership, user=gov.people["evaluator"])
    response = api("commissioner").post(
        f"{base(gov)}/bodies/{gov.steering.pk}/members", {"membership_id": membership.pk}
    )
    assert_problem(response, 422, INVALID)
    assert not gov.steering.members.filter(user=gov.people["evaluator"]).exists()


def test_terms_changed_by_patch(gov, api):
    response = api("commissioner").patch(
        f"{base(gov)}/bodies/{gov.steering.pk}", {"quorum": 3, "decision_rule": "two_thirds"}
    )
    assert response.status_code == 200
    assert (response.json()["quorum"], response.json()["decision_rule"]) == (3, "two_thirds")
    invalid = api("commissioner").patch(f"{base(gov)}/bodies/{gov.steering.pk}", {"quorum": 0})
    assert_problem(invalid, 422, INVALID)


def test_a_meeting_is_scheduled_in_uk_time_and_run_through_the_api(gov, api):
    chair = api("commissioner")
    response = chair.post(
        f"{base(gov)}/bodies/{gov.steering.pk}/meetings",
        {
            "starts_at": "2030-07-02T10:00:00",
            "ends_at": "2030-07-02T12:00:00",
            "location": "Room 2",
        },
    )
    assert response.status_code == 201
    meeting = response.json()
    assert meeting["starts_at"].startswith("2030-07-02T10:00:00+01:00")
    assert meeting["status"] == "upcoming"
    assert meeting["page"].endswith(f"/governance/meetings/{meeting['id']}/")
    path = f"{base(gov)}/meetings/{meeting['id']}"

    item = chair.post(f"{path}/agenda", {"title": "Interim evaluation"})
    assert item.status_code == 201
    upload = chair.client.post(
        f"/api/v1{path}/agenda/{item.json()['id']}/papers",
        {"file": SimpleUploadedFile("evaluation.pdf", b"%PDF-1.7", "application/pdf")},
        **chair.headers,
    )
    assert upload.status_code == 201, upload.content
    assert upload.json()["filename"] == "evaluation.pdf"
    agenda = chair.get(f"{path}/agenda").json()
    assert [p["title"] for p in agenda[0]["papers"]] == ["evaluation"]

    sent = chair.post(f"{path}/invitations")
    assert sent.json() == {"sent": 4}

    apologies = chair.client.put(
        f"/api/v1{path}/attendance",
        {"attendance": [{"person_id": gov.people["steering"].pk, "status": "apologies"}]},
        content_type="application/json",
        **chair.headers,
    )
    assert apologies.status_code == 200
    assert apologies.json()["quorum"]["apologies"] == 1

    moved = chair.patch(path, {"location": "Room 4"})
    assert (moved.json()["location"], moved.json()["sequence"]) == ("Room 4", 1)


def put(client: Api, path, body):
    return client.client.put(
        f"/api/v1{path}", body, content_type="application/json", **client.headers
    )


def test_attendance_minutes_and_decisions(gov, api):
    secretary = api("procurement")
    meeting = meeting_of(gov.steering)
    path = f"{base(gov)}/meetings/{meeting.pk}"
    incomplete = put(
        secretary,
        f"{path}/attendance",
        {"attendance": [{"person_id": gov.people["commissioner"].pk, "status": "present"}]},
    )
    assert assert_problem(incomplete, 422, REFUSED)["code"] == "attendance_incomplete"
    no_quorum = secretary.post(f"{path}/decisions", {"text": "Agreed"})
    assert assert_problem(no_quorum, 422, REFUSED)["code"] == "not_quorate"
    everyone = [
        {"person_id": s.user_id, "status": "present"} for s in domain.seats_on(gov.steering)
    ]
    taken = put(secretary, f"{path}/attendance", {"attendance": everyone})
    assert taken.json()["quorum"] == {
        "required": 2,
        "present_voting": 3,
        "present": 4,
        "apologies": 0,
        "absent": 0,
        "recorded": True,
        "met": True,
    }
    declared = secretary.post(
        f"{path}/declarations",
        {"person_id": gov.people["steering"].pk, "interest": "Trustee", "outcome": "withdrew"},
    )
    assert declared.status_code == 201
    decision = secretary.post(
        f"{path}/decisions",
        {
            "kind": "gate_approval",
            "stage": "feasibility",
            "votes": {"votes_for": 2, "against": 0, "abstaining": 0},
        },
    )
    assert decision.status_code == 201, decision.content
    body = decision.json()
    assert (body["kind"], body["stage"], body["votes"]["votes_for"]) == (
        "gate_approval",
        "feasibility",
        2,
    )
    assert body["subject"] == {"type": "partnerships.partnership", "id": str(gov.partnership.pk)}
    report = gates.evaluate(gov.partnership)
    assert next(r for r in report.results if r.criterion.code.startswith("gate_")).met
    # too many votes: the member who withdrew cannot vote
    refused = secretary.post(
        f"{path}/decisions",
        {"text": "x", "votes": {"votes_for": 3, "against": 0, "abstaining": 0}},
    )
    assert assert_problem(refused, 422, REFUSED)["code"] == "too_many_votes"

    minutes = put(secretary, f"{path}/minutes", {"text": "Gate approved."})
    assert (minutes.status_code, minutes.json()["status"]) == (200, "draft")
    later = held_meeting(gov.steering, hours_ago=1)
    approval = secretary.post(
        f"{base(gov)}/meetings/{later.pk}/decisions",
        {"kind": "minutes_approval", "minutes_of_meeting_id": meeting.pk},
    )
    assert approval.status_code == 201
    locked = put(secretary, f"{path}/minutes", {"text": "Rewritten"})
    problem = assert_problem(locked, 422, REFUSED)
    assert problem["code"] == "minutes_locked"
    assert Minutes.objects.get(meeting=meeting).text == "Gate approved."
    listed = secretary.get(f"{base(gov)}/decisions", {"kind": "minutes_approval"}).json()
    assert [d["subject"]["type"] for d in listed["items"]] == ["governance.minutes"]


def test_members_of_one_body_cannot_write_another_bodys_minutes(gov, api):
    meeting = held_meeting(gov.design)
    path = f"{base(gov)}/meetings/{meeting.pk}/minutes"
    problem = assert_problem(put(api("steering"), path, {"text": "x"}), 403, FORBIDDEN)
    assert problem["detail"].startswith("Only members of this body")
    assert put(api("se_partner"), path, {"text": "Agreed ROAR."}).status_code == 200
    assert_problem(put(api("observer"), path, {"text": "x"}), 403, FORBIDDEN)
    assert_problem(put(api("outsider"), path, {"text": "x"}), 404, NOT_FOUND)


def test_a_decision_links_an_object_named_by_type_and_id(gov, api):
    meeting = held_meeting(gov.steering)
    response = api("commissioner").post(
        f"{base(gov)}/meetings/{meeting.pk}/decisions",
        {
            "kind": "terms_of_reference",
            "subject_type": "governance.body",
            "subject_id": str(gov.design.pk),
        },
    )
    assert response.status_code == 201
    assert Body.objects.get(pk=gov.design.pk).tor_decision_id == response.json()["id"]
    unknown = api("commissioner").post(
        f"{base(gov)}/meetings/{meeting.pk}/decisions",
        {"text": "x", "subject_type": "nothing.here", "subject_id": "1"},
    )
    assert assert_problem(unknown, 422, REFUSED)["code"] == "unknown_subject"
    assert Decision.objects.count() == 1


def test_actions_and_the_mine_filter(gov, api):
    meeting = held_meeting(gov.steering)
    chair = api("commissioner")
    created = chair.post(
        f"{base(gov)}/actions",
        {
            "description": "Send the referral data.",
            "owner_id": gov.people["steering"].pk,
            "due_on": "2020-01-31",
            "meeting_id": meeting.pk,
        },
    )
    assert created.status_code == 201
    action = created.json()
    assert (action["overdue"], action["body_id"]) == (True, gov.steering.pk)
    chair.post(
        f"{base(gov)}/actions",
        {
            "description": "Book rooms.",
            "owner_id": gov.people["facilitator"].pk,
            "due_on": "2031-01-01",
        },
    )
    mine = api("steering").get("/actions/mine").json()
    assert [a["reference"] for a in mine["items"]] == [action["reference"]]
    overdue = chair.get(f"{base(gov)}/actions", {"overdue": "true"}).json()
    assert overdue["count"] == 1
    filtered = api("facilitator").get(f"{base(gov)}/actions", {"mine": "true"}).json()
    assert [a["description"] for a in filtered["items"]] == ["Book rooms."]
    # the owner reports progress; someone else on no body cannot
    done = api("steering").patch(
        f"{base(gov)}/actions/{action['id']}", {"status": "done", "progress_note": "Sent."}
    )
    assert (done.status_code, done.json()["status"]) == (200, "done")
    assert done.json()["completed_on"] == dt.date.today().isoformat()
    assert_problem(
        api("evaluator").patch(f"{base(gov)}/actions/{action['id']}", {"status": "open"}),
        403,
        FORBIDDEN,
    )
    refused = chair.post(
        f"{base(gov)}/actions",
        {"description": "x", "owner_id": gov.people["outsider"].pk, "due_on": "2031-01-01"},
    )
    assert assert_problem(refused, 422, REFUSED)["field"] == "owner_id"
    assert_problem(
        api("se_partner").post(
            f"{base(gov)}/actions",
            {"description": "x", "owner_id": gov.people["se_partner"].pk, "due_on": "2031-01-01"},
        ),
        403,
        FORBIDDEN,
    )


def test_calendar_feeds_through_the_api(gov, api):
    meeting = meeting_of(gov.steering, days_ahead=7)
    links = api("procurement").get("/calendar").json()
    assert [b["body_id"] for b in links["bodies"]] == [gov.steering.pk, gov.design.pk]
    anonymous = Api()  # no token: the secret in the URL is the key
    person = anonymous.get(links["person"].split("/api/v1", 1)[1])
    assert person.status_code == 200
    assert person["Content-Type"] == "text/calendar; charset=utf-8"
    events = icalendar.Calendar.from_ical(person.content).events
    assert [str(e["uid"]) for e in events] == [f"{meeting.uid}@coplan"]
    body_feed = anonymous.get(links["bodies"][1]["url"].split("/api/v1", 1)[1])
    assert icalendar.Calendar.from_ical(body_feed.content).events == []
    assert_problem(anonymous.get("/calendar/not-a-secret.ics"), 404, NOT_FOUND)
    assert_problem(anonymous.get("/calendar"), 401, "Unauthorised")


def test_meeting_lists_are_paginated_and_filtered(gov, api):
    for days in (1, 2, 3):
        meeting_of(gov.steering, days_ahead=days)
    meeting_of(gov.design, days_ahead=4)
    listed = api("observer").get(f"{base(gov)}/meetings", {"limit": 2}).json()
    assert (listed["count"], len(listed["items"])) == (4, 2)
    design = api("observer").get(f"{base(gov)}/meetings", {"body_id": gov.design.pk}).json()
    assert design["count"] == 1


def test_an_observer_reads_but_cannot_write(gov, api):
    meeting = held_meeting(gov.steering)
    path = f"{base(gov)}/meetings/{meeting.pk}"
    assert api("observer").get(f"{path}/attendance").status_code == 200
    assert api("observer").get(f"{path}/declarations").status_code == 200
    for response in [
        api("observer").post(f"{path}/decisions", {"text": "x"}),
        api("observer").post(f"{path}/agenda", {"title": "x"}),
        api("observer").post(f"{path}/declarations", {"person_id": 1, "interest": "x"}),
        put(api("observer"), f"{path}/attendance", {"attendance": []}),
    ]:
        assert_problem(response, 403, FORBIDDEN)
    statuses = {s.user_id: AttendanceStatus.PRESENT for s in domain.seats_on(gov.steering)}
    assert statuses  # unchanged by the refused calls
    assert meeting.attendance.count() == 4
