"""Bid pages: glue that resolves the tender, checks permission (and two-factor sign-in for
officers and evaluators), calls the domain and renders.

Officers' pages resolve the partnership first (404 for outsiders, 403 for members without the
permission). Bidders' pages resolve the bidder's registration: a person who is neither a member
nor a registered bidder gets 404. Before opening no page shows bid content: content pages
answer 404 until the seal is released.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from coplan.core import clock
from coplan.core.actions import act
from coplan.core.errors import DomainError
from coplan.partnerships import queries as partnerships
from coplan.tendering.models import Tender

from . import domain, queries, receipts, twofactor
from .enums import BidStatus
from .forms import BidForm, OpeningTimeForm, ReceiptForm
from .models import Bid
from .rules import registration_of


def _ctx(request, partnership, **extra):
    return {
        "partnership": partnership,
        "nav_partnerships": True,
        **extra,
    }


def _bidder_ctx(request, partnership, **extra):
    """A bidder's page: under "Your tenders", whether or not they are a partner."""
    return {"partnership": partnership, "nav_tenders": True, **extra}


def _tender(partnership, tender_pk) -> Tender:
    return get_object_or_404(Tender, partnership=partnership, pk=tender_pk)


def _officer_tender(request, pk, tender_pk, perm="bidding.view_bids"):
    """The tender for an officer: 404 outsiders, 403 members without ``perm``; the session
    must be two-factor verified (raises :class:`twofactor.Unverified`)."""
    partnership = partnerships.get_for(request.user, pk)
    tender = _tender(partnership, tender_pk)
    if not request.user.has_perm(perm, tender):
        raise PermissionDenied("Your role in this partnership does not allow this.")
    twofactor.require(request)
    return partnership, tender


def _is_id(value) -> bool:
    try:
        return 0 < int(value) < 2**63
    except (TypeError, ValueError):
        return False


def _bidder_tender(request, pk, tender_pk):
    if not all(_is_id(v) for v in (pk, tender_pk)):  # beyond any database id: none such
        raise Http404("No such tender")
    tender = (
        Tender.objects.select_related("partnership")
        .filter(partnership_id=pk, pk=tender_pk, published_at__isnull=False)
        .first()
    )
    registration = registration_of(request.user, tender) if tender else None
    if registration is None:
        if tender is not None and request.user.has_perm(
            "partnerships.view_partnership", tender.partnership
        ):
            raise PermissionDenied("Only a registered bidder can bid.")
        raise Http404("No such tender")
    return tender.partnership, tender, registration


@login_required
def index(request, pk):
    partnership = partnerships.get_for(request.user, pk)
    tenders = list(
        Tender.objects.filter(partnership=partnership, published_at__isnull=False).order_by(
            "-published_at"
        )
    )
    rows = [
        {
            "tender": t,
            "officer": request.user.has_perm("bidding.view_bids", t),
            "bidder": registration_of(request.user, t) is not None,
            "evaluator": request.user.has_perm("bidding.evaluate", t),
        }
        for t in tenders
    ]
    return render(request, "bidding/index.html", _ctx(request, partnership, rows=rows))


@login_required
@twofactor.guard
def tender_bids(request, pk, tender_pk):
    partnership, tender = _officer_tender(request, pk, tender_pk)
    return render(
        request,
        "bidding/tender.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            bids=list(queries.bids_of(tender)),
            confirmations=list(tender.opening_confirmations.select_related("officer")),
            record=getattr(tender, "opening_record", None),
            confirmed=tender.opening_confirmations.filter(officer=request.user).exists(),
            can_read=request.user.has_perm("bidding.read_bid_content", tender),
            now=clock.now(),
        ),
    )


@login_required
@twofactor.guard
def opening_time(request, pk, tender_pk):
    partnership, tender = _officer_tender(request, pk, tender_pk, "bidding.set_opening_time")
    initial = {"opening_at": timezone.localtime(tender.opening_at) if tender.opening_at else None}
    form = OpeningTimeForm(request.POST or None, initial=initial, tender=tender)
    if request.method == "POST" and form.is_valid():
        try:
            domain.set_opening_time(
                tender=tender, actor=request.user, opening_at=form.cleaned_data["opening_at"]
            )
        except DomainError as error:
            form.add_error("opening_at" if error.field else None, error.message)
        else:
            return redirect("bidding:tender", pk, tender.pk)
    return render(
        request,
        "bidding/form.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            form=form,
            heading="Set the opening time",
            button="Save opening time",
            back=reverse("bidding:tender", args=[pk, tender.pk]),
        ),
    )


@login_required
@twofactor.guard
@require_POST
def confirm_opening(request, pk, tender_pk):
    _partnership, tender = _officer_tender(request, pk, tender_pk, "bidding.open_bids")
    return act(
        request,
        lambda: domain.confirm_opening(tender=tender, actor=request.user),
        success=lambda record: (
            "The bids are open."
            if record
            else "Your confirmation is recorded: a second "
            "officer must confirm before the bids open."
        ),
        to=redirect("bidding:tender", pk, tender.pk),
    )


def _opened_bid(request, tender, bid_uuid, what) -> Bid:
    """A current bid of an opened tender; 404 while sealed (never content), and the attempt
    to read a sealed bid is audited."""
    if tender.opened_at is None:
        domain.record_sealed_read(actor=request.user, tender=tender, what=what)
        raise Http404("The bids are sealed")
    return get_object_or_404(
        Bid.objects.select_related("organisation", "consortium", "tender"),
        tender=tender,
        uuid=bid_uuid,
        status=BidStatus.SUBMITTED,
    )


