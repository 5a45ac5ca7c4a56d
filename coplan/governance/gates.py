"""The gate criteria this app checks for real (registered in :mod:`.health`).

* ``gate_approved_by_steering_group`` on every stage from feasibility to procurement: the
  steering group approved leaving the stage, by a gate-approval decision at one of its meetings,
  since the partnership last entered the stage. It replaces the manual ``go_decision`` on
  feasibility.
* ``tor_mou_signed`` on the strategic stage becomes automatic: met when the steering group's
  terms of reference are recorded as agreed (a "terms of reference agreed" decision). Registered
  under the same code, it takes the manual item's place in the checklist.
"""

from django.utils import timezone

from coplan.partnerships import gates
from coplan.partnerships.enums import Stage

from . import queries

GATE_CODE = "gate_approved_by_steering_group"
GATE_LABEL = "The steering group approved leaving this stage"
TOR_CODE = "tor_mou_signed"
TOR_LABEL = "Steering group terms of reference agreed"
GATED_STAGES = [s for s in Stage if s.next is not None]  # feasibility to procurement
REPLACES = {Stage.FEASIBILITY: "go_decision"}


def _day(value) -> str:
    local = timezone.localtime(value) if hasattr(value, "tzinfo") else value
    return f"{local.day} {local:%B %Y}"


def approved_outcome(partnership, stage) -> gates.Outcome:
    decision = queries.gate_approval(partnership, stage)
    if decision is not None:
        return gates.Outcome(
            True,
            f"Approved at the steering group meeting on {_day(decision.meeting.starts_at)} "
            f"(decision {decision.reference}).",
        )
    earlier = queries.gate_approvals(partnership, stage).first()
    if earlier is not None:
        return gates.Outcome(
            False,
            f"The approval of {_day(earlier.meeting.starts_at)} came before the partnership "
            "returned to this stage: the steering group must approve leaving it again.",
        )
    return gates.Outcome(
        False,
        "No gate approval yet: the steering group records one as a decision at a quorate "
        "meeting (Governance, then the meeting, then Record a decision).",
    )


def tor_outcome(partnership) -> gates.Outcome:
    body = queries.steering_group(partnership)
    if body is None:
        return gates.Outcome(False, "No steering group yet: set it up on the Governance page.")
    if body.tor_agreed_on is None:
        return gates.Outcome(
            False,
            "Not agreed yet: the steering group records a “terms of reference agreed” "
            "decision at one of its meetings.",
        )
    return gates.Outcome(True, f"Agreed on {_day(body.tor_agreed_on)}.")


def _approved_check(stage):
    def check(partnership) -> gates.Outcome:
        return approved_outcome(partnership, stage)

    return check


def register_gates() -> None:
    """Register (idempotently: a code registered twice replaces itself) this app's criteria."""
    gates.register(Stage.STRATEGIC, gates.Criterion(TOR_CODE, TOR_LABEL, tor_outcome))
    for stage in GATED_STAGES:
        gates.register(
            stage,
            gates.Criterion(GATE_CODE, GATE_LABEL, _approved_check(stage)),
            replaces=REPLACES.get(stage),
        )
