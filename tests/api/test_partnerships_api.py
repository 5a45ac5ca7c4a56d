"""The partnerships API, called with real personal tokens.

Same rules as the pages: outsiders get 404, members without the permission 403, and every
error is an RFC 9457 problem body.
"""

import datetime as dt
import re

import pytest
from django.core import mail

from coplan.core.models import AuditEvent
from coplan.partnerships import domain
from coplan.partnerships.enums import Role, Stage, StageChangeKind
from coplan.partnerships.health import ELEMENTS
from coplan.partnerships.models import Invitation, Membership, Partnership, StageChange
from tests.conftest import ALL_ROLES, PERSONAS
from tests.factories import (
    CouncilFactory,
    OrganisationFactory,
    PartnershipFactory,
    SiteAdminFactory,
    UserFactory,
    member,
)

from .helpers import FORBIDDEN, INVALID, NOT_FOUND, REFUSED, api_as, assert_problem


@pytest.fixture(autouse=True)
def _foundation(foundation_gates):
    """Stage actions here are about permissions: the gates hold only the foundation's own
    criteria (each app tests the criteria it adds)."""


MANAGERS = {Role.FACILITATOR.value, Role.COMMISSIONER.value}
COMMISSIONER = {Role.COMMISSIONER.value}
FORBIDDEN_DETAIL = "Your role in this partnership does not allow this."


def assert_refused(response, persona):
    """403 for a member without the permission, 404 for an outsider."""
    if persona == "outsider":
        body = assert_problem(response, 404, NOT_FOUND)
        assert body["detail"] == "No such object, or you cannot see it."
    else:
        body = assert_problem(response, 403, FORBIDDEN)
        assert body["detail"] == FORBIDDEN_DETAIL


def audit_trail(partnership) -> list[tuple[str, int]]:
    return list(
        AuditEvent.objects.filter(partnership=partnership)
        .order_by("id")
        .values_list("action", "actor_id")
    )


def fresh(partnership) -> Partnership:
    return Partnership.objects.get(pk=partnership.pk)


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_holds_only_your_own_partnerships(persona, partnership, api):
    member(PartnershipFactory(title="Someone else's PSP"), Role.COMMISSIONER)

    response = api(persona).get("/partnerships")

    assert response.status_code == 200
    body = response.json()
    if persona == "outsider":
        assert body == {"items": [], "count": 0}
    else:
        assert body["count"] == 1
        assert [p["title"] for p in body["items"]] == [partnership.title]


def test_the_list_can_be_searched(partnership, personas):
    other = PartnershipFactory(title="Befriending PSP", service_area="Older people")
    Membership.objects.create(partnership=other, user=personas["observer"], role=Role.OBSERVER)
    client = api_as(personas["observer"])

    assert [p["title"] for p in client.get("/partnerships", {"q": "older"}).json()["items"]] == [
        "Befriending PSP"
    ]
    assert client.get("/partnerships", {"q": "nothing like it"}).json()["count"] == 0


def test_a_member_reads_the_partnership(partnership, api):
    response = api("observer").get(f"/partnerships/{partnership.pk}")

    assert response.status_code == 200
    assert response.json() == {
        "id": partnership.pk,
        "title": partnership.title,
        "service_area": "Emergency furniture",
        "summary": "People losing a tenancy need storage and furniture packs.",
        "lead_authority": {
            "id": partnership.lead_authority_id,
            "name": partnership.lead_authority.name,
        },
        "intermediary": {"id": partnership.intermediary_id, "name": partnership.intermediary.name},
        "stage": "feasibility",
        "status": "active",
        "is_illustrative": False,
        "started_on": "2006-01-01",
        "design_ends_on": "2006-09-30",
        "pilot_starts_on": "2006-10-01",
        "pilot_ends_on": "2007-03-31",
        "spec_freeze_on": "2007-05-01",
        "tender_on": "2007-07-01",
    }


