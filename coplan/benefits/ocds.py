"""OCDS implementation data for contracts: each contract's community benefit commitments as
delivery milestones, with their status from verified returns, and each verified return line as
a dated reporting milestone. Added to the tender's package through
``coplan.tendering.ocds.register_releases``, after the bidding app's award and contract
releases. No extensions are declared (the validator would try to download them)."""

from coplan.core import clock
from coplan.tendering import ocds as tender_ocds

from . import monitoring
from .calc import Rag
from .models import LineStatus


def _contract_ids(contract, ocid: str) -> set[str]:
    """The ids the contract may have in the package: the bidding app's contract release uses
    ``contract-<pk>``; the others are our own fallbacks."""
    return {str(contract.pk), f"contract-{contract.pk}", f"{ocid}-contract-{contract.pk}"}


def _award_id(package: dict, contract, ocid: str) -> str:
    """The award the package's contract release names for this contract, else the award of
    the contract's supplier, else a stable id of our own."""
    ids = _contract_ids(contract, ocid)
    for release in package.get("releases", []):
        for found in release.get("contracts", []):
            if str(found.get("id")) in ids and found.get("awardID"):
                return found["awardID"]
    party = f"coplan-org-{contract.supplier_id}"
    for release in package.get("releases", []):
        for award in release.get("awards", []):
            if any(s.get("id") == party for s in award.get("suppliers", [])):
                return award["id"]
    return f"{ocid}-award-{contract.pk}"


def _contract_id(package: dict, contract, ocid: str) -> str:
    """The contract's id in the package's contract release, so that the implementation
    release merges into the same contract (OCDS merges contracts by id)."""
    ids = _contract_ids(contract, ocid)
    for release in package.get("releases", []):
        for found in release.get("contracts", []):
            if str(found.get("id")) in ids:
                return found["id"]
    return f"{ocid}-contract-{contract.pk}"


def _milestone_status(row, as_of) -> str:
    c = row.commitment
    if row.verified >= c.target_min and row.status.rag != Rag.NOT_DUE:
        return "met"
    if c.period_end <= as_of:
        return "partiallyMet" if row.verified > 0 else "notMet"
    return "scheduled"


def implementation_release(tender, contract, package: dict) -> dict:
    ocid = tender_ocds.ocid(tender)
    state = monitoring.monitor(contract)
    milestones = []
    for row in state.rows:
        c = row.commitment
        target = f"{c.target_min.normalize():f}"
        if c.target_max is not None:
            target += f" to {c.target_max.normalize():f}"
        milestones.append(
            {
                "id": f"commitment-{c.pk}",
                "title": c.description,
                "type": "delivery",
                "description": f"Community benefit commitment: {target} {c.unit} between "
                f"{c.period_start:%d %B %Y} and {c.period_end:%d %B %Y}. Verified so far: "
                f"{row.verified.normalize():f} {c.unit} ({row.status.label.lower()} as at "
                f"{state.as_of:%d %B %Y}).",
                "dueDate": tender_ocds._when(c.period_end),
                "status": _milestone_status(row, state.as_of),
            }
        )
        for line in row.lines:
            if line.status != LineStatus.VERIFIED:
                continue
            milestones.append(
                {
                    "id": f"return-line-{line.pk}",
                    "title": f"{c.description}: {line.quarterly_return}",
                    "type": "reporting",
                    "description": f"{line.actual.normalize():f} {c.unit} reported and verified.",
                    "dueDate": tender_ocds._when(line.quarterly_return.period_end),
                    "dateMet": tender_ocds._when(
                        line.reviewed_at or line.quarterly_return.submitted_at
                    ),
                    "status": "met",
                }
            )
    date = max(
        [r.submitted_at for r in state.returns] + [contract.created_at or clock.now()],
    )
    return tender_ocds._clean(
        {
            "ocid": ocid,
            "id": f"{ocid}-implementation-{contract.pk}-{len(state.returns)}",
            "date": tender_ocds._when(date),
            "tag": ["implementation"],
            "initiationType": "tender",
            "contracts": [
                {
                    "id": _contract_id(package, contract, ocid),
                    "awardID": _award_id(package, contract, ocid),
                    "title": str(contract),
                    "period": {
                        "startDate": tender_ocds._when(contract.starts_on),
                        "endDate": tender_ocds._when(contract.ends_on),
                    },
                    "implementation": {"milestones": milestones},
                }
            ],
        }
    )


def add_releases(tender, package: dict) -> None:
    """Add an implementation release for each of the tender's contracts, after the bidding
    app's award and contract releases (whose ids it reuses)."""
    for contract in tender.contracts.select_related("supplier", "tender__partnership").order_by(
        "pk"
    ):
        package["releases"].append(implementation_release(tender, contract, package))


def release_package(tender) -> dict:
    """The tender's whole package, implementation releases included."""
    return tender_ocds.full_package(tender)


tender_ocds.register_releases("benefits", add_releases, order=20)
