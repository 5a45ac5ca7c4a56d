"""The golden thread: what service users said, the specification requirements it shaped, the
pilot KPIs that test them, the tender's community benefit requirements and criteria, the
contract's commitments and KPIs, and the evidence that they were delivered.

:func:`build` reads the whole chain of one partnership in a fixed number of queries (no N+1)
and returns a :class:`Thread`: nodes keyed ``"<kind>:<pk>"`` and edges from upstream to
downstream. :meth:`Thread.around` walks from any node to everything upstream and downstream.
Broken links are flagged on the nodes: an insight with no response, a measurable requirement
with no KPI, a pilot KPI that tests no requirement, a benefit requirement no commitment
answers, a commitment with no evidence once it is due.

Links into the tendering and bidding apps are read only when their models exist. The tender's
benefit requirements and quality criteria record the specification requirement they answer
(``spec_requirement``); when it belongs to an earlier version than the one the thread shows,
the link follows its stable key (``SL-2``). Items without one fall back to the requirements
whose keys they cite in their text (a benefit requirement's notes, a criterion's name and
question), as tenders drafted before the link was recorded did.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from coplan.bidding.models import Commitment, ContractKpi
from coplan.core import clock
from coplan.design import queries as design
from coplan.design.models import Item, Requirement
from coplan.pilots.models import Kpi
from coplan.pilots.rules import hidden_kpis
from coplan.tendering.models import BenefitRequirement, QualityCriterion, Tender

from .models import EvidenceFile

KINDS = {
    "insight": "Insight",
    "requirement": "Specification requirement",
    "kpi": "Pilot KPI",
    "benefit_requirement": "Tender community benefit requirement",
    "criterion": "Tender quality criterion",
    "commitment": "Contract commitment",
    "contract_kpi": "Contract KPI",
    "evidence": "Evidence",
}
ORDER = list(KINDS)

# Requirements a KPI should test: the measurable sections of the specification.
MEASURABLE_SECTIONS = {"outcomes", "outputs", "service_levels", "kpis", "community_benefits"}


@dataclass
class Node:
    kind: str
    pk: int
    label: str
    url: str = ""
    detail: str = ""
    broken: str = ""  # why the thread breaks here, if it does
    ref: str = ""  # a requirement's stable key, e.g. SL-2
    section: str = ""  # a requirement's section kind
    costs_hidden: bool = False  # a KPI about money, its target left out for this reader

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.pk}"

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass
class Thread:
    nodes: dict[str, Node] = field(default_factory=dict)
    down: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    up: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, node: Node) -> Node:
        self.nodes.setdefault(node.key, node)
        return self.nodes[node.key]

    def link(self, upstream: str, downstream: str) -> None:
        known = upstream in self.nodes and downstream in self.nodes
        if known and downstream not in self.down[upstream]:
            self.down[upstream].append(downstream)
            self.up[downstream].append(upstream)

    def of_kind(self, kind: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == kind]

    @property
    def costs_hidden(self) -> bool:
        """Whether figures about money were left out for the reader (see :func:`_pilots`)."""
        return any(n.costs_hidden for n in self.nodes.values())

    def downstream_of(self, key: str) -> list[Node]:
        return [self.nodes[k] for k in self.down.get(key, [])]

    def _walk(self, key: str, edges) -> list[Node]:
        seen, queue, found = {key}, [key], []
        while queue:
            current = queue.pop(0)
            for nxt in edges.get(current, []):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
                    found.append(self.nodes[nxt])
        return sorted(found, key=lambda n: (ORDER.index(n.kind), n.pk))

    def around(self, key: str) -> tuple[list[Node], list[Node]]:
        """Everything upstream and everything downstream of ``key`` (transitively)."""
        return self._walk(key, self.up), self._walk(key, self.down)

    @property
    def broken(self) -> list[Node]:
        return sorted(
            (n for n in self.nodes.values() if n.broken),
            key=lambda n: (ORDER.index(n.kind), n.pk),
        )

    def broken_counts(self) -> list[tuple[str, int]]:
        counts = defaultdict(int)
        for n in self.broken:
            counts[n.kind] += 1
        return [(KINDS[k], counts[k]) for k in ORDER if counts.get(k)]

    def counts(self) -> list[tuple[str, str, int]]:
        counts = defaultdict(int)
        for n in self.nodes.values():
            counts[n.kind] += 1
        return [(k, KINDS[k], counts[k]) for k in ORDER if counts.get(k)]


def _url(name, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _short(text: str, size: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1] + "…"


# --- design and pilots ----------------------------------------------------------------------


def _design(thread: Thread, partnership, user) -> None:
    version = design.latest_version(partnership, user)
    insights = design.visible(
        Item.objects.filter(
            partnership=partnership,
            is_insight=True,
            parent__isnull=True,
            merged_into__isnull=True,
        ),
        user,
        partnership,
    ).only("pk", "text", "not_taken_up_reason", "partnership_id", "parent_id", "kind")
    for item in insights:
        thread.add(
            Node(
                "insight",
                item.pk,
                _short(item.text),
                _url("design:item.detail", partnership.pk, item.pk),
                detail=f"Not taken up: {_short(item.not_taken_up_reason)}"
                if item.not_taken_up_reason
                else "",
            )
        )
    if version is None:
        _flag_insights(thread)
        return
    requirements = Requirement.objects.filter(version=version).select_related("section")
    for r in requirements:
        thread.add(
            Node(
                "requirement",
                r.pk,
                f"{r.key}: {_short(r.text, 100)}",
                _url("design:spec.detail", partnership.pk, version.number),
                detail=f"{r.section.get_kind_display()}, specification version {version.number}",
                ref=r.key,
                section=r.section.kind,
            )
        )
    links = Requirement.insights.through.objects.filter(requirement__version=version).values_list(
        "item_id", "requirement_id"
    )
    for item_id, requirement_id in links:
        thread.link(f"insight:{item_id}", f"requirement:{requirement_id}")
    _flag_insights(thread)


def _flag_insights(thread: Thread) -> None:
    for node in thread.of_kind("insight"):
        if not thread.down.get(node.key) and not node.detail:
            node.broken = "No response: it shaped no requirement and was not declined."


def _pilots(thread: Thread, partnership, user) -> None:
    """The pilot's KPIs, each with its target, except a KPI about money for a reader who does
    not see costs (``pilots.view_costs``): that one is in the thread without its target."""
    by_ref = _requirement_by_ref(thread)
    kpis = list(
        Kpi.objects.filter(pilot__partnership=partnership).only(
            "pk",
            "name",
            "unit",
            "target",
            "measure",
            "condition_field",
            "requirement_id",
            "requirement_key",
        )
    )
    hidden = hidden_kpis(user, partnership, kpis)
    for kpi in kpis:
        node = thread.add(
            Node(
                "kpi",
                kpi.pk,
                kpi.name,
                _url("pilots:kpis", partnership.pk),
                detail=""
                if kpi.pk in hidden
                else f"Target {kpi.target.normalize():f} {kpi.unit}".strip(),
                costs_hidden=kpi.pk in hidden,
            )
        )
        upstream = None
        if kpi.requirement_id and f"requirement:{kpi.requirement_id}" in thread.nodes:
            upstream = f"requirement:{kpi.requirement_id}"
        elif kpi.requirement_key and kpi.requirement_key in by_ref:
            upstream = by_ref[kpi.requirement_key]
        if upstream:
            thread.link(upstream, node.key)
        else:
            node.broken = "Tests no requirement of the current specification."


def _flag_requirements(thread: Thread) -> None:
    for node in thread.of_kind("requirement"):
        if node.section not in MEASURABLE_SECTIONS:
            continue
        downstream = {n.kind for n in thread.downstream_of(node.key)}
        if not downstream & {"kpi", "benefit_requirement", "criterion", "contract_kpi"}:
            node.broken = "No KPI tests it."


# --- tendering and bidding (once their models exist) -----------------------------------------


def _requirement_by_ref(thread: Thread) -> dict[str, str]:
    return {n.ref: n.key for n in thread.of_kind("requirement") if n.ref}


KEY_TOKEN = re.compile(r"\b[A-Za-z]{1,6}-\d{1,4}\b")


def _cited(by_ref: dict[str, str], *texts: str) -> list[str]:
    """The requirement nodes whose keys the texts cite (``CB-1``, ``SL-2``), each once."""
    found = []
    upper = {ref.upper(): key for ref, key in by_ref.items()}
    for text in texts:
        for token in KEY_TOKEN.findall(text or ""):
            key = upper.get(token.upper())
            if key and key not in found:
                found.append(key)
    return found


def _visible_tenders(partnership, user, also=()) -> set[int]:
    """Tenders whose requirements and criteria ``user`` may see: published ones (the notice is
    public) and drafts only for those who may see the evaluation model before publication (the
    council side: never the enterprise partners who may bid, nor service users). ``also``:
    tenders shown whatever their state, e.g. the tender whose evidence pack is being built
    (its requirements and criteria are what will be published with it)."""
    visible = {
        t.pk
        for t in Tender.objects.filter(partnership=partnership).select_related("partnership")
        if t.published_at is not None or user.has_perm("tendering.view_evaluation_model", t)
    }
    return visible | {t.pk for t in also if t.partnership_id == partnership.pk}


def _upstream(thread: Thread, by_ref: dict[str, str], item, *texts: str) -> list[str]:
    """The requirement nodes a tender item answers: the specification requirement recorded on
    it (``spec_requirement``; by its stable key when the thread shows a later version of the
    specification than the one chosen), else the requirements its text cites (``CB-1``), for
    items made before the link was recorded."""
    if item.spec_requirement_id is not None:
        key = f"requirement:{item.spec_requirement_id}"
        if key in thread.nodes:
            return [key]
        ref = by_ref.get(item.spec_requirement.key)
        return [ref] if ref else []
    return _cited(by_ref, *texts)


def _tendering(thread: Thread, partnership, user, also=()) -> None:
    tenders = _visible_tenders(partnership, user, also)
    qs = BenefitRequirement.objects.filter(
        tender__partnership=partnership, tender_id__in=tenders
    ).select_related("tender", "measure", "clause_version__clause", "spec_requirement")
    by_ref = _requirement_by_ref(thread)
    for br in qs:
        clause = br.clause_version.clause
        label = " – ".join(str(x) for x in (clause, br.measure) if x) or f"Requirement {br.pk}"
        node = thread.add(
            Node(
                "benefit_requirement",
                br.pk,
                label,
                _url("tendering:tender.detail", partnership.pk, br.tender_id),
                detail=", ".join(
                    x
                    for x in (
                        str(br.tender),
                        br.get_mode_display(),
                        f"minimum {br.minimum.normalize():f}" if br.minimum is not None else "",
                    )
                    if x
                ),
            )
        )
        for upstream in _upstream(thread, by_ref, br, br.notes):
            thread.link(upstream, node.key)
    _criteria(thread, partnership, tenders, by_ref)


def _criteria(thread: Thread, partnership, tenders: set[int], by_ref: dict[str, str]) -> None:
    """The tenders' scored quality criteria (the leaves of the criteria tree)."""
    criteria = list(
        QualityCriterion.objects.filter(
            tender__partnership=partnership, tender_id__in=tenders
        ).select_related("tender", "spec_requirement")
    )
    parents = {c.parent_id for c in criteria if c.parent_id}
    for c in criteria:
        if c.pk in parents:
            continue
        node = thread.add(
            Node(
                "criterion",
                c.pk,
                c.name,
                _url("tendering:tender.model", partnership.pk, c.tender_id),
                detail=f"{c.tender}, weight {c.weight.normalize():f} %",
            )
        )
        for upstream in _upstream(thread, by_ref, c, c.name, c.question):
            thread.link(upstream, node.key)