@pytest.mark.parametrize(
    "path", ["", "/gate", "/health", "/members", "/activity"], ids=lambda p: p or "detail"
)
def test_outsiders_cannot_see_a_partnership_exists(path, partnership, api):
    outsider = api("outsider")

    assert_refused(outsider.get(f"/partnerships/{partnership.pk}{path}"), "outsider")
    # ...and get the same answer as for a partnership that does not exist
    assert_refused(outsider.get(f"/partnerships/{partnership.pk + 1000}{path}"), "outsider")


@pytest.mark.parametrize("persona", ALL_ROLES)
def test_every_member_reads_the_gate_health_members_and_activity(persona, partnership, api):
    client = api(persona)

    for path in ["", "/gate", "/health", "/members", "/activity"]:
        assert client.get(f"/partnerships/{partnership.pk}{path}").status_code == 200, path


def test_the_gate_lists_the_exit_criteria(partnership, api):
    response = api("steering").get(f"/partnerships/{partnership.pk}/gate")

    assert response.status_code == 200
    body = response.json()
    assert (body["stage"], body["next_stage"], body["can_advance"]) == (
        "feasibility",
        "strategic",
        False,
    )
    assert [(c["code"], c["manual"], c["met"]) for c in body["criteria"]] == [
        ("need_statement", False, True),
        ("commissioner_named", False, True),
        ("procurement_officer_assigned", False, True),
        ("go_decision", True, False),
    ]


def test_the_health_check_has_the_seven_elements(partnership, api):
    response = api("evaluator").get(f"/partnerships/{partnership.pk}/health")

    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 7
    assert [(r["element"], r["name"]) for r in rows] == list(ELEMENTS.items())
    assert {r["element"]: r["status"] for r in rows} == {
        1: "not_started",
        2: "not_started",
        3: "on_track",  # an intermediary with a facilitator and a clean timeline
        4: "not_started",
        5: "at_risk",  # the personas' organisations are not council departments
        6: "not_started",
        7: "not_started",
    }


# --- changing details and dates ------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_and_commissioners_may_patch(persona, partnership, personas, api):
    response = api(persona).patch(
        f"/partnerships/{partnership.pk}", {"title": "Furniture reuse PSP"}
    )

    if persona in MANAGERS:
        assert response.status_code == 200
        assert response.json()["title"] == "Furniture reuse PSP"
        assert fresh(partnership).title == "Furniture reuse PSP"
        assert audit_trail(partnership) == [("partnership.updated", personas[persona].pk)]
        assert AuditEvent.objects.get(action="partnership.updated").data == {
            "changed": {"title": [partnership.title, "Furniture reuse PSP"]}
        }
    else:
        assert_refused(response, persona)
        assert fresh(partnership).title == partnership.title
        assert audit_trail(partnership) == []


def test_patching_dates_records_the_timeline_findings(partnership, personas, api):
    response = api("facilitator").patch(
        f"/partnerships/{partnership.pk}", {"started_on": "2006-06-01"}
    )

    assert response.status_code == 200
    assert response.json()["started_on"] == "2006-06-01"
    event = AuditEvent.objects.get(partnership=partnership)
    assert (event.action, event.actor) == ("partnership.timeline.updated", personas["facilitator"])
    assert event.data == {
        "changed": {"started_on": ["2006-01-01", "2006-06-01"]},
        "errors": [],
        "warnings": ["psp_start_under_18_months"],
    }


def test_patching_details_and_dates_records_both(partnership, api):
    response = api("commissioner").patch(
        f"/partnerships/{partnership.pk}", {"summary": "New need", "tender_on": "2007-09-01"}
    )

    assert response.status_code == 200
    assert (response.json()["summary"], response.json()["tender_on"]) == ("New need", "2007-09-01")
    assert [a for a, _ in audit_trail(partnership)] == [
        "partnership.updated",
        "partnership.timeline.updated",
    ]


def test_patching_an_unchanged_value_records_nothing(partnership, api):
    response = api("commissioner").patch(
        f"/partnerships/{partnership.pk}", {"title": partnership.title}
    )

    assert response.status_code == 200
    assert audit_trail(partnership) == []


