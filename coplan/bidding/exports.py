"""The evaluation record's exports (XLSX and PDF) and the award and unsuccessful letters."""

from django.utils import timezone

from coplan.core.pdf import render_pdf
from coplan.core.tables import write_xlsx


def _d(value, places=2) -> str:
    return f"{value:.{places}f}"


def result_rows(results, criteria) -> list[list]:
    rows = []
    for r in results.ranked:
        rows.append(
            [
                r.rank,
                r.name,
                _d(r.total_price),
                _d(r.price_score),
                *[_d(r.criterion_scores.get(c.name, 0)) for c in criteria],
                _d(r.quality_score),
                _d(r.benefit_score),
                _d(r.total),
            ]
        )
    return rows


def columns(criteria) -> list[str]:
    return [
        "Rank",
        "Bidder",
        "Total price (£)",
        "Price score",
        *[f"{c.name} ({c.weight:g})" for c in criteria],
        "Quality score",
        "Community benefit score",
        "Total",
    ]


def results_xlsx(tender, results, criteria) -> bytes:
    return write_xlsx(columns(criteria), result_rows(results, criteria), title="Results")


def results_pdf(tender, results, criteria, *, illustrative=False) -> bytes:
    return render_pdf(
        "bidding/pdf/results.html",
        {
            "tender": tender,
            "columns": columns(criteria),
            "rows": result_rows(results, criteria),
            "warnings": results.result.warnings if results.result else [],
            "excluded": results.excluded,
            "tie_break": tender.get_tie_break_display(),
            "generated_at": timezone.now(),
            "illustrative": illustrative,
        },
        title=f"Evaluation results: {tender.title}",
    )


def letter_pdf(award, bid, *, illustrative=False) -> bytes:
    """The award letter (to the winner) or the unsuccessful letter with the debrief: the
    bidder's scores against the winner's, per part and per question, and the reasons."""
    rows = {r["bid"]: r for r in award.results}
    mine = rows.get(str(bid.uuid))
    winner = rows.get(str(award.bid.uuid))
    won = bid.pk == award.bid_id
    comparison = []
    if mine and winner:
        for label, key in (
            ("Price", "price_score"),
            ("Quality", "quality_score"),
            ("Community benefits", "benefit_score"),
            ("Total", "total"),
        ):
            comparison.append((label, f"{float(mine[key]):.2f}", f"{float(winner[key]):.2f}"))
        for name, value in winner["criterion_scores"].items():
            comparison.append(
                (
                    f"Quality: {name}",
                    f"{float(mine['criterion_scores'].get(name, 0)):.2f}",
                    f"{float(value):.2f}",
                )
            )
    return render_pdf(
        "bidding/pdf/letter.html",
        {
            "award": award,
            "tender": award.tender,
            "bid": bid,
            "won": won,
            "mine": mine,
            "winner": winner,
            "comparison": comparison,
            "generated_at": award.letters_sent_at,
            "illustrative": illustrative,
        },
        title=("Award letter" if won else "Unsuccessful bid letter") + f": {award.tender.title}",
    )
