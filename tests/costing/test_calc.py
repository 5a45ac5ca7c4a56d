"""The full cost recovery calculation, with figures checked by hand.

The multi-pool model below is a small furniture project with four activities (Packs, the
service; Storage, another project; Core; Fundraising), five posts, three non-staff costs and
three overhead pools shared by headcount, staff time and expenditure. By hand:

* staff cost = salary + NI + pension: Manager 34,000; each driver 22,600; Fundraiser 26,800;
  Finance officer 19,800 (on no activity: central functions work, paid from that pool).
* time: Manager 20 % Packs, 20 % Storage, 40 % Core, 20 % Fundraising; Driver A 100 % Packs;
  Driver B 50 % Packs, 50 % Storage; Fundraiser 100 % Fundraising.
* direct cost of Packs = 34,000 × 0.2 + 22,600 + 22,600 × 0.5 + fuel 5,000 + materials 3,000
  = 6,800 + 22,600 + 11,300 + 8,000 = **48,700**; Storage = 6,800 + 11,300 + rent 6,000 =
  24,100; Core = 13,600; Fundraising = 6,800 + 26,800 = 33,600; all activities 120,000.
* headcount (each person one head, split by their time) = staff time here:
  Packs 1.7, Storage 0.7, Core 0.4, Fundraising 1.2; total 4.0; 1 person on no activity.

Denominator "all activities" (staff with no allocation not counted):
  Premises 12,000 × 1.7/4 = 5,100; Central 9,000 × 1.7/4 = 3,825;
  Governance 6,000 × 48,700/120,000 = 2,435; overheads 11,360; full cost 60,060;
  unit cost (400 packs) 150.15; price (+5 %) 157.6575; recovery rate 11,360/48,700.
Denominator "projects only": shares over Packs and Storage (headcount 2.4, spend 72,800):
  Premises 12,000 × 1.7/2.4 = 8,500; Central 9,000 × 1.7/2.4 = 6,375;
  Governance 6,000 × 48,700/72,800 = 4,013.7362… → 4,013.74 (Storage 1,986.26; the spare
  penny goes to the larger remainder); overheads 18,888.74; full 67,588.74; unit 168.97185.
All activities, counting the Finance officer (denominator 5 for headcount and staff time):
  Premises 12,000 × 1.7/5 = 4,080 (2,400 unallocated); Central 9,000 × 1.7/5 = 3,060
  (1,800 unallocated); Governance 2,435; overheads 9,575; full 58,275; unit 145.6875.
"""

import random
from decimal import Decimal as D

import pytest

from coplan.costing import calc
from coplan.costing.calc import Activity, DirectCost, Inputs, Pool, Staff

ACTIVITIES = (
    Activity("Packs"),
    Activity("Storage"),
    Activity("Core", "core"),
    Activity("Fundraising", "fundraising"),
)
STAFF = (
    Staff(
        "Manager",
        D(30000),
        D(3000),
        D(1000),
        {"Packs": D("0.2"), "Storage": D("0.2"), "Core": D("0.4"), "Fundraising": D("0.2")},
    ),
    Staff("Driver A", D(20000), D(2000), D(600), {"Packs": D(1)}),
    Staff("Driver B", D(20000), D(2000), D(600), {"Packs": D("0.5"), "Storage": D("0.5")}),
    Staff("Fundraiser", D(24000), D(2400), D(400), {"Fundraising": D(1)}),
    Staff("Finance officer", D(18000), D(1800), D(0), {}),
)
COSTS = (
    DirectCost("Van fuel", D(5000), "Packs"),
    DirectCost("Materials", D(3000), "Packs"),
    DirectCost("Storage unit rent", D(6000), "Storage"),
)
POOLS = (
    Pool("Premises", D(12000), "headcount"),
    Pool("Central functions", D(9000), "staff_time"),
    Pool("Governance", D(6000), "expenditure"),
)


def model(**changes) -> Inputs:
    fields = {
        "activities": ACTIVITIES,
        "service": "Packs",
        "staff": STAFF,
        "direct_costs": COSTS,
        "pools": POOLS,
        "units": D(400),
        "surplus_rate": D("0.05"),
    } | changes
    return Inputs(**fields)


def service_amounts(result) -> dict[str, D]:
    return {p.name: p.service_amount for p in result.pools}


def test_direct_cost_of_the_service_by_hand():
    result = calc.calculate(model())
    assert result.staff_direct == D("40700")  # 6,800 + 22,600 + 11,300
    assert result.non_staff_direct == D("8000")
    assert result.direct_cost == D("48700")
    assert result.direct_by_activity == {
        "Packs": D("48700"),
        "Storage": D("24100"),
        "Core": D("13600"),
        "Fundraising": D("33600"),
    }


