"""Personal data the tendering app holds (see ``coplan.core.privacy``): who registered each
bidder for a tender, and the clarification questions bidders asked as they asked them (never
published: the published version is anonymised by the officer). Both are procurement records
and are kept; on erasure they stay linked to the scrubbed account ("Erased person")."""

from coplan.core.privacy import Category, register

from .models import BidderRegistration, Clarification


def export_registrations(person):
    """Registrations for tenders whose bids are opened: before that, who means to bid is sealed
    (coplan/tendering/sensitivity.py)."""
    return [
        {
            "registered_for": str(r.tender),
            "organisation": str(r.organisation),
            "consortium": str(r.consortium) if r.consortium_id else "",
            "at": r.registered_at,
        }
        for r in BidderRegistration.objects.filter(
            user=person, tender__opened_at__isnull=False
        ).select_related("tender", "organisation", "consortium")
    ]


def export_clarifications(person):
    """The questions the person asked, once the tender's bids are opened (a question names
    whom its asker bids for, sealed until then), and those they answered."""
    return [
        {
            "tender": str(c.tender),
            "clarification": c.number,
            "asked": c.question,
            "published_as": c.published_question,
            "answer": c.answer,
            "asked_at": c.asked_at,
        }
        for c in Clarification.objects.filter(
            registration__user=person, tender__opened_at__isnull=False
        ).select_related("tender")
    ] + [
        {"tender": str(c.tender), "clarification_answered": c.number, "at": c.answered_at}
        for c in Clarification.objects.filter(answered_by=person).select_related("tender")
    ]


register(
    Category(
        key="tendering.registrations",
        title="Bidder registrations",
        holds="Who registered an organisation's interest in a tender, for which organisation "
        "or consortium, and when.",
        about="Bidders' staff.",
        purpose="To send every registered bidder the same documents, clarifications and "
        "addenda at the same time, and to know who may bid.",
        lawful_basis="Public task and legal obligation (UK GDPR Art. 6(1)(e), (c)): "
        "procurement records.",
        retention="For the council's records retention schedule for procurement records; kept "
        "without a name after erasure.",
        export=export_registrations,
    )
)
register(
    Category(
        key="tendering.clarifications",
        title="Clarification questions",
        holds="A bidder's question as asked (which can identify the person or firm asking), "
        "who asked it through their registration, and who answered it.",
        about="Bidders' staff and the council's procurement officers.",
        purpose="To answer bidders' questions and publish the anonymised question and answer "
        "to every bidder at once.",
        lawful_basis="Public task and legal obligation (UK GDPR Art. 6(1)(e), (c)): "
        "procurement records.",
        retention="For the council's records retention schedule for procurement records; only "
        "the anonymised question is ever published.",
        export=export_clarifications,
    )
)