def _bidding(thread: Thread, partnership, today: dt.date) -> None:
    commitments = Commitment.objects.filter(
        contract__tender__partnership=partnership
    ).select_related("contract__supplier")
    evidence_by_commitment = _evidence(partnership)
    for c in commitments:
        node = thread.add(
            Node(
                "commitment",
                c.pk,
                c.description or f"Commitment {c.pk}",
                _url("benefits:contract", partnership.pk, c.contract_id),
                detail=f"{c.contract.supplier}: {c.target_min.normalize():f}"
                + (f"–{c.target_max.normalize():f}" if c.target_max is not None else "")
                + f" {c.unit}",
            )
        )
        if c.requirement_id:
            thread.link(f"benefit_requirement:{c.requirement_id}", node.key)
        files = evidence_by_commitment.get(c.pk, [])
        for evidence in files:
            thread.add(evidence)
            thread.link(node.key, evidence.key)
        if not files and c.period_start and c.period_start <= today:
            node.broken = "No evidence submitted although it is due."
    for ck in ContractKpi.objects.filter(contract__tender__partnership=partnership).select_related(
        "kpi", "contract__supplier"
    ):
        node = thread.add(
            Node(
                "contract_kpi",
                ck.pk,
                str(ck.kpi),
                "",
                detail=f"Contract with {ck.contract.supplier}",
            )
        )
        thread.link(f"kpi:{ck.kpi_id}", node.key)
    for node in thread.of_kind("benefit_requirement"):
        awarded = (
            any(getattr(c, "requirement_id", None) == node.pk for c in commitments)
            or not commitments
        )
        if not awarded:
            node.broken = "No contract commitment answers it."


