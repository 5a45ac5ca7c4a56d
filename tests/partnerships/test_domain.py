import datetime as dt

import pytest

from coplan.core.errors import DomainError
from coplan.core.models import AuditEvent
from coplan.partnerships import domain
from coplan.partnerships.enums import Role
from coplan.partnerships.models import Membership
from tests.factories import CouncilFactory, OrganisationFactory, UserFactory, member


def test_creating_a_partnership_makes_the_creator_commissioner(db):
    creator = UserFactory()
    council = CouncilFactory(name="North Lanarkshire Council")
    partnership = domain.create_partnership(
        actor=creator, title="Furniture PSP", service_area="Furniture", lead_authority=council
    )
    assert list(partnership.memberships.values_list("user", "role", "organisation")) == [
        (creator.pk, "commissioner", council.pk)
    ]
    event = AuditEvent.objects.get(partnership=partnership)
    assert (event.action, event.actor, event.data) == (
        "partnership.created",
        creator,
        {"title": "Furniture PSP", "stage": "feasibility", "starter": "commissioner"},
    )


def test_an_intermediary_worker_starts_one_as_its_facilitator(db):
    """Worked example: Glasgow CVS's development officer starts the meals PSP; CVS becomes its
    intermediary and she its facilitator, sitting for CVS."""
    officer = UserFactory()
    cvs = OrganisationFactory(name="Glasgow CVS", type="intermediary")
    officer.organisations.add(cvs)
    council = CouncilFactory(name="Glasgow City Council")

    partnership = domain.create_partnership(
        actor=officer, title="Meals PSP", service_area="Meals", lead_authority=council
    )

    assert partnership.intermediary == cvs
    assert list(partnership.memberships.values_list("user", "role", "organisation")) == [
        (officer.pk, "facilitator", cvs.pk)
    ]
    assert AuditEvent.objects.get(partnership=partnership).data["starter"] == "facilitator"


def test_an_intermediary_worker_cannot_start_one_for_another_intermediary(db):
    officer = UserFactory()
    officer.organisations.add(OrganisationFactory(name="Glasgow CVS", type="intermediary"))
    other = OrganisationFactory(name="Renfrewshire CVS", type="intermediary")

    with pytest.raises(DomainError) as refused:
        domain.create_partnership(
            actor=officer,
            title="Meals PSP",
            service_area="Meals",
            lead_authority=CouncilFactory(),
            intermediary=other,
        )

    assert (refused.value.code, refused.value.field) == ("not_your_intermediary", "intermediary")
    assert AuditEvent.objects.count() == 0


def test_timeline_update_audits_old_and_new_dates_and_findings(personas, partnership):
    changed = domain.update_timeline(
        partnership=partnership, actor=personas["facilitator"], started_on=dt.date(2006, 8, 1)
    )
    assert changed == {"started_on": ["2006-01-01", "2006-08-01"]}
    event = AuditEvent.objects.get(action="partnership.timeline.updated")
    assert event.data == {
        "changed": changed,
        "errors": ["psp_start_under_12_months"],
        "warnings": [],
    }


def test_an_unchanged_save_writes_no_audit_event(personas, partnership):
    assert (
        domain.update_partnership(
            partnership=partnership, actor=personas["commissioner"], title=partnership.title
        )
        == {}
    )
    assert not AuditEvent.objects.filter(action="partnership.updated").exists()


def test_invitation_is_one_time(personas, partnership):
    invitation, raw = domain.invite_member(
        partnership=partnership,
        actor=personas["facilitator"],
        email="Ann.Reid@Example.org",
        roles=[Role.SERVICE_USER, Role.EVALUATOR],
    )
    assert domain.find_invitation(raw) == invitation
    newcomer = UserFactory(email="ann.reid@example.org")
    memberships = domain.accept_invitation(invitation=invitation, user=newcomer)
    assert sorted(m.role for m in memberships) == ["evaluator", "service_user"]
    assert domain.find_invitation(raw) is None
    with pytest.raises(DomainError) as error:
        domain.accept_invitation(invitation=invitation, user=newcomer)
    assert error.value.code == "invitation_used"


def test_invitation_must_be_accepted_by_the_invited_person(personas, partnership):
    invitation, _ = domain.invite_member(
        partnership=partnership,
        actor=personas["facilitator"],
        email="someone@example.org",
        roles=[Role.OBSERVER],
    )
    with pytest.raises(DomainError) as error:
        domain.accept_invitation(invitation=invitation, user=personas["outsider"])
    assert error.value.code == "wrong_person"
    assert not Membership.objects.filter(user=personas["outsider"]).exists()


@pytest.mark.parametrize(
    ("email", "roles", "code"),
    [
        ("not-an-email", ["observer"], "invalid_email"),
        ("a@example.org", [], "roles_required"),
    ],
)
def test_invalid_invitations_are_refused(personas, partnership, email, roles, code):
    with pytest.raises(DomainError) as error:
        domain.invite_member(
            partnership=partnership, actor=personas["facilitator"], email=email, roles=roles
        )
    assert error.value.code == code
    assert not partnership.invitations.exists()


def test_the_last_commissioner_cannot_be_removed(personas, partnership):
    membership = Membership.objects.get(user=personas["commissioner"], role=Role.COMMISSIONER)
    with pytest.raises(DomainError) as error:
        domain.remove_member(membership=membership, actor=personas["facilitator"])
    assert error.value.code == "last_commissioner"
    assert Membership.objects.filter(pk=membership.pk).exists()
    second = member(partnership, Role.COMMISSIONER)
    domain.remove_member(membership=membership, actor=second)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.get(action="partnership.member.removed").data == {
        "user": personas["commissioner"].email,
        "role": "commissioner",
    }


def test_audit_log_refuses_to_run_outside_a_transaction(db, django_db_blocker):
    from coplan.core import audit

    with pytest.raises(RuntimeError):
        # pytest-django wraps tests in a transaction; leave it to prove the guard.
        from django.db import transaction

        conn = transaction.get_connection()
        saved = conn.in_atomic_block
        conn.in_atomic_block = False
        try:
            audit.log(actor=None, action="test.nothing")
        finally:
            conn.in_atomic_block = saved
