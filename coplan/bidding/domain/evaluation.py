"""The evaluation: panel, conflict-of-interest gate, individual scores, moderation, price and
benefits through the tender's published model (the scoring engine), abnormally low bids.

* **Panel.** The procurement officer assigns evaluators per quality question, and one or more
  to price and benefits; nobody scores both quality and price (docs/disclosure.md, F3). Each quality
  question needs three evaluators unless the officer records why not; recused evaluators stay
  listed but do not count. Assigning someone Coplan finds linked to a bidder (the links below)
  warns at once and needs the officer's confirmation.
* **Conflict-of-interest gate (docs/disclosure.md, F3).** Before seeing anything an evaluator
  declares none / actual / potential / perceived. Coplan pre-fills flags: the evaluator's
  organisation bids or is a consortium member, the evaluator sat on the design committee, or
  holds a standing interest in the governance register. A declaration other than "none", or any
  flag, waits for the officer's decision (recuse, or proceed with mitigation) and the evaluator
  sees nothing till then.
* **Scores.** 0–4 with a rationale, once (a submitted score is final); the other evaluators'
  scores on that bid and question are shown only after one's own is submitted.
* **Moderation.** The officer records the consensus score and rationale; the record keeps every
  individual score, and a consensus that differs from any of them needs the reason.
* **Price and benefits** are scored with :func:`coplan.tendering.scoring.engine.simulate` on the
  tender's published model. An abnormally low bid gets an explanation request; it can be
  rejected only once an explanation has been recorded.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.governance.enums import BodyKind
from coplan.governance.models import BodyMember
from coplan.governance.queries import declared_interests
from coplan.partnerships.rules import roles_of
from coplan.tendering.models import BidderRegistration
from coplan.tendering.rules import is_procurement
from coplan.tendering.scoring import engine

from ..enums import BidStatus, Conflict, ConflictDecision, Part, PriceQueryOutcome
from ..models import (
    Assignment,
    Bid,
    ConflictDeclaration,
    ModeratedScore,
    PanelShortfall,
    PriceQuery,
    Score,
)
from .bids import commitments_of, read_bid, scored_criteria, scored_requirements

PANEL_MINIMUM = 3


def _procurement(actor, tender):
    if not is_procurement(actor, tender):
        raise DomainError("Only the procurement officer can do this.", code="not_authorised")


def _opened(tender):
    if tender.opened_at is None:
        raise DomainError("The bids are still sealed.", code="sealed")


# --- Panel -----------------------------------------------------------------------------------


def assign(
    *,
    tender,
    actor,
    evaluator,
    part: str,
    criterion=None,
    training: str = "",
    confirm_conflict: bool = False,
) -> Assignment:
    """Put ``evaluator`` on the panel for a quality question or for price and benefits.

    A person Coplan finds linked to a bidder (:func:`conflict_links`) is refused at once with
    the reasons (code ``conflict_of_interest``) unless the officer confirms
    (``confirm_conflict``); the confirmation is audited, and the evaluator still declares and
    waits for the officer's decision before seeing anything. Someone recused from this tender
    cannot be assigned again."""
    _procurement(actor, tender)
    if getattr(tender, "awarded_at", None):
        raise DomainError("The tender has been awarded.", code="awarded")
    if not roles_of(evaluator, tender.partnership):
        raise DomainError(
            "Evaluators must be members of the partnership.", code="not_member", field="evaluator"
        )
    declaration = declaration_of(tender, evaluator)
    if declaration is not None and declaration.decision == ConflictDecision.RECUSED:
        raise DomainError(
            f"{evaluator} is recused from this tender's evaluation.",
            code="recused",
            field="evaluator",
        )
    mine = Assignment.objects.filter(tender=tender, evaluator=evaluator)
    if part == Part.PRICE:
        if mine.filter(part=Part.QUALITY).exists():
            raise DomainError(
                f"{evaluator} scores quality, so cannot evaluate price.",
                code="scores_quality",
                field="evaluator",
            )
        criterion = None
    else:
        if criterion is None or criterion.tender_id != tender.pk or not criterion.is_scored:
            raise DomainError(
                "Choose a scored quality question.", code="no_question", field="criterion"
            )
        if mine.filter(part=Part.PRICE).exists():
            raise DomainError(
                f"{evaluator} evaluates price, so cannot score quality.",
                code="scores_price",
                field="evaluator",
            )
    if mine.filter(criterion=criterion, part=part).exists():
        raise DomainError("Already on the panel for this.", code="duplicate", field="evaluator")
    links = [link.they for link in conflict_links(tender, evaluator)]
    if links and not confirm_conflict:
        raise DomainError(
            f"{evaluator} may have a conflict of interest: {' '.join(links)} Confirm to assign "
            "them anyway: they must still declare their interests, and see no bid until you "
            "decide on their declaration.",
            code="conflict_of_interest",
            field="confirm_conflict",
            data={"conflicts": links},
        )
    with transaction.atomic():
        assignment = Assignment.objects.create(
            tender=tender,
            evaluator=evaluator,
            part=part,
            criterion=criterion,
            assigned_by=actor,
            training=training.strip()[:200],
        )
        seat = {
            "tender": tender.pk,
            "person_id": evaluator.pk,
            "evaluator": str(evaluator),
            "part": part,
            "criterion": criterion.name if criterion else None,
        }
        audit.log(
            actor=actor,
            action="bidding.panel.assigned",
            obj=assignment,
            partnership=tender.partnership,
            data={**seat, "training": assignment.training},
        )
        if links:
            audit.log(
                actor=actor,
                action="bidding.panel.conflict_confirmed",
                obj=assignment,
                partnership=tender.partnership,
                data={**seat, "conflicts": links},
            )
    return assignment


def record_shortfall(*, tender, actor, criterion, reason: str) -> PanelShortfall:
    _procurement(actor, tender)
    if not reason.strip():
        raise DomainError(
            "Say why fewer than three evaluators score it.", code="required", field="reason"
        )
    with transaction.atomic():
        row, _ = PanelShortfall.objects.update_or_create(
            tender=tender,
            criterion=criterion,
            defaults={
                "reason": reason.strip(),
                "recorded_by": actor,
                "recorded_at": clock.now(),
            },
        )
        audit.log(
            actor=actor,
            action="bidding.panel.shortfall_recorded",
            obj=tender,
            partnership=tender.partnership,
            data={"tender": tender.pk, "criterion": criterion.name, "reason": reason},
        )
    return row


@dataclass
class PanelRow:
    """One part of the panel: a quality question (``criterion``), or price and benefits
    (``criterion`` None). Recused evaluators stay listed, marked, and do not count."""

    criterion: object  # None for price and benefits
    evaluators: list
    shortfall: PanelShortfall | None
    training: dict = field(default_factory=dict)  # evaluator pk → recorded training
    recused: set = field(default_factory=set)  # pks of the evaluators recused from the tender

    @property
    def trained(self) -> list[tuple]:
        """(evaluator, training) for each evaluator, in order."""
        return [(e, self.training.get(e.pk, "")) for e in self.evaluators]

    @property
    def members(self) -> list[tuple]:
        """(evaluator, training, recused) for each evaluator, in order."""
        return [(e, t, e.pk in self.recused) for e, t in self.trained]

    @property
    def counted(self) -> list:
        """The evaluators who count: everyone assigned but the recused."""
        return [e for e in self.evaluators if e.pk not in self.recused]

    @property
    def short(self) -> bool:
        return self.criterion is not None and len(self.counted) < PANEL_MINIMUM

    @property
    def problem(self) -> str:
        recused = len(self.evaluators) - len(self.counted)
        aside = f" ({recused} more recused, not counted)" if recused else ""
        if self.criterion is None:
            return "" if self.counted else f"Nobody evaluates price and benefits{aside}."
        if self.short and self.shortfall is None:
            n = len(self.counted)
            return (
                f"{self.criterion.name} has {n} evaluator{'s' if n != 1 else ''}{aside}: add "
                "more or record why not."
            )
        return ""


def panel_of(tender) -> list[PanelRow]:
    assignments = list(Assignment.objects.filter(tender=tender).select_related("evaluator"))
    shortfalls = {s.criterion_id: s for s in PanelShortfall.objects.filter(tender=tender)}
    training = {a.evaluator_id: a.training for a in assignments if a.training}
    recused = set(
        ConflictDeclaration.objects.filter(
            tender=tender, decision=ConflictDecision.RECUSED
        ).values_list("evaluator_id", flat=True)
    )
    rows = [
        PanelRow(
            c,
            [a.evaluator for a in assignments if a.criterion_id == c.pk],
            shortfalls.get(c.pk),
            training,
            recused,
        )
        for c in scored_criteria(tender)
    ]
    rows.append(
        PanelRow(
            None,
            [a.evaluator for a in assignments if a.part == Part.PRICE],
            None,
            training,
            recused,
        )
    )
    return rows


# --- Conflict of interest --------------------------------------------------------------------


def _organisation_ids(user, partnership) -> set[int]:
    ids = set(user.organisations.values_list("pk", flat=True))
    ids |= {
        m.organisation_id for m in partnership.roster if m.user_id == user.pk and m.organisation_id
    }
    return ids


@dataclass(frozen=True)
class ConflictLink:
    """A link Coplan finds between a person and the tender's bidders, told two ways: ``you``
    to the evaluator declaring their interests, ``they`` to the officer assigning them."""

    you: str
    they: str


def conflict_links(tender, person) -> list[ConflictLink]:
    """Known links between ``person`` and the bidders: their organisation is a registered
    bidder or a member of a bidding consortium, they sat on the design committee, or they
    hold a standing interest in the governance register."""
    links = []
    mine = _organisation_ids(person, tender.partnership)
    registrations = BidderRegistration.objects.filter(tender=tender).select_related(
        "organisation", "consortium"
    )
    for r in registrations:
        if r.organisation_id in mine:
            links.append(
                ConflictLink(
                    f"Your organisation {r.organisation.name} is a bidder.",
                    f"{person}'s organisation {r.organisation.name} is a registered bidder.",
                )
            )
        if r.consortium_id:
            for m in r.consortium.members.select_related("organisation"):
                if m.organisation_id in mine and m.organisation_id != r.organisation_id:
                    links.append(
                        ConflictLink(
                            f"Your organisation {m.organisation.name} is a member of the "
                            f"bidding consortium {r.consortium.name}.",
                            f"{person}'s organisation {m.organisation.name} is a member of "
                            f"the bidding consortium {r.consortium.name}.",
                        )
                    )
    if BodyMember.objects.filter(
        user=person, body__partnership=tender.partnership, body__kind=BodyKind.DESIGN_COMMITTEE
    ).exists():
        links.append(
            ConflictLink(
                "You sat on the design committee that built the consortium.",
                f"{person} sat on the design committee that built the consortium.",
            )
        )
    bidder_orgs = {r.organisation_id for r in registrations}
    bidder_names = {r.organisation.name.lower() for r in registrations}
    for interest in declared_interests(person):
        named = (
            interest.organisation.name if interest.organisation_id else interest.organisation_name
        )
        linked = interest.organisation_id in bidder_orgs or (named or "").lower() in bidder_names
        what = (
            f"{interest.get_kind_display()}{f' — {named}' if named else ''}: "
            f"{interest.description}{' (a bidder)' if linked else ''}"
        )
        links.append(
            ConflictLink(
                f"Standing interest in the register: {what}",
                f"{person} has a standing interest in the register: {what}"
                + ("" if what.endswith((".", "!", "?")) else "."),
            )
        )
    return links


def conflict_flags(tender, evaluator) -> list[str]:
    """Known links Coplan finds between ``evaluator`` and the bidders (pre-filled on their
    declaration; the same links warn the officer at assignment)."""
    return [link.you for link in conflict_links(tender, evaluator)]


def declaration_of(tender, user) -> ConflictDeclaration | None:
    return ConflictDeclaration.objects.filter(tender=tender, evaluator=user).first()


def declare(*, tender, evaluator, kind: str, details: str = "") -> ConflictDeclaration:
    if not Assignment.objects.filter(tender=tender, evaluator=evaluator).exists():
        raise DomainError("You are not on this tender's evaluation panel.", code="not_on_panel")
    existing = declaration_of(tender, evaluator)
    if existing is not None and existing.decision != ConflictDecision.PENDING:
        raise DomainError("You have already declared.", code="already_declared")
    if kind != Conflict.NONE and not details.strip():
        raise DomainError("Describe the conflict.", code="required", field="details")
    flags = conflict_flags(tender, evaluator)
    decision = (
        ConflictDecision.CLEAR if kind == Conflict.NONE and not flags else ConflictDecision.PENDING
    )
    with transaction.atomic():
        declaration, _ = ConflictDeclaration.objects.update_or_create(
            tender=tender,
            evaluator=evaluator,
            defaults={
                "kind": kind,
                "details": details.strip(),
                "flags": flags,
                "declared_at": clock.now(),
                "decision": decision,
            },
        )
        audit.log(
            actor=evaluator,
            action="bidding.conflict.declared",
            obj=declaration,
            partnership=tender.partnership,
            data={"tender": tender.pk, "kind": kind, "flags": flags, "decision": decision},
        )
    return declaration


def decide_conflict(*, declaration, actor, decision: str, mitigation: str = "", reason: str = ""):
    tender = declaration.tender
    _procurement(actor, tender)
    if declaration.decision != ConflictDecision.PENDING:
        raise DomainError("No decision is awaited on this declaration.", code="not_pending")
    if decision not in {ConflictDecision.RECUSED, ConflictDecision.PROCEED}:
        raise DomainError("Choose recuse or proceed.", code="invalid", field="decision")
    if decision == ConflictDecision.PROCEED and not mitigation.strip():
        raise DomainError("Say how the conflict is mitigated.", code="required", field="mitigation")
    if not reason.strip():
        raise DomainError("Give the reasons for the decision.", code="required", field="reason")
    with transaction.atomic():
        declaration.decision = decision
        declaration.mitigation = mitigation.strip()
        declaration.decision_reason = reason.strip()
        declaration.decided_by = actor
        declaration.decided_at = clock.now()
        declaration.save()
        audit.log(
            actor=actor,
            action="bidding.conflict.decided",
            obj=declaration,
            partnership=tender.partnership,
            data={
                "tender": tender.pk,
                "person_id": declaration.evaluator_id,
                "evaluator": str(declaration.evaluator),
                "decision": decision,
                "mitigation": mitigation,
                "reason": reason,
            },
        )
    return declaration


def cleared(tender, user) -> bool:
    """The evaluator's declaration lets them see their parts."""
    declaration = declaration_of(tender, user)
    return declaration is not None and declaration.may_see


