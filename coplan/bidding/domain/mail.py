"""What a bidder is told by e-mail: its bid sealed (with the receipt), its bid opened (with the
digest checked), and the award decision with its letter — each only about its own bid, and
sent once the change commits (:func:`coplan.core.mail.mail_on_commit`)."""

from django.urls import reverse
from django.utils import timezone

from coplan.core.mail import mail_on_commit, site_url


def _when(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _people(bid) -> list[str]:
    """Who hears about a bid: the person who registered the bidder and the one who submitted."""
    return [bid.registration.user.email, bid.submitted_by.email]


def _your_bid(tender) -> str:
    return site_url(reverse("bidding:mine", args=[tender.partnership_id, tender.pk]))


def bid_sealed(bid, *, replaced: bool) -> None:
    tender = bid.tender
    mail_on_commit(
        f"{tender.reference}: your bid is sealed (receipt {bid.receipt_number})",
        f"Your {'replacement ' if replaced else ''}bid for “{tender.title}” ({tender.reference}) "
        f"was received on {_when(bid.submitted_at)} and sealed. Nobody, including the council, "
        "can read it before two officers open the bids at the opening time.\n\n"
        f"Receipt: {bid.receipt_number}\nSHA-256 of your sealed bid: {bid.digest}\n\n"
        "Download the receipt from your bid's page and keep it: at the opening you can check "
        f"that the bid opened is the one you sent.\n{_your_bid(tender)}\n",
        _people(bid),
    )


def bid_opened(tender, bids, entries) -> None:
    checked = {e["bid"]: e["verified"] for e in entries}
    for bid in bids:
        verified = checked.get(str(bid.uuid))
        mail_on_commit(
            f"{tender.reference}: your bid was opened (receipt {bid.receipt_number})",
            f"The bids for “{tender.title}” ({tender.reference}) were opened by two officers on "
            f"{_when(tender.opened_at)}.\n\nYour bid, receipt {bid.receipt_number}, was opened "
            + (
                "and its digest matched the one on your receipt"
                if verified
                else "and the opening recorded a problem with it; the officers will contact you"
            )
            + f".\nSHA-256: {bid.digest}\n\nYou can check it against your receipt on your bid's "
            f"page: {_your_bid(tender)}\n",
            _people(bid),
        )


def award_decided(award, bids) -> None:
    """The award letters, sent electronically when the award says so (a link to each bidder's
    own letter; a posted letter is not e-mailed)."""
    if not award.electronic:
        return
    tender = award.tender
    for bid in bids:
        won = bid.pk == award.bid_id
        letter = site_url(
            reverse("bidding:letter", args=[tender.partnership_id, tender.pk, bid.uuid])
        )
        mail_on_commit(
            f"{tender.reference}: award decision" + (" – your bid was successful" if won else ""),
            f"The council has decided the award of “{tender.title}” ({tender.reference}).\n\n"
            + (
                "We intend to award the contract to you. "
                if won
                else f"We intend to award the contract to {award.bid.organisation.name}. "
            )
            + "Your letter gives the reasons and your bid's scores against the winning bid's: "
            f"{letter}\n\nThe standstill period of {award.standstill_days} days ends on "
            f"{_when(award.standstill_ends_at)}; the contract will not be concluded before "
            "then.\n",
            _people(bid),
        )
