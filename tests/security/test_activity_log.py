"""The activity log tells each person only what procurement law lets them know.

Attack: a co-designing social enterprise that also bids (the enterprise partner persona, whose
consortium bids) or a panel member who has not scored yet reads the partnership's activity
log — page and API — to learn who bid before opening, the panel, evaluators' declared interests
and competitors' individual scores. Refusal: every audit action declares who may see it and
from when (coplan/*/sensitivity.py); what a viewer may not see is absent.

The expectations below are the confidentiality table of README's security section, written out
again by hand: the test checks the declarations against it, not against themselves.
"""

import ast
import re
from pathlib import Path

import pytest
from django.db import transaction

import coplan
from coplan.bidding import domain
from coplan.core import audit, sensitivity
from coplan.core.models import AuditEvent
from coplan.ops.privacy import export_person
from coplan.pilots.enums import BatchStatus, ExtensionStatus
from tests.api.helpers import api_as
from tests.bidding.conftest import bid_data
from tests.conftest import PERSONAS

ALL = frozenset(r for r in PERSONAS if r != "outsider")
OFFICERS = frozenset({"procurement", "commissioner"})
PROCUREMENT = frozenset({"procurement"})

# (code, tender state) → the roles that see the event; anyone else sees it only if it is theirs
# (they did it, or it names them as the person concerned).
BEFORE_AWARD, AFTER_AWARD = "before award", "after award"
EXPECTED = {
    "bidding.bid.submitted": {BEFORE_AWARD: OFFICERS, AFTER_AWARD: OFFICERS},
    "bidding.panel.assigned": {BEFORE_AWARD: OFFICERS, AFTER_AWARD: ALL},
    "bidding.conflict.declared": {BEFORE_AWARD: PROCUREMENT, AFTER_AWARD: PROCUREMENT},
    "bidding.opening.confirmed": {BEFORE_AWARD: OFFICERS, AFTER_AWARD: OFFICERS},
    "bidding.tender.opened": {BEFORE_AWARD: OFFICERS, AFTER_AWARD: OFFICERS},
    "bidding.score.submitted": {BEFORE_AWARD: PROCUREMENT, AFTER_AWARD: PROCUREMENT},
    "bidding.score.moderated": {BEFORE_AWARD: PROCUREMENT, AFTER_AWARD: PROCUREMENT},
    "bidding.tender.awarded": {AFTER_AWARD: ALL},
}


def _expected_ids(events, persona, user, state):
    return {
        e.pk
        for e in events
        if persona in EXPECTED[e.action][state]
        or e.actor_id == user.pk
        or e.data.get("person_id") == user.pk
    }


def _seen_through_api(user, partnership):
    answer = api_as(user).get(f"/partnerships/{partnership.pk}/activity", {"limit": 500})
    assert answer.status_code == 200
    return {row["id"] for row in answer.json()["items"] if row["action"] in EXPECTED}


def _check_every_persona(partnership, personas, state):
    events = list(AuditEvent.objects.filter(partnership=partnership, action__in=EXPECTED))
    assert events, "the scenario wrote bidding events"
    for persona in sorted(ALL):
        user = personas[persona]
        expected = _expected_ids(events, persona, user, state)
        assert _seen_through_api(user, partnership) == expected, (persona, state)


def test_before_opening_who_bid_reaches_only_the_officers_and_each_bidder_its_own(
    homereach, clearway, requirement, tender, personas, outside_bidder, panel, client
):
    domain.submit_bid(
        registration=homereach,
        actor=personas["se_partner"],
        **_bid(requirement),
    )
    domain.submit_bid(registration=clearway, actor=outside_bidder, **_bid(requirement))

    _check_every_persona(tender.partnership, personas, BEFORE_AWARD)

    # The enterprise partner sees its own bid, not the outside firm's, on the page too.
    client.force_login(personas["se_partner"])
    page = client.get(f"/partnerships/{tender.partnership.pk}/activity/").content.decode()
    assert page.count("<code>bidding.bid.submitted</code>") == 1
    assert "Clearway" not in page
    # A steering group member sees neither bid nor the panel.
    client.force_login(personas["steering"])
    page = client.get(f"/partnerships/{tender.partnership.pk}/activity/").content.decode()
    assert "bidding.bid.submitted" not in page
    assert page.count("<code>bidding.panel.assigned</code>") == 2  # their own two questions


