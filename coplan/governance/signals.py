"""Signals other apps listen to, and this app's receivers for changes elsewhere.

``decision_recorded`` is sent inside the transaction that records a decision, with
``decision=`` the new :class:`~coplan.governance.models.Decision`. An app whose object a
decision decides (a specification version, a pilot extension, evaluation weights, an award)
can mark it approved in the same transaction; raising a ``DomainError`` refuses the decision.
"""

from django.db.models.signals import post_delete
from django.dispatch import Signal, receiver

from coplan.core import clock
from coplan.partnerships.models import Membership

decision_recorded = Signal()


@receiver(post_delete, sender=Membership, dispatch_uid="governance_seat_ends_with_role")
def seat_ends_with_role(sender, instance, **kwargs):
    """A person removed from the role they sat in leaves the body (the seat's history stays)."""
    from .models import BodyMember

    BodyMember.objects.filter(
        body__partnership_id=instance.partnership_id,
        user_id=instance.user_id,
        left_on__isnull=True,
        membership__isnull=True,
    ).update(left_on=clock.today())
