"""Who may see and do what on the pilot's pages, role by role.

For every page and action below: a member whose role is in the "who may" column gets the page
(200) or is redirected after the change (302) and an audit event records it; any other member
gets 403 and nothing changes; a signed-in outsider gets 404; an anonymous visitor is sent to
sign in. Service user representatives never see costs; observers never write.
"""

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coplan.core.models import AuditEvent
from coplan.partnerships.enums import Role
from coplan.pilots import domain
from coplan.pilots.models import DeliveryRecord
from tests.conftest import ALL_ROLES
from tests.factories import OrganisationFactory, member

from .conftest import csv_bytes, row, upload

R = Role
MEMBERS = frozenset(ALL_ROLES)
COSTS = MEMBERS - {R.SERVICE_USER.value}
MANAGERS = frozenset({R.FACILITATOR.value, R.COMMISSIONER.value})
COMMISSIONER = frozenset({R.COMMISSIONER.value})
RECORDERS = frozenset({R.FACILITATOR.value, R.SE_PARTNER.value})
KPI_VALUES = frozenset({R.FACILITATOR.value, R.COMMISSIONER.value, R.EVALUATOR.value})
FEEDBACK = frozenset({R.SERVICE_USER.value, R.FACILITATOR.value, R.SE_PARTNER.value})
ISSUES = frozenset(
    {
        R.FACILITATOR.value,
        R.COMMISSIONER.value,
        R.STEERING.value,
        R.SE_PARTNER.value,
        R.EVALUATOR.value,
    }
)
WRITERS = frozenset({R.FACILITATOR.value, R.COMMISSIONER.value, R.EVALUATOR.value})
CLASSIFIERS = frozenset({R.FACILITATOR.value, R.COMMISSIONER.value, R.PROCUREMENT.value})


@pytest.fixture
def world(pilot, personas, kpis, services, own_org, other_org, partnership):
    facilitator = personas["facilitator"]
    packs = services["Emergency furniture packs"]
    record = domain.record_delivery(
        pilot=pilot,
        actor=facilitator,
        service=packs,
        provider=own_org,
        delivered_on=dt.date(2006, 10, 20),
        quantity=Decimal(1),
        cost=Decimal("300"),
        referred_on=dt.date(2006, 10, 16),
        client_id="C1",
    )
    imported = upload(
        pilot,
        personas["se_partner"],
        csv_bytes([row(provider=own_org.name, day="2006-11-02")]),
        name="own.csv",
        scope={own_org.pk},
    )
    pending = domain.upload_file(
        pilot=pilot,
        actor=personas["se_partner"],
        file=SimpleUploadedFile("pending.csv", csv_bytes([row(provider=own_org.name)])),
        filename="pending.csv",
    )
    spare = domain.save_service(pilot=pilot, actor=facilitator, name="Spare", unit="item")
    candidate = OrganisationFactory(name="St Patrick's Furniture Project")
    member(partnership, R.SE_PARTNER, organisation=candidate)
    recap = OrganisationFactory(name="RECAP")
    member(partnership, R.SE_PARTNER, organisation=recap)
    removable = domain.add_provider(pilot=pilot, actor=facilitator, organisation=recap)
    feedback = domain.submit_feedback(
        pilot=pilot,
        actor=facilitator,
        rating=4,
        comment="Good",
        received_on=dt.date(2006, 11, 10),
    )
    issue = domain.log_issue(pilot=pilot, actor=facilitator, title="Late vans", severity="high")
    extension = domain.request_extension(
        pilot=pilot, actor=facilitator, new_ends_on=dt.date(2007, 6, 30), reason="More data"
    )
    evaluation = domain.create_evaluation(
        pilot=pilot,
        actor=facilitator,
        kind="interim",
        period_start=dt.date(2006, 10, 1),
        period_end=dt.date(2007, 3, 31),
    )
    return {
        "pilot": pilot,
        "record": record,
        "imported": imported,
        "pending": pending,
        "spare": spare,
        "candidate": candidate,
        "removable": removable,
        "feedback": feedback,
        "issue": issue,
        "extension": extension,
        "evaluation": evaluation,
        "kpis": kpis,
        "packs": packs,
        "own_org": own_org,
        "other_org": other_org,
    }


