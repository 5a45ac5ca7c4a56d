"""The evaluation record's exports (XLSX and PDF) and the award and unsuccessful letters."""

from coplan.core import clock
from coplan.core.pdf import render_pdf
from coplan.core.tables import write_xlsx


def _d(value, places=2) -> str:
    return f"{value:.{places}f}"


NOT_RANKED = "Not ranked"


def has_minimums(tender, criteria) -> bool:
    """The tender published a minimum quality score, overall or on a question: the results
    then say which bids are compliant."""
    return tender.quality_minimum is not None or any(c.minimum_score is not None for c in criteria)


def result_rows(results, criteria, *, compliance=False) -> list[list]:
    """The ranked bids, then (unranked, with no price, benefit or total score) the bids below
    a minimum quality score; with ``compliance``, a last column says why."""
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
                *(["Compliant"] if compliance else []),
            ]
        )
    for r in results.non_compliant:
        rows.append(
            [
                NOT_RANKED,
                r.name,
                _d(r.total_price),
                "",
                *[_d(r.criterion_scores.get(c.name, 0)) for c in criteria],
                _d(r.quality_score),
                "",
                "",
                f"Non-compliant: {r.reason}",
            ]
        )
    return rows


def columns(criteria, *, compliance=False) -> list[str]:
    return [
        "Rank",
        "Bidder",
        "Total price (£)",
        "Price score",
        *[f"{c.name} ({c.weight:g})" for c in criteria],
        "Quality score",
        "Community benefit score",
        "Total",
        *(["Compliance"] if compliance else []),
    ]


def shows_compliance(tender, results, criteria) -> bool:
    """Whether the results carry the compliance column: the tender has minimums."""
    return has_minimums(tender, criteria) or bool(results.non_compliant)


def results_xlsx(tender, results, criteria) -> bytes:
    compliance = shows_compliance(tender, results, criteria)
    return write_xlsx(
        columns(criteria, compliance=compliance),
        result_rows(results, criteria, compliance=compliance),
        title="Results",
    )


def results_pdf(tender, results, criteria, *, illustrative=False) -> bytes:
    compliance = shows_compliance(tender, results, criteria)
    return render_pdf(
        "bidding/pdf/results.html",
        {
            "tender": tender,
            "columns": columns(criteria, compliance=compliance),
            "rows": result_rows(results, criteria, compliance=compliance),
            "non_compliant": results.non_compliant,
            "warnings": results.result.warnings if results.result else [],
            "excluded": results.excluded,
            "tie_break": tender.get_tie_break_display(),
            "generated_at": clock.now(),
            "illustrative": illustrative,
        },
        title=f"Evaluation results: {tender.title}",
    )


def letter_pdf(award, bid, *, illustrative=False) -> bytes:
    """The award letter (to the winner) or the unsuccessful letter with the debrief: the
    bidder's scores against the winner's, per part and per question, and the reasons — for a
    non-compliant bid, why it was not ranked (the minimum quality score it missed)."""
    context = letter_context(award, bid, illustrative=illustrative)
    title = "Award letter" if context["won"] else "Unsuccessful bid letter"
    return render_pdf("bidding/pdf/letter.html", context, title=f"{title}: {award.tender.title}")


def letter_context(award, bid, *, illustrative=False) -> dict:
    """What the letter template shows (see :func:`letter_pdf`)."""
    rows = {r["bid"]: r for r in award.results}
    mine = rows.get(str(bid.uuid))
    winner = rows.get(str(award.bid.uuid))
    won = bid.pk == award.bid_id
    comparison = []

    def shown(row, key):
        value = row.get(key)
        return "Not scored" if value is None else f"{float(value):.2f}"

    if mine and winner:
        for label, key in (
            ("Price", "price_score"),
            ("Quality", "quality_score"),
            ("Community benefits", "benefit_score"),
            ("Total", "total"),
        ):
            comparison.append((label, shown(mine, key), shown(winner, key)))
        for name, value in winner["criterion_scores"].items():
            comparison.append(
                (
                    f"Quality: {name}",
                    f"{float(mine['criterion_scores'].get(name, 0)):.2f}",
                    f"{float(value):.2f}",
                )
            )
    return {
        "award": award,
        "tender": award.tender,
        "bid": bid,
        "won": won,
        "mine": mine,
        # Snapshots from before quality minimums bound hold compliant bids only.
        "non_compliant": bool(mine) and mine.get("compliant", True) is False,
        "reasons": (mine or {}).get("reasons", []),
        "winner": winner,
        "comparison": comparison,
        "generated_at": award.letters_sent_at,
        "illustrative": illustrative,
    }
