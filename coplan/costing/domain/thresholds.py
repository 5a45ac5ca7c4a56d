"""The partnership's unit cost variance threshold: how far the pilot's actual unit cost may
stray from the planned before the health check and the comparison flag it."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coplan.core import audit
from coplan.core.errors import DomainError

from ..models import CostingSettings
from ..rules import is_facilitator


def set_variance_threshold(*, partnership, actor, percent) -> CostingSettings:
    """Amber beyond ``percent`` either way, Red beyond twice it. The facilitator sets it."""
    if not is_facilitator(actor, partnership):
        raise PermissionDenied("Only the facilitator sets the unit cost variance threshold.")
    try:
        percent = Decimal(percent)
    except (InvalidOperation, TypeError, ValueError):
        percent = None
    if percent is None or not Decimal(0) < percent <= Decimal(1000):
        raise DomainError(
            "Enter a threshold above 0 % and at most 1,000 %.",
            code="threshold",
            field="variance_threshold_percent",
        )
    with transaction.atomic():
        found, _ = CostingSettings.objects.update_or_create(
            partnership=partnership, defaults={"variance_threshold_percent": percent}
        )
        audit.log(
            actor=actor,
            action="costing.thresholds.set",
            obj=found,
            partnership=partnership,
            data={"variance_threshold_percent": str(percent)},
        )
    return found