def test_during_evaluation_an_evaluator_sees_only_their_own_scores(opened, panel, personas):
    tender = panel
    # The evaluator and the steering member score; the service user has not scored yet.
    criteria = {c.name: c for c in tender.quality_criteria.all()}
    for role, score in (("evaluator", 3), ("steering", 4)):
        domain.submit_score(
            bid=opened[0],
            criterion=criteria["Method"],
            evaluator=personas[role],
            score=score,
            rationale="Scored",
        )

    _check_every_persona(tender.partnership, personas, BEFORE_AWARD)
    not_yet = _seen_through_api(personas["service_user"], tender.partnership)
    scores = AuditEvent.objects.filter(action="bidding.score.submitted")
    assert not_yet.isdisjoint(scores.values_list("pk", flat=True))


def test_after_award_members_learn_the_outcome_and_the_panel_never_the_scores(
    moderated, tender, personas
):
    domain.approve_award(tender=tender, actor=personas["commissioner"], reasons="Best value")
    tender.refresh_from_db()

    _check_every_persona(tender.partnership, personas, AFTER_AWARD)
    seen = api_as(personas["se_partner"]).get(
        f"/partnerships/{tender.partnership.pk}/activity", {"limit": 500}
    )
    codes = {row["action"] for row in seen.json()["items"]}
    assert "bidding.tender.awarded" in codes
    assert not codes & {"bidding.score.submitted", "bidding.score.moderated"}


def test_the_dashboard_shows_the_same_filtered_activity(homereach, requirement, personas, client):
    domain.submit_bid(registration=homereach, actor=personas["se_partner"], **_bid(requirement))
    client.force_login(personas["service_user"])
    page = client.get(f"/partnerships/{homereach.tender.partnership.pk}/").content.decode()
    assert "bidding.bid.submitted" not in page
    assert "Bid submitted" not in page


def test_a_subject_access_export_withholds_who_bid_until_the_bids_are_opened(
    homereach, requirement, tender, personas
):
    domain.submit_bid(registration=homereach, actor=personas["se_partner"], **_bid(requirement))
    sealed = repr(export_person(personas["se_partner"]))
    assert "bidding.bid.submitted" not in sealed
    assert str(tender) not in sealed

    tender.opened_at = tender.submission_deadline
    tender.save(update_fields=["opened_at"])
    assert "bidding.bid.submitted" in repr(export_person(personas["se_partner"]))


def _bid(requirement):
    return bid_data(requirement.pk)


# --- Every action code is declared --------------------------------------------------------------

SOURCE = Path(coplan.__file__).parent
NAMESPACES = (
    "core|partnership|design|governance|consortium|costing|pilots|tendering|bidding|benefits|ops"
)
CODE = re.compile(rf"^(?:{NAMESPACES})\.[a-z_]+(?:\.[a-z_]+)*$")
# The f-string families: every value of the enum is a code.
FAMILIES = {"pilots.batch.": BatchStatus, "pilots.extension.": ExtensionStatus}


def _strings(node) -> list:
    """The codes an expression can evaluate to: its string constants and f-string families."""
    found = []
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            found.append(child.value)
        elif isinstance(child, ast.JoinedStr):
            head = child.values[0]
            prefix = head.value if isinstance(head, ast.Constant) else ""
            assert prefix in FAMILIES, f"an action code built from {prefix!r}…: list it"
            found.extend(prefix + value for value in FAMILIES[prefix].values)
    return found


def emitted_codes() -> set[str]:
    """Every action code the code base can hand to ``audit.log``: the ``action`` argument of
    ``audit.log``, of costing's ``_record_change`` and of ``refuse``, every value assigned to a
    variable named ``action``, and every other string of three dotted words in an app's
    namespace (a code handed on through a helper or a constant). The declarations themselves
    (``sensitivity.py``) are not read."""
    codes = set()
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts or path.name == "sensitivity.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and CODE.match(node.value)
                and node.value.count(".") >= 2
            ):
                codes.add(node.value)
            expressions = []
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                if name in {"log", "_record_change", "refuse"}:
                    expressions += [k.value for k in node.keywords if k.arg == "action"]
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "action" for t in node.targets
            ):
                expressions.append(node.value)
            for expression in expressions:
                codes |= {s for s in _strings(expression) if CODE.match(s)}
    return codes


def test_every_action_code_the_code_base_can_emit_has_a_declared_sensitivity():
    emitted = emitted_codes()
    assert len(emitted) > 200  # the scan finds the codes (about 220 in December 2026)
    undeclared = sorted(emitted - set(sensitivity.table()))
    assert undeclared == []


def test_no_declaration_is_left_over_from_a_code_nothing_emits():
    stale = sorted(set(sensitivity.table()) - emitted_codes())
    assert stale == []


@pytest.mark.django_db
def test_an_undeclared_action_is_refused_and_nothing_is_written():
    before = AuditEvent.objects.count()
    with pytest.raises(sensitivity.UndeclaredAction), transaction.atomic():
        audit.log(actor=None, action="bidding.secret.leaked")
    assert AuditEvent.objects.count() == before