def test_all_activities_denominator_by_hand():
    result = calc.calculate(model())
    assert service_amounts(result) == {
        "Premises": D("5100.00"),
        "Central functions": D("3825.00"),
        "Governance": D("2435.00"),
    }
    assert [p.denominator for p in result.pools] == [D(4), D(4), D(120000)]
    assert result.overheads == D("11360")
    assert result.full_cost == D("60060")
    assert result.unit_cost == D("150.15")
    assert result.price == D("157.6575")
    assert calc.pennies(result.price) == D("157.66")
    assert result.overhead_recovery_rate == D(11360) / D(48700)
    assert result.organisation_overhead_rate == D(27000) / D(120000)
    assert result.total_unallocated == 0
    assert result.passed


def test_projects_only_denominator_gives_the_service_a_bigger_share():
    result = calc.calculate(model(basis="projects"))
    assert service_amounts(result) == {
        "Premises": D("8500.00"),
        "Central functions": D("6375.00"),
        "Governance": D("4013.74"),
    }
    governance = result.pools[2]
    assert [(a.activity, a.amount) for a in governance.allocations] == [
        ("Packs", D("4013.74")),
        ("Storage", D("1986.26")),
    ]
    assert result.overheads == D("18888.74")
    assert result.full_cost == D("67588.74")
    assert result.unit_cost == D("168.97185")
    assert calc.pennies(result.price) == D("177.42")
    assert "projects only" in result.denominator_label
    assert result.total_unallocated == 0


def test_counting_staff_with_no_allocation_leaves_part_of_the_pools_unallocated():
    result = calc.calculate(model(count_unallocated_staff=True))
    premises, central, governance = result.pools
    assert (premises.denominator, premises.service_amount, premises.unallocated) == (
        D(5),
        D("4080.00"),
        D("2400.00"),
    )
    assert (central.denominator, central.service_amount, central.unallocated) == (
        D(5),
        D("3060.00"),
        D("1800.00"),
    )
    assert governance.unallocated == 0  # expenditure is not a staff driver
    assert result.overheads == D("9575")
    assert result.full_cost == D("58275")
    assert calc.pennies(result.unit_cost) == D("145.69")  # 145.6875, rounded half up
    assert result.total_unallocated == D("4200.00")
    assert result.unallocated == [("Premises", D("2400.00")), ("Central functions", D("1800.00"))]
    assert {w.code for w in result.warnings} >= {"unallocated_overhead", "staff_unallocated"}
    balance = next(c for c in result.checks if c.code == "pools_balance")
    assert balance.passed
    assert balance.detail == "£22,800.00 + £4,200.00 = £27,000.00"


def test_the_denominator_choice_changes_the_answer():
    units = {
        choice: calc.calculate(model(**choice_fields)).unit_cost
        for choice, choice_fields in {
            "all": {},
            "projects": {"basis": "projects"},
            "with unallocated staff": {"count_unallocated_staff": True},
        }.items()
    }
    assert units == {
        "all": D("150.15"),
        "projects": D("168.97185"),
        "with unallocated staff": D("145.6875"),
    }


def test_an_explicit_denominator_reports_the_remainder_as_unallocated():
    pools = (Pool("Premises", D(12000), "headcount", denominator=D(6)),)
    result = calc.calculate(model(pools=pools))
    premises = result.pools[0]
    # 12,000 × 1.7/6 = 3,400 to Packs; 12,000 × 4/6 = 8,000 allocated in all, 4,000 left.
    assert premises.service_amount == D("3400.00")
    assert premises.allocated == D("8000.00")
    assert premises.unallocated == D("4000.00")
    assert premises.denominator_label == "an explicit total of 6"


def test_a_pool_is_split_into_whole_pennies_by_the_largest_remainder():
    activities = (Activity("A"), Activity("B"), Activity("C"))
    inputs = Inputs(
        activities=activities,
        service="B",
        pools=(Pool("Office", D("100.00"), "custom"),),
        drivers={"custom": {"A": D(1), "B": D(1), "C": D(1)}},
    )
    result = calc.calculate(inputs)
    office = result.pools[0]
    assert [a.amount for a in office.allocations] == [D("33.34"), D("33.33"), D("33.33")]
    assert office.allocated + office.unallocated == D("100.00")
    assert office.service_share == D(1) / D(3)


def test_headcount_counts_people_and_staff_time_counts_time():
    """A person half on X (the rest unallocated) is one head on X but half a person's time."""
    inputs = Inputs(
        activities=(Activity("X"), Activity("Y")),
        service="X",
        staff=(
            Staff("Part allocated", D(10000), time={"X": D("0.5")}),
            Staff("Full", D(10000), time={"Y": D(1)}),
        ),
        pools=(Pool("Premises", D(900), "headcount"), Pool("Central", D(900), "staff_time")),
    )
    premises, central = calc.calculate(inputs).pools
    assert (premises.service_share, premises.service_amount) == (D("0.5"), D("450.00"))
    assert central.service_amount == D("300.00")  # 0.5 of 1.5
    counted = calc.calculate(Inputs(**{**inputs.__dict__, "count_unallocated_staff": True}))
    assert counted.pools[1].service_amount == D("225.00")  # 0.5 of 2 (half a person unused)
    assert counted.pools[1].unallocated == D("225.00")