def parts_of(tender, user) -> list[Assignment]:
    """What ``user`` may see of the opened bids: their assignments, once cleared."""
    if tender.opened_at is None or not cleared(tender, user):
        return []
    return list(
        Assignment.objects.filter(tender=tender, evaluator=user).select_related("criterion")
    )


def _price_part(tender, content) -> dict:
    """The price and benefits part of an opened bid (never its quality responses)."""
    return {
        "price": content.get("price"),
        "prices": content.get("prices", {}),
        "commitments": commitments_of(tender, content),
    }


def workspace(tender, user) -> list[dict]:
    """What ``user`` sees as an evaluator, one section per assignment: each opened bid's part
    they evaluate (the response to their question, or the price and benefits), their own
    score and — blind until they submit — the panel's. Empty until the bids are opened and
    their declaration is cleared (:func:`parts_of`)."""
    parts = parts_of(tender, user)
    if not parts:
        return []
    bids = live_bids(tender)
    contents = {b.pk: read_bid(b) for b in bids}
    sections = []
    for a in parts:
        items = []
        for bid in bids:
            content = contents[bid.pk]
            if a.part == Part.PRICE:
                items.append({"bid": bid, "price": _price_part(tender, content)})
                continue
            items.append(
                {
                    "bid": bid,
                    "response": content.get("quality", {}).get(a.criterion.name, ""),
                    "mine": Score.objects.filter(
                        bid=bid, criterion=a.criterion, evaluator=user
                    ).first(),
                    "scores": visible_scores(bid, a.criterion, user),
                }
            )
        sections.append({"assignment": a, "items": items})
    return sections


