"""Publication, bidder registration, clarifications and addenda.

Publication is refused while any design or pilot artefact is unclassified for bidder
disclosure (docs/disclosure.md, F1), while the community benefit duty applies and the notice
neither summarises the requirements nor gives reasons for none (s.25), while the scoring model
is invalid, while the strategy or timetable is incomplete, or while publishing today would
break the PSP timeline (docs/timeline.md, T1–T3). One function, :func:`check_publication`,
decides it for the checklist, the API and Publish alike.

Clarification questions are anonymised by the officer and every answer is published to all
registered bidders at once (docs/disclosure.md, F1); addenda are numbered and notified to
every bidder.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coplan.core import audit, clock
from coplan.core.errors import DomainError
from coplan.core.mail import mail_on_commit, site_url
from coplan.core.models import Affiliation
from coplan.design import queries as design
from coplan.pilots import queries as pilots

from ..models import Addendum, BidderRegistration, Clarification, Tender
from .model import check_model
from .timetable import check_timetable


@dataclass(frozen=True)
class Blocker:
    """One line of the publication checklist. A blocking one (``blocking``) makes Publish
    refuse; an advisory one is worth reading first but does not stop publication."""

    code: str
    message: str
    url: str = ""
    blocking: bool = True


@dataclass
class PublicationCheck:
    """What Publish would decide on ``publish_on``: the blocking problems first (each one a
    reason Publish refuses), then the advisory ones."""

    publish_on: dt.date
    blockers: list[Blocker] = field(default_factory=list)
    advisories: list[Blocker] = field(default_factory=list)

    @property
    def can_publish(self) -> bool:
        return not self.blockers

    @property
    def items(self) -> list[Blocker]:
        return self.blockers + self.advisories

    @property
    def refusal(self) -> str:
        """Publish's refusal: every blocking reason, each its own sentence, with the
        unclassified artefacts counted rather than listed."""
        shown = [b for b in self.blockers if not b.code.startswith("unclassified_")]
        shown += [b for b in self.blockers if b.code == "unclassified_artefacts"]
        return "The tender cannot be published yet: " + " ".join(b.message for b in shown)


def unclassified_artefacts(partnership) -> list[Blocker]:
    """Design and pilot artefacts with no bidder disclosure class yet."""
    found = [
        Blocker("unclassified_design", f"{a.label} ({design.ARTEFACT_KINDS[a.kind]})", a.url)
        for a in design.unclassified_artefacts(partnership)
    ]
    found += [
        Blocker("unclassified_pilot", a["label"], a["url"])
        for a in pilots.unclassified_artefacts(partnership)
    ]
    return found


def check_publication(tender: Tender, *, user=None, now=None) -> PublicationCheck:
    """The one publishability rule: what Publish would decide at ``now`` (default: this
    moment). The checklist on the tender page, ``GET …/publication-check`` and :func:`publish`
    all call it, so whatever Publish would refuse the checklist has listed first.

    With ``user``, the check is told as that person may read it: someone who may not see the
    unpublished evaluation model (a partner who may bid) learns only that it is not valid."""
    publish_on = timezone.localdate(now or clock.now())
    check = PublicationCheck(publish_on=publish_on)
    blockers, advisories = check.blockers, check.advisories
    if tender.published_at:
        blockers.append(Blocker("already_published", "The tender is already published."))
    if tender.value_ex_vat is None:
        blockers.append(
            Blocker("no_strategy", "Complete the procurement strategy: the estimated value.")
        )
    if tender.cb_duty and not (
        tender.cb_summary.strip() or tender.cb_no_requirements_reasons.strip()
    ):
        blockers.append(
            Blocker(
                "cb_summary_missing",
                "The community benefit duty applies (s.25): the contract notice must summarise "
                "the community benefit requirements or give reasons for not including any.",
            )
        )
    errors, warnings = check_model(tender)
    blockers += [Blocker("invalid_model", f"Scoring model: {e.message}") for e in errors]
    advisories += [Blocker(w.code, f"Scoring model: {w.message}", blocking=False) for w in warnings]
    timetable = check_timetable(tender, publish_on=publish_on)
    for name, message in timetable.errors:
        # the PSP timeline (docs/timeline.md, T1–T3), already a whole sentence
        if name == "publication":
            blockers.append(Blocker("psp_timeline", message))
        else:
            blockers.append(Blocker("timetable", f"Timetable: {message}"))
    advisories += [Blocker("psp_timeline", m, blocking=False) for m in timetable.warnings]
    artefacts = unclassified_artefacts(tender.partnership)
    if artefacts:
        blockers.append(
            Blocker(
                "unclassified_artefacts",
                f"{len(artefacts)} design or pilot artefact"
                f"{'s are' if len(artefacts) != 1 else ' is'} not classified for bidder "
                "disclosure (F1): classify every one before publishing.",
            )
        )
        blockers += artefacts
    if user is not None and not user.has_perm("tendering.view_evaluation_model", tender):
        _hide_model(check)
    return check


MODEL_CODES = {"invalid_model", "rewards_incumbency"}


def _hide_model(check: PublicationCheck) -> None:
    hidden = any(b.code == "invalid_model" for b in check.blockers)
    check.blockers[:] = [b for b in check.blockers if b.code not in MODEL_CODES]
    check.advisories[:] = [b for b in check.advisories if b.code not in MODEL_CODES]
    if hidden:
        check.blockers.append(Blocker("invalid_model", "The scoring model is not complete yet."))


def publish(*, tender: Tender, actor) -> Tender:
    """Publish the tender now (``coplan.core.clock``), unless :func:`check_publication` finds a
    blocking problem: then refuse with every reason."""
    with transaction.atomic():
        Tender.objects.select_for_update().filter(pk=tender.pk).first()
        tender.refresh_from_db()
        now = clock.now()
        check = check_publication(tender, now=now)
        if not check.can_publish:
            raise DomainError(
                check.refusal,
                code="publication_refused",
                data={"blockers": [{"code": b.code, "message": b.message} for b in check.blockers]},
            )
        tender.published_at = now
        tender.published_by = actor
        tender.save(update_fields=["published_at", "published_by", "updated_at"])
        audit.log(
            actor=actor,
            action="tendering.tender.published",
            obj=tender,
            partnership=tender.partnership,
            data={
                "reference": tender.reference,
                "rules_version": tender.rules_version,
                "cb_duty": tender.cb_duty,
                "weights": {
                    "price": tender.price_weight,
                    "benefit": tender.benefit_weight,
                    "quality": sum(c.weight for c in tender.scoring_model().quality_criteria),
                },
            },
        )
    return tender


def _guard_open(tender: Tender, what: str, now=None) -> None:
    now = clock.now()
    if tender.published_at is None:
        raise DomainError(f"The tender is not published: {what} opens at publication.")
    if tender.opened_at is not None or (
        tender.submission_deadline and now >= tender.submission_deadline
    ):
        raise DomainError(f"The tender has closed for bids: {what} is over.", code="tender_closed")


def register_bidder(*, tender: Tender, actor, organisation, consortium=None) -> BidderRegistration:
    """Register ``organisation`` as a bidder (the person must work for it). Anyone may register,
    partners and outsiders alike."""
    now = clock.now()
    _guard_open(tender, "registration", now)
    if not Affiliation.objects.filter(user=actor, organisation=organisation).exists():
        raise DomainError(
            f"You can register only an organisation you work for, not {organisation}.",
            field="organisation",
        )
    if tender.registrations.filter(organisation=organisation).exists():
        raise DomainError(f"{organisation} is already registered.", field="organisation")
    with transaction.atomic():
        registration = BidderRegistration.objects.create(
            tender=tender,
            organisation=organisation,
            user=actor,
            consortium=consortium,
            registered_at=now,
        )
        _registered_mail(tender, registration)
        audit.log(
            actor=actor,
            action="tendering.bidder.registered",
            obj=registration,
            partnership=tender.partnership,
            data={
                "tender": tender.pk,
                "organisation": organisation.name,
                "consortium": getattr(consortium, "pk", None),
            },
        )
    return registration


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _registered_mail(tender: Tender, registration: BidderRegistration) -> None:
    """Tell the person who registered what comes next, and where."""
    deadline = (
        f"Bids are due by {_when(tender.submission_deadline)}. "
        if tender.submission_deadline
        else ""
    )
    mail_on_commit(
        f"{tender.reference}: {registration.organisation} is registered as a bidder",
        f"You registered {registration.organisation} as a bidder for “{tender.title}” "
        f"({tender.reference}).\n\n{deadline}Your bid is sealed when you submit it: nobody, "
        "including the council, can read it before the opening.\n\n"
        f"The contract notice, with your bid, clarifications and addenda: "
        f"{site_url(tender.get_public_url())}\n"
        f"Your tenders: {site_url('/bids/')}\n",
        [registration.user.email],
    )


def registration_for(tender: Tender, user) -> BidderRegistration | None:
    """The registration of one of ``user``'s organisations, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        tender.registrations.filter(organisation__in=user.organisations.all())
        .select_related("organisation")
        .first()
    )