def test_a_pilot_ending_before_it_starts_is_refused(partnership, api):
    response = api("commissioner").patch(
        f"/partnerships/{partnership.pk}",
        {"pilot_starts_on": "2007-01-01", "pilot_ends_on": "2006-12-31"},
    )

    body = assert_problem(response, 422, INVALID)
    assert body["errors"] == [
        {
            "field": "body",
            "message": "Constraint “pilot_ends_after_it_starts” is violated.",
            "code": "invalid",
        }
    ]
    assert fresh(partnership).pilot_starts_on == dt.date(2006, 10, 1)
    assert audit_trail(partnership) == []


def test_a_refused_patch_changes_nothing(partnership, api):
    response = api("commissioner").patch(
        f"/partnerships/{partnership.pk}",
        {
            "title": "Furniture reuse PSP",
            "pilot_starts_on": "2007-01-01",
            "pilot_ends_on": "2006-12-31",
        },
    )

    assert_problem(response, 422, INVALID)
    assert fresh(partnership).title == partnership.title
    assert audit_trail(partnership) == []


def test_patching_an_unknown_organisation_is_refused(partnership, api):
    response = api("commissioner").patch(
        f"/partnerships/{partnership.pk}", {"lead_authority_id": 999_999}
    )

    body = assert_problem(response, 422, REFUSED)
    assert (body["code"], body["field"], body["detail"]) == (
        "unknown_organisation",
        "lead_authority_id",
        "No organisation has id 999999.",
    )
    assert fresh(partnership).lead_authority_id == partnership.lead_authority_id


# --- starting a partnership ----------------------------------------------------------------


def _council_officer():
    user = UserFactory()
    user.organisations.add(CouncilFactory(name="North Lanarkshire Council"))
    return user


START_REFUSED = (
    "Only people from a council, a health body or an intermediary can start a partnership."
)


def _intermediary_worker():
    user = UserFactory()
    user.organisations.add(OrganisationFactory(name="Glasgow CVS", type="intermediary"))
    return user


@pytest.mark.parametrize(
    ("who", "make_user", "may"),
    [
        ("site administrator", SiteAdminFactory, "commissioner"),
        ("staff outside the Site administrators group", lambda: UserFactory(is_staff=True), False),
        ("council officer", _council_officer, "commissioner"),
        ("intermediary worker", _intermediary_worker, "facilitator"),
        ("no public-sector or intermediary affiliation", UserFactory, False),
    ],
)
def test_who_may_start_a_partnership(who, make_user, may, db):
    council = CouncilFactory(name="Glasgow City Council")
    user = make_user()

    response = api_as(user).post(
        "/partnerships",
        {"title": "Glasgow meals PSP", "service_area": "Meals", "lead_authority_id": council.pk},
    )

    if may:
        assert response.status_code == 201
        created = Partnership.objects.get()
        assert response.json()["id"] == created.pk
        assert response.json()["stage"] == "feasibility"
        assert list(created.memberships.values_list("user", "role")) == [(user.pk, may)]
        assert audit_trail(created) == [("partnership.created", user.pk)]
    else:
        body = assert_problem(response, 403, FORBIDDEN)
        assert body["detail"] == START_REFUSED
        assert Partnership.objects.count() == 0


# --- stages --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_commissioner_may_advance(persona, partnership, personas, api):
    response = api(persona).post(
        f"/partnerships/{partnership.pk}/advance",
        {"confirmed": ["go_decision"], "note": "Go decision minuted"},
    )

    if persona in COMMISSIONER:
        assert response.status_code == 200
        body = response.json()
        assert (body["kind"], body["from_stage"], body["to_stage"], body["reason"]) == (
            "advanced",
            "feasibility",
            "strategic",
            "Go decision minuted",
        )
        assert fresh(partnership).stage == Stage.STRATEGIC
        assert audit_trail(partnership) == [
            ("partnership.stage.advanced", personas["commissioner"].pk)
        ]
    else:
        assert_refused(response, persona)
        assert fresh(partnership).stage == Stage.FEASIBILITY
        assert StageChange.objects.count() == 0
        assert audit_trail(partnership) == []