# --- Scores ------------------------------------------------------------------------------------


def live_bids(tender):
    return list(
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED)
        .select_related("organisation", "consortium", "tender")
        .order_by("pk")
    )


def submit_score(*, bid, criterion, evaluator, score: int, rationale: str) -> Score:
    tender = bid.tender
    _opened(tender)
    if not Assignment.objects.filter(
        tender=tender, evaluator=evaluator, criterion=criterion
    ).exists():
        raise DomainError("You are not assigned to this question.", code="not_assigned")
    if not cleared(tender, evaluator):
        raise DomainError(
            "Declare your interests (and await the officer's decision) before scoring.",
            code="not_cleared",
        )
    if bid.status != BidStatus.SUBMITTED:
        raise DomainError("This bid is not current.", code="not_live")
    if score is None or not 0 <= int(score) <= criterion.scale_max:
        raise DomainError(
            f"Score from 0 to {criterion.scale_max}.", code="out_of_range", field="score"
        )
    if not (rationale or "").strip():
        raise DomainError("Write the rationale for the score.", code="required", field="rationale")
    if Score.objects.filter(bid=bid, criterion=criterion, evaluator=evaluator).exists():
        raise DomainError("You have already submitted this score.", code="already_scored")
    with transaction.atomic():
        row = Score.objects.create(
            bid=bid,
            criterion=criterion,
            evaluator=evaluator,
            score=int(score),
            rationale=rationale.strip(),
        )
        audit.log(
            actor=evaluator,
            action="bidding.score.submitted",
            obj=row,
            partnership=tender.partnership,
            data={
                "tender": tender.pk,
                "bid": bid.receipt_number,
                "criterion": criterion.name,
                "score": int(score),
            },
        )
    return row


