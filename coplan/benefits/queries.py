"""Reusable reads of the benefits app, with the visibility filters and ``select_related``.

Contracts and commitments live in the bidding app."""

from dataclasses import dataclass, field

from coplan.bidding.models import Contract
from coplan.core import charts
from coplan.tendering.models import Tender


def contracts_of(partnership) -> list:
    return list(
        Contract.objects.filter(tender__partnership=partnership)
        .select_related("tender", "supplier")
        .order_by("starts_on", "pk")
    )


def public_tenders(partnership_pk):
    """The partnership's published tenders that have a contract: their open data includes the
    contracts' implementation (commitments and verified returns)."""
    return Tender.objects.filter(
        partnership_id=partnership_pk, published_at__isnull=False, contracts__isnull=False
    ).distinct()


@dataclass
class PublicReport:
    contracts: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    chart: str = ""

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class PublicRow:
    commitment: object
    promised: str
    status: object
    as_of: object = None


@dataclass
class PublicBlock:
    contract: object
    rows: list
    as_of: object = None  # the end of the latest quarter with verified figures


def public_report(partnership, *, today=None) -> PublicReport:
    """Promised (each commitment's target) and delivered (verified actuals) per contract, with
    a bar chart of delivered as a % of what was due (the table beside it has the figures)."""
    from .monitoring import monitor

    contracts = contracts_of(partnership)
    blocks, labels, values = [], [], []
    for contract in contracts:
        state = monitor(contract, today=today)
        rows = [PublicRow(r.commitment, r.target_text, r.status, r.as_of) for r in state.rows]
        if rows:
            blocks.append(PublicBlock(contract, rows, state.as_of))
        for r in state.rows:
            labels.append(r.commitment.description[:28])
            values.append(float(r.status.percent) if r.status.percent is not None else None)
    chart = ""
    if labels:
        chart = charts.render(
            charts.Chart(
                title="Delivered as a percentage of what was due",
                description="For each commitment, its verified delivery as a percentage of its "
                "pro-rata target; the line marks 100 %. The table below gives the figures.",
                labels=labels,
                series=[charts.Series("Delivered, % of due", values)],
                lines=[charts.Line("Due (100 %)", 100)],
                y_label="% of due",
                kind="bar",
            )
        )
    return PublicReport(contracts=contracts, rows=blocks, chart=chart)