# fmt: off
PAGES = [
    # action                  url name               who may
    ("overview",              "overview",            MEMBERS),
    ("dashboard",             "dashboard",           MEMBERS),
    ("framework",             "kpis",                MEMBERS),
    ("services",              "services",            MEMBERS),
    ("kpi values",            "kpi.values",          MEMBERS),
    ("feedback",              "feedback",            MEMBERS),
    ("issues",                "issues",              MEMBERS),
    ("evaluations",           "evaluations",         MEMBERS),
    ("evaluation",            "evaluation",          MEMBERS),
    ("records",               "records",             COSTS),
    ("uploads",               "batches",             COSTS),
    ("upload",                "batch",               COSTS),
    ("upload progress",       "batch.progress",      COSTS),
    ("upload errors",         "batch.errors",        COSTS),
    ("returns",               "returns",             COSTS),
    ("return csv",            "returns.export",      COSTS),
    ("return xlsx",           "returns.export",      COSTS),
    ("edit pilot form",       "pilot.edit",          MANAGERS),
    ("edit service form",     "service.edit",        MANAGERS),
    ("extension form",        "extension.new",       MANAGERS),
    ("stop form",             "pilot.stop",          COMMISSIONER),
    ("new kpi form",          "kpi.new",             MANAGERS),
    ("edit kpi form",         "kpi.edit",            MANAGERS),
    ("new record form",       "record.new",          RECORDERS),
    ("edit record form",      "record.edit",         RECORDERS),
    ("upload form",           "batch.new",           RECORDERS),
    ("feedback form",         "feedback.new",        FEEDBACK),
    ("respond form",          "feedback.respond",    MANAGERS),
    ("new issue form",        "issue.new",           ISSUES),
    ("edit issue form",       "issue.edit",          ISSUES),
    ("new evaluation form",   "evaluation.new",      WRITERS),
    ("edit evaluation form",  "evaluation.edit",     WRITERS),
    ("classify form",         "evaluation.classify", CLASSIFIERS),
]

ACTIONS = [
    # action               url name               who may
    ("edit pilot",         "pilot.edit",          MANAGERS),
    ("add service",        "services",            MANAGERS),
    ("remove service",     "service.remove",      MANAGERS),
    ("remove provider",    "provider.remove",     MANAGERS),
    ("add provider",       "provider.add",        MANAGERS),
    ("request extension",  "extension.new",       MANAGERS),
    ("decide extension",   "extension.decide",    COMMISSIONER),
    ("stop pilot",         "pilot.stop",          COMMISSIONER),
    ("add kpi",            "kpi.new",             MANAGERS),
    ("delete kpi",         "kpi.delete",          MANAGERS),
    ("enter kpi value",    "kpi.values",          KPI_VALUES),
    ("record delivery",    "record.new",          RECORDERS),
    ("edit record",        "record.edit",         RECORDERS),
    ("delete record",      "record.delete",       RECORDERS),
    ("upload file",        "batch.new",           RECORDERS),
    ("start import",       "batch",               RECORDERS),
    ("revert upload",      "batch.revert",        RECORDERS),
    ("give feedback",      "feedback.new",        FEEDBACK),
    ("respond",            "feedback.respond",    MANAGERS),
    ("log issue",          "issue.new",           ISSUES),
    ("resolve issue",      "issue.edit",          ISSUES),
    ("start evaluation",   "evaluation.new",      WRITERS),
    ("edit evaluation",    "evaluation.edit",     WRITERS),
    ("refresh results",    "evaluation.refresh",  WRITERS),
    ("approve evaluation", "evaluation.approve",  COMMISSIONER),
    ("classify",           "evaluation.classify", CLASSIFIERS),
]
# fmt: on