def visible_scores(bid, criterion, user) -> list[Score]:
    """Blind scoring: the panel's scores on ``bid``/``criterion`` once ``user`` has scored it
    (or to the procurement officer); otherwise none."""
    scores = list(
        Score.objects.filter(bid=bid, criterion=criterion)
        .select_related("evaluator")
        .order_by("pk")
    )
    if is_procurement(user, bid.tender) or any(s.evaluator_id == user.pk for s in scores):
        return scores
    return []


def moderate(*, bid, criterion, actor, score: int, rationale: str, difference_reason: str = ""):
    tender = bid.tender
    _procurement(actor, tender)
    _opened(tender)
    individual = [
        s
        for s in Score.objects.filter(bid=bid, criterion=criterion)
        .select_related("evaluator")
        .order_by("pk")
        if cleared(tender, s.evaluator)
    ]
    if not individual:
        raise DomainError("No individual scores to moderate yet.", code="no_scores")
    if score is None or not 0 <= int(score) <= criterion.scale_max:
        raise DomainError(
            f"Score from 0 to {criterion.scale_max}.", code="out_of_range", field="score"
        )
    if not (rationale or "").strip():
        raise DomainError("Write the consensus rationale.", code="required", field="rationale")
    if any(s.score != int(score) for s in individual) and not difference_reason.strip():
        raise DomainError(
            "The consensus differs from an individual score: say why.",
            code="required",
            field="difference_reason",
        )
    with transaction.atomic():
        row, _ = ModeratedScore.objects.update_or_create(
            bid=bid,
            criterion=criterion,
            defaults={
                "score": int(score),
                "rationale": rationale.strip(),
                "difference_reason": difference_reason.strip(),
                "individual": [
                    {"evaluator": str(s.evaluator), "score": s.score, "rationale": s.rationale}
                    for s in individual
                ],
                "moderated_by": actor,
                "moderated_at": clock.now(),
            },
        )
        audit.log(
            actor=actor,
            action="bidding.score.moderated",
            obj=row,
            partnership=tender.partnership,
            data={
                "tender": tender.pk,
                "bid": bid.receipt_number,
                "criterion": criterion.name,
                "score": int(score),
                "individual": [s.score for s in individual],
                "reason": difference_reason,
            },
        )
    return row


