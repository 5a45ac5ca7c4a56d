"""Personal data the bidding app holds (see ``coplan.core.privacy``).

* **Bid contacts**: the bidder's staff member who submitted (or withdrew) each bid. The bid's
  sealed content is the organisation's commercial offer, not personal data, and is never
  exported here; who submitted it is a procurement record and is kept (on erasure it stays
  linked to the scrubbed account, "Erased person").
* **Evaluators' declarations and scores**: panel assignments, conflict-of-interest declarations
  (with the links Coplan found and the officer's decision) and individual scores with their
  rationale, plus the officers' own part (moderation, decisions, opening confirmations, award
  approval). PC(S)R 2015 reg 84 requires the evaluation record to be kept for at least three
  years from the award, so erasure keeps them; after that period the free text of the
  declarations (details, links found, mitigation, reasons) is cleared, keeping only the kind of
  conflict and the decision.
* **Two-factor devices** used to see sealed and opened bids: deleted on erasure.
"""

from django.db.models import Q

from coplan.core.privacy import Category, months_ago, register, retention_months

from .models import (
    Assignment,
    Award,
    Bid,
    ConflictDeclaration,
    ModeratedScore,
    OpeningConfirmation,
    PriceQuery,
    Score,
)


def export_bid_contacts(person):
    """The bids the person submitted or withdrew, once each tender's bids are opened: before
    that, who bid is sealed from everyone, the staff answering the request included
    (coplan/bidding/sensitivity.py)."""
    return [
        {
            "tender": str(b.tender),
            "organisation": b.organisation.name,
            "consortium": b.consortium.name if b.consortium_id else "",
            "submitted_at": b.submitted_at,
            "status": b.get_status_display(),
            "receipt_digest": b.digest,
            "withdrawn_by_you": b.withdrawn_by_id == person.pk,
            "withdrawn_at": b.withdrawn_at,
        }
        for b in Bid.objects.filter(Q(submitted_by=person) | Q(withdrawn_by=person))
        .filter(tender__opened_at__isnull=False)
        .select_related("tender", "organisation", "consortium")
        .order_by("submitted_at", "pk")
    ]


def export_evaluation(person):
    return (
        [
            {
                "tender": str(a.tender),
                "assigned_to": str(a.criterion) if a.criterion_id else a.get_part_display(),
                "assigned_at": a.assigned_at,
            }
            for a in Assignment.objects.filter(evaluator=person).select_related(
                "tender", "criterion"
            )
        ]
        + [
            {
                "tender": str(d.tender),
                "declared": d.get_kind_display(),
                "details": d.details,
                "links_found": d.flags,
                "declared_at": d.declared_at,
                "decision": d.get_decision_display(),
                "mitigation": d.mitigation,
                "decision_reason": d.decision_reason,
            }
            for d in ConflictDeclaration.objects.filter(evaluator=person).select_related("tender")
        ]
        + [
            {
                "tender": str(s.bid.tender),
                "bid": s.bid.organisation.name,
                "question": str(s.criterion),
                "score": s.score,
                "rationale": s.rationale,
                "submitted_at": s.submitted_at,
            }
            for s in Score.objects.filter(evaluator=person)
            .select_related("bid__tender", "bid__organisation", "criterion")
            .order_by("submitted_at", "pk")
        ]
    )


def export_officer_record(person):
    return (
        [
            {"tender": str(c.tender), "confirmed_opening_at": c.confirmed_at}
            for c in OpeningConfirmation.objects.filter(officer=person).select_related("tender")
        ]
        + [
            {
                "tender": str(d.tender),
                "decided_declaration_of": str(d.evaluator),
                "decision": d.get_decision_display(),
                "decided_at": d.decided_at,
            }
            for d in ConflictDeclaration.objects.filter(decided_by=person).select_related(
                "tender", "evaluator"
            )
        ]
        + [
            {
                "tender": str(m.bid.tender),
                "moderated": str(m.criterion),
                "bid": m.bid.organisation.name,
                "score": m.score,
                "at": m.moderated_at,
            }
            for m in ModeratedScore.objects.filter(moderated_by=person).select_related(
                "bid__tender", "bid__organisation", "criterion"
            )
        ]
        + [
            {"tender": str(q.bid.tender), "price_query_on": q.bid.organisation.name}
            for q in PriceQuery.objects.filter(
                Q(requested_by=person) | Q(decided_by=person)
            ).select_related("bid__tender", "bid__organisation")
        ]
        + [
            {"tender": str(a.tender), "approved_award_at": a.approved_at}
            for a in Award.objects.filter(approved_by=person).select_related("tender")
        ]
    )


