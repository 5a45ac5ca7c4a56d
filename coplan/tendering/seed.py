"""The starter community benefit clause library (docs/statutory.md, community benefit
requirements) a new installation ships with.

Staff edit it afterwards (wording changes make new versions). Used by the data migration
``0002_seed_clause_library`` and nothing else; kept here so that it reads as data.

Proxy values are illustrative starting points in the table version ``Coplan starter 2016.1``:
an authority replaces them with the proxy table it has adopted (for example the National TOMs).
"""

STARTER_TABLE = "Coplan starter 2016.1"
STARTER_FROM = "2016-04-18"
STARTER_SOURCE = "Illustrative starting value: replace with your authority's adopted proxy table"

F6 = (
    " Local residence must never be a requirement (CBIP 2008): the clause targets priority "
    "groups wherever they live."
)

# (type, title, guidance, wording, [(measure, unit, evidence, proxy £ per unit or None)])
CLAUSES = [
    (
        "targeted_recruitment",
        "Targeted recruitment and training of priority groups",
        "For contracts with labour-intensive delivery. JRF proposes one targeted recruitment "
        "or training opportunity per £1m of contract value as achievable." + F6,
        "The Contractor shall recruit and train people from the following priority groups to "
        "work on this Contract: people who are long-term unemployed, young people not in "
        "education, employment or training, care leavers, people with convictions and people "
        "who are or have been homeless. The Contractor shall work with the Authority's "
        "employability services to identify candidates, shall not make residence in any area a "
        "condition of recruitment, and shall report each new entrant's start date and whether "
        "the job was sustained at 26 and 52 weeks.",
        [
            (
                "New-entrant jobs for priority groups",
                "FTE jobs",
                "Payroll records and start letters",
                "14500.00",
            ),
            (
                "Trainee places for priority groups",
                "trainee places",
                "Trainee register and start letters",
                None,
            ),
            ("Jobs sustained at 26 weeks", "jobs", "Payroll records", None),
            ("Jobs sustained at 52 weeks", "jobs", "Payroll records", None),
        ],
    ),
    (
        "apprenticeships",
        "Apprenticeships",
        "Modern Apprenticeships through Skills Development Scotland.",
        "The Contractor shall create apprenticeships on this Contract, registered as Modern "
        "Apprenticeships with Skills Development Scotland, and shall support each apprentice "
        "to complete the framework.",
        [
            ("Apprenticeship starts", "starts", "SDS Modern Apprenticeship records", None),
            ("Apprenticeship weeks", "weeks", "SDS Modern Apprenticeship records", "240.00"),
            ("Apprenticeship completions", "completions", "SDS certificates", None),
        ],
    ),
    (
        "work_placements",
        "Work placements and work experience",
        "Unpaid placements should be short and lead somewhere: record progression to jobs.",
        "The Contractor shall offer supervised work placements of at least two weeks to people "
        "from the priority groups, with a named supervisor, and shall record whether each "
        "placement led to a job, training or further study.",
        [
            ("Work placements", "placements", "Placement log signed by the supervisor", None),
            ("Placement weeks", "weeks", "Placement log", "150.00"),
            ("Placements progressing to a job", "%", "Placement log and start letters", None),
        ],
    ),
    (
        "qualifications",
        "Training and qualifications",
        "Count accredited qualifications separately from training hours.",
        "The Contractor shall provide training leading to accredited qualifications (such as "
        "SVQs) for people working on the Contract, including trainees from the priority groups.",
        [
            ("Learners", "people", "Training register", None),
            ("Accredited qualifications", "qualifications", "Certificates", "1000.00"),
            ("Training hours", "hours", "Training register", "15.00"),
        ],
    ),
    (
        "education",
        "Education engagement",
        "Schools, colleges and careers services.",
        "The Contractor shall support schools and colleges with visits, careers events, "
        "mentoring and mock interviews related to the work of the Contract.",
        [
            ("School and college visits", "visits", "Attendance sheets", None),
            ("Careers events", "events", "Attendance sheets", None),
            ("Mentoring hours", "hours", "Mentoring log", "20.00"),
            ("Mock interviews", "interviews", "Attendance sheets", None),
        ],
    ),
    (
        "subcontracting",
        "Subcontracting to SMEs, social enterprises and supported businesses",
        "Advertise opportunities on Public Contracts Scotland so that any firm can respond.",
        "The Contractor shall advertise subcontracting opportunities arising from this Contract "
        "on Public Contracts Scotland and shall report the number and value of subcontracts "
        "awarded to small and medium-sized enterprises, social enterprises and supported "
        "businesses.",
        [
            (
                "Opportunities advertised on Public Contracts Scotland",
                "opportunities",
                "Subcontract register",
                None,
            ),
            (
                "Subcontracts awarded to SMEs and the third sector",
                "subcontracts",
                "Subcontract register",
                None,
            ),
            (
                "Value subcontracted to SMEs and the third sector",
                "£",
                "Subcontract register and invoices",
                "0.10",
            ),
        ],
    ),
    (
        "community",
        "Community investment and volunteering",
        "Benefits beyond the contract's main purpose (s.24(c)).",
        "The Contractor shall support community projects chosen with the Authority by staff "
        "volunteering, donations of goods or money, or both, and shall report what was given.",
        [
            ("Donations", "£", "Receipts", "1.00"),
            ("Staff volunteering hours", "hours", "Volunteering log", "17.00"),
            ("Community projects supported", "projects", "Project confirmations", None),
        ],
    ),
    (
        "environmental",
        "Environmental: reuse and recycling",
        "Weigh what is diverted; count items reused.",
        "The Contractor shall reuse or recycle goods handled under this Contract wherever they "
        "cannot be returned to their owners, including unclaimed goods from storage, and shall "
        "report the items reused and the tonnes diverted from landfill, evidenced by "
        "weighbridge tickets and waste transfer notes.",
        [
            ("Items reused", "items", "Item log", "25.00"),
            ("Tonnes of goods reused", "tonnes", "Weighbridge tickets and item log", None),
            (
                "Tonnes diverted from landfill",
                "tonnes",
                "Weighbridge tickets and waste transfer notes",
                "95.00",
            ),
            ("Reuse rate", "%", "Item log and weighbridge tickets", None),
            ("CO2e avoided", "tonnes CO2e", "Calculated from tonnes diverted", None),
        ],
    ),
]


def seed_library(Clause, ClauseVersion, Measure, ProxyValue) -> int:
    """Create the starter clauses that are not there yet (by title); returns how many. Takes
    the model classes so that the data migration can pass its historical models."""
    import datetime as dt
    from decimal import Decimal

    created_count = 0
    for type_, title, guidance, wording, measures in CLAUSES:
        clause, created = Clause.objects.get_or_create(
            title=title, defaults={"type": type_, "guidance": guidance}
        )
        if not created:
            continue
        created_count += 1
        ClauseVersion.objects.create(
            clause=clause, number=1, wording=wording, change_note="Starter library"
        )
        for order, (name, unit, evidence, proxy) in enumerate(measures, start=1):
            measure = Measure.objects.create(
                clause=clause, name=name, unit=unit, evidence=evidence, order=order
            )
            if proxy is not None:
                ProxyValue.objects.create(
                    measure=measure,
                    value=Decimal(proxy),
                    effective_from=dt.date.fromisoformat(STARTER_FROM),
                    table_version=STARTER_TABLE,
                    source=STARTER_SOURCE,
                )
    return created_count