# --- Abnormally low bids ------------------------------------------------------------------------


def request_explanation(*, bid, actor, reason: str) -> PriceQuery:
    _procurement(actor, bid.tender)
    _opened(bid.tender)
    if PriceQuery.objects.filter(bid=bid).exists():
        raise DomainError("An explanation was already requested.", code="duplicate")
    with transaction.atomic():
        query = PriceQuery.objects.create(bid=bid, reason=reason.strip(), requested_by=actor)
        audit.log(
            actor=actor,
            action="bidding.price.explanation_requested",
            obj=query,
            partnership=bid.tender.partnership,
            data={"tender": bid.tender.pk, "bid": bid.receipt_number, "reason": reason},
        )
    return query


def record_explanation(*, query, actor, explanation: str) -> PriceQuery:
    _procurement(actor, query.bid.tender)
    if not explanation.strip():
        raise DomainError("Enter the bidder's explanation.", code="required", field="explanation")
    with transaction.atomic():
        query.explanation = explanation.strip()
        query.explained_at = clock.now()
        query.save(update_fields=["explanation", "explained_at"])
        audit.log(
            actor=actor,
            action="bidding.price.explained",
            obj=query,
            partnership=query.bid.tender.partnership,
            data={"tender": query.bid.tender.pk, "bid": query.bid.receipt_number},
        )
    return query