def _evidence(partnership) -> dict[int, list[Node]]:
    found = defaultdict(list)
    for e in EvidenceFile.objects.filter(
        line__commitment__contract__tender__partnership=partnership
    ).select_related("line__quarterly_return"):
        found[e.line.commitment_id].append(
            Node(
                "evidence",
                e.pk,
                e.name,
                _url("benefits:evidence", partnership.pk, e.pk),
                detail=str(e.line.quarterly_return),
            )
        )
    return found


def build(partnership, user, *, today: dt.date | None = None, tenders=()) -> Thread:
    """The whole chain of ``partnership`` as ``user`` may see it, with the requirements and
    criteria of ``tenders`` whatever their state (a tender's own evidence pack shows its own
    draft; other drafts stay hidden from those who may not see the evaluation model)."""
    today = today or clock.today()
    thread = Thread()
    _design(thread, partnership, user)
    _pilots(thread, partnership, user)
    _tendering(thread, partnership, user, tenders)
    _bidding(thread, partnership, today)
    _flag_requirements(thread)
    return thread


@dataclass
class Chain:
    """One row of the partnership-level thread view: an insight (or an orphan further down)
    and everything downstream of it."""

    head: Node
    downstream: list[Node]


def chains(thread: Thread) -> list[Chain]:
    """Rows for the thread page: each node with nothing upstream, with all its downstream."""
    rows = []
    for kind in ORDER:
        for node in sorted(thread.of_kind(kind), key=lambda n: n.pk):
            if not thread.up.get(node.key):
                rows.append(Chain(node, thread.around(node.key)[1]))
    return rows


def summaries(partnerships, user, *, tenders=()) -> list[tuple[object, list, list]]:
    """``(partnership, counts, broken counts)`` for each of ``partnerships`` as ``user`` may see
    it (with ``tenders`` whatever their state, see :func:`build`): what
    ``benefits/_thread_summary.html`` shows in the annual report and evidence pack."""
    return [
        (p, graph.counts(), graph.broken_counts())
        for p in partnerships
        for graph in [build(p, user, tenders=tenders)]
    ]


def find(partnership, user, kind: str, item_id: int):
    """(thread, node) for one item of ``partnership``'s thread as ``user`` may see it, or
    None when there is no such kind or no such item in it."""
    if kind not in KINDS:
        return None
    graph = build(partnership, user)
    node = graph.nodes.get(f"{kind}:{item_id}")
    return None if node is None else (graph, node)
