"""Open data: the award and contract releases, added to the tender's OCDS 1.1.5 package
(:func:`coplan.tendering.ocds.release_package`).

The award release carries the award notice (with the community benefits expected, when the
s.25 duty applied) as the award's description, the supplier (and a consortium's members as
tenderers' names in the description), the value and the contract period; the contract release
carries the contract, ``pending`` until it is concluded after the standstill period.

Once the award exists the package declares one extension, the OCDS bids extension (v1.1.5):
the award release lists every bid evaluated in ``bids.details`` — ``valid``, or
``disqualified`` with the reason in an ``evaluationReports`` document (a bid below a published
minimum quality score, or rejected as abnormally low) — and the award's ``relatedBid`` is the
winning bid, which is always a valid (compliant) one. Bid prices are not published.
"""

from coplan.tendering import ocds as tendering_ocds

BIDS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json"
)
ABNORMALLY_LOW = "Rejected as abnormally low, after the bidder's explanation of its price."


def _org(organisation) -> dict:
    return {"id": f"coplan-org-{organisation.pk}", "name": organisation.name}


def _bid_id(bid) -> str:
    return f"bid-{bid.pk}"


def _bids(tender, award) -> list[tuple]:
    """``(bid, status, reasons)`` for every bid evaluated, in submission order: ``valid`` for a
    bid ranked at the award, ``disqualified`` (with why) for a non-compliant or rejected one."""
    from .enums import BidStatus, PriceQueryOutcome
    from .models import Bid

    rows = {r["bid"]: r for r in award.results}
    found = []
    bids = (
        Bid.objects.filter(tender=tender, status=BidStatus.SUBMITTED)
        .select_related("organisation", "price_query")
        .order_by("submitted_at", "pk")
    )
    for bid in bids:
        row = rows.get(str(bid.uuid))
        query = getattr(bid, "price_query", None)
        if row is not None and row.get("compliant", True):
            found.append((bid, "valid", []))
        elif row is not None:
            found.append((bid, "disqualified", row.get("reasons", [])))
        elif query is not None and query.outcome == PriceQueryOutcome.REJECTED:
            found.append((bid, "disqualified", [ABNORMALLY_LOW]))
    return found


def _bids_section(bids, date) -> dict:
    details = []
    for bid, status, reasons in bids:
        detail = {
            "id": _bid_id(bid),
            "date": tendering_ocds._when(bid.submitted_at),
            "status": status,
            "tenderers": [_org(bid.organisation)],
        }
        if reasons:
            detail["documents"] = [
                {
                    "id": f"{_bid_id(bid)}-disqualification",
                    "documentType": "evaluationReports",
                    "title": "Why the bid was disqualified",
                    "description": " ".join(reasons),
                    "language": "en",
                }
            ]
        details.append(detail)
    return {
        "statistics": [
            {"id": "bids", "measure": "bids", "value": len(bids), "date": date},
            {
                "id": "validBids",
                "measure": "validBids",
                "value": sum(1 for _b, status, _r in bids if status == "valid"),
                "date": date,
            },
        ],
        "details": details,
    }


def award_release(tender) -> dict | None:
    award = getattr(tender, "award", None) if tender.awarded_at else None
    if award is None:
        return None
    contract = tender.contracts.select_related("supplier").first()
    buyer = tender.partnership.lead_authority
    supplier = award.bid.organisation
    ocid = tendering_ocds.ocid(tender)
    bids = _bids(tender, award)
    tenderers = [
        tendering_ocds._party(organisation, ["tenderer"])
        for organisation in dict.fromkeys(bid.organisation for bid, _s, _r in bids)
        if organisation.pk not in (buyer.pk, supplier.pk)
    ]
    release = {
        "ocid": ocid,
        "id": f"{ocid}-award-{award.pk}",
        "date": tendering_ocds._when(award.approved_at),
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": [
            tendering_ocds._party(buyer, ["buyer", "procuringEntity"]),
            tendering_ocds._party(supplier, ["supplier", "tenderer"]),
            *tenderers,
        ],
        "buyer": _org(buyer),
        "bids": _bids_section(bids, tendering_ocds._when(award.approved_at)),
        "awards": [
            {
                "id": f"award-{award.pk}",
                "title": f"Award of {tender.title}",
                "description": award.notice,
                "status": "active",
                "date": tendering_ocds._when(award.approved_at),
                "relatedBid": _bid_id(award.bid),
                "value": tendering_ocds._amount(contract.value if contract else None),
                "suppliers": [_org(supplier)],
                "contractPeriod": {
                    "startDate": tendering_ocds._when(contract.starts_on),
                    "endDate": tendering_ocds._when(contract.ends_on),
                }
                if contract
                else None,
            }
        ],
    }
    return tendering_ocds._clean(release)


def contract_release(tender) -> dict | None:
    award = getattr(tender, "award", None) if tender.awarded_at else None
    contract = tender.contracts.select_related("supplier").first() if award else None
    if contract is None:
        return None
    ocid = tendering_ocds.ocid(tender)
    buyer = tender.partnership.lead_authority
    date = contract.concluded_at or contract.created_at
    release = {
        "ocid": ocid,
        "id": f"{ocid}-contract-{contract.pk}-{'signed' if contract.concluded_at else 'pending'}",
        "date": tendering_ocds._when(date),
        "tag": ["contract"],
        "initiationType": "tender",
        "language": "en",
        "parties": [
            tendering_ocds._party(buyer, ["buyer", "procuringEntity"]),
            tendering_ocds._party(contract.supplier, ["supplier"]),
        ],
        "buyer": _org(buyer),
        "contracts": [
            {
                "id": f"contract-{contract.pk}",
                "awardID": f"award-{award.pk}",
                "title": f"{tender.title} contract",
                "status": "active" if contract.concluded_at else "pending",
                "value": tendering_ocds._amount(contract.value),
                "period": {
                    "startDate": tendering_ocds._when(contract.starts_on),
                    "endDate": tendering_ocds._when(contract.ends_on),
                },
                "dateSigned": tendering_ocds._when(contract.concluded_at),
            }
        ],
    }
    return tendering_ocds._clean(release)


def add_releases(tender, package: dict) -> None:
    """Add the award and contract releases to the tender's package (once they exist), and
    declare the bids extension the award release uses."""
    for release in (award_release(tender), contract_release(tender)):
        if release is not None:
            package["releases"].append(release)
            if "bids" in release and BIDS_EXTENSION not in package.get("extensions", []):
                package.setdefault("extensions", []).append(BIDS_EXTENSION)


def release_package(tender) -> dict:
    """The tender's whole package: planning and tender, award, contract (and implementation
    where the benefits app adds it)."""
    return tendering_ocds.full_package(tender)


tendering_ocds.register_releases("bidding", add_releases, order=10)