def decide_price_query(*, query, actor, outcome: str, reason: str) -> PriceQuery:
    _procurement(actor, query.bid.tender)
    if outcome == PriceQueryOutcome.REJECTED and not query.explained_at:
        raise DomainError(
            "An abnormally low bid can be rejected only after its explanation is recorded.",
            code="no_explanation",
        )
    if outcome not in {PriceQueryOutcome.ACCEPTED, PriceQueryOutcome.REJECTED}:
        raise DomainError("Accept or reject.", code="invalid", field="outcome")
    if not reason.strip():
        raise DomainError("Give the reasons.", code="required", field="reason")
    with transaction.atomic():
        query.outcome = outcome
        query.decision_reason = reason.strip()
        query.decided_by = actor
        query.decided_at = clock.now()
        query.save()
        audit.log(
            actor=actor,
            action="bidding.price.query_decided",
            obj=query,
            partnership=query.bid.tender.partnership,
            data={"tender": query.bid.tender.pk, "outcome": outcome, "reason": reason},
        )
    return query


# --- Results -------------------------------------------------------------------------------------


@dataclass
class Results:
    """The evaluation's outcome. ``ranked`` holds only compliant bids; a bid below the
    published minimum quality score (overall or on a question) is in ``non_compliant`` with
    the reasons, unranked, and can never be the ``winner``."""

    complete: bool
    missing: list[str] = field(default_factory=list)
    result: engine.Result | None = None
    bids: dict = field(default_factory=dict)  # engine name → Bid (compliant or not)
    excluded: list = field(default_factory=list)  # rejected as abnormally low
    contents: dict = field(default_factory=dict)  # engine name → opened content

    @property
    def ranked(self):
        return sorted(self.result.bids, key=lambda b: (b.rank, b.name)) if self.result else []

    @property
    def non_compliant(self):
        """The engine's unranked results of the bids below a quality minimum, with reasons."""
        return list(self.result.non_compliant) if self.result else []

    @property
    def winner(self):
        """The first-ranked bid; None when no bid is compliant."""
        ranked = self.ranked
        return self.bids[ranked[0].name] if ranked else None


def benefit_value(tender, content) -> Decimal:
    """Σ quantity × (points per unit, or the measure's £ proxy on the publication date, or 1)."""
    on = (tender.published_at or clock.now()).date()
    total = Decimal(0)
    for r in scored_requirements(tender):
        qty = Decimal(content.get("commitments", {}).get(str(r.pk), "0"))
        if r.points_per_unit is not None:
            factor = Decimal(r.points_per_unit)
        else:
            proxy = r.measure.proxy_on(on)
            factor = Decimal(proxy.value) if proxy else Decimal(1)
        total += qty * factor
    return total


def results_of(tender) -> Results:
    """Totals and ranking through the engine, once every question of every bid is moderated.
    The tender's published minimum quality scores bind here (the engine applies them): a bid
    below one is non-compliant, unranked, and sets no price or benefit benchmark."""
    _opened(tender)
    criteria = scored_criteria(tender)
    bids = live_bids(tender)
    rejected = set(
        PriceQuery.objects.filter(bid__in=bids, outcome=PriceQueryOutcome.REJECTED).values_list(
            "bid_id", flat=True
        )
    )
    moderated = {(m.bid_id, m.criterion_id): m for m in ModeratedScore.objects.filter(bid__in=bids)}
    out = Results(complete=True, excluded=[b for b in bids if b.pk in rejected])
    inputs = []
    for bid in bids:
        if bid.pk in rejected:
            continue
        content = read_bid(bid)
        scores = {}
        for c in criteria:
            m = moderated.get((bid.pk, c.pk))
            if m is None:
                out.missing.append(f"{bid.organisation.name}: {c.name}")
            else:
                scores[c.name] = Decimal(m.score)
        name = bid.organisation.name
        out.bids[name] = bid
        out.contents[name] = content
        prices = {k: Decimal(v) for k, v in content.get("prices", {}).items()} or None
        inputs.append(
            engine.BidInput(
                name=name,
                price=Decimal(content["price"]) if content.get("price") else None,
                prices=prices,
                quality_scores=scores,
                benefit_value=benefit_value(tender, content) if tender.benefit_weight else None,
            )
        )
    if out.missing or not inputs:
        out.complete = False
        return out
    out.result = engine.simulate(tender.scoring_model(), inputs)
    return out


def abnormally_low(results: Results) -> list[str]:
    if results.result is None:
        return []
    return sorted({w.bid for w in results.result.warnings if w.code == "abnormally_low" and w.bid})
