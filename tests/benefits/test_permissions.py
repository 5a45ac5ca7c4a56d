"""Who may see and do what on the benefits pages, for every persona: "who may" gets 200 (or
the change is made and audited: 302), outsiders and staff who are not members 404, anyone else
403 with nothing changed. "other_se" is an enterprise partner of an organisation that is not
the contractor."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.benefits import domain
from coplan.benefits.models import LineStatus, RemedialPlan
from coplan.core.models import AuditEvent
from tests.conftest import ALL_ROLES

EVERYONE = [*ALL_ROLES, "other_se", "outsider", "staff"]
MEMBERS = frozenset(ALL_ROLES) | {"other_se"}
COMMERCIAL = MEMBERS - {"service_user"}
BUILDERS = frozenset({"facilitator", "commissioner", "procurement", "se_partner", "other_se"})
MANAGERS = frozenset({"commissioner", "procurement"})
CONTRACTOR = frozenset({"se_partner"})
REMEDY = MANAGERS | CONTRACTOR


@pytest.fixture
def w(contract, analysis):
    people = contract.people
    ret = domain.submit_return(
        contract=contract.contract,
        actor=people["se_partner"],
        period_start=dt.date(2007, 10, 1),
        lines={
            contract.trainees: {"actual": D(3), "additional": 2},
            contract.reused: {"actual": D(400)},
            contract.tonnes: {"actual": D(10)},
        },
    )
    lines = {ln.commitment_id: ln for ln in ret.lines.all()}
    contract.ret = ret
    contract.trainee_line = lines[contract.trainees.pk]
    contract.reused_line = lines[contract.reused.pk]
    contract.tonnes_line = lines[contract.tonnes.pk]
    domain.query_line(line=contract.tonnes_line, actor=people["commissioner"], query="WTNs?")
    contract.evidence = domain.add_evidence(
        line=contract.trainee_line,
        actor=people["se_partner"],
        upload=SimpleUploadedFile("letters.pdf", b"%PDF-1.4 letters", "application/pdf"),
    )
    contract.analysis = analysis
    contract.plan = domain.plan_remedy(
        commitment=contract.reused,
        actor=people["se_partner"],
        actions="Extra collections",
        starts_on=dt.date(2008, 1, 7),
        due_on=dt.date(2008, 3, 31),
    )
    return contract


def url(w, name, **kwargs):
    return reverse(f"benefits:{name}", kwargs={"pk": w.partnership.pk, **kwargs})


PAGES = [
    ("overview", "overview", MEMBERS, lambda w: {}),
    ("thread", "thread", MEMBERS, lambda w: {}),
    (
        "thread item",
        "thread.item",
        MEMBERS,
        lambda w: {"kind": "commitment", "item_pk": w.trainees.pk},
    ),
    ("SROI analyses", "sroi.list", COMMERCIAL, lambda w: {}),
    ("SROI analysis", "sroi.detail", COMMERCIAL, lambda w: {"analysis_pk": w.analysis.pk}),
    ("new SROI analysis", "sroi.new", BUILDERS, lambda w: {}),
    ("change SROI analysis", "sroi.edit", BUILDERS, lambda w: {"analysis_pk": w.analysis.pk}),
    ("add an outcome", "sroi.outcome.add", BUILDERS, lambda w: {"analysis_pk": w.analysis.pk}),
    ("contract", "contract", COMMERCIAL, lambda w: {"contract_pk": w.contract.pk}),
    ("return form", "return.new", CONTRACTOR, lambda w: {"contract_pk": w.contract.pk}),
    ("return", "return", COMMERCIAL, lambda w: {"return_pk": w.ret.pk}),
    ("query form", "line.query", MANAGERS, lambda w: {"line_pk": w.reused_line.pk}),
    ("answer form", "line.resubmit", CONTRACTOR, lambda w: {"line_pk": w.tonnes_line.pk}),
    ("evidence form", "line.evidence", CONTRACTOR, lambda w: {"line_pk": w.reused_line.pk}),
    ("retention form", "line.retention", CONTRACTOR, lambda w: {"line_pk": w.trainee_line.pk}),
    ("evidence file", "evidence", COMMERCIAL, lambda w: {"evidence_pk": w.evidence.pk}),
    ("remedy form", "remedy.new", REMEDY, lambda w: {"commitment_pk": w.tonnes.pk}),
    ("thresholds", "thresholds", MANAGERS, lambda w: {}),
    ("close plan form", "remedy.complete", MANAGERS, lambda w: {"plan_pk": w.plan.pk}),
]


def expected(persona, allowed):
    if persona in ("outsider", "staff"):
        return 404
    return 200 if persona in allowed else 403


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(("page", "name", "allowed", "kwargs"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_by_role(client, w, persona, page, name, allowed, kwargs):
    client.force_login(w.people[persona])
    response = client.get(url(w, name, **kwargs(w)))
    assert response.status_code == expected(persona, allowed), page


def test_anonymous_visitors_are_sent_to_sign_in(client, w):
    for _, name, _, kwargs in PAGES:
        response = client.get(url(w, name, **kwargs(w)))
        assert response.status_code == 302 and "/login/" in response["Location"], name


@pytest.mark.parametrize("persona", [*EVERYONE, None])
def test_the_public_page_needs_no_login(client, w, persona):
    if persona:
        client.force_login(w.people[persona])
    response = client.get(url(w, "public"))
    assert response.status_code == 200
    assert b"Trainees from young people leaving homelessness" in response.content


@pytest.mark.parametrize("persona", [*EVERYONE, None])
def test_the_public_open_data_needs_no_login(client, w, persona):
    if persona:
        client.force_login(w.people[persona])
    response = client.get(url(w, "public.ocds", tender_pk=w.tender.pk))
    assert response.status_code == 200
    assert response.json()["releases"][-1]["tag"] == ["implementation"]


@dataclass(frozen=True)
class Post:
    name: str
    allowed: frozenset
    audit: str
    kwargs: object
    data: object
    done: object


POSTS = {
    "verify a line": Post(
        "line.verify",
        MANAGERS,
        "benefits.line.verified",
        lambda w: {"line_pk": w.reused_line.pk},
        lambda w: {},
        lambda w: (
            w.reused_line.__class__.objects.get(pk=w.reused_line.pk).status == LineStatus.VERIFIED
        ),
    ),
    "query a line": Post(
        "line.query",
        MANAGERS,
        "benefits.line.queried",
        lambda w: {"line_pk": w.reused_line.pk},
        lambda w: {"query": "Item log please"},
        lambda w: (
            w.reused_line.__class__.objects.get(pk=w.reused_line.pk).query == "Item log please"
        ),
    ),
    "answer a query": Post(
        "line.resubmit",
        CONTRACTOR,
        "benefits.line.resubmitted",
        lambda w: {"line_pk": w.tonnes_line.pk},
        lambda w: {"actual": "12", "notes": "Two more WTNs found"},
        lambda w: w.tonnes_line.__class__.objects.get(pk=w.tonnes_line.pk).actual == 12,
    ),
    "plan a remedy": Post(
        "remedy.new",
        REMEDY,
        "benefits.remedy.planned",
        lambda w: {"commitment_pk": w.tonnes.pk},
        lambda w: {
            "actions": "Weekly weighbridge runs",
            "starts_on": "2008-01-07",
            "due_on": "2008-03-31",
        },
        lambda w: RemedialPlan.objects.filter(actions="Weekly weighbridge runs").exists(),
    ),
    "close a remedial plan": Post(
        "remedy.complete",
        MANAGERS,
        "benefits.remedy.completed",
        lambda w: {"plan_pk": w.plan.pk},
        lambda w: {"completed_on": "2008-03-28", "outcome": "Back on track"},
        lambda w: RemedialPlan.objects.get(pk=w.plan.pk).completed_on == dt.date(2008, 3, 28),
    ),
    "set the thresholds": Post(
        "thresholds",
        MANAGERS,
        "benefits.thresholds.set",
        lambda w: {},
        lambda w: {"green_percent": "95", "amber_percent": "70"},
        lambda w: w.partnership.benefit_settings.amber_percent == 70,
    ),
    "delete an SROI analysis": Post(
        "sroi.delete",
        BUILDERS,
        "benefits.sroi.deleted",
        lambda w: {"analysis_pk": w.analysis.pk},
        lambda w: {},
        lambda w: not w.analysis.__class__.objects.filter(pk=w.analysis.pk).exists(),
    ),
}


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("name", POSTS)
def test_actions_by_role(client, w, persona, name):
    post = POSTS[name]
    client.force_login(w.people[persona])
    before = AuditEvent.objects.count()
    response = client.post(url(w, post.name, **post.kwargs(w)), post.data(w))
    status = expected(persona, post.allowed)
    if status == 200:
        assert response.status_code == 302, response.content[:3000]
        assert post.done(w)
        assert (
            AuditEvent.objects.filter(action=post.audit).order_by("pk").last().actor
            == w.people[persona]
        )
    else:
        assert response.status_code == status
        assert AuditEvent.objects.count() == before
