"""Open data: the award and contract releases, added to the tender's OCDS 1.1.5 package
(:func:`coplan.tendering.ocds.release_package`). Core schema only, no extension declared.

The award release carries the award notice (with the community benefits expected, when the
s.25 duty applied) as the award's description, the supplier (and a consortium's members as
tenderers' names in the description), the value and the contract period; the contract release
carries the contract, ``pending`` until it is concluded after the standstill period.
"""

from coplan.tendering import ocds as tendering_ocds


def _org(organisation) -> dict:
    return {"id": f"coplan-org-{organisation.pk}", "name": organisation.name}


def award_release(tender) -> dict | None:
    award = getattr(tender, "award", None) if tender.awarded_at else None
    if award is None:
        return None
    contract = tender.contracts.select_related("supplier").first()
    buyer = tender.partnership.lead_authority
    supplier = award.bid.organisation
    ocid = tendering_ocds.ocid(tender)
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
        ],
        "buyer": _org(buyer),
        "awards": [
            {
                "id": f"award-{award.pk}",
                "title": f"Award of {tender.title}",
                "description": award.notice,
                "status": "active",
                "date": tendering_ocds._when(award.approved_at),
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
    """Add the award and contract releases to the tender's package (once they exist)."""
    for release in (award_release(tender), contract_release(tender)):
        if release is not None:
            package["releases"].append(release)


def release_package(tender) -> dict:
    """The tender's whole package: planning and tender, award, contract (and implementation
    where the benefits app adds it)."""
    return tendering_ocds.full_package(tender)


tendering_ocds.register_releases("bidding", add_releases, order=10)
