"""Data protection: the register of what Coplan holds and why, subject access (JSON and PDF),
erasure (the person's words stay, their name goes; irreversible and audited) and retention
(``coplan apply-retention``, with a dry run, safe to rerun)."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from coplan.core import audit
from coplan.core.domain import issue_api_token
from coplan.core.errors import DomainError
from coplan.core.models import ApiToken, AuditEvent
from coplan.design import domain as design
from coplan.design.models import Consent, Item
from coplan.ops import privacy
from coplan.partnerships.enums import Status
from coplan.pilots import domain as pilots
from coplan.pilots.models import Feedback
from tests.conftest import PERSONAS
from tests.pdfs import inflated


@pytest.fixture
def contributions(partnership, personas):
    """Ann (a service user) posts an idea and gives feedback on the pilot; the facilitator
    records what Bert, a young tenant without an account, said at a workshop."""
    ann, facilitator = personas["service_user"], personas["facilitator"]
    idea = design.post_item(
        partnership=partnership,
        actor=ann,
        kind="idea",
        text="Keep my things safe while I am in temporary accommodation.",
        consent_given=True,
    )
    workshop = design.create_activity(
        partnership=partnership,
        actor=facilitator,
        title="Workshop with young tenants",
        method="workshop",
        held_on=dt.date(2006, 5, 17),
        place="Motherwell Civic Centre",
        participant_count=14,
    )
    bert = design.record_consent(
        partnership=partnership,
        actor=facilitator,
        covers="Named in the design record",
        given_on=dt.date(2006, 5, 17),
        name="Bert Young",
    )
    said = design.record_item(
        activity=workshop, actor=facilitator, kind="idea", text="A key safe.", consent=bert
    )
    pilot = pilots.create_pilot(
        partnership=partnership,
        actor=facilitator,
        title="Furniture pilot",
        starts_on=dt.date(2006, 10, 1),
        ends_on=dt.date(2007, 3, 31),
        funding_amount=Decimal("120000"),
        funding_route="Council grant",
    )
    feedback = pilots.submit_feedback(
        pilot=pilot,
        actor=ann,
        rating=4,
        comment="The storage saved my sofa.",
        received_on=dt.date(2006, 11, 1),
    )
    return {"idea": idea, "said": said, "bert": bert, "feedback": feedback}


def test_the_register_holds_every_app_s_categories(db):
    keys = [c.key for c in privacy.categories()]
    assert keys == [
        "benefits.evidence",
        "benefits.returns",
        "bidding.bid_contacts",
        "bidding.evaluation",
        "bidding.officer_record",
        "bidding.two_factor",
        "consortium.signatories",
        "core.accounts",
        "core.audit",
        "costing.authorship",
        "design.contributions",
        "design.engagement_contacts",
        "governance.interests",
        "governance.records",
        "partnerships.invitations",
        "partnerships.members",
        "pilots.delivery_records",
        "pilots.feedback",
        "pilots.upload_files",
        "tendering.clarifications",
        "tendering.registrations",
    ]
    for c in privacy.categories():
        assert c.purpose and c.lawful_basis and c.retention and c.holds and c.about


def test_subject_access_gathers_everything_about_the_person(contributions, personas):
    ann = personas["service_user"]

    export = privacy.export_person(ann)

    by_key = {s["category"]: s["records"] for s in export["categories"]}
    assert export["person"]["email"] == ann.email
    assert [r["text"] for r in by_key["design.contributions"]] == [
        "Keep my things safe while I am in temporary accommodation."
    ]
    assert [(r["rating"], r["comment"]) for r in by_key["pilots.feedback"]] == [
        (4, "The storage saved my sofa.")
    ]
    assert [r["covers"] for r in by_key["design.engagement_contacts"]] == [
        "Consent given when posting on the ideas board."
    ] or len(by_key["design.engagement_contacts"]) == 1
    assert {r["action"] for r in by_key["core.audit"]} >= {
        "design.item.posted",
        "pilots.feedback.submitted",
    }


def test_erasure_keeps_the_words_and_removes_the_name(contributions, personas):
    ann, staff = personas["service_user"], personas["staff"]
    old_name, old_email = ann.full_name, ann.email
    _token, raw = issue_api_token(user=ann, name="phone")

    counts = privacy.erase_person(person=ann, actor=staff)

    idea = Item.objects.get(pk=contributions["idea"].pk)
    assert (idea.text, idea.author_id, idea.anonymous) == (
        "Keep my things safe while I am in temporary accommodation.",
        None,
        True,
    )
    feedback = Feedback.objects.get(pk=contributions["feedback"].pk)
    assert (feedback.comment, feedback.submitted_by_id, feedback.anonymous) == (
        "The storage saved my sofa.",
        None,
        True,
    )
    ann.refresh_from_db()
    assert (ann.full_name, ann.email, ann.is_active, ann.has_usable_password()) == (
        "Erased person",
        f"erased-{ann.pk}@erased.invalid",
        False,
        False,
    )
    assert ApiToken.objects.authenticate(raw) is None
    assert counts["design.contributions"] == 1
    assert counts["pilots.feedback"] == 1
    event = AuditEvent.objects.get(action="ops.person.erased")
    assert event.actor == staff
    assert old_name not in json.dumps(event.data) + event.object_repr
    assert old_email not in json.dumps(event.data) + event.object_repr
    assert audit.verify().ok


def holding(*needles) -> dict[str, list]:
    """Every row, in every table of every app, with a text or JSON column containing any of
    ``needles``: {table: [primary keys]}."""
    from django.apps import apps
    from django.db import models

    kinds = (models.CharField, models.TextField, models.JSONField)
    found = {}
    for model in apps.get_models(include_auto_created=True):
        columns = [f.attname for f in model._meta.concrete_fields if isinstance(f, kinds)]
        if not columns:
            continue
        for pk, *values in model._base_manager.values_list("pk", *columns):
            text = json.dumps(values, default=str, ensure_ascii=False).lower()
            if any(n.lower() in text for n in needles):
                found.setdefault(model._meta.db_table, []).append(pk)
    return found


@pytest.fixture
def ann_everywhere(contributions, partnership, personas):
    """Ann's name and email as the real flows store them: her idea, her feedback, an
    invitation to another role, and the audit events they wrote."""
    from coplan.partnerships import domain as partnerships

    ann = personas["service_user"]
    partnerships.invite_member(
        partnership=partnership,
        actor=personas["facilitator"],
        email=ann.email,
        full_name=ann.full_name,
        roles=["evaluator"],
    )
    return ann


def test_erasure_leaves_the_name_and_email_in_no_app_s_records(ann_everywhere, personas):
    ann = ann_everywhere
    name, email = ann.full_name, ann.email
    before = holding(name, email)
    assert {"core_user", "partnerships_invitation"} <= set(before)

    privacy.erase_person(person=ann, actor=personas["staff"])

    after = holding(name, email)
    after.pop("core_auditevent", None)  # append-only: see the next test
    assert after == {}


def test_erasure_leaves_the_name_and_email_out_of_the_audit_log(ann_everywhere, personas):
    ann = ann_everywhere
    name, email = ann.full_name, ann.email
    assert holding(name, email).get("core_auditevent")

    privacy.erase_person(person=ann, actor=personas["staff"])

    assert "core_auditevent" not in holding(name, email)
    assert audit.verify().ok


def test_erasure_cannot_be_repeated_or_done_to_yourself(contributions, personas):
    staff = personas["staff"]
    privacy.erase_person(person=personas["service_user"], actor=staff)

    with pytest.raises(DomainError, match="already erased"):
        privacy.erase_person(person=personas["service_user"], actor=staff)
    with pytest.raises(DomainError, match="cannot erase yourself"):
        privacy.erase_person(person=staff, actor=staff)


def end_partnership(partnership):
    type(partnership).objects.filter(pk=partnership.pk).update(status=Status.ENDED)


def test_retention_dry_run_reports_and_changes_nothing(contributions, partnership, capsys):
    end_partnership(partnership)
    later = (timezone.localdate() + dt.timedelta(days=400)).isoformat()

    call_command("apply_retention", "--dry-run", "--today", later)

    out = capsys.readouterr().out
    # Bert's named item and Ann's consent-linked idea, and both consent records.
    assert "design.engagement_contacts: would remove or anonymise 4" in out
    assert "pilots.feedback: would remove or anonymise 1" in out
    assert Consent.objects.count() == 2
    assert Item.objects.get(pk=contributions["said"].pk).author_name == "Bert Young"


def test_retention_applies_once_and_is_safe_to_rerun(contributions, partnership, capsys):
    end_partnership(partnership)
    later = (timezone.localdate() + dt.timedelta(days=400)).isoformat()

    call_command("apply_retention", "--today", later)
    first = capsys.readouterr().out
    call_command("apply_retention", "--today", later)
    second = capsys.readouterr().out

    assert "5 record(s) removed or anonymised" in first
    assert "0 record(s) removed or anonymised" in second
    said = Item.objects.get(pk=contributions["said"].pk)
    assert (said.text, said.author_name, said.consent_id) == ("A key safe.", "", None)
    assert Consent.objects.count() == 0
    assert Feedback.objects.get().submitted_by_id is None
    assert AuditEvent.objects.filter(action="ops.retention.applied").count() == 1


def test_retention_waits_for_the_partnership_to_close(contributions, partnership, capsys):
    later = (timezone.localdate() + dt.timedelta(days=400)).isoformat()

    call_command("apply_retention", "--dry-run", "--today", later)

    assert "design.engagement_contacts: would remove or anonymise 0" in capsys.readouterr().out


# Pages and permissions.

STAFF_PAGES = [
    "/privacy/register/",
    "/privacy/people/",
    "/privacy/people/{ann}/",
    "/privacy/people/{ann}/export.json",
    "/privacy/retention/",
]


def test_the_privacy_notice_is_public(client, db):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert "How we use your information" in response.text
    assert "Feedback on the pilot service" in response.text


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", STAFF_PAGES)
def test_only_staff_see_the_register_and_people(persona, page, personas, as_user):
    ann = personas["service_user"]
    url = page.format(ann=ann.pk)
    response = as_user(personas[persona]).get(url)
    if persona == "service_user" and url.endswith("export.json"):
        assert response.status_code == 200  # your own data
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_see_them(page, personas, as_user, contributions):
    response = as_user(personas["staff"]).get(page.format(ann=personas["service_user"].pk))
    assert response.status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, personas):
    response = client.get("/privacy/register/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_json_export_is_an_attachment(personas, as_user, contributions):
    ann = personas["service_user"]
    response = as_user(ann).get(f"/privacy/people/{ann.pk}/export.json")
    assert response["Content-Disposition"] == (
        f'attachment; filename="coplan-subject-access-{ann.pk}.json"'
    )
    assert response.json()["person"]["email"] == ann.email


def test_the_pdf_export_is_a_tagged_pdf(personas, as_user, contributions):
    ann = personas["service_user"]
    response = as_user(personas["staff"]).get(f"/privacy/people/{ann.pk}/export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    pdf = inflated(response.content)
    assert b"/StructTreeRoot" in pdf  # tagged, for screen readers
    assert b"pdfuaid:part" in pdf  # declares PDF/UA


def test_staff_erase_from_the_page_after_confirming(personas, as_user, contributions):
    ann, staff = personas["service_user"], personas["staff"]
    client = as_user(staff)

    wrong = client.post(f"/privacy/people/{ann.pk}/erase/", {"confirm": "someone@else.org"})
    assert wrong.status_code == 422
    assert "Enter the person&#x27;s email address exactly as shown" in wrong.text
    response = client.post(f"/privacy/people/{ann.pk}/erase/", {"confirm": ann.email})

    assert response.status_code == 302
    ann.refresh_from_db()
    assert ann.full_name == "Erased person"


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_may_erase(persona, personas, as_user):
    ann = personas["service_user"]
    response = as_user(personas[persona]).post(
        f"/privacy/people/{ann.pk}/erase/", {"confirm": ann.email}
    )
    assert response.status_code == 403
    ann.refresh_from_db()
    assert ann.is_active


def test_staff_apply_retention_from_the_page(personas, as_user, contributions, partnership):
    response = as_user(personas["staff"]).post("/privacy/retention/")
    assert response.status_code == 302
