"""Business rules of service design: the specification's lifecycle, frozen immutability,
consent and its withdrawal, merging duplicates, responses, survey imports and disclosure."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.core.tables import ImportRejected
from coplan.design import domain, queries
from coplan.design.enums import (
    Disclosure,
    ImportStatus,
    ItemKind,
    ItemSource,
    Response,
    VersionStatus,
)
from coplan.design.models import (
    Attendance,
    Consent,
    Item,
    Requirement,
    Section,
    SpecificationVersion,
    Support,
    SurveyImport,
)
from coplan.partnerships.enums import Role
from tests.factories import member

from .conftest import upload


def actions(partnership) -> list[str]:
    return list(
        AuditEvent.objects.filter(partnership=partnership)
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- the specification's lifecycle ------------------------------------------------------------


def test_version_one_starts_empty_with_every_section(partnership, personas):
    version = domain.new_draft(partnership=partnership, actor=personas["facilitator"])

    assert version.number == 1
    assert version.status == VersionStatus.DRAFT
    assert list(version.sections.values_list("kind", flat=True)) == [
        "outcomes",
        "outputs",
        "service_levels",
        "eligibility_referral",
        "volumes",
        "kpis",
        "community_benefits",
    ]
    assert actions(partnership) == ["design.spec.draft_created"]


def test_draft_goes_to_approved_then_frozen(world):
    commissioner = world.people["commissioner"]

    domain.approve_version(version=world.version, actor=commissioner)
    assert world.version.status == VersionStatus.APPROVED
    assert world.version.approved_by == commissioner
    assert world.version.approved_at is not None

    domain.freeze_version(version=world.version, actor=commissioner)
    assert world.version.status == VersionStatus.FROZEN
    assert world.version.frozen_at is not None
    assert actions(world.partnership)[-2:] == ["design.spec.approved", "design.spec.frozen"]


def test_an_empty_draft_cannot_be_approved(partnership, personas):
    version = domain.new_draft(partnership=partnership, actor=personas["facilitator"])

    with pytest.raises(DomainError) as refused:
        domain.approve_version(version=version, actor=personas["commissioner"])

    assert refused.value.code == "empty_version"
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_draft_cannot_be_frozen_before_approval(world):
    with pytest.raises(DomainError) as refused:
        domain.freeze_version(version=world.version, actor=world.people["commissioner"])

    assert refused.value.code == "not_approved"


def test_only_one_draft_at_a_time(world):
    with pytest.raises(DomainError) as refused:
        domain.new_draft(partnership=world.partnership, actor=world.people["facilitator"])

    assert refused.value.code == "draft_exists"
    assert SpecificationVersion.objects.filter(partnership=world.partnership).count() == 1


def test_the_database_also_refuses_a_second_draft(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecificationVersion.objects.create(partnership=world.partnership, number=2)


def test_a_new_draft_copies_the_latest_version_with_its_links(world):
    facilitator, commissioner = world.people["facilitator"], world.people["commissioner"]
    domain.update_version(
        version=world.version, actor=facilitator, intros={"outcomes": "Nobody sleeps on a floor."}
    )
    domain.approve_version(version=world.version, actor=commissioner)

    draft = domain.new_draft(partnership=world.partnership, actor=facilitator, change_note="v2")

    assert (draft.number, draft.based_on) == (2, world.version)
    copy = draft.requirements.get()
    assert copy.key == world.requirement.key == "SL-1"
    assert copy.text == world.requirement.text
    assert copy.origin == world.requirement
    assert list(copy.insights.all()) == [world.idea]
    assert list(copy.activities.all()) == [world.workshop]
    assert draft.sections.get(kind="outcomes").intro == "Nobody sleeps on a floor."
    assert draft.disclosure == Disclosure.UNCLASSIFIED


def test_freezing_needs_the_latest_approved_version(world):
    facilitator, commissioner = world.people["facilitator"], world.people["commissioner"]
    domain.approve_version(version=world.version, actor=commissioner)
    second = domain.new_draft(partnership=world.partnership, actor=facilitator)
    domain.approve_version(version=second, actor=commissioner)

    with pytest.raises(DomainError) as refused:
        domain.freeze_version(version=world.version, actor=commissioner)

    assert refused.value.code == "not_latest"


def test_freeze_checks_from_other_apps_can_refuse(world, monkeypatch):
    from coplan.design.domain import spec

    monkeypatch.setattr(spec, "FREEZE_CHECKS", [lambda v: "The pilot evaluation is not approved."])
    domain.approve_version(version=world.version, actor=world.people["commissioner"])

    with pytest.raises(DomainError) as refused:
        domain.freeze_version(version=world.version, actor=world.people["commissioner"])

    assert refused.value.code == "freeze_refused"
    assert refused.value.data["reasons"] == ["The pilot evaluation is not approved."]


@pytest.mark.parametrize("status", ["approved", "frozen"])
def test_a_signed_off_version_cannot_change(world, status):
    commissioner, facilitator = world.people["commissioner"], world.people["facilitator"]
    domain.approve_version(version=world.version, actor=commissioner)
    if status == "frozen":
        domain.freeze_version(version=world.version, actor=commissioner)
    before = actions(world.partnership)
    attempts = [
        lambda: domain.add_requirement(
            version=world.version, actor=facilitator, section="outcomes", text="New"
        ),
        lambda: domain.update_requirement(
            requirement=world.requirement, actor=facilitator, text="Changed"
        ),
        lambda: domain.remove_requirement(requirement=world.requirement, actor=facilitator),
        lambda: domain.update_version(
            version=world.version, actor=facilitator, intros={"outcomes": "Changed"}
        ),
        lambda: domain.discard_draft(version=world.version, actor=facilitator),
        lambda: domain.approve_version(version=world.version, actor=commissioner),
    ]

    for attempt in attempts:
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == "version_not_draft"

    world.requirement.refresh_from_db()
    assert world.requirement.text.startswith("Store a household")
    assert world.version.requirements.count() == 1
    assert actions(world.partnership) == before


def test_the_models_guard_frozen_content_even_outside_the_domain(world):
    commissioner = world.people["commissioner"]
    domain.approve_version(version=world.version, actor=commissioner)
    domain.freeze_version(version=world.version, actor=commissioner)
    requirement = Requirement.objects.get(pk=world.requirement.pk)
    section = Section.objects.get(version=world.version, kind="outcomes")

    requirement.text = "Sneaky edit"
    with pytest.raises(DomainError):
        requirement.save()
    with pytest.raises(DomainError):
        requirement.delete()
    section.intro = "Sneaky edit"
    with pytest.raises(DomainError):
        section.save()


def test_classifying_a_frozen_version_is_allowed(world):
    commissioner = world.people["commissioner"]
    domain.approve_version(version=world.version, actor=commissioner)
    domain.freeze_version(version=world.version, actor=commissioner)

    domain.classify(obj=world.version, actor=commissioner, disclosure="publish")

    world.version.refresh_from_db()
    assert world.version.disclosure == Disclosure.PUBLISH
    assert world.version.status == VersionStatus.FROZEN


def test_requirement_keys_never_recur_across_versions(world):
    facilitator = world.people["facilitator"]
    second = domain.add_requirement(
        version=world.version, actor=facilitator, section="service_levels", text="Deliver in 5 days"
    )
    domain.remove_requirement(requirement=second, actor=facilitator)
    third = domain.add_requirement(
        version=world.version, actor=facilitator, section="service_levels", text="Deliver in 3 days"
    )

    assert (second.key, third.key) == ("SL-2", "SL-2")  # removed from the draft: reusable
    domain.approve_version(version=world.version, actor=world.people["commissioner"])
    draft = domain.new_draft(partnership=world.partnership, actor=facilitator)
    domain.remove_requirement(requirement=draft.requirements.get(key="SL-2"), actor=facilitator)
    fourth = domain.add_requirement(
        version=draft, actor=facilitator, section="service_levels", text="Deliver in 2 days"
    )
    assert fourth.key == "SL-3"  # SL-2 lives on in the approved version 1


def test_discarding_a_draft_deletes_it_and_is_audited(world):
    domain.discard_draft(version=world.version, actor=world.people["facilitator"])

    assert not SpecificationVersion.objects.filter(partnership=world.partnership).exists()
    assert actions(world.partnership)[-1] == "design.spec.draft_discarded"


def test_links_must_come_from_the_same_partnership(world):
    from tests.factories import PartnershipFactory

    other = PartnershipFactory()
    stranger = member(other, Role.FACILITATOR)
    foreign = domain.post_item(
        partnership=other, actor=stranger, kind="idea", text="Elsewhere", consent_given=True
    )

    with pytest.raises(DomainError) as refused:
        domain.add_requirement(
            version=world.version,
            actor=world.people["facilitator"],
            section="outcomes",
            text="X",
            insights=[foreign],
        )

    assert refused.value.code == "wrong_partnership"


# --- posting, supporting, commenting ----------------------------------------------------------


def test_posting_needs_consent_the_first_time(partnership, personas):
    user = personas["service_user"]

    with pytest.raises(DomainError) as refused:
        domain.post_item(partnership=partnership, actor=user, kind="idea", text="A lift")
    assert refused.value.code == "consent_required"
    assert not Item.objects.exists()

    domain.post_item(
        partnership=partnership, actor=user, kind="idea", text="A lift", consent_given=True
    )
    domain.post_item(partnership=partnership, actor=user, kind="feedback", text="No ramp")

    assert Consent.objects.filter(user=user).count() == 1
    assert Item.objects.filter(author=user).count() == 2
    assert actions(partnership) == [
        "design.consent.recorded",
        "design.item.posted",
        "design.item.posted",
    ]


def test_anonymous_items_hide_the_author_from_other_members(world):
    feedback = world.feedback

    assert feedback.author_label(world.people["facilitator"]) == "Anonymous"
    assert feedback.author_label(None) == "Anonymous"
    assert "anonymous to other members" in feedback.author_label(world.people["se_partner"])
    assert (
        world.idea.author_label(world.people["facilitator"])
        == world.people["service_user"].full_name
    )


def test_one_support_per_person_and_only_for_ideas(world):
    user = world.people["steering"]
    domain.support(item=world.idea, actor=user)

    with pytest.raises(DomainError) as twice:
        domain.support(item=world.idea, actor=user)
    with pytest.raises(DomainError) as feedback:
        domain.support(item=world.feedback, actor=user)

    assert twice.value.code == "already_supported"
    assert feedback.value.code == "not_an_idea"
    assert world.idea.supports.count() == 1
    domain.withdraw_support(item=world.idea, actor=user)
    assert world.idea.supports.count() == 0


def test_comments_answer_an_idea_or_feedback_not_a_comment(world):
    user = world.people["service_user"]
    reply = domain.comment(item=world.idea, actor=user, text="And a van to collect it")

    assert reply.kind == ItemKind.COMMENT and reply.parent == world.idea
    with pytest.raises(DomainError) as refused:
        domain.comment(item=reply, actor=user, text="Nested")
    assert refused.value.code == "is_comment"


def test_open_link_posts_are_anonymous_unless_named_with_consent(world):
    facilitator = world.people["facilitator"]
    domain.open_link(activity=world.workshop, actor=facilitator)
    token = world.workshop.open_token

    anonymous = domain.post_open_item(activity=world.workshop, token=token, kind="idea", text="A")
    with pytest.raises(DomainError) as refused:
        domain.post_open_item(
            activity=world.workshop, token=token, kind="idea", text="B", name="Jo Bloggs"
        )
    named = domain.post_open_item(
        activity=world.workshop,
        token=token,
        kind="feedback",
        text="C",
        name="Jo Bloggs",
        consent_given=True,
    )

    assert (anonymous.author, anonymous.author_name, anonymous.consent) == (None, "", None)
    assert refused.value.code == "consent_required"
    assert named.author_name == "Jo Bloggs" and named.consent.name == "Jo Bloggs"
    domain.close_open_link(activity=world.workshop, actor=facilitator)
    with pytest.raises(DomainError) as closed:
        domain.post_open_item(activity=world.workshop, token=token, kind="idea", text="D")
    assert closed.value.code == "link_closed"


# --- consent withdrawal -----------------------------------------------------------------------


def test_withdrawing_consent_anonymises_items_supports_and_attendance(world):
    user, facilitator = world.people["service_user"], world.people["facilitator"]
    comment = domain.comment(item=world.feedback, actor=user, text="Same for me")
    domain.support(item=world.idea, actor=user)
    domain.support(item=world.idea, actor=world.people["steering"])
    consent = Consent.objects.get(user=user)
    domain.add_attendance(activity=world.workshop, actor=facilitator, consent=consent)
    counts_before = (world.idea.supports.count(), Item.objects.count())

    counts = domain.withdraw_consent(consent=consent, actor=user, on=dt.date.today())

    assert counts == {"items": 2, "supports": 1, "attendances": 1}
    for item in (world.idea, comment):
        item.refresh_from_db()
        assert (item.author, item.author_name, item.consent, item.anonymous) == (
            None,
            "",
            None,
            True,
        )
        assert item.text  # the words stay
    assert (world.idea.supports.count(), Item.objects.count()) == counts_before
    assert Support.objects.filter(user=user).count() == 0
    assert Attendance.objects.get(activity=world.workshop).consent is None
    assert world.workshop.participant_count == 14
    consent.refresh_from_db()
    assert consent.withdrawn_on == dt.date.today()
    assert world.idea.themes.count() == 1 and world.idea.is_insight  # curation stays
    event = AuditEvent.objects.filter(action="design.consent.withdrawn").get()
    assert event.data["anonymised"] == counts
    assert user.full_name not in str(event.data) + event.object_repr


def test_withdrawing_a_named_contributors_consent_clears_their_name(world):
    facilitator = world.people["facilitator"]
    consent = domain.record_consent(
        partnership=world.partnership, actor=facilitator, name="Jo Bloggs", covers="Named quotes"
    )
    said = domain.record_item(
        activity=world.workshop, actor=facilitator, kind="idea", text="A van", consent=consent
    )
    assert said.author_label(facilitator) == "Jo Bloggs"

    domain.withdraw_consent(consent=consent, actor=facilitator)

    said.refresh_from_db()
    assert said.author_label(facilitator) == "Anonymous" and said.text == "A van"
    with pytest.raises(DomainError) as refused:
        domain.withdraw_consent(consent=consent, actor=facilitator)
    assert refused.value.code == "already_withdrawn"
    with pytest.raises(DomainError) as named:
        domain.record_item(
            activity=world.workshop, actor=facilitator, kind="idea", text="X", consent=consent
        )
    assert named.value.code == "consent_withdrawn"


def test_after_withdrawing_a_person_must_consent_again_to_post(world):
    user = world.people["service_user"]
    domain.withdraw_consent(consent=Consent.objects.get(user=user), actor=user)

    with pytest.raises(DomainError) as refused:
        domain.post_item(partnership=world.partnership, actor=user, kind="idea", text="Again")

    assert refused.value.code == "consent_required"


def test_named_attendance_needs_active_consent(world):
    facilitator = world.people["facilitator"]
    consent = domain.record_consent(
        partnership=world.partnership, actor=facilitator, name="Sam Ray", covers="Attendance"
    )
    domain.add_attendance(activity=world.survey, actor=facilitator, consent=consent)

    assert world.survey.participant_count == 1  # raised to at least the named attendees
    with pytest.raises(DomainError) as twice:
        domain.add_attendance(activity=world.survey, actor=facilitator, consent=consent)
    assert twice.value.code == "already_attending"


# --- themes, merges, insights, responses ------------------------------------------------------


def test_merging_moves_supports_comments_themes_and_draft_links(world):
    facilitator = world.people["facilitator"]
    both, only_dup = world.people["steering"], world.people["procurement"]
    duplicate = domain.post_item(
        partnership=world.partnership,
        actor=world.people["commissioner"],
        kind="idea",
        text="Store belongings while people are between homes",
        consent_given=True,
    )
    domain.curate_item(item=duplicate, actor=facilitator, themes=[world.speed])
    for user in (both, only_dup):
        domain.support(item=duplicate, actor=user)
    domain.support(item=world.idea, actor=both)
    domain.comment(item=duplicate, actor=both, text="Yes please", consent_given=True)
    second = domain.add_requirement(
        version=world.version, actor=facilitator, section="outcomes", text="X", insights=[duplicate]
    )

    kept = domain.merge_items(duplicate=duplicate, keep=world.idea, actor=facilitator)

    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept == world.idea
    assert sorted(kept.supports.values_list("user_id", flat=True)) == sorted([both.pk, only_dup.pk])
    assert kept.comments.count() == 1 and duplicate.comments.count() == 0
    assert set(kept.themes.all()) == {world.storage, world.speed} == set(duplicate.themes.all())
    assert list(second.insights.all()) == [kept]
    board = queries.board(world.partnership, facilitator)
    assert duplicate not in board
    assert board.get(pk=kept.pk).merged_count == 1
    event = AuditEvent.objects.filter(action="design.item.merged").get()
    assert event.data["supports_moved"] == 1 and event.data["supports_already_there"] == 1


def test_a_merged_item_cannot_be_merged_or_supported_again(world):
    facilitator = world.people["facilitator"]
    domain.merge_items(duplicate=world.feedback, keep=world.idea, actor=facilitator)
    world.feedback.refresh_from_db()

    with pytest.raises(DomainError) as merge:
        domain.merge_items(duplicate=world.feedback, keep=world.idea, actor=facilitator)
    with pytest.raises(DomainError) as same:
        domain.merge_items(duplicate=world.idea, keep=world.idea, actor=facilitator)

    assert merge.value.code == "merged"
    assert same.value.code == "same_item"


def test_merged_items_keep_counting_in_the_theme_summary(world):
    facilitator = world.people["facilitator"]
    domain.merge_items(duplicate=world.feedback, keep=world.idea, actor=facilitator)

    summary = queries.theme_summary(world.partnership, facilitator)

    rows = {row.theme.name: row.items for row in summary.rows}
    assert rows == {"Storage": 2, "Speed": 2}


def test_responding_to_an_insight(world):
    commissioner = world.people["commissioner"]
    with pytest.raises(DomainError) as unshaped:
        domain.respond(insight=world.feedback, actor=commissioner)
    with pytest.raises(DomainError) as shaped:
        domain.respond(insight=world.idea, actor=commissioner, not_taken_up_reason="Too dear")

    domain.respond(insight=world.idea, actor=commissioner, we_did="Free storage for a year")
    domain.respond(
        insight=world.feedback, actor=commissioner, not_taken_up_reason="Covered by SL-1"
    )

    assert unshaped.value.code == "reason_required"
    assert shaped.value.code == "already_shaped"
    rows = {
        r.insight.pk: r.response for r in queries.you_said_we_did(world.partnership, commissioner)
    }
    assert rows == {world.idea.pk: Response.SHAPED, world.feedback.pk: Response.NOT_TAKEN_UP}
    assert not queries.insights_without_response(world.partnership).exists()


def test_linking_an_insight_to_a_requirement_answers_it(world):
    commissioner = world.people["commissioner"]
    domain.respond(insight=world.feedback, actor=commissioner, not_taken_up_reason="Later")

    domain.update_requirement(
        requirement=world.requirement,
        actor=world.people["facilitator"],
        insights=[world.idea, world.feedback],
    )

    world.feedback.refresh_from_db()
    assert world.feedback.not_taken_up_reason == ""
    assert (
        queries.response_of(
            queries.insights(world.partnership, commissioner).get(pk=world.feedback.pk)
        )
        == Response.SHAPED
    )


def test_theme_names_are_unique_ignoring_case(world):
    with pytest.raises(DomainError) as refused:
        domain.create_theme(
            partnership=world.partnership, actor=world.people["facilitator"], name="storage"
        )

    assert refused.value.code == "duplicate"


# --- survey import ----------------------------------------------------------------------------

SURVEY = (
    "Respondent,Group,Name,Consent,What would help most?,Anything else?,Themes\n"
    "1,Young people leaving homelessness,,no,Somewhere safe for my things,,Storage\n"
    "2,Housing officers,Ann Lee,yes,Faster packs,Ring before delivery,Speed\n"
    "3,,,,Beds first,,\n"
)


def _import(world, text, name="survey.csv", **mapping):
    survey = domain.upload_survey(
        partnership=world.partnership,
        activity=world.survey,
        actor=world.people["facilitator"],
        file=upload(name, text),
    )
    mapping = {
        "text_columns": ["What would help most?", "Anything else?"],
        "user_group_column": "Group",
        "name_column": "Name",
        "consent_column": "Consent",
        "theme_column": "Themes",
        **mapping,
    }
    return survey, lambda: domain.run_import(
        survey_import=survey, actor=world.people["facilitator"], mapping=mapping
    )


def test_a_good_survey_file_is_imported_whole(world, media, django_capture_on_commit_callbacks):
    survey, run = _import(world, SURVEY)
    before = Item.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        items = run()

    assert len(items) == 4 and Item.objects.count() == before + 4
    by_text = {i.text: i for i in Item.objects.filter(source="survey")}
    assert by_text["Faster packs"].author_name == "Ann Lee"
    assert by_text["Faster packs"].consent.covers.startswith("My name is kept")
    assert by_text["Ring before delivery"].prompt == "Anything else?"
    assert by_text["Somewhere safe for my things"].author_name == ""
    assert by_text["Somewhere safe for my things"].user_group == world.young
    assert list(by_text["Faster packs"].themes.all()) == [world.speed]
    assert by_text["Beds first"].user_group is None
    survey.refresh_from_db()
    assert (survey.status, survey.items_created) == (ImportStatus.IMPORTED, 4)
    assert not list((media / "design").rglob("*.csv"))  # the file with names is deleted
    assert actions(world.partnership)[-2:] == ["design.import.uploaded", "design.import.completed"]


def test_a_bad_survey_file_writes_nothing_and_numbers_its_errors(world):
    bad = SURVEY + (
        "4,Carers,Bo Peep,,Shorter waits,,Speed\n"  # a name without consent
        "5,Carers,,maybe,Weekend deliveries,,Speed\n"  # consent not yes/no
        "6,Carers,,no,Collect old furniture,,Recycling\n"  # an unknown theme
    )
    survey, run = _import(world, bad)
    items, consents = Item.objects.count(), Consent.objects.count()
    groups = world.partnership.user_groups.count()

    with pytest.raises(ImportRejected) as rejected:
        run()

    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (5, "Name"),
        (6, "Consent"),
        (7, "Themes"),
    ]
    assert str(rejected.value.errors[0]).startswith("Row 5, column “Name”")
    assert rejected.value.data["error_count"] == 3
    assert (Item.objects.count(), Consent.objects.count()) == (items, consents)
    assert world.partnership.user_groups.count() == groups  # not even the new group "Carers"
    survey.refresh_from_db()
    assert survey.status == ImportStatus.REJECTED and len(survey.errors) == 3
    assert actions(world.partnership)[-1] == "design.import.rejected"


def test_an_xlsx_survey_is_read_like_a_csv(world):
    from coplan.core.tables import write_xlsx

    data = write_xlsx(["Answer", "Group"], [["Lifts that work", "Carers"], ["", ""]])
    _survey, run = _import(
        world,
        data,
        "survey.xlsx",
        text_columns=["Answer"],
        user_group_column="Group",
        name_column="",
        consent_column="",
        theme_column="",
    )

    items = run()

    assert [i.text for i in items] == ["Lifts that work"]
    assert items[0].user_group.name == "Carers"


def test_mapping_must_name_real_columns_and_consent_for_names(world):
    _survey, run = _import(world, SURVEY, consent_column="")
    with pytest.raises(DomainError) as no_consent:
        run()
    _, unknown = _import(world, SURVEY, text_columns=["Nope"])
    with pytest.raises(DomainError) as missing:
        unknown()

    assert no_consent.value.code == "consent_column_required"
    assert missing.value.code == "unknown_column"
    assert not Item.objects.filter(source="survey").exists()


def test_an_unreadable_upload_is_refused(world):
    with pytest.raises(DomainError) as refused:
        domain.upload_survey(
            partnership=world.partnership,
            activity=world.survey,
            actor=world.people["facilitator"],
            file=upload("survey.pdf", b"%PDF"),
        )

    assert refused.value.code == "unsupported_file"
    assert not SurveyImport.objects.exists()


def test_a_survey_cannot_be_imported_twice(world):
    _, run = _import(world, SURVEY)
    run()

    with pytest.raises(DomainError) as refused:
        run()

    assert refused.value.code == "already_imported"


# --- activities, attachments, disclosure ------------------------------------------------------


def test_an_activity_needs_a_place_or_online(partnership, personas):
    with pytest.raises(DomainError) as refused:
        domain.create_activity(
            partnership=partnership,
            actor=personas["facilitator"],
            title="Drop-in",
            method="drop_in",
            held_on=dt.date(2006, 3, 1),
        )

    assert refused.value.field == "place"


def test_updating_an_activity_records_what_changed(world):
    domain.update_activity(
        activity=world.workshop,
        actor=world.people["facilitator"],
        participant_count=16,
        user_groups=[world.young],
        new_user_groups=["Tenants resettled from temporary accommodation"],
    )

    event = AuditEvent.objects.filter(action="design.activity.updated").get()
    assert event.data["changed"]["participant_count"] == [14, 16]
    assert event.data["changed"]["user_groups"][1] == [
        "Tenants resettled from temporary accommodation",
        "Young people leaving homelessness",
    ]


def test_attachments_are_checked_and_stored(world, media):
    facilitator = world.people["facilitator"]
    with pytest.raises(DomainError) as refused:
        domain.add_attachment(
            activity=world.workshop, actor=facilitator, file=upload("x.exe", b"MZ")
        )

    attachment = domain.add_attachment(
        activity=world.workshop, actor=facilitator, file=upload("flipchart.png", b"\x89PNG")
    )

    assert refused.value.code == "unsupported_file"
    assert attachment.title == "flipchart.png" and attachment.size == 4
    assert attachment.filename == "flipchart.png"
    assert (media / attachment.file.name).exists()


def test_internal_only_needs_a_reason(world):
    with pytest.raises(DomainError) as refused:
        domain.classify(
            obj=world.workshop, actor=world.people["facilitator"], disclosure="internal_only"
        )

    assert refused.value.code == "reason_required"
    world.workshop.refresh_from_db()
    assert world.workshop.disclosure == Disclosure.UNCLASSIFIED


def test_unclassified_artefacts_lists_everything_not_yet_classified(world):
    facilitator = world.people["facilitator"]
    everything = queries.unclassified_artefacts(world.partnership)
    assert {a.kind for a in everything} == {"activity", "theme", "item", "version"}

    domain.classify_many(
        partnership=world.partnership,
        objs=[a.obj for a in everything],
        actor=facilitator,
        disclosure="internal_only",
        reason="Personal stories",
    )

    assert queries.unclassified_artefacts(world.partnership) == []
    counts = queries.disclosure_counts(world.partnership)
    assert counts["internal_only"] == len(everything) and counts["unclassified"] == 0


def test_the_audit_trail_never_records_a_contributors_name(world):
    facilitator = world.people["facilitator"]
    consent = domain.record_consent(
        partnership=world.partnership, actor=facilitator, name="Jo Bloggs", covers="Quotes"
    )
    domain.record_item(
        activity=world.workshop, actor=facilitator, kind="idea", text="A van", consent=consent
    )
    domain.add_attendance(activity=world.workshop, actor=facilitator, consent=consent)
    domain.open_link(activity=world.workshop, actor=facilitator)
    domain.post_open_item(
        activity=world.workshop,
        token=world.workshop.open_token,
        kind="idea",
        text="B",
        name="Kim Open",
        consent_given=True,
    )

    trail = [
        f"{e.object_repr} {e.data}"
        for e in AuditEvent.objects.filter(partnership=world.partnership)
    ]

    assert not [line for line in trail if "Jo Bloggs" in line or "Kim Open" in line]


def test_a_paper_survey_answer_is_recorded_as_one_and_nothing_else_is_accepted(world):
    facilitator = world.people["facilitator"]
    answer = domain.record_item(
        activity=world.workshop,
        actor=facilitator,
        kind="feedback",
        text="Curtains",
        source=ItemSource.SURVEY,
    )
    assert answer.source == ItemSource.SURVEY

    before = Item.objects.count()
    with pytest.raises(DomainError) as refused:
        domain.record_item(
            activity=world.workshop,
            actor=facilitator,
            kind="idea",
            text="Posted?",
            source=ItemSource.BOARD,
        )
    assert (refused.value.code, refused.value.field) == ("invalid_source", "source")
    assert Item.objects.count() == before