def test_the_sensitive_codes_are_declared_as_the_table_says():
    table = sensitivity.table()
    A, M = sensitivity.Audience, sensitivity.Moment
    assert table["bidding.score.submitted"].audience == A.PROCUREMENT
    assert table["bidding.conflict.declared"].audience == A.PROCUREMENT
    assert table["bidding.bid.submitted"] == sensitivity.Sensitivity(
        A.OFFICERS, sealed_until=M.OPENING
    )
    assert table["bidding.panel.assigned"] == sensitivity.Sensitivity(
        A.OFFICERS, members_from=M.AWARD
    )
    assert table["tendering.bidder.registered"].audience == A.OFFICERS
    assert table["costing.cost.added"].audience == A.COST_VIEWERS


# --- The demo, as every member of both partnerships ---------------------------------------------

CONFIDENTIAL = {
    # code prefix → the roles that may see others' events of it
    "bidding.score.": PROCUREMENT,
    "bidding.conflict.": PROCUREMENT,
    "bidding.bid.": OFFICERS,
    "bidding.receipt.": OFFICERS,
    "bidding.opening": OFFICERS,
    "bidding.tender.opened": OFFICERS,
    "bidding.price.": OFFICERS,
    "tendering.bidder.registered": OFFICERS,
    "tendering.clarification.asked": OFFICERS,
}


def test_in_the_demo_no_member_reads_what_their_roles_may_not_see(demo_db):
    from coplan.partnerships.models import Partnership

    checked = 0
    for partnership in Partnership.objects.all():
        roles = {}
        for membership in partnership.memberships.select_related("user"):
            roles.setdefault(membership.user, set()).add(membership.role)
        for user, held in roles.items():
            api = api_as(user)
            rows = api.get(f"/partnerships/{partnership.pk}/activity", {"limit": 1000}).json()
            for row in rows["items"]:
                for prefix, allowed in CONFIDENTIAL.items():
                    if row["action"].startswith(prefix) and not held & allowed:
                        event = AuditEvent.objects.get(pk=row["id"])
                        own = user.pk in (event.actor_id, event.data.get("person_id"))
                        assert own, (partnership.title, user.email, sorted(held), row["action"])
                checked += 1
    assert checked > 1000


# --- Every audience, every role -------------------------------------------------------------------

COST_VIEWERS = ALL - {"service_user"}
ONE_CODE_PER_AUDIENCE = {
    # code: the roles that see someone else's event of it
    "governance.meeting.scheduled": ALL,  # everyone in the partnership
    "costing.cost.added": COST_VIEWERS,  # money: not service users
    "tendering.bidder.registered": OFFICERS,
    "bidding.score.moderated": PROCUREMENT,
    "governance.calendar_feed.reset": frozenset(),  # only the person concerned
    "core.statutory_rule.updated": frozenset(),  # site-wide: never in a partnership's log
}


@pytest.mark.django_db
def test_each_audience_reaches_exactly_its_roles(partnership, personas):
    assert {sensitivity.of(code).audience for code in ONE_CODE_PER_AUDIENCE} == set(
        sensitivity.Audience
    )
    with transaction.atomic():
        for code in ONE_CODE_PER_AUDIENCE:
            audit.log(actor=None, action=code, obj=partnership, partnership=partnership)
    for persona in sorted(ALL):
        rows = api_as(personas[persona]).get(
            f"/partnerships/{partnership.pk}/activity", {"limit": 100}
        )
        seen = {row["action"] for row in rows.json()["items"]}
        expected = {code for code, roles in ONE_CODE_PER_AUDIENCE.items() if persona in roles}
        assert seen == expected, persona


@pytest.mark.django_db
def test_the_person_concerned_sees_their_own_event_whatever_its_audience(partnership, personas):
    evaluator = personas["evaluator"]
    with transaction.atomic():
        audit.log(
            actor=None,
            action="bidding.conflict.decided",
            obj=partnership,
            partnership=partnership,
            data={"person_id": evaluator.pk},
        )
        audit.log(actor=evaluator, action="governance.calendar_feed.reset", partnership=partnership)
    for persona, expected in [
        ("evaluator", {"bidding.conflict.decided", "governance.calendar_feed.reset"}),
        ("procurement", {"bidding.conflict.decided"}),
        ("commissioner", set()),
        ("se_partner", set()),
    ]:
        rows = api_as(personas[persona]).get(f"/partnerships/{partnership.pk}/activity")
        assert {row["action"] for row in rows.json()["items"]} == expected, persona