def test_the_gate_refuses_a_partnership_without_a_procurement_officer(db):
    partnership = PartnershipFactory()
    commissioner = member(partnership, Role.COMMISSIONER)

    response = api_as(commissioner).post(
        f"/partnerships/{partnership.pk}/advance", {"confirmed": ["go_decision"]}
    )

    body = assert_problem(response, 409, REFUSED)
    reason = (
        "Procurement officer assigned: No procurement officer is a member yet: invite one on the "
        "members page."
    )
    assert body["code"] == "gate_refused"
    assert body["reasons"] == [reason]
    assert body["detail"] == f"The stage cannot advance: {reason}"
    assert [(c["code"], c["met"]) for c in body["criteria"]] == [
        ("need_statement", True),
        ("commissioner_named", True),
        ("procurement_officer_assigned", False),
        ("go_decision", True),
    ]
    # The partnership stays put; the refusal is on the record.
    assert fresh(partnership).stage == Stage.FEASIBILITY
    refusal = StageChange.objects.get()
    assert (refusal.kind, refusal.from_stage, refusal.to_stage, refusal.reason) == (
        StageChangeKind.REFUSED,
        "feasibility",
        "strategic",
        reason,
    )
    assert audit_trail(partnership) == [("partnership.stage.advance_refused", commissioner.pk)]


def test_an_unconfirmed_checklist_item_blocks_the_gate(partnership, api):
    response = api("commissioner").post(f"/partnerships/{partnership.pk}/advance")

    body = assert_problem(response, 409, REFUSED)
    assert body["reasons"] == [
        "Steering sponsor approved the go decision (to PSP or not): Confirm this when you advance."
    ]
    assert fresh(partnership).stage == Stage.FEASIBILITY


def test_the_last_stage_cannot_advance(partnership, api):
    Partnership.objects.filter(pk=partnership.pk).update(stage=Stage.CONTRACT)

    response = api("commissioner").post(f"/partnerships/{partnership.pk}/advance")

    body = assert_problem(response, 409, REFUSED)
    assert body["reasons"] == ["Contract and monitoring is the last stage."]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_commissioner_may_loop_back(persona, partnership, personas, api):
    Partnership.objects.filter(pk=partnership.pk).update(stage=Stage.PILOT)

    response = api(persona).post(
        f"/partnerships/{partnership.pk}/loop-back",
        {"to_stage": "service_design", "reason": "The referral route does not work"},
    )

    if persona in COMMISSIONER:
        assert response.status_code == 200
        body = response.json()
        assert (body["kind"], body["from_stage"], body["to_stage"], body["reason"]) == (
            "looped_back",
            "pilot",
            "service_design",
            "The referral route does not work",
        )
        assert fresh(partnership).stage == Stage.SERVICE_DESIGN
        assert audit_trail(partnership) == [
            ("partnership.stage.looped_back", personas["commissioner"].pk)
        ]
    else:
        assert_refused(response, persona)
        assert fresh(partnership).stage == Stage.PILOT
        assert StageChange.objects.count() == 0
        assert audit_trail(partnership) == []


def test_loop_back_needs_a_reason(partnership, api):
    Partnership.objects.filter(pk=partnership.pk).update(stage=Stage.STRATEGIC)

    response = api("commissioner").post(
        f"/partnerships/{partnership.pk}/loop-back", {"to_stage": "feasibility"}
    )

    body = assert_problem(response, 422, INVALID)
    assert body["detail"] == "Check these fields: reason."
    assert body["errors"] == [{"field": "reason", "message": "Field required", "code": "missing"}]
    assert fresh(partnership).stage == Stage.STRATEGIC


def test_loop_back_needs_a_reason_that_is_not_blank(partnership, api):
    Partnership.objects.filter(pk=partnership.pk).update(stage=Stage.STRATEGIC)

    response = api("commissioner").post(
        f"/partnerships/{partnership.pk}/loop-back", {"to_stage": "feasibility", "reason": "  "}
    )

    body = assert_problem(response, 422, REFUSED)
    assert (body["code"], body["field"], body["detail"]) == (
        "reason_required",
        "reason",
        "Say why the partnership is going back a stage.",
    )
    assert fresh(partnership).stage == Stage.STRATEGIC
    assert audit_trail(partnership) == []


