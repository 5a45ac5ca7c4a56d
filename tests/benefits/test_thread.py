"""The golden thread: from what service users said to the evidence of delivery, both ways,
with broken links flagged, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coplan.benefits import domain, thread
from coplan.core.enums import Disclosure
from coplan.design.models import Item, Requirement, Section, SpecificationVersion
from coplan.pilots.models import Kpi, Pilot


@pytest.fixture
def chain(contract):
    """Insight "young people want training" shaped CB-1 (trainees) tested by the pilot KPI
    "Trainees started"; the tender's trainees requirement (linked to CB-1 by the commitment's
    measure only) became the contract's trainees commitment, whose Q1 line has evidence.
    Broken: an insight nobody answered, SL-1 with no KPI, a KPI testing no requirement, and
    the reuse and tonnes commitments with no evidence."""
    w = contract
    p = w.partnership
    said = Item.objects.create(partnership=p, kind="idea", text="Train us", is_insight=True)
    ignored = Item.objects.create(partnership=p, kind="idea", text="Free vans", is_insight=True)
    declined = Item.objects.create(
        partnership=p,
        kind="idea",
        text="Open on Sundays",
        is_insight=True,
        not_taken_up_reason="Staff cost",
    )
    Item.objects.create(
        partnership=p,
        kind="idea",
        text="Secret",
        is_insight=True,
        disclosure=Disclosure.INTERNAL_ONLY,
        disclosure_reason="Names a person",
    )
    version = SpecificationVersion.objects.create(partnership=p, number=1)
    cb = Section.objects.create(version=version, kind="community_benefits")
    sl = Section.objects.create(version=version, kind="service_levels")
    el = Section.objects.create(version=version, kind="eligibility_referral")
    trainees = Requirement.objects.create(version=version, section=cb, key="CB-1", text="Train")
    trainees.insights.add(said)
    Requirement.objects.create(version=version, section=sl, key="SL-1", text="48 hours")
    Requirement.objects.create(version=version, section=el, key="ER-1", text="Referral")
    pilot = Pilot.objects.create(
        partnership=p, title="Pilot", starts_on=dt.date(2006, 10, 1), ends_on=dt.date(2007, 3, 31)
    )
    kpi = Kpi.objects.create(
        pilot=pilot,
        name="Trainees started",
        definition="Count",
        unit="people",
        target=D(6),
        source="Log",
        requirement_key="CB-1",
    )
    orphan = Kpi.objects.create(
        pilot=pilot,
        name="Calls answered",
        definition="Count",
        unit="calls",
        target=D(1),
        source="Log",
    )
    ret = domain.submit_return(
        contract=w.contract,
        actor=w.people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={w.trainees: {"actual": D(3)}, w.reused: {"actual": D(400)}},
    )
    evidence = domain.add_evidence(
        line=ret.lines.get(commitment=w.trainees),
        actor=w.people["se_partner"],
        upload=SimpleUploadedFile("letters.pdf", b"%PDF-1.4", "application/pdf"),
    )
    w.said, w.ignored, w.declined, w.kpi, w.orphan = said, ignored, declined, kpi, orphan
    w.cb1, w.evidence = trainees, evidence
    return w


def test_the_thread_from_an_insight_down_to_the_evidence(chain):
    w = chain
    graph = thread.build(w.partnership, w.people["commissioner"], today=dt.date(2026, 1, 1))
    up, down = graph.around(f"insight:{w.said.pk}")
    assert up == []
    assert [n.key for n in down] == [f"requirement:{w.cb1.pk}", f"kpi:{w.kpi.pk}"]
    # the benefit requirement has no specification link today: the commitment hangs from it
    up, down = graph.around(f"commitment:{w.trainees.pk}")
    assert [n.key for n in up] == [f"benefit_requirement:{w.requirement.pk}"]
    assert [n.key for n in down] == [f"evidence:{w.evidence.pk}"]
    up, _ = graph.around(f"evidence:{w.evidence.pk}")
    assert [n.kind for n in up] == ["benefit_requirement", "commitment"]


def test_broken_links_are_flagged(chain):
    w = chain
    graph = thread.build(w.partnership, w.people["service_user"], today=dt.date(2026, 1, 1))
    broken = {n.key: n.broken for n in graph.broken}
    assert broken == {
        f"insight:{w.ignored.pk}": "No response: it shaped no requirement and was not declined.",
        f"requirement:{Requirement.objects.get(key='SL-1').pk}": "No KPI tests it.",
        f"kpi:{w.orphan.pk}": "Tests no requirement of the current specification.",
        f"commitment:{w.reused.pk}": "No evidence submitted although it is due.",
        f"commitment:{w.tonnes.pk}": "No evidence submitted although it is due.",
    }
    assert graph.broken_counts() == [
        ("Insight", 1),
        ("Specification requirement", 1),
        ("Pilot KPI", 1),
        ("Contract commitment", 2),
    ]


def test_internal_only_insights_stay_hidden_from_those_who_may_not_see_them(chain):
    w = chain
    seen = thread.build(w.partnership, w.people["facilitator"])
    hidden = thread.build(w.partnership, w.people["service_user"])
    assert len(seen.of_kind("insight")) == 4
    assert len(hidden.of_kind("insight")) == 3


def test_the_thread_page_in_a_fixed_number_of_queries(client, chain):
    w = chain
    client.force_login(w.people["commissioner"])
    address = reverse("benefits:thread", args=[w.partnership.pk])
    with CaptureQueriesContext(connection) as few:
        response = client.get(address)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Broken link" in content and "Train us" in content and "letters.pdf" in content
    # ten more insights, requirements, KPIs and commitments: not one query more
    version = SpecificationVersion.objects.get(partnership=w.partnership)
    section = version.sections.first()
    for i in range(10):
        item = Item.objects.create(
            partnership=w.partnership, kind="idea", text=f"Idea {i}", is_insight=True
        )
        req = Requirement.objects.create(
            version=version, section=section, key=f"CB-{i + 10}", text=f"R {i}"
        )
        req.insights.add(item)
        Kpi.objects.create(
            pilot=w.kpi.pilot,
            name=f"K {i}",
            definition="d",
            unit="u",
            target=D(1),
            source="s",
            requirement=req,
        )
        w.contract.commitments.create(
            description=f"C {i}",
            unit="u",
            target_min=D(1),
            period_start=w.trainees.period_start,
            period_end=w.trainees.period_end,
            source="bid",
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(address).status_code == 200
    assert len(many) == len(few)


def test_an_item_page_shows_both_ways(client, chain):
    w = chain
    client.force_login(w.people["service_user"])
    response = client.get(
        reverse("benefits:thread.item", args=[w.partnership.pk, "requirement", w.cb1.pk])
    )
    content = response.content.decode()
    assert "Train us" in content and "Trainees started" in content
    assert (
        client.get(
            reverse("benefits:thread.item", args=[w.partnership.pk, "nonsense", 1])
        ).status_code
        == 404
    )


def test_the_evidence_pack_includes_the_thread_as_bidders_may_see_it(client, chain):
    """The tendering app's evidence pack (page and the HTML its PDF is rendered from) shows the
    golden thread summary this app registers: counts as a reader outside the partnership sees
    them (3 insights, not the internal-only "Secret"), and the broken links."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from coplan.benefits.evidence import golden_thread
    from coplan.tendering import queries as tendering

    w = chain
    summary = (
        "<li>Insight: 3</li>",
        "<li>Specification requirement: 3</li>",
        "<li>Pilot KPI: 2</li>",
        "<li>Tender community benefit requirement: 1</li>",
        "<li>Contract commitment: 3</li>",
        "<li>Evidence: 1</li>",
        "Broken links: insight 1, specification requirement 1, pilot kpi 1, contract commitment 2.",
    )
    section = golden_thread(w.tender)
    assert all(line in section for line in summary), section
    client.force_login(w.people["procurement"])
    address = reverse("tendering:tender.evidence", args=[w.partnership.pk, w.tender.pk])
    page = client.get(address).content.decode()
    assert "The golden thread" in page and all(line in page for line in summary)
    html = render_to_string(
        "tendering/evidence_pdf.html",
        {
            "tender": w.tender,
            "pack": tendering.evidence_pack(w.tender),
            "generated_at": timezone.now(),
        },
    )
    assert all(line in html for line in summary)
    pdf = client.get(reverse("tendering:tender.evidence_pdf", args=[w.partnership.pk, w.tender.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_tender_items_join_the_requirements_they_cite(chain):
    """A quality criterion (a leaf of the criteria tree) and a benefit requirement are tied to
    the specification requirements whose keys they cite, so the thread runs from the insight
    through the tender to the commitment and its evidence."""
    from coplan.tendering.models import QualityCriterion

    w = chain
    w.requirement.notes = "Answers cb-1 of the specification."
    w.requirement.save()
    group = QualityCriterion.objects.create(tender=w.tender, name="Delivery", weight=D(20))
    asked = QualityCriterion.objects.create(
        tender=w.tender,
        parent=group,
        name="Training young people",
        question="How will you meet CB-1 and SL-1 (and XX-9, which is not a requirement)?",
        weight=D(20),
    )
    plain = QualityCriterion.objects.create(tender=w.tender, name="Quality", weight=D(10))
    graph = thread.build(w.partnership, w.people["commissioner"], today=dt.date(2026, 1, 1))
    assert {n.pk for n in graph.of_kind("criterion")} == {asked.pk, plain.pk}
    up, down = graph.around(f"criterion:{asked.pk}")
    sl1 = Requirement.objects.get(key="SL-1")
    assert [n.key for n in up] == [
        f"insight:{w.said.pk}",
        f"requirement:{w.cb1.pk}",
        f"requirement:{sl1.pk}",
    ]
    assert down == []
    # SL-1 is now answered in the tender: no longer broken
    assert not graph.nodes[f"requirement:{sl1.pk}"].broken
    _, down = graph.around(f"insight:{w.said.pk}")
    assert {n.kind for n in down} == {
        "requirement",
        "kpi",
        "benefit_requirement",
        "criterion",
        "commitment",
        "evidence",
    }
    up, _ = graph.around(f"evidence:{w.evidence.pk}")
    assert [n.kind for n in up] == ["insight", "requirement", "benefit_requirement", "commitment"]


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("commissioner", True),
        ("procurement", True),
        ("steering", True),
        ("observer", True),
        ("evaluator", True),
        ("facilitator", False),
        ("se_partner", False),
        ("service_user", False),
    ],
)
def test_a_draft_tender_stays_out_of_the_thread_of_those_who_may_not_see_it(chain, persona, sees):
    """Before publication only the council side sees the criteria and benefit requirements;
    the enterprise partners who may bid, the facilitator and service users do not."""
    from coplan.tendering.models import BenefitRequirement, QualityCriterion, Tender

    w = chain
    draft = Tender.objects.create(partnership=w.partnership, title="Lot 2", reference="lot-2")
    QualityCriterion.objects.create(tender=draft, name="Secret weighting", weight=D(30))
    BenefitRequirement.objects.create(
        tender=draft,
        clause_version=w.requirement.clause_version,
        measure=w.requirement.measure,
        mode="scored",
    )
    graph = thread.build(w.partnership, w.people[persona])
    kinds = {(n.kind, n.label) for n in graph.nodes.values()}
    assert (("criterion", "Secret weighting") in kinds) is sees
    assert len(graph.of_kind("benefit_requirement")) == (2 if sees else 1)


def test_tender_items_hang_from_the_requirement_they_record(chain):
    """The recorded specification requirement is the link: a criterion that records CB-1 hangs
    from CB-1 only, whatever its text cites (citations count only for items that record
    none), so the thread runs insight → requirement → benefit requirement and criterion →
    commitment → evidence."""
    from coplan.tendering.models import QualityCriterion

    w = chain
    w.requirement.spec_requirement = w.cb1
    w.requirement.save()
    recorded = QualityCriterion.objects.create(
        tender=w.tender,
        name="Training young people",
        question="How will you meet SL-1?",
        weight=D(20),
        spec_requirement=w.cb1,
    )
    graph = thread.build(w.partnership, w.people["commissioner"], today=dt.date(2026, 1, 1))
    up, _ = graph.around(f"criterion:{recorded.pk}")
    assert [n.key for n in up] == [f"insight:{w.said.pk}", f"requirement:{w.cb1.pk}"]
    sl1 = Requirement.objects.get(key="SL-1")
    assert graph.nodes[f"requirement:{sl1.pk}"].broken == "No KPI tests it."
    up, down = graph.around(f"benefit_requirement:{w.requirement.pk}")
    assert [n.key for n in up] == [f"insight:{w.said.pk}", f"requirement:{w.cb1.pk}"]
    assert [n.key for n in down] == [f"commitment:{w.trainees.pk}", f"evidence:{w.evidence.pk}"]
    _, down = graph.around(f"insight:{w.said.pk}")
    assert [n.kind for n in down] == [
        "requirement",
        "kpi",
        "benefit_requirement",
        "criterion",
        "commitment",
        "evidence",
    ]


def test_a_link_to_an_earlier_version_follows_the_stable_key(chain):
    """The tender recorded CB-1 of version 1; the thread shows version 2, where CB-1 was
    carried over (same key, a new row): the link follows the key."""
    from django.utils import timezone

    w = chain
    w.requirement.spec_requirement = w.cb1
    w.requirement.save()
    SpecificationVersion.objects.filter(pk=w.cb1.version_id).update(
        status="approved", approved_at=timezone.now()
    )
    v2 = SpecificationVersion.objects.create(partnership=w.partnership, number=2)
    section = Section.objects.create(version=v2, kind="community_benefits")
    carried = Requirement.objects.create(
        version=v2, section=section, key="CB-1", text="Train more", origin=w.cb1
    )
    graph = thread.build(w.partnership, w.people["commissioner"], today=dt.date(2026, 1, 1))
    assert f"requirement:{w.cb1.pk}" not in graph.nodes
    up, _ = graph.around(f"benefit_requirement:{w.requirement.pk}")
    assert [n.key for n in up] == [f"requirement:{carried.pk}"]


def test_the_evidence_pack_of_a_draft_tender_includes_its_own_requirements(chain):
    """The pack is built as a reader outside the partnership sees the thread: the draft
    tender's own requirements and criteria count (they are published with it), another draft
    tender's do not."""
    from coplan.benefits.evidence import golden_thread
    from coplan.tendering.models import BenefitRequirement, QualityCriterion, Tender

    w = chain
    drafts = []
    for reference in ("lot-2", "lot-3"):
        draft = Tender.objects.create(
            partnership=w.partnership, title=reference, reference=reference
        )
        QualityCriterion.objects.create(
            tender=draft, name=f"Question {reference}", weight=D(30), spec_requirement=w.cb1
        )
        BenefitRequirement.objects.create(
            tender=draft,
            clause_version=w.requirement.clause_version,
            measure=w.requirement.measure,
            mode="scored",
            spec_requirement=w.cb1,
        )
        drafts.append(draft)
    section = golden_thread(drafts[0])
    assert "<li>Tender community benefit requirement: 2</li>" in section, section
    assert "<li>Tender quality criterion: 1</li>" in section
    graph = thread.build(w.partnership, w.people["se_partner"], tenders=[drafts[0]])
    assert {n.label for n in graph.of_kind("criterion")} == {"Question lot-2"}
    assert thread.build(w.partnership, w.people["se_partner"]).of_kind("criterion") == []


def test_specification_and_kpi_pages_link_to_the_thread(client, chain):
    """Each requirement of the version the thread shows (the latest the person sees) and each
    pilot KPI links to its golden thread; an earlier version's requirements do not (the
    thread does not show them)."""
    from django.utils import timezone

    w = chain
    client.force_login(w.people["service_user"])
    cb1 = reverse("benefits:thread.item", args=[w.partnership.pk, "requirement", w.cb1.pk])
    spec = client.get(reverse("design:spec.detail", args=[w.partnership.pk, 1])).content.decode()
    assert cb1 in spec
    kpis = client.get(reverse("pilots:kpis", args=[w.partnership.pk])).content.decode()
    assert reverse("benefits:thread.item", args=[w.partnership.pk, "kpi", w.kpi.pk]) in kpis
    assert client.get(cb1).status_code == 200
    SpecificationVersion.objects.filter(pk=w.cb1.version_id).update(
        status="approved", approved_at=timezone.now()
    )
    SpecificationVersion.objects.create(partnership=w.partnership, number=2)
    spec = client.get(reverse("design:spec.detail", args=[w.partnership.pk, 1])).content.decode()
    assert cb1 not in spec and "Golden thread" not in spec
