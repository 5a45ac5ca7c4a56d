"""The bidding API: the same domain functions as the pages.

Officers (procurement officer, commissioner) list bids (who, when, digests — never content),
set the opening time and confirm the opening; after opening the procurement officer reads a
bid. Officers' endpoints need a two-factor verified session: a personal token alone is refused
(403), because a token carries no second factor. Registered bidders submit (JSON; documents
base64), withdraw, and fetch their receipts.
"""

import base64
import binascii
import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.responses import Status

from coplan.core.errors import DomainError
from coplan.core.models import User
from coplan.costing.api import money
from coplan.governance.models import Decision
from coplan.partnerships.queries import get_for
from coplan.pilots.models import Kpi
from coplan.tendering.models import Tender

from . import domain, queries, receipts
from .enums import BidStatus, Conflict, ConflictDecision, Part, PriceQueryOutcome
from .models import Bid, ModeratedScore, PriceQuery
from .rules import registration_of

router = Router(tags=["bidding"])
BASE = "/partnerships/{int:pk}/bids/{int:tender_pk}"


class BiddingDocumentOut(Schema):
    position: int
    size: int
    sha256: str


class BiddingBidOut(Schema):
    uuid: uuid.UUID
    receipt_number: str
    bidder: str
    consortium: str | None
    members: list[str]
    status: BidStatus
    submitted_at: dt.datetime
    digest: str
    documents: list[BiddingDocumentOut]

    @staticmethod
    def resolve_bidder(obj):
        return obj.organisation.name

    @staticmethod
    def resolve_consortium(obj):
        return obj.consortium.name if obj.consortium_id else None

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.all())


class DocumentIn(Schema):
    name: str
    content_base64: str


class BiddingBidIn(Schema):
    price: str | None = None
    prices: dict[str, str] | None = None
    quality: dict[str, str] = {}
    quantities: dict[str, str] = Field(
        {},
        description="Per scored community benefit requirement (its id): the quantity committed "
        "to, which is scored.",
    )
    quantities_up_to: dict[str, str] = Field(
        {},
        description="Per requirement, the top of a range offered above the committed quantity "
        "(optional; not scored, it becomes the contract's target range).",
    )
    documents: list[DocumentIn] = []


class OpeningTimeIn(Schema):
    opening_at: dt.datetime


class OpeningOut(Schema):
    opened: bool
    opened_at: dt.datetime | None
    confirmations: int
    bids: list[dict]


class OpenedDocumentOut(Schema):
    position: int
    name: str
    sha256: str
    verified: bool


class BidContentOut(Schema):
    bid: BiddingBidOut
    verified: bool
    problems: list[str]
    content: dict
    documents: list[OpenedDocumentOut]


class ReceiptOut(Schema):
    """The bidder's own receipt: the only place the API gives the bid's salt."""

    receipt_number: str
    submitted_at: dt.datetime
    digest: str
    salt: str | None = Field(
        description="The bid's salt (32 random bytes, hex): the digest is the SHA-256 of the "
        'canonical bid with it as "salt". Only on the bidder\'s own receipt; null for bids '
        "sealed before salts."
    )
    documents: list[BiddingDocumentOut]
    text: str


def _officer(request, pk, tender_pk, perm="bidding.view_bids") -> Tender:
    partnership = get_for(request.user, pk)
    tender = get_object_or_404(Tender, partnership=partnership, pk=tender_pk)
    if not request.user.has_perm(perm, tender):
        raise PermissionDenied("Your role in this partnership does not allow this.")
    verified = getattr(request.user, "is_verified", None)
    if getattr(request, "api_token", None) is not None or not (verified and verified()):
        raise PermissionDenied(
            "Sealed bids need two-factor sign-in: use a session verified with your "
            "authenticator app."
        )
    return tender


def _is_id(value) -> bool:
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def _bidder(request, pk, tender_pk):
    if not all(_is_id(v) for v in (pk, tender_pk)):  # beyond any database id: none such
        raise Http404("No such tender")
    tender = Tender.objects.filter(
        partnership_id=pk, pk=tender_pk, published_at__isnull=False
    ).first()
    registration = registration_of(request.user, tender) if tender else None
    if registration is None:
        if tender is not None and request.user.has_perm(
            "partnerships.view_partnership", tender.partnership
        ):
            raise PermissionDenied("Only a registered bidder can bid.")
        raise Http404("No such tender")
    return tender, registration