def retain_declarations(today, dry_run):
    """The free text of conflict-of-interest declarations is cleared N months (default 36,
    PC(S)R 2015 reg 84) after the tender's award; the kind and the decision stay."""
    cutoff = months_ago(today, retention_months("bidding_declarations", 36))
    old = ConflictDeclaration.objects.filter(tender__awarded_at__date__lt=cutoff).exclude(
        details="", flags=[], mitigation="", decision_reason=""
    )
    if dry_run:
        return old.count()
    return old.update(details="", flags=[], mitigation="", decision_reason="")


def export_devices(person):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return [
        {"two_factor_device": d.name, "confirmed": d.confirmed}
        for d in TOTPDevice.objects.filter(user=person)
    ]


def erase_devices(person):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    deleted, _ = TOTPDevice.objects.filter(user=person).delete()
    return deleted


PROCUREMENT_RECORDS = (
    "Legal obligation and public task (UK GDPR Art. 6(1)(c), (e)): procurement records "
    "(Public Contracts (Scotland) Regulations 2015 regs 24 and 84)."
)

register(
    Category(
        key="bidding.bid_contacts",
        title="Who submitted each bid",
        holds="The bidder's staff member who submitted or withdrew a bid, when, and the bid's "
        "receipt.",
        about="Bidders' staff.",
        purpose="To give the bidder a receipt and to prove which bids arrived, when and unopened.",
        lawful_basis=PROCUREMENT_RECORDS,
        retention="For the council's records retention schedule for procurement records (at "
        "least three years from the award); kept without a name after erasure.",
        export=export_bid_contacts,
    )
)
register(
    Category(
        key="bidding.evaluation",
        title="Evaluation panels, declarations of interest and scores",
        holds="Which questions an evaluator was assigned, their conflict-of-interest "
        "declaration (their links to bidders, as declared and as Coplan found them) and the "
        "officer's decision on it, and each individual score with its rationale.",
        about="Evaluators: partners and service users on the evaluation panel.",
        purpose="To evaluate bids fairly and show that conflicts of interest were managed.",
        lawful_basis=PROCUREMENT_RECORDS,
        retention="Kept, linked to the person, for at least three years from the award (reg "
        "84); then the free text of declarations (details, links found, mitigation, reasons) "
        "is cleared, keeping only the kind of conflict and the decision. Scores and their "
        "rationale stay as the evaluation record; after erasure they point to 'Erased "
        "person'.",
        export=export_evaluation,
        retain=retain_declarations,
        notice="If you sit on an evaluation panel, we keep your declaration of interests and "
        "your scores as the official record of the evaluation; the details of your "
        "declaration are cleared three years after the contract is awarded.",
    )
)
register(
    Category(
        key="bidding.officer_record",
        title="Opening, moderation and award decisions",
        holds="Which officers confirmed the opening of bids, decided on declarations of "
        "interest, moderated scores, queried prices and approved the award.",
        about="The council's procurement officers and commissioners.",
        purpose="Accountability for the procurement: four-eyes opening and reasoned decisions.",
        lawful_basis=PROCUREMENT_RECORDS,
        retention="For the council's records retention schedule for procurement records; kept "
        "without a name after erasure.",
        export=export_officer_record,
    )
)
register(
    Category(
        key="bidding.two_factor",
        title="Two-factor devices",
        holds="The name of the authenticator app registered to see bids, and its secret key.",
        about="Officers, evaluators and bidders who use the bidding pages.",
        purpose="To make sure only the right person sees sealed and opened bids.",
        lawful_basis="Public task (UK GDPR Art. 6(1)(e)); security of processing (Art. 32).",
        retention="While the account is in use; deleted on erasure.",
        export=export_devices,
        erase=erase_devices,
    )
)