ARGS = {  # the URL arguments after the partnership, by action
    "kpi values": lambda w: [w["kpis"]["manual"].pk],
    "enter kpi value": lambda w: [w["kpis"]["manual"].pk],
    "evaluation": lambda w: [w["evaluation"].pk],
    "upload": lambda w: [w["imported"].pk],
    "upload progress": lambda w: [w["imported"].pk],
    "upload errors": lambda w: [w["imported"].pk],
    "return csv": lambda w: ["2006-10", "csv"],
    "return xlsx": lambda w: ["2006-10", "xlsx"],
    "edit service form": lambda w: [w["spare"].pk],
    "remove service": lambda w: [w["spare"].pk],
    "edit kpi form": lambda w: [w["kpis"]["cost"].pk],
    "delete kpi": lambda w: [w["kpis"]["count"].pk],
    "edit record form": lambda w: [w["record"].pk],
    "edit record": lambda w: [w["record"].pk],
    "delete record": lambda w: [w["record"].pk],
    "respond form": lambda w: [w["feedback"].pk],
    "respond": lambda w: [w["feedback"].pk],
    "edit issue form": lambda w: [w["issue"].pk],
    "resolve issue": lambda w: [w["issue"].pk],
    "remove provider": lambda w: [w["removable"].pk],
    "decide extension": lambda w: [w["extension"].pk],
    "start import": lambda w: [w["pending"].pk],
    "revert upload": lambda w: [w["imported"].pk],
    **{
        name: lambda w: [w["evaluation"].pk]
        for name in (
            "edit evaluation form",
            "classify form",
            "edit evaluation",
            "refresh results",
            "approve evaluation",
            "classify",
        )
    },
}


def _record(w, day, quantity, cost):
    return {
        "service": w["packs"].pk,
        "provider": w["own_org"].pk,
        "delivered_on": day,
        "quantity": quantity,
        "cost": cost,
    }


DATA = {  # what each POST sends
    "edit pilot": lambda w: {
        "title": "Renamed",
        "starts_on": "2006-10-01",
        "ends_on": "2007-03-31",
    },
    "add service": lambda w: {"name": "Collections", "unit": "collection"},
    "add provider": lambda w: {"organisation": w["candidate"].pk},
    "request extension": lambda w: {"new_ends_on": "2007-05-31", "reason": "Winter"},
    "decide extension": lambda w: {"decision": "approve", "note": "Steering"},
    "stop pilot": lambda w: {"stopped_on": "2007-02-28", "reason": "The funding ended"},
    "add kpi": lambda w: {
        "name": "Visits",
        "definition": "Visits",
        "unit": "visits",
        "target": "10",
        "direction": "higher",
        "amber_tolerance": "10",
        "frequency": "monthly",
        "source": "Records",
        "method": "records",
        "aggregation": "count",
    },
    "enter kpi value": lambda w: {"period": "2006-10-01", "value": "4"},
    "record delivery": lambda w: _record(w, "2006-12-01", "1", "250"),
    "edit record": lambda w: _record(w, "2006-10-21", "2", "500"),
    "upload file": lambda w: {
        "file": SimpleUploadedFile(
            "new.csv", csv_bytes([row(provider=w["own_org"].name, day="2006-12-05")])
        )
    },
    "start import": lambda w: {
        "col_service": "0",
        "col_provider": "1",
        "col_delivered_on": "2",
        "col_quantity": "3",
        "col_cost": "4",
    },
    "revert upload": lambda w: {"reason": "Wrong month"},
    "give feedback": lambda w: {
        "rating": "5",
        "comment": "Kind staff",
        "received_on": "2007-01-10",
        "channel": "paper",
    },
    "respond": lambda w: {"response": "We thanked the team"},
    "log issue": lambda w: {
        "title": "Van broke down",
        "severity": "medium",
        "raised_on": "2006-11-01",
    },
    "resolve issue": lambda w: {
        "title": "Late vans",
        "severity": "high",
        "raised_on": w["issue"].raised_on.isoformat(),
        "resolution": "Second van",
        "resolved_on": w["issue"].raised_on.isoformat(),
    },
    "start evaluation": lambda w: {
        "kind": "final",
        "period_start": "2006-10-01",
        "period_end": "2007-03-31",
    },
    "edit evaluation": lambda w: {"title": "Interim", "lessons": "Vans"},
    "approve evaluation": lambda w: {"approved_on": "2007-04-17", "note": "Steering"},
    "classify": lambda w: {"report_disclosure": "publish"},
}


