"""What the costing app asks of the apps above it, as signals (they import costing, never the
other way round)."""

from django.dispatch import Signal

# Sent with ``partnership=``; a receiver answers the pilot's actual cost per unit,
# ``{(service, organisation id): Decimal}`` (the pilots app answers it).
actual_unit_costs_wanted = Signal()