def _own(request, pk, tender_pk, bid_uuid) -> Bid:
    tender, registration = _bidder(request, pk, tender_pk)
    return get_object_or_404(
        Bid, tender=tender, organisation=registration.organisation, uuid=bid_uuid
    )


@router.get(BASE, response=list[BiddingBidOut])
def list_bids(request, pk: int, tender_pk: int):
    """Every bid received: bidder, exact time, status and digests (no content)."""
    return list(queries.bids_of(_officer(request, pk, tender_pk)))


@router.put(f"{BASE}/opening-time", response=OpeningOut)
def set_opening_time(request, pk: int, tender_pk: int, payload: OpeningTimeIn):
    tender = _officer(request, pk, tender_pk, "bidding.set_opening_time")
    domain.set_opening_time(tender=tender, actor=request.user, opening_at=payload.opening_at)
    return _opening(tender)


def _opening(tender):
    record = getattr(tender, "opening_record", None) if tender.opened_at else None
    return {
        "opened": tender.opened_at is not None,
        "opened_at": tender.opened_at,
        "confirmations": tender.opening_confirmations.count(),
        "bids": record.bids if record else [],
    }


@router.get(f"{BASE}/opening", response=OpeningOut)
def get_opening(request, pk: int, tender_pk: int):
    return _opening(_officer(request, pk, tender_pk))


@router.post(f"{BASE}/opening/confirmations", response={201: OpeningOut})
def confirm_opening(request, pk: int, tender_pk: int):
    """Confirm the opening; the second different officer's confirmation opens the bids."""
    tender = _officer(request, pk, tender_pk, "bidding.open_bids")
    domain.confirm_opening(tender=tender, actor=request.user)
    tender.refresh_from_db()
    return Status(201, _opening(tender))


@router.get(f"{BASE}/opened/{{uuid:bid_uuid}}", response=BidContentOut)
def read_bid(request, pk: int, tender_pk: int, bid_uuid: uuid.UUID):
    """An opened bid's content, checked against its receipt (404 while sealed)."""
    tender = _officer(request, pk, tender_pk)
    if tender.opened_at is None:
        domain.record_sealed_read(actor=request.user, tender=tender, what="API bid content")
        raise Http404("The bids are sealed")
    bid = get_object_or_404(Bid, tender=tender, uuid=bid_uuid, status=BidStatus.SUBMITTED)
    if not request.user.has_perm("bidding.read_bid_content", tender):
        raise PermissionDenied("Only the procurement officer reads the bids.")
    check = domain.verify_bid(bid)
    return {
        "bid": bid,
        "verified": check.ok,
        "problems": check.problems,
        "content": check.content or {},
        "documents": _checked_documents(check),
    }


@router.get(f"{BASE}/mine", response=list[BiddingBidOut])
def my_bids(request, pk: int, tender_pk: int):
    tender, registration = _bidder(request, pk, tender_pk)
    return list(queries.bids_of(tender).filter(organisation=registration.organisation))


