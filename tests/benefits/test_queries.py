"""List pages read in a fixed number of queries, however many rows they show."""

import datetime as dt
from decimal import Decimal as D

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.benefits import calc, domain


def count(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def submit_quarter(w, start):
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=start,
        lines={c: {"actual": D(2)} for c in (w.trainees, w.reused, w.tonnes)},
    )
    for line in ret.lines.all():
        domain.verify_line(line=line, actor=w.people["commissioner"])


def test_the_contract_page_and_the_overview(client, contract):
    w = contract
    quarters = calc.quarters(w.contract.starts_on, w.contract.ends_on)
    submit_quarter(w, quarters[0][0])
    client.force_login(w.people["commissioner"])
    pages = [
        reverse("benefits:contract", args=[w.partnership.pk, w.contract.pk]),
        reverse("benefits:overview", args=[w.partnership.pk]),
        reverse("benefits:public", args=[w.partnership.pk]),
    ]
    before = [count(client, p) for p in pages]
    for start, _ in quarters[1:6]:
        submit_quarter(w, start)
    for c in range(5):
        w.contract.commitments.create(
            description=f"Extra {c}",
            unit="hours",
            target_min=D(10),
            period_start=dt.date(2007, 10, 1),
            period_end=dt.date(2010, 9, 30),
            source="bid",
        )
    assert [count(client, p) for p in pages] == before


def test_the_sroi_list(client, partnership, personas, analysis):
    client.force_login(personas["facilitator"])
    address = reverse("benefits:sroi.list", args=[partnership.pk])
    before = count(client, address)
    for i in range(5):
        made = domain.create_analysis(
            partnership=partnership, actor=personas["facilitator"], title=f"A{i}", investment=1
        )
        domain.add_outcome(
            analysis=made, actor=personas["facilitator"], name="O", quantity=D(1), proxy=D(1)
        )
    assert count(client, address) == before
