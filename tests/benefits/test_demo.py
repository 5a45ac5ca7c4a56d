"""The benefits part of the demo story, loaded on its own."""

import datetime as dt
from decimal import Decimal as D

from coplan.benefits import demo, demo_returns, monitoring
from coplan.benefits.models import LineStatus, QuarterlyReturn, RemedialPlan, ReturnLine
from coplan.demo.context import DemoStory


def test_roar_befriending_sroi(partnership, personas):
    story = DemoStory(key="renfrewshire", partnership=partnership, today=dt.date(2026, 11, 25))
    demo.load(story)
    analysis = partnership.sroi_analyses.get()
    summary = analysis.summary()
    assert analysis.outcomes.count() == 4
    # year 1 £49,165.92, year 2 £27,486.00, year 3 £7,660.80, discounted at 3.5 %
    assert [y.value for y in summary.result.years] == [
        D("49165.92"),
        D("27486.00"),
        D("7660.80"),
    ]
    assert round(summary.result.ratio, 2) == D("1.67")


def test_homereach_two_years_of_returns(contract):
    w = contract
    story = DemoStory(
        key="north_lanarkshire", partnership=w.partnership, today=dt.date(2026, 11, 25)
    )
    demo_returns.load(story)
    assert QuarterlyReturn.objects.filter(contract=w.contract).count() == 8
    assert not ReturnLine.objects.exclude(status=LineStatus.VERIFIED).exists()
    state = monitoring.monitor(w.contract)
    assert state.as_of == dt.date(2009, 9, 30)
    history = [[c.status.rag for c in cells] for _, cells in state.history]
    assert "amber" in {rag for row in history for rag in row}
    red_rows = [row for row in history if "red" in row]
    assert red_rows and all(row[2] == "red" for row in red_rows)
    assert RemedialPlan.objects.get().commitment == w.tonnes
    trainees = state.rows[0].recruitment
    assert trainees.additional_percent is not None and trainees.retention_52_percent is not None
    demo_returns.load(story)  # idempotent
    assert QuarterlyReturn.objects.filter(contract=w.contract).count() == 8


def test_the_whole_demo_story(demo_stories):
    """Loaded by the demo loader: Homereach's awarded contract gets two years of returns with
    amber quarters and one red commitment with a remedial plan; ROAR gets its SROI."""
    from coplan.bidding.models import Contract

    stories = demo_stories
    nl = stories["north_lanarkshire"].partnership
    contract = Contract.objects.filter(tender__partnership=nl).first()
    assert contract is not None, "the bidding demo awards Homereach's contract"
    state = monitoring.monitor(contract)
    assert len(state.returns) == 8
    history = {rag for _, cells in state.history for c in cells for rag in [c.status.rag]}
    assert {"amber", "red"} <= history
    assert RemedialPlan.objects.filter(commitment__contract=contract).count() == 1
    # Homereach's commitments: the trainees condition, and the items and tonnes it bid
    rows = {r.commitment.description: r for r in state.rows}
    assert [(r.commitment.description, r.commitment.target_min) for r in state.rows] == [
        ("Trainee places for priority groups", D(30)),
        ("Items reused", D(2400)),
        ("Tonnes of goods reused", D(24)),
    ]
    # items reused: eight verified quarterly lines, each with its evidence
    items = rows["Items reused"]
    assert items.lines and len(items.lines) == 8
    assert items.evidence == 8
    assert items.status.rag == "green"
    # it follows the steady profile (110 % … 97 % … 110 % of pro rata): amber only around the
    # end of the first year, green at the end
    assert [cells[1].status.rag for _, cells in state.history] == [
        "green",
        "green",
        "green",
        "amber",
        "amber",
        "green",
        "green",
        "green",
    ]
    # trainees dip to amber in the first year; tonnes go red, get the plan and recover
    assert [cells[0].status.rag for _, cells in state.history] == 5 * ["amber"] + 3 * ["green"]
    assert [cells[2].status.rag for _, cells in state.history] == [
        "amber",
        "amber",
        "red",
        "red",
        "amber",
        "amber",
        "green",
        "green",
    ]
    plan = RemedialPlan.objects.get(commitment__contract=contract)
    assert plan.commitment.description == "Tonnes of goods reused"
    assert stories["renfrewshire"].partnership.sroi_analyses.count() == 1
    _the_golden_thread_runs_end_to_end(stories["north_lanarkshire"], contract)


def _the_golden_thread_runs_end_to_end(story, contract):
    """North Lanarkshire's thread, as the commissioner sees it: what young people said about
    training shaped CB-1 of the frozen specification, which the pilot's trainee KPI tests and
    the tender's trainees condition delivers, answered by Homereach's trainees commitment with
    its quarterly evidence. Every quality criterion and benefit requirement of the tender hangs
    from the requirement it records."""
    from coplan.benefits import thread
    from coplan.design import queries as design
    from coplan.partnerships.enums import Role
    from coplan.tendering.models import BenefitRequirement, QualityCriterion

    version = design.latest_signed_off(story.partnership)
    spec = {r.key: r for r in version.requirements.all()}
    tender = contract.tender
    assert {
        (r.measure.name, r.spec_requirement.key) for r in tender.benefit_requirements.all()
    } == {
        ("Trainee places for priority groups", "CB-1"),
        ("Items reused", "CB-2"),
        ("Tonnes of goods reused", "CB-2"),
    }
    assert not QualityCriterion.objects.filter(tender=tender, spec_requirement=None).exists()
    graph = thread.build(story.partnership, story.person(Role.COMMISSIONER), today=contract.ends_on)
    cb1 = f"requirement:{spec['CB-1'].pk}"
    trainees = BenefitRequirement.objects.get(tender=tender, spec_requirement=spec["CB-1"])
    commitment = contract.commitments.get(requirement=trainees)
    up, down = graph.around(f"commitment:{commitment.pk}")
    assert {n.kind for n in up} == {"insight", "requirement", "benefit_requirement"}
    assert cb1 in {n.key for n in up}
    assert any(n.kind == "evidence" for n in down)
    insight = next(n for n in up if n.kind == "insight")
    _, below = graph.around(insight.key)
    assert {"requirement", "kpi", "benefit_requirement", "commitment", "evidence"} <= {
        n.kind for n in below
    }
    assert "Young homeless trainee starts" in {n.label for n in below if n.kind == "kpi"}
    for criterion in QualityCriterion.objects.filter(tender=tender):
        up, _ = graph.around(f"criterion:{criterion.pk}")
        assert f"requirement:{criterion.spec_requirement_id}" in {n.key for n in up}
