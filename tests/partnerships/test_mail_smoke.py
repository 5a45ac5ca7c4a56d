from django.core import mail

from coplan.partnerships import domain
from coplan.partnerships.enums import Role


def test_invitation_sends_mail(personas, partnership, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        domain.invite_member(
            partnership=partnership,
            actor=personas["facilitator"],
            email="New@Example.org",
            roles=[Role.EVALUATOR],
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