@router.post(f"{BASE}/mine", response={201: ReceiptOut})
def submit_bid(request, pk: int, tender_pk: int, payload: BiddingBidIn):
    """Seal and submit a bid (a later one replaces the earlier); returns the receipt."""
    _, registration = _bidder(request, pk, tender_pk)
    documents = []
    for i, d in enumerate(payload.documents):
        try:
            documents.append((d.name, base64.b64decode(d.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise DomainError(
                "Encode the document in base64.",
                code="not_base64",
                field=f"documents.{i}.content_base64",
            ) from None
    bid = domain.submit_bid(
        registration=registration,
        actor=request.user,
        price=payload.price,
        prices=payload.prices,
        quality=payload.quality,
        quantities=payload.quantities,
        quantities_up_to=payload.quantities_up_to,
        documents=documents,
    )
    return Status(201, _receipt(bid))


def _receipt(bid):
    return {
        "receipt_number": bid.receipt_number,
        "submitted_at": bid.submitted_at,
        "digest": bid.digest,
        "salt": receipts.salt_of(bid),
        "documents": list(bid.documents.all()),
        "text": receipts.text(bid),
    }


@router.get(f"{BASE}/mine/{{uuid:bid_uuid}}/receipt", response=ReceiptOut)
def get_receipt(request, pk: int, tender_pk: int, bid_uuid: uuid.UUID):
    return _receipt(_own(request, pk, tender_pk, bid_uuid))


class VerificationOut(Schema):
    receipt_number: str
    verified: bool
    problems: list[str]
    digest: str
    documents: list[OpenedDocumentOut]


class ReceiptIn(Schema):
    receipt: str


class ReceiptCheckOut(Schema):
    matches: bool
    problems: list[str]
    verification: VerificationOut


def _verification(check) -> dict:
    return {
        "receipt_number": check.bid.receipt_number,
        "verified": check.ok,
        "problems": check.problems,
        "digest": check.digest,
        "documents": _checked_documents(check),
    }


def _checked_documents(check) -> list[dict]:
    return [
        {
            "position": d.document.position,
            "name": d.name,
            "sha256": d.document.sha256,
            "verified": d.ok,
        }
        for d in check.documents
    ]


def _own_opened(request, pk, tender_pk, bid_uuid) -> Bid:
    bid = _own(request, pk, tender_pk, bid_uuid)
    if bid.tender.opened_at is None or bid.status != BidStatus.SUBMITTED:
        raise Http404("The bid is sealed until opening")
    return bid


@router.get(f"{BASE}/mine/{{uuid:bid_uuid}}/verification", response=VerificationOut)
def get_verification(request, pk: int, tender_pk: int, bid_uuid: uuid.UUID):
    """After opening, the bidder's bid checked against the digests of its receipt (404 while
    sealed)."""
    return _verification(domain.verify_bid(_own_opened(request, pk, tender_pk, bid_uuid)))


@router.post(f"{BASE}/mine/{{uuid:bid_uuid}}/verification", response=ReceiptCheckOut)
def check_receipt(request, pk: int, tender_pk: int, bid_uuid: uuid.UUID, payload: ReceiptIn):
    """After opening, hold the receipt the bidder downloaded (its text) against the SHA-256
    recomputed from the opened bid and documents."""
    bid = _own_opened(request, pk, tender_pk, bid_uuid)
    found = domain.check_receipt(bid=bid, actor=request.user, receipt=payload.receipt)
    return {
        "matches": found.ok,
        "problems": found.problems,
        "verification": _verification(found.verification),
    }


@router.post(f"{BASE}/mine/{{uuid:bid_uuid}}/withdrawal", response=BiddingBidOut)
def withdraw(request, pk: int, tender_pk: int, bid_uuid: uuid.UUID):
    bid = _own(request, pk, tender_pk, bid_uuid)
    return domain.withdraw_bid(bid=bid, actor=request.user)


# --- Evaluation and award ------------------------------------------------------------------


class PanelRowOut(Schema):
    criterion_id: int | None
    criterion: str | None
    evaluators: list[str] = Field(description="Everyone assigned, recused evaluators too.")
    recused: list[str] = Field(
        description="The assigned evaluators recused from the tender: listed, not counted."
    )
    counted: int = Field(
        description="Evaluators who count towards the three a quality question needs: those "
        "assigned, less the recused."
    )
    training: dict[str, str]  # evaluator → the evaluation training recorded for them
    shortfall_reason: str | None
    problem: str


class AssignIn(Schema):
    evaluator_id: int
    part: Part
    criterion_id: int | None = None
    training: str = Field("", max_length=200)
    confirm_conflict: bool = Field(
        False,
        description="Assign even though Coplan finds the person linked to a bidder. Without "
        "it such an assignment is refused with 409 (code conflict_of_interest, field "
        "confirm_conflict) listing the links in 'conflicts'.",
    )


class ShortfallIn(Schema):
    criterion_id: int
    reason: str


class BiddingDeclarationIn(Schema):
    kind: Conflict
    details: str = ""


class BiddingDeclarationOut(Schema):
    id: int
    evaluator: str
    kind: Conflict
    details: str
    flags: list[str]
    decision: ConflictDecision
    mitigation: str
    decision_reason: str

    @staticmethod
    def resolve_evaluator(obj):
        return str(obj.evaluator)


class BiddingDecisionIn(Schema):
    decision: ConflictDecision
    mitigation: str = ""
    reason: str = ""


class BiddingScoreIn(Schema):
    bid: uuid.UUID
    criterion_id: int
    score: int
    rationale: str


class BiddingScoreOut(Schema):
    bid: uuid.UUID
    criterion: str
    score: int
    rationale: str


class ModerateIn(BiddingScoreIn):
    difference_reason: str = ""


class PriceQueryIn(Schema):
    text: str
    outcome: PriceQueryOutcome | None = None


class PriceQueryOut(Schema):
    bid: uuid.UUID
    reason: str
    explanation: str
    outcome: PriceQueryOutcome

    @staticmethod
    def resolve_bid(obj):
        return obj.bid.uuid


class ResultRowOut(Schema):
    rank: int
    bidder: str
    bid: uuid.UUID
    total_price: str
    price_score: str
    quality_score: str
    benefit_score: str
    total: str
    criterion_scores: dict[str, str]


class NonCompliantRowOut(Schema):
    bidder: str
    bid: uuid.UUID
    total_price: str
    quality_score: str
    criterion_scores: dict[str, str]
    reasons: list[str] = Field(
        description="Why the bid is non-compliant, one sentence per published minimum it "
        "misses, e.g. 'Quality 13.75 is below the minimum of 20 (of 45).'"
    )


class ResultsOut(Schema):
    complete: bool
    missing: list[str]
    ranking: list[ResultRowOut] = Field(description="The compliant bids, in rank order.")
    non_compliant: list[NonCompliantRowOut] = Field(
        description="The bids below a published minimum quality score (overall or on a "
        "question): not ranked, with no price, benefit or total score, and never awarded."
    )
    warnings: list[dict]
    excluded: list[str] = Field(description="The bids rejected as abnormally low.")


class AwardIn(Schema):
    reasons: str
    electronic: bool = True
    decision_id: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    kpi_ids: list[int] = []
    value: Decimal | None = Field(
        None,
        gt=0,
        max_digits=14,
        decimal_places=2,
        description="The contract value in pounds, excluding VAT. Leave it out to use the value "
        "the winning bid's price schedule gives (GET …/award/value); required when the "
        "schedule cannot give one.",
        examples=["1379400.00"],
    )
    value_reason: str = Field(
        "",
        description="Why the value is entered: required when it differs from the derived one.",
    )


class BiddingCommitmentOut(Schema):
    id: int
    description: str
    unit: str
    target_min: str
    target_max: str | None = Field(description="The top of the range the bid offered, if any.")
    source: str


class BiddingContractOut(Schema):
    id: int
    supplier: str
    value: str = Field(description="The contract value over its term, excluding VAT.")
    derived_value: str | None = Field(
        description="The value the winning bid's price schedule gives (rate × estimated volume "
        "× years, or the total price); null when it cannot give one."
    )
    value_reason: str = Field(
        description="Why the officer entered the value; empty when it is the derived one."
    )
    value_flags: list[str] = Field(
        description="What to check about the value: below the regulated threshold of a "
        "regulated procurement, or more than 25 % away from the estimate."
    )
    starts_on: dt.date
    ends_on: dt.date
    standstill_ends_at: dt.datetime | None
    concluded_at: dt.datetime | None
    commitments: list[BiddingCommitmentOut]
    kpi_ids: list[int]

    @staticmethod
    def resolve_supplier(obj):
        return obj.supplier.name

    @staticmethod
    def resolve_kpi_ids(obj):
        return [ck.kpi_id for ck in obj.kpis.order_by("kpi_id")]

    @staticmethod
    def resolve_value(obj):
        return f"{obj.value:f}"

    @staticmethod
    def resolve_derived_value(obj):
        return None if obj.derived_value is None else f"{obj.derived_value:f}"

    @staticmethod
    def resolve_value_flags(obj):
        return domain.value_flags(obj.tender, obj.value)

    @staticmethod
    def resolve_commitments(obj):
        return [
            {
                "id": c.pk,
                "description": c.description,
                "unit": c.unit,
                "target_min": f"{c.target_min.normalize():f}",
                "target_max": None if c.target_max is None else f"{c.target_max.normalize():f}",
                "source": c.source,
            }
            for c in obj.commitments.all()
        ]


class ValueLineOut(Schema):
    element: str
    price: str = Field(description="The winning bid's price: a rate per unit, or a lump sum.")
    unit: str = Field(description="What one unit is; empty for a lump sum.")
    annual_volume: str | None = Field(description="The published estimated volume a year.")
    years: str | None = Field(description="The contract's months ÷ 12, for a unit rate.")
    evaluated: str = Field(description="rate × volume × years, or the lump sum.")


class ContractValueOut(Schema):
    value: str | None = Field(
        description="The contract value the winning bid's price schedule gives, excluding VAT; "
        "null when it cannot give one (then the award must enter it, with the reason)."
    )
    why_not: str = Field(description="Why there is no derived value; empty otherwise.")
    lines: list[ValueLineOut]
    flags: list[str] = Field(
        description="What to check about the value before approving the award."
    )


class AwardOut(Schema):
    winner: str
    approved_at: dt.datetime
    reasons: str
    standstill_days: int
    standstill_ends_at: dt.datetime
    notice: str
    contract: BiddingContractOut | None

    @staticmethod
    def resolve_winner(obj):
        return obj.bid.organisation.name

    @staticmethod
    def resolve_contract(obj):
        return obj.tender.contracts.first()


EV = f"{BASE}/evaluation"


def _opened_or_404(tender):
    if tender.opened_at is None:
        raise Http404("The bids are sealed")


def _bid(tender, bid_uuid) -> Bid:
    return get_object_or_404(Bid, tender=tender, uuid=bid_uuid, status=BidStatus.SUBMITTED)


def _criterion(tender, criterion_id, field="criterion_id"):
    found = tender.quality_criteria.filter(pk=criterion_id).first()
    if found is None:
        raise DomainError("No such quality question.", code="no_question", field=field)
    return found


@router.get(f"{EV}/panel", response=list[PanelRowOut])
def get_panel(request, pk: int, tender_pk: int):
    tender = _officer(request, pk, tender_pk, "bidding.view_evaluation")
    return [
        {
            "criterion_id": r.criterion.pk if r.criterion else None,
            "criterion": r.criterion.name if r.criterion else None,
            "evaluators": [str(e) for e in r.evaluators],
            "recused": [str(e) for e, _, recused in r.members if recused],
            "counted": len(r.counted),
            "training": {str(e): t for e, t in r.trained if t},
            "shortfall_reason": r.shortfall.reason if r.shortfall else None,
            "problem": r.problem,
        }
        for r in domain.panel_of(tender)
    ]


@router.post(f"{EV}/panel", response={201: dict})
def assign(request, pk: int, tender_pk: int, payload: AssignIn):
    """Add an evaluator. Someone Coplan finds linked to a bidder is refused with 409 and the
    reasons unless ``confirm_conflict`` is true."""
    tender = _officer(request, pk, tender_pk, "bidding.manage_evaluation")
    evaluator = User.objects.filter(
        pk=payload.evaluator_id, memberships__partnership=tender.partnership
    ).first()
    if evaluator is None:
        raise DomainError("No such member.", code="not_member", field="evaluator_id")
    criterion = None
    if payload.part == Part.QUALITY:
        criterion = _criterion(tender, payload.criterion_id)
    a = domain.assign(
        tender=tender,
        actor=request.user,
        evaluator=evaluator,
        part=payload.part,
        criterion=criterion,
        training=payload.training,
        confirm_conflict=payload.confirm_conflict,
    )
    return Status(201, {"id": a.pk})


@router.post(f"{EV}/panel/shortfalls", response={201: dict})
def record_shortfall(request, pk: int, tender_pk: int, payload: ShortfallIn):
    tender = _officer(request, pk, tender_pk, "bidding.manage_evaluation")
    row = domain.record_shortfall(
        tender=tender,
        actor=request.user,
        criterion=_criterion(tender, payload.criterion_id),
        reason=payload.reason,
    )
    return Status(201, {"id": row.pk})


@router.get(f"{EV}/declarations", response=list[BiddingDeclarationOut])
def list_declarations(request, pk: int, tender_pk: int):
    tender = _officer(request, pk, tender_pk, "bidding.view_evaluation")
    return list(tender.conflict_declarations.select_related("evaluator"))


@router.post(f"{EV}/declaration", response={201: BiddingDeclarationOut})
def declare(request, pk: int, tender_pk: int, payload: BiddingDeclarationIn):
    """The evaluator's own declaration (flags are pre-filled by Coplan)."""
    tender = _officer(request, pk, tender_pk, "bidding.evaluate")
    return Status(
        201,
        domain.declare(
            tender=tender, evaluator=request.user, kind=payload.kind, details=payload.details
        ),
    )


class PanelScoreOut(Schema):
    evaluator: str
    score: int
    rationale: str


class CommitmentPartOut(Schema):
    requirement_id: int | None
    measure: str
    quantity: str = Field(description="The quantity committed to: what is scored.")
    up_to: str | None = Field(description="The top of the range offered, if any (not scored).")
    unit: str


class PricePartOut(Schema):
    price: str | None
    prices: dict[str, str]
    commitments: list[CommitmentPartOut]


class WorkspaceItemOut(Schema):
    bid: uuid.UUID
    bidder: str
    response: str | None = None
    my_score: PanelScoreOut | None = None
    panel_scores: list[PanelScoreOut] = []
    price: PricePartOut | None = None


class WorkspaceSectionOut(Schema):
    part: Part
    criterion_id: int | None
    criterion: str | None
    items: list[WorkspaceItemOut]


class WorkspaceOut(Schema):
    declaration: BiddingDeclarationOut | None
    flags: list[str]
    sealed: bool
    sections: list[WorkspaceSectionOut]


def _panel_score(s) -> dict:
    return {"evaluator": str(s.evaluator), "score": s.score, "rationale": s.rationale}


@router.get(f"{EV}/mine", response=WorkspaceOut)
def my_evaluation(request, pk: int, tender_pk: int):
    """The evaluator's workspace: the links Coplan found (to pre-fill the declaration), the
    declaration, and — once the bids are opened and the declaration cleared — their part of
    each bid with their score and, blind until they submit, the panel's."""
    tender = _officer(request, pk, tender_pk, "bidding.evaluate")
    sections = []
    for section in domain.workspace(tender, request.user):
        a = section["assignment"]
        sections.append(
            {
                "part": a.part,
                "criterion_id": a.criterion_id,
                "criterion": a.criterion.name if a.criterion_id else None,
                "items": [
                    {
                        "bid": item["bid"].uuid,
                        "bidder": item["bid"].organisation.name,
                        "response": item.get("response"),
                        "my_score": _panel_score(item["mine"]) if item.get("mine") else None,
                        "panel_scores": [_panel_score(s) for s in item.get("scores", [])],
                        "price": item.get("price"),
                    }
                    for item in section["items"]
                ],
            }
        )
    return {
        "declaration": domain.declaration_of(tender, request.user),
        "flags": domain.conflict_flags(tender, request.user),
        "sealed": tender.opened_at is None,
        "sections": sections,
    }


class ModerationOut(Schema):
    bid: uuid.UUID
    bidder: str
    criterion_id: int
    criterion: str
    individual: list[PanelScoreOut]
    moderated_score: int | None
    moderated_rationale: str | None
    difference_reason: str | None


@router.get(f"{EV}/scores", response=list[ModerationOut])
def list_scores(request, pk: int, tender_pk: int):
    """For moderation: every individual score per bid and question, and the consensus (the
    procurement officer; 404 while sealed)."""
    tender = _officer(request, pk, tender_pk, "bidding.manage_evaluation")
    _opened_or_404(tender)
    bids = domain.live_bids(tender)
    moderated = {(m.bid_id, m.criterion_id): m for m in ModeratedScore.objects.filter(bid__in=bids)}
    rows = []
    for bid in bids:
        for c in domain.scored_criteria(tender):
            m = moderated.get((bid.pk, c.pk))
            rows.append(
                {
                    "bid": bid.uuid,
                    "bidder": bid.organisation.name,
                    "criterion_id": c.pk,
                    "criterion": c.name,
                    "individual": [
                        _panel_score(s) for s in domain.visible_scores(bid, c, request.user)
                    ],
                    "moderated_score": m.score if m else None,
                    "moderated_rationale": m.rationale if m else None,
                    "difference_reason": m.difference_reason if m else None,
                }
            )
    return rows


@router.post(f"{EV}/declarations/{{int:declaration_id}}/decision", response=BiddingDeclarationOut)
def decide(request, pk: int, tender_pk: int, declaration_id: int, payload: BiddingDecisionIn):
    tender = _officer(request, pk, tender_pk, "bidding.manage_evaluation")
    declaration = get_object_or_404(tender.conflict_declarations, pk=declaration_id)
    return domain.decide_conflict(
        declaration=declaration,
        actor=request.user,
        decision=payload.decision,
        mitigation=payload.mitigation,
        reason=payload.reason,
    )


@router.post(f"{EV}/scores", response={201: BiddingScoreOut})
def submit_score(request, pk: int, tender_pk: int, payload: BiddingScoreIn):
    tender = _officer(request, pk, tender_pk, "bidding.evaluate")
    _opened_or_404(tender)
    criterion = _criterion(tender, payload.criterion_id)
    row = domain.submit_score(
        bid=_bid(tender, payload.bid),
        criterion=criterion,
        evaluator=request.user,
        score=payload.score,
        rationale=payload.rationale,
    )
    return Status(
        201,
        {
            "bid": payload.bid,
            "criterion": criterion.name,
            "score": row.score,
            "rationale": row.rationale,
        },
    )


@router.post(f"{EV}/moderation", response={201: BiddingScoreOut})
def moderate(request, pk: int, tender_pk: int, payload: ModerateIn):
    tender = _officer(request, pk, tender_pk, "bidding.manage_evaluation")
    _opened_or_404(tender)
    criterion = _criterion(tender, payload.criterion_id)
    row = domain.moderate(
        bid=_bid(tender, payload.bid),
        criterion=criterion,
        actor=request.user,
        score=payload.score,
        rationale=payload.rationale,
        difference_reason=payload.difference_reason,
    )
    return Status(
        201,
        {
            "bid": payload.bid,
            "criterion": criterion.name,
            "score": row.score,
            "rationale": row.rationale,
        },
    )


@router.post(f"{EV}/price-queries/{{uuid:bid_uuid}}", response=PriceQueryOut)
def price_query(request, pk: int, tender_pk: int, bid_uuid: uuid.UUID, payload: PriceQueryIn):
    """One step of an abnormally low bid's query: request, then record the explanation, then
    decide (``outcome``)."""
    tender = _officer(request, pk, tender_pk, "bidding.manage_evaluation")
    _opened_or_404(tender)
    bid = _bid(tender, bid_uuid)
    query = PriceQuery.objects.filter(bid=bid).first()
    if query is None:
        return domain.request_explanation(bid=bid, actor=request.user, reason=payload.text)
    if not query.explained_at:
        return domain.record_explanation(query=query, actor=request.user, explanation=payload.text)
    if payload.outcome is None:
        raise DomainError("Accept or reject.", code="required", field="outcome")
    return domain.decide_price_query(
        query=query, actor=request.user, outcome=payload.outcome, reason=payload.text
    )


@router.get(f"{EV}/results", response=ResultsOut)
def results(request, pk: int, tender_pk: int):
    tender = _officer(request, pk, tender_pk, "bidding.view_evaluation")
    _opened_or_404(tender)
    found = domain.results_of(tender)
    return {
        "complete": found.complete,
        "missing": found.missing,
        "ranking": [
            {
                "rank": r.rank,
                "bidder": r.name,
                "bid": found.bids[r.name].uuid,
                "total_price": f"{r.total_price:f}",
                "price_score": f"{r.price_score:f}",
                "quality_score": f"{r.quality_score:f}",
                "benefit_score": f"{r.benefit_score:f}",
                "total": f"{r.total:f}",
                "criterion_scores": {k: f"{v:f}" for k, v in r.criterion_scores.items()},
            }
            for r in found.ranked
        ],
        "non_compliant": [
            {
                "bidder": r.name,
                "bid": found.bids[r.name].uuid,
                "total_price": f"{r.total_price:f}",
                "quality_score": f"{r.quality_score:f}",
                "criterion_scores": {k: f"{v:f}" for k, v in r.criterion_scores.items()},
                "reasons": list(r.reasons),
            }
            for r in found.non_compliant
        ],
        "warnings": [
            {"code": w.code, "message": w.message, "bid": w.bid}
            for w in (found.result.warnings if found.result else ())
        ],
        "excluded": [b.organisation.name for b in found.excluded],
    }


@router.post(f"{BASE}/award", response={201: AwardOut})
def approve_award(request, pk: int, tender_pk: int, payload: AwardIn):
    tender = _officer(request, pk, tender_pk, "bidding.award")
    _opened_or_404(tender)
    decision = None
    if payload.decision_id is not None:
        decision = Decision.objects.filter(
            pk=payload.decision_id, partnership=tender.partnership
        ).first()
        if decision is None:
            raise DomainError("No such decision.", code="no_decision", field="decision_id")
    kpis = list(Kpi.objects.filter(pk__in=payload.kpi_ids, pilot__partnership=tender.partnership))
    if len(kpis) != len(set(payload.kpi_ids)):
        raise DomainError("Choose the partnership's pilot KPIs.", code="no_kpi", field="kpi_ids")
    award = domain.approve_award(
        tender=tender,
        actor=request.user,
        reasons=payload.reasons,
        electronic=payload.electronic,
        decision=decision,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        kpis=kpis,
        value=payload.value,
        value_reason=payload.value_reason,
    )
    return Status(201, award)


def _text(value) -> str | None:
    return None if value is None else f"{value.normalize():f}"


@router.get(f"{BASE}/award/value", response=ContractValueOut)
def contract_value(request, pk: int, tender_pk: int):
    """The contract value the winning bid's price schedule would give, line by line, with what
    to check about it; 404 until the bids are opened and the ranking is complete."""
    tender = _officer(request, pk, tender_pk, "bidding.award")
    _opened_or_404(tender)
    results = domain.results_of(tender)
    if results.winner is None:
        raise Http404("The ranking is not complete, or no bid is compliant")
    derived = domain.derived_value(tender, results)
    return {
        "value": money(derived.value),
        "why_not": derived.why_not,
        "lines": [
            {
                "element": line.element,
                "price": money(line.price),
                "unit": line.unit,
                "annual_volume": _text(line.annual_volume),
                "years": _text(line.years),
                "evaluated": money(line.evaluated),
            }
            for line in derived.lines
        ],
        "flags": domain.value_flags(tender, derived.value) if derived.value else [],
    }


@router.get(f"{BASE}/award", response=AwardOut)
def get_award(request, pk: int, tender_pk: int):
    tender = _officer(request, pk, tender_pk, "bidding.award")
    award = getattr(tender, "award", None) if tender.awarded_at else None
    if award is None:
        raise Http404("No award yet")
    return award


@router.get(f"{BASE}/award/letters/{{uuid:bid_uuid}}.pdf", response={200: None})
def letter(request, pk: int, tender_pk: int, bid_uuid: uuid.UUID):
    """A bidder's award or unsuccessful letter (PDF) with the debrief: for officers (verified
    session) and for the bidder itself, once the award is approved."""
    from . import exports

    tender = Tender.objects.filter(partnership_id=pk, pk=tender_pk).first()
    if tender is None:
        raise Http404("No such tender")
    registration = registration_of(request.user, tender)
    bid = get_object_or_404(Bid, tender=tender, uuid=bid_uuid, status=BidStatus.SUBMITTED)
    if registration is None or registration.organisation_id != bid.organisation_id:
        _officer(request, pk, tender_pk, "bidding.award")
    award = getattr(tender, "award", None) if tender.awarded_at else None
    if award is None:
        raise Http404("No award yet")
    data = exports.letter_pdf(award, bid, illustrative=tender.partnership.is_illustrative)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{bid.receipt_number}.pdf"'
    return response


@router.post(f"{BASE}/award/contract/conclusion", response=BiddingContractOut)
def conclude(request, pk: int, tender_pk: int):
    tender = _officer(request, pk, tender_pk, "bidding.award")
    contract = get_object_or_404(tender.contracts, concluded_at__isnull=True)
    return domain.conclude_contract(contract=contract, actor=request.user)


@router.get(f"{BASE}/ocds", response=dict)
def ocds_package(request, pk: int, tender_pk: int):
    """The tender's OCDS release package with the award and contract releases."""
    from . import ocds

    partnership = get_for(request.user, pk)
    tender = get_object_or_404(Tender, partnership=partnership, pk=tender_pk)
    return ocds.release_package(tender)