def ask(*, tender: Tender, registration: BidderRegistration, actor, question: str) -> Clarification:
    now = clock.now()
    if registration.tender_id != tender.pk:
        raise DomainError("Register for this tender first.")
    if tender.clarification_deadline and now >= tender.clarification_deadline:
        raise DomainError("The clarification deadline has passed.", code="clarifications_closed")
    _guard_open(tender, "asking questions", now)
    if not question.strip():
        raise DomainError("Enter your question.", field="question")
    with transaction.atomic():
        number = (tender.clarifications.aggregate(n=Max("number"))["n"] or 0) + 1
        clarification = Clarification.objects.create(
            tender=tender,
            registration=registration,
            number=number,
            question=question,
            asked_at=now,
        )
        audit.log(
            actor=actor,
            action="tendering.clarification.asked",
            obj=clarification,
            partnership=tender.partnership,
            data={"number": number},
        )
    return clarification


def _notify_bidders(tender: Tender, subject: str, body: str) -> int:
    """One message to every registered bidder, sent together (nobody hears first) once the
    change is committed (never for a rollback)."""
    return mail_on_commit(
        subject, body, [r.user.email for r in tender.registrations.select_related("user")]
    )


def answer(
    *, clarification: Clarification, actor, published_question: str, answer: str
) -> Clarification:
    """Answer a question: the anonymised question and the answer are published to every
    registered bidder at once."""
    if clarification.answered_at:
        raise DomainError("This question is already answered; publish an addendum to add to it.")
    if not published_question.strip():
        raise DomainError(
            "Enter the question as it will be published, without anything that identifies "
            "the bidder.",
            field="published_question",
        )
    if not answer.strip():
        raise DomainError("Enter the answer.", field="answer")
    tender = clarification.tender
    with transaction.atomic():
        clarification.published_question = published_question
        clarification.answer = answer
        clarification.answered_at = clock.now()
        clarification.answered_by = actor
        clarification.save()
        sent = _notify_bidders(
            tender,
            f"{tender.reference}: clarification {clarification.number} answered",
            f"A clarification to the tender “{tender.title}” ({tender.reference}) has been "
            f"answered to every registered bidder.\n\nQuestion: {published_question}\n\n"
            f"Answer: {answer}\n",
        )
        audit.log(
            actor=actor,
            action="tendering.clarification.answered",
            obj=clarification,
            partnership=tender.partnership,
            data={"number": clarification.number, "notified": sent},
        )
    return clarification


def publish_addendum(*, tender: Tender, actor, title: str, body: str) -> Addendum:
    """A numbered amendment to the published tender, notified to every registered bidder."""
    if tender.published_at is None:
        raise DomainError("Change the draft itself: addenda amend a published tender.")
    if tender.opened_at is not None:
        raise DomainError("The bids are open: the tender can no longer be amended.")
    if not title.strip():
        raise DomainError("Enter a title.", field="title")
    with transaction.atomic():
        number = (tender.addenda.aggregate(n=Max("number"))["n"] or 0) + 1
        addendum = Addendum.objects.create(
            tender=tender,
            number=number,
            title=title,
            body=body,
            published_by=actor,
            published_at=clock.now(),
        )
        sent = _notify_bidders(
            tender,
            f"{tender.reference}: addendum {number} — {title}",
            f"Addendum {number} to the tender “{tender.title}” ({tender.reference}):\n\n"
            f"{title}\n\n{body}\n",
        )
        audit.log(
            actor=actor,
            action="tendering.addendum.published",
            obj=addendum,
            partnership=tender.partnership,
            data={"number": number, "title": title, "notified": sent},
        )
    return addendum
