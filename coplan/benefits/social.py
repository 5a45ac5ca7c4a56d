"""Social value of delivered outputs: each verified line's actual × the proxy value of the
commitment's measure in force at the end of the line's quarter (the effective-dated proxy
table, tendering.ProxyValue). Outputs without a measure or a proxy are listed, not valued."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from coplan.tendering.models import ProxyValue

from . import calc
from .models import LineStatus


@dataclass
class ValuedRow:
    commitment: object
    delivered: Decimal
    value: Decimal | None  # None: no proxy
    proxies: list[str] = field(default_factory=list)  # "£20 per item (table 2007)"


@dataclass
class SocialValue:
    rows: list[ValuedRow]
    total: Decimal
    contract_value: Decimal | None

    @property
    def share_of_contract(self) -> Decimal | None:
        if not self.contract_value:
            return None
        return self.total / self.contract_value * 100


def _proxies_for(measure_ids) -> dict[int, list[calc.Proxy]]:
    found = defaultdict(list)
    for p in ProxyValue.objects.filter(measure_id__in=measure_ids):
        found[p.measure_id].append(calc.Proxy(p.value, p.effective_from, p.table_version))
    return found


def social_value(contract, state) -> SocialValue:
    """From a :func:`coplan.benefits.monitoring.monitor` result (no further line queries)."""
    measure_ids = {r.commitment.measure_id for r in state.rows if r.commitment.measure_id}
    proxies = _proxies_for(measure_ids)
    rows = []
    total = Decimal(0)
    for row in state.rows:
        c = row.commitment
        delivered = Decimal(0)
        value = Decimal(0) if c.measure_id and proxies.get(c.measure_id) else None
        used = []
        for line in row.lines:
            if line.status != LineStatus.VERIFIED:
                continue
            delivered += line.actual
            if value is None:
                continue
            proxy = calc.proxy_on(proxies[c.measure_id], line.quarterly_return.period_end)
            if proxy is None:
                continue
            value += line.actual * proxy.value
            label = f"£{proxy.value.normalize():f} per {c.unit} (table {proxy.table_version})"
            if label not in used:
                used.append(label)
        if value is not None:
            total += value
        rows.append(ValuedRow(c, delivered, value, used))
    return SocialValue(rows, total, getattr(contract, "value", None))