TRAVEL = {  # actions dated today, taken on a day within the pilot
    "give feedback": dt.datetime(2007, 1, 15, 12),
}


def _url(row_, world):
    args = ARGS.get(row_[0], lambda w: [])(world)
    return reverse(f"pilots:{row_[1]}", args=[world["pilot"].partnership_id, *args])


@pytest.mark.parametrize("role", [*ALL_ROLES, "outsider"])
@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_pages(client, personas, world, role, page):
    client.force_login(personas[role])
    response = client.get(_url(page, world))
    expected = 404 if role == "outsider" else 200 if role in page[2] else 403
    assert response.status_code == expected, (page[0], role, response.status_code)


@pytest.mark.parametrize("role", [*ALL_ROLES, "outsider"])
@pytest.mark.parametrize("action", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_actions(client, personas, world, role, action):
    client.force_login(personas[role])
    events = AuditEvent.objects.count()
    travel = TRAVEL.get(action[0])
    with time_machine.travel(travel) if travel else contextlib.nullcontext():
        response = client.post(_url(action, world), DATA.get(action[0], lambda w: {})(world))
    if role == "outsider":
        assert response.status_code == 404
    elif role in action[2]:
        assert response.status_code == 302, (action[0], role, response.content[:2000])
        assert AuditEvent.objects.count() > events, (action[0], role)
    else:
        assert response.status_code == 403, (action[0], role, response.status_code)
        assert AuditEvent.objects.count() == events


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for page in PAGES[:5]:
        response = client.get(_url(page, world))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_service_user_sees_no_costs_on_the_dashboard(client, personas, world):
    client.force_login(personas["service_user"])
    page = client.get(reverse("pilots:dashboard", args=[world["pilot"].partnership_id]))
    html = page.content.decode()
    assert "Actual cost per unit" not in html
    assert "Costs are not shown to your role" in html  # the cost KPI
    assert "£" not in html


def test_provider_records_only_for_its_own_organisation(client, personas, world):
    client.force_login(personas["se_partner"])
    url = reverse("pilots:record.new", args=[world["pilot"].partnership_id])
    data = {
        "service": world["packs"].pk,
        "provider": world["other_org"].pk,
        "delivered_on": "2006-12-01",
        "quantity": "1",
        "cost": "250",
    }
    before = DeliveryRecord.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200  # the form refuses the other organisation
    assert "Select a valid choice" in response.content.decode()
    assert DeliveryRecord.objects.count() == before


def test_provider_cannot_change_another_providers_record(client, personas, world):
    other = domain.record_delivery(
        pilot=world["pilot"],
        actor=personas["facilitator"],
        service=world["packs"],
        provider=world["other_org"],
        delivered_on=dt.date(2006, 10, 22),
        quantity=Decimal(1),
        cost=Decimal(200),
    )
    client.force_login(personas["se_partner"])
    url = reverse("pilots:record.edit", args=[world["pilot"].partnership_id, other.pk])
    assert client.get(url).status_code == 403
    delete = reverse("pilots:record.delete", args=[world["pilot"].partnership_id, other.pk])
    assert client.post(delete).status_code == 403
    assert DeliveryRecord.objects.filter(pk=other.pk).exists()