def test_loop_back_only_goes_to_an_earlier_stage(partnership, api):
    response = api("commissioner").post(
        f"/partnerships/{partnership.pk}/loop-back", {"to_stage": "pilot", "reason": "Skip ahead"}
    )

    body = assert_problem(response, 422, REFUSED)
    assert (body["code"], body["field"]) == ("not_earlier", "to_stage")
    assert fresh(partnership).stage == Stage.FEASIBILITY


def test_loop_back_to_an_unknown_stage_is_invalid(partnership, api):
    response = api("commissioner").post(
        f"/partnerships/{partnership.pk}/loop-back", {"to_stage": "nowhere", "reason": "Why not"}
    )

    body = assert_problem(response, 422, INVALID)
    assert [e["field"] for e in body["errors"]] == ["to_stage"]


# --- members -------------------------------------------------------------------------------


def test_members_are_listed_by_role(partnership, personas, api):
    response = api("service_user").get(f"/partnerships/{partnership.pk}/members")

    assert response.status_code == 200
    rows = response.json()
    assert [(r["role"], r["user_id"], r["email"]) for r in rows] == [
        (role, personas[role].pk, personas[role].email) for role in sorted(ALL_ROLES)
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_and_commissioners_may_add_members(persona, partnership, personas, api):
    joiner = UserFactory(email="joiner@example.org", full_name="Jo Iner")

    response = api(persona).post(
        f"/partnerships/{partnership.pk}/members",
        {"email": "Joiner@Example.org", "role": "evaluator"},
    )

    if persona in MANAGERS:
        assert response.status_code == 201
        added = Membership.objects.get(user=joiner)
        assert response.json() == {
            "id": added.pk,
            "user_id": joiner.pk,
            "full_name": "Jo Iner",
            "email": "joiner@example.org",
            "role": "evaluator",
            "organisation": None,
        }
        assert audit_trail(partnership) == [("partnership.member.added", personas[persona].pk)]
    else:
        assert_refused(response, persona)
        assert not Membership.objects.filter(user=joiner).exists()
        assert audit_trail(partnership) == []


def test_adding_someone_without_an_account_is_refused(partnership, api):
    response = api("commissioner").post(
        f"/partnerships/{partnership.pk}/members",
        {"email": "nobody@example.org", "role": "observer"},
    )

    body = assert_problem(response, 422, REFUSED)
    assert (body["code"], body["field"], body["detail"]) == (
        "unknown_user",
        "email",
        "No Coplan user has the email nobody@example.org: send an invitation instead.",
    )


def test_adding_a_role_someone_already_holds_is_refused(partnership, personas, api):
    observer = personas["observer"]

    response = api("commissioner").post(
        f"/partnerships/{partnership.pk}/members", {"email": observer.email, "role": "observer"}
    )

    body = assert_problem(response, 422, REFUSED)
    assert (body["code"], body["field"]) == ("already_member", "role")
    assert partnership.memberships.filter(user=observer).count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_and_commissioners_may_remove_members(
    persona, partnership, personas, api
):
    leaving = Membership.objects.get(user=member(partnership, Role.EVALUATOR))

    response = api(persona).delete(f"/partnerships/{partnership.pk}/members/{leaving.pk}")

    if persona in MANAGERS:
        assert response.status_code == 204
        assert response.content == b""
        assert not Membership.objects.filter(pk=leaving.pk).exists()
        assert audit_trail(partnership) == [("partnership.member.removed", personas[persona].pk)]
    else:
        assert_refused(response, persona)
        assert Membership.objects.filter(pk=leaving.pk).exists()
        assert audit_trail(partnership) == []


def test_the_last_commissioner_cannot_be_removed(partnership, api):
    commissioner = partnership.memberships.get(role=Role.COMMISSIONER)

    response = api("facilitator").delete(
        f"/partnerships/{partnership.pk}/members/{commissioner.pk}"
    )

    body = assert_problem(response, 422, REFUSED)
    assert (body["code"], body["detail"]) == (
        "last_commissioner",
        "A partnership always needs a commissioner: add another first.",
    )
    assert Membership.objects.filter(pk=commissioner.pk).exists()


def test_a_member_of_another_partnership_cannot_be_removed_through_this_one(partnership, api):
    other = PartnershipFactory()
    theirs = Membership.objects.get(user=member(other, Role.EVALUATOR))

    response = api("commissioner").delete(f"/partnerships/{partnership.pk}/members/{theirs.pk}")

    assert_problem(response, 404, NOT_FOUND)
    assert Membership.objects.filter(pk=theirs.pk).exists()


# --- invitations ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_facilitators_and_commissioners_may_invite(
    persona, partnership, personas, api, django_capture_on_commit_callbacks, time_machine
):
    time_machine.move_to(dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC), tick=False)
    client = api(persona)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/partnerships/{partnership.pk}/invitations",
            {
                "email": "New.Partner@Example.org",
                "full_name": "New Partner",
                "roles": ["service_user", "evaluator"],
            },
        )

    if persona in MANAGERS:
        assert response.status_code == 201
        invitation = Invitation.objects.get()
        body = response.json()
        assert body["id"] == invitation.pk
        assert body["email"] == "new.partner@example.org"
        assert body["roles"] == ["evaluator", "service_user"]
        assert body["expires_at"] == "2026-03-16T09:30:00Z"  # valid for 14 days
        assert audit_trail(partnership) == [("partnership.member.invited", personas[persona].pk)]

        assert len(mail.outbox) == 1
        sent = mail.outbox[0]
        assert sent.to == ["new.partner@example.org"]
        assert sent.subject == f"You are invited to the {partnership.title} partnership on Coplan"
        assert "as Evaluator, Service user representative." in sent.body
        link = re.search(r"http://testserver/partnerships/invitations/(\S+)/\n", sent.body)
        assert domain.find_invitation(link.group(1)) == invitation
    else:
        assert_refused(response, persona)
        assert Invitation.objects.count() == 0
        assert audit_trail(partnership) == []
        assert mail.outbox == []


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"email": "not an address", "roles": ["observer"]}, "invalid_email", "email"),
        ({"email": "someone@example.org", "roles": []}, "roles_required", "roles"),
    ],
    ids=["bad email", "no roles"],
)
def test_an_invalid_invitation_is_refused(
    payload, code, field, partnership, api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api("commissioner").post(f"/partnerships/{partnership.pk}/invitations", payload)

    body = assert_problem(response, 422, REFUSED)
    assert (body["code"], body["field"]) == (code, field)
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_inviting_someone_to_roles_they_hold_is_refused(partnership, personas, api):
    response = api("commissioner").post(
        f"/partnerships/{partnership.pk}/invitations",
        {"email": personas["observer"].email.upper(), "roles": ["observer"]},
    )

    body = assert_problem(response, 422, REFUSED)
    assert body["code"] == "already_member"


# --- activity ------------------------------------------------------------------------------


@pytest.fixture
def three_events(partnership, api):
    """A title change, then a date change, then an invitation, by the commissioner."""
    client = api("commissioner")
    base = f"/partnerships/{partnership.pk}"
    assert client.patch(base, {"title": "Furniture reuse PSP"}).status_code == 200
    assert client.patch(base, {"tender_on": "2007-08-01"}).status_code == 200
    invitation = {"email": "new@example.org", "roles": ["observer"]}
    assert client.post(f"{base}/invitations", invitation).status_code == 201


def test_activity_lists_audit_events_newest_first(partnership, personas, three_events, api):
    response = api("observer").get(f"/partnerships/{partnership.pk}/activity")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert [(e["action"], e["actor"]) for e in body["items"]] == [
        ("partnership.member.invited", personas["commissioner"].email),
        ("partnership.timeline.updated", personas["commissioner"].email),
        ("partnership.updated", personas["commissioner"].email),
    ]
    assert body["items"][2]["data"] == {
        "changed": {"title": [partnership.title, "Furniture reuse PSP"]}
    }


@pytest.mark.parametrize(
    ("prefix", "actions"),
    [
        ("partnership.member", ["partnership.member.invited"]),
        ("partnership.timeline", ["partnership.timeline.updated"]),
        ("partnership.updated", ["partnership.updated"]),
        ("core.", []),
    ],
)
def test_activity_filters_by_action_prefix(prefix, actions, partnership, three_events, api):
    response = api("observer").get(f"/partnerships/{partnership.pk}/activity", {"action": prefix})

    assert response.status_code == 200
    assert [e["action"] for e in response.json()["items"]] == actions
    assert response.json()["count"] == len(actions)


def test_activity_is_paginated(partnership, three_events, api):
    response = api("observer").get(
        f"/partnerships/{partnership.pk}/activity", {"limit": 1, "offset": 1}
    )

    assert response.json()["count"] == 3
    assert [e["action"] for e in response.json()["items"]] == ["partnership.timeline.updated"]


# --- the timeline rules --------------------------------------------------------------------

NORTH_LANARKSHIRE = {
    "started_on": "2006-01-01",
    "tender_on": "2007-07-01",
    "pilot_start": "2006-10-01",
    "pilot_end": "2007-03-31",
}


def check(api, **changes):
    return api("observer").post("/planning/timeline-check", {**NORTH_LANARKSHIRE, **changes})


def codes(findings):
    return [f["code"] for f in findings]


def test_the_north_lanarkshire_plan_meets_the_rules(partnership, api):
    response = check(api)

    assert response.status_code == 200
    assert response.json() == {
        "errors": [],
        "warnings": [],
        "months_before_tender": 18,
        "pilot_months": 6,
    }


def test_starting_13_months_before_the_tender_is_a_warning(partnership, api):
    body = check(api, started_on="2006-06-01").json()

    assert (codes(body["errors"]), codes(body["warnings"])) == ([], ["psp_start_under_18_months"])
    assert body["months_before_tender"] == 13
    assert body["warnings"][0]["message"] == (
        "The PSP starts 13 months before the tender; 18 months is recommended "
        "(start by 1 January 2006)."
    )


def test_starting_11_months_before_the_tender_is_an_error(partnership, api):
    body = check(api, started_on="2006-08-01").json()

    assert (codes(body["errors"]), codes(body["warnings"])) == (["psp_start_under_12_months"], [])
    assert body["months_before_tender"] == 11


def test_a_pilot_a_day_short_of_6_months_is_an_error(partnership, api):
    body = check(api, pilot_end="2007-03-30").json()

    assert (codes(body["errors"]), codes(body["warnings"])) == (["pilot_under_6_months"], [])
    assert body["pilot_months"] == 5


def test_without_a_pilot_only_the_start_is_checked(partnership, api):
    body = check(api, pilot_start=None, pilot_end=None).json()

    assert body == {"errors": [], "warnings": [], "months_before_tender": 18, "pilot_months": None}


def test_an_impossible_date_is_named_in_the_problem(partnership, api):
    response = check(api, started_on="2007-02-30")

    body = assert_problem(response, 422, INVALID)
    assert body["detail"] == "Check these fields: started_on."
    assert [e["field"] for e in body["errors"]] == ["started_on"]


def test_a_pilot_needs_both_dates(partnership, api):
    response = api("observer").post(
        "/planning/timeline-check",
        {"started_on": "2006-01-01", "tender_on": "2007-07-01", "pilot_start": "2006-10-01"},
    )

    body = assert_problem(response, 422, INVALID)
    assert body["errors"] == [
        {
            "field": "body",
            "message": "Value error, Give both pilot_start and pilot_end, or neither",
            "code": "value_error",
        }
    ]


def test_a_pilot_cannot_end_before_it_starts(partnership, api):
    response = check(api, pilot_end="2006-09-30")

    body = assert_problem(response, 422, INVALID)
    assert [e["message"] for e in body["errors"]] == [
        "Value error, pilot_end must be on or after pilot_start"
    ]