def test_floor_area_uses_the_values_given_per_activity():
    inputs = model(
        pools=(Pool("Warehouse", D(10000), "floor_area"),),
        drivers={"floor_area": {"Packs": D(300), "Storage": D(500), "Core": D(200)}},
    )
    warehouse = calc.calculate(inputs).pools[0]
    assert warehouse.service_amount == D("3000.00")
    assert [a.amount for a in warehouse.allocations] == [
        D("3000.00"),
        D("5000.00"),
        D("2000.00"),
        D("0.00"),
    ]


def test_a_pool_nobody_uses_is_wholly_unallocated_and_says_so():
    inputs = model(
        pools=(Pool("Let space", D(500), "floor_area"),),
        drivers={"floor_area": {}},
    )
    result = calc.calculate(inputs)
    assert result.pools[0].unallocated == D("500.00")
    assert result.overheads == 0
    assert [w.code for w in result.warnings if w.code == "pool_not_shared"] == ["pool_not_shared"]


def test_a_service_without_direct_costs_has_no_recovery_rate():
    inputs = Inputs(
        activities=(Activity("Only"),),
        service="Only",
        pools=(Pool("Office", D(100), "floor_area"),),
        drivers={"floor_area": {"Only": D(1)}},
    )
    result = calc.calculate(inputs)
    assert result.overhead_recovery_rate is None
    assert result.full_cost == D("100.00")
    assert "no_direct_cost" in {w.code for w in result.warnings}


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"service": "Nothing"}, "service", "unknown_service"),
        ({"units": D(0)}, "units", "units"),
        ({"surplus_rate": D("-0.1")}, "surplus_rate", "surplus_rate"),
        (
            {"staff": (Staff("Over", D(1), time={"Packs": D("0.7"), "Storage": D("0.4")}),)},
            "staff.0.time",
            "time_over_100",
        ),
        (
            {"staff": (Staff("Odd", D(1), time={"Packs": D("1.5")}),)},
            "staff.0.time.Packs",
            "time_out_of_range",
        ),
        (
            {"staff": (Staff("Lost", D(1), time={"Nowhere": D("0.5")}),)},
            "staff.0.time.Nowhere",
            "unknown_activity",
        ),
        (
            {"direct_costs": (DirectCost("Fuel", D(1), "Nowhere"),)},
            "direct_costs.0.activity",
            "unknown_activity",
        ),
        (
            {"direct_costs": (DirectCost("Refund", D(-1), "Packs"),)},
            "direct_costs.0.amount",
            "negative",
        ),
        ({"pools": (Pool("Rent", D(1), "floor_area"),)}, "drivers.floor_area", "missing_driver"),
        ({"pools": (Pool("Rent", D(1), "weather"),)}, "pools.0.driver", "unknown_driver"),
        (
            {"pools": (Pool("Premises", D(12000), "headcount", denominator=D(3)),)},
            "pools.0.denominator",
            "denominator_too_small",
        ),
        ({"drivers": {"custom": {"Packs": D(-2)}}}, "drivers.custom.Packs", "negative"),
        ({"activities": (*ACTIVITIES, Activity("Packs"))}, "activities.4", "duplicate_activity"),
    ],
)
def test_broken_rules_name_the_field(changes, field, code):
    with pytest.raises(calc.CalcError) as caught:
        calc.calculate(model(**changes))
    found = [(e.field, e.code) for e in caught.value.errors]
    assert (field, code) in found, found


def test_a_denominator_below_the_activities_total_would_share_out_more_than_the_pool():
    """The shares-in-[0, 1] rule: an explicit denominator of 3 against a headcount of 4 would
    give out 4/3 of the pool, so it is refused rather than computed."""
    errors = calc.validate(model(pools=(Pool("Premises", D(12000), "headcount", D(3)),)))
    assert [e.code for e in errors] == ["denominator_too_small"]
    assert "shares would add up to more than 1" in errors[0].message


def test_allocated_plus_unallocated_always_equals_the_pools():
    rng = random.Random(20060101)
    for _ in range(200):
        names = [f"A{i}" for i in range(rng.randint(1, 6))]
        values = {n: D(rng.randint(0, 50)) for n in names}
        natural = sum(values.values())
        denominator = natural + D(rng.randint(0, 20)) if rng.random() < 0.5 and natural else None
        amount = D(rng.randint(0, 10_000_000)) / 100
        inputs = Inputs(
            activities=tuple(Activity(n) for n in names),
            service=names[0],
            pools=(Pool("P", amount, "custom", denominator),),
            drivers={"custom": values},
        )
        pool = calc.calculate(inputs).pools[0]
        assert pool.allocated + pool.unallocated == amount
        assert all(a.amount == a.amount.quantize(D("0.01")) for a in pool.allocations)
        assert all(0 <= a.share <= 1 for a in pool.allocations)
        assert pool.shares_valid