@login_required
@twofactor.guard
def bid_detail(request, pk, tender_pk, bid_uuid):
    partnership, tender = _officer_tender(request, pk, tender_pk)
    bid = _opened_bid(request, tender, bid_uuid, "bid page")
    if not request.user.has_perm("bidding.read_bid_content", tender):
        raise PermissionDenied("Only the procurement officer reads the bids.")
    check = domain.verify_bid(bid)
    return render(
        request,
        "bidding/bid.html",
        _ctx(
            request,
            partnership,
            tender=tender,
            bid=bid,
            check=check,
            content=check.content or {},
            commitments=domain.commitments_of(tender, check.content or {}),
        ),
    )


@login_required
@twofactor.guard
def bid_document(request, pk, tender_pk, bid_uuid, position):
    _partnership, tender = _officer_tender(request, pk, tender_pk)
    bid = _opened_bid(request, tender, bid_uuid, "bid document")
    if not request.user.has_perm("bidding.read_bid_content", tender):
        raise PermissionDenied("Only the procurement officer reads the bids.")
    document = get_object_or_404(bid.documents, position=position)
    try:
        name, data = domain.read_document(document)
    except DomainError as error:
        raise Http404(error.message) from None
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{_safe(name)}"'
    return response


def _safe(name: str) -> str:
    return "".join(c for c in name if c.isalnum() or c in "._- ") or "document"


# --- Bidders ---------------------------------------------------------------------------------


@login_required
def your_tenders(request):
    """Every tender the person's organisations are registered for, with the way to each bid,
    its receipts, the clarifications and, after the award, the letter."""
    return render(
        request,
        "bidding/your_tenders.html",
        {"rows": queries.your_tenders(request.user), "nav_tenders": True},
    )


@login_required
def my_bid(request, pk, tender_pk):
    partnership, tender, registration = _bidder_tender(request, pk, tender_pk)
    open_for_bids = tender.opened_at is None and (
        tender.submission_deadline is None or clock.now() < tender.submission_deadline
    )
    posted = request.method == "POST"
    form = BidForm(
        request.POST if posted else None, request.FILES if posted else None, tender=tender
    )
    if request.method == "POST" and form.is_valid():
        try:
            bid = domain.submit_bid(
                registration=registration, actor=request.user, **form.domain_kwargs()
            )
        except DomainError as error:
            form.add_error(form.field_for(error.field), error.message)
        else:
            messages.success(
                request,
                (
                    f"Your bid is sealed. Receipt {bid.receipt_number}, submitted "
                    f"{timezone.localtime(bid.submitted_at):%d %B %Y at %H:%M:%S}."
                ),
            )
            return redirect("bidding:mine", pk, tender.pk)
    return render(
        request,
        "bidding/mine.html",
        _bidder_ctx(
            request,
            partnership,
            tender=tender,
            registration=registration,
            bids=list(queries.bids_of(tender).filter(organisation=registration.organisation)),
            form=form,
            open_for_bids=open_for_bids,
        ),
    )


def _own_bid(request, pk, tender_pk, bid_uuid):
    partnership, tender, registration = _bidder_tender(request, pk, tender_pk)
    bid = get_object_or_404(
        Bid.objects.select_related("tender", "organisation"),
        tender=tender,
        organisation=registration.organisation,
        uuid=bid_uuid,
    )
    return partnership, tender, bid


@login_required
@require_POST
def withdraw(request, pk, tender_pk, bid_uuid):
    _, tender, bid = _own_bid(request, pk, tender_pk, bid_uuid)
    return act(
        request,
        lambda: domain.withdraw_bid(bid=bid, actor=request.user),
        success=lambda _: f"Bid {bid.receipt_number} is withdrawn.",
        to=redirect("bidding:mine", pk, tender.pk),
    )


@login_required
def receipt(request, pk, tender_pk, bid_uuid):
    """The receipt as text: exact submission time and SHA-256 digests (no content)."""
    bid = _own_bid(request, pk, tender_pk, bid_uuid)[2]
    response = HttpResponse(receipts.text(bid), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{bid.receipt_number}.txt"'
    return response


@login_required
def verify(request, pk, tender_pk, bid_uuid):
    """After opening, the bidder checks the opened bid against its receipt: the digests the
    opening recomputed, and (uploading it) the receipt file they downloaded."""
    partnership, tender, bid = _own_bid(request, pk, tender_pk, bid_uuid)
    if tender.opened_at is None or bid.status != BidStatus.SUBMITTED:
        raise Http404("The bid is sealed until opening")
    posted = request.method == "POST"
    form = ReceiptForm(request.POST if posted else None, request.FILES if posted else None)
    receipt_check = None
    if posted and form.is_valid():
        try:
            receipt_check = domain.check_receipt(
                bid=bid, actor=request.user, receipt=form.receipt_text()
            )
        except DomainError as error:
            form.add_error("receipt", error.message)
    check = receipt_check.verification if receipt_check else domain.verify_bid(bid)
    return render(
        request,
        "bidding/verify.html",
        _bidder_ctx(
            request,
            partnership,
            tender=tender,
            bid=bid,
            check=check,
            form=form,
            receipt_check=receipt_check,
        ),
    )
