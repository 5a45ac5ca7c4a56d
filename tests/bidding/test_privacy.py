"""The bidding app's part of the data protection register (``coplan.bidding.privacy``): who
submitted each bid, evaluators' declarations and scores, the officers' decisions and the
two-factor devices. Subject access finds them; erasure keeps the procurement record (linked to
"Erased person") but deletes the two-factor devices; three years after the award the free text
of declarations is cleared (PC(S)R 2015 reg 84), once.

World: the two opened bids of test_evaluation (Homereach's consortium, submitted by the social
enterprise partner, and Clearway's, submitted by Morag Outside). The service user sits on the
Method question and declares a perceived conflict, which the procurement officer lets proceed
with mitigation; the observer evaluates price and declares none.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from coplan.bidding import domain
from coplan.bidding.enums import Part
from coplan.bidding.models import ConflictDeclaration, Score
from coplan.ops import privacy
from coplan.tendering.models import Tender

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
KEYS = [
    "bidding.bid_contacts",
    "bidding.evaluation",
    "bidding.officer_record",
    "bidding.two_factor",
]


@pytest.fixture
def evaluated(opened, tender, personas):
    officer, ann, observer = personas["procurement"], personas["service_user"], personas["observer"]
    method = tender.quality_criteria.get(name="Method")
    domain.assign(tender=tender, actor=officer, evaluator=ann, part=Part.QUALITY, criterion=method)
    domain.assign(tender=tender, actor=officer, evaluator=observer, part=Part.PRICE)
    declaration = domain.declare(
        tender=tender,
        evaluator=ann,
        kind="perceived",
        details="My cousin drives for Clearway Removals.",
    )
    domain.decide_conflict(
        declaration=declaration,
        actor=officer,
        decision="proceed",
        mitigation="Scores alongside two others; does not moderate.",
        reason="A distant relative with no stake in the firm.",
    )
    domain.declare(tender=tender, evaluator=observer, kind="none")
    domain.submit_score(
        bid=opened[1], criterion=method, evaluator=ann, score=3, rationale="A clear plan."
    )
    return opened


def _records(person):
    return {s["category"]: s["records"] for s in privacy.export_person(person)["categories"]}


def test_the_register_declares_the_bidding_categories(db):
    found = [c for c in privacy.categories() if c.app == "bidding"]

    assert [c.key for c in found] == KEYS
    for c in found:
        assert c.purpose and c.lawful_basis and c.retention and c.holds and c.about and c.export
    by_key = {c.key: c for c in found}
    assert by_key["bidding.two_factor"].erase is not None
    assert by_key["bidding.evaluation"].retain is not None


def test_subject_access_tells_a_bidder_which_bids_they_submitted_but_not_the_prices(
    evaluated, outside_bidder
):
    records = _records(outside_bidder)

    [bid] = records["bidding.bid_contacts"]
    assert (bid["organisation"], bid["status"], bid["withdrawn_by_you"]) == (
        "Clearway Removals Ltd",
        "Submitted",
        False,
    )
    assert bid["receipt_digest"] == evaluated[1].digest
    assert "39000" not in json.dumps(records, default=str)  # the sealed offer is not theirs


def test_subject_access_gives_an_evaluator_their_declaration_and_scores(evaluated, personas):
    records = _records(personas["service_user"])["bidding.evaluation"]

    assert [r["assigned_to"] for r in records if "assigned_to" in r] == ["Method"]
    [declared] = [r for r in records if "declared" in r]
    assert (declared["declared"], declared["details"], declared["decision"]) == (
        "Perceived conflict",
        "My cousin drives for Clearway Removals.",
        "Proceeds with mitigation",
    )
    assert [(r["bid"], r["score"], r["rationale"]) for r in records if "score" in r] == [
        ("Clearway Removals Ltd", 3, "A clear plan.")
    ]


def test_subject_access_gives_an_officer_their_decisions(evaluated, personas):
    records = _records(personas["procurement"])["bidding.officer_record"]

    assert [r["tender"] for r in records if "confirmed_opening_at" in r] == [
        str(evaluated[0].tender)
    ]
    assert [(r["decided_declaration_of"], r["decision"]) for r in records if "decision" in r] == [
        (str(personas["service_user"]), "Proceeds with mitigation")
    ]


def test_erasure_keeps_the_evaluation_record_and_deletes_two_factor_devices(evaluated, personas):
    ann = personas["service_user"]
    TOTPDevice.objects.create(user=ann, name="phone", confirmed=True)

    counts = privacy.erase_person(person=ann, actor=personas["staff"])

    assert counts["bidding.two_factor"] == 1
    assert not TOTPDevice.objects.filter(user=ann).exists()
    declaration = ConflictDeclaration.objects.get(evaluator=ann)
    assert (str(declaration.evaluator), declaration.details) == (
        "Erased person",
        "My cousin drives for Clearway Removals.",
    )
    assert Score.objects.get(evaluator=ann).rationale == "A clear plan."


def _award(tender, on):
    # The award itself is test_evaluation's subject; here only its date matters.
    Tender.objects.filter(pk=tender.pk).update(
        awarded_at=dt.datetime.combine(on, dt.time(16), tzinfo=LONDON)
    )


def _evaluation(run):
    return {c.key: n for c, n in run.results}["bidding.evaluation"]


def test_declarations_text_is_cleared_three_years_after_the_award_once(evaluated, tender):
    _award(tender, dt.date(2007, 9, 24))

    on_the_day = privacy.apply_retention(today=dt.date(2010, 9, 24), dry_run=True)
    dry = privacy.apply_retention(today=dt.date(2010, 9, 25), dry_run=True)
    assert (_evaluation(on_the_day), _evaluation(dry)) == (0, 1)
    assert (
        ConflictDeclaration.objects.exclude(details="").count() == 1
    )  # the dry run changed nothing

    first = privacy.apply_retention(today=dt.date(2010, 9, 25))
    second = privacy.apply_retention(today=dt.date(2010, 9, 25))

    assert (_evaluation(first), _evaluation(second)) == (1, 0)
    cleared = ConflictDeclaration.objects.get(kind="perceived")
    assert (
        cleared.details,
        cleared.flags,
        cleared.mitigation,
        cleared.decision_reason,
        cleared.decision,
    ) == ("", [], "", "", "proceed")
    assert Score.objects.get().rationale == "A clear plan."  # the evaluation record stays
