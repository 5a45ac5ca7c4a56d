"""Seed the standstill periods (docs/timeline.md, T4) into the effective-dated rules table. The value is a
number of days (``unit`` "days"), not money.

* From 31 January 2006, when the Public Contracts (Scotland) Regulations 2006 came into force,
  reg 32(3): at least 10 days between telling the bidders and concluding the contract, however
  the letters are sent.
* From 20 December 2009, reg 32A of those regulations (inserted by SSI 2009/428, implementing
  the Remedies Directive 2007/66/EC): 10 days if the letters go by fax or electronically,
  15 days otherwise.
* From 18 April 2016, reg 85 of the Public Contracts (Scotland) Regulations 2015: the same.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

ELECTRONIC = (
    "Standstill period (days) when the award letters are sent electronically: the contract "
    "cannot be concluded before midnight at the end of the last day."
)
OTHER = (
    "Standstill period (days) when the award letters are sent by other means: the contract "
    "cannot be concluded before midnight at the end of the last day."
)
REGS_2006 = "Public Contracts (Scotland) Regulations 2006 reg 32(3) (10 days, any means)"
REGS_2009 = "Public Contracts (Scotland) Regulations 2006 reg 32A (inserted by SSI 2009/428)"
REGS_2015 = "Public Contracts (Scotland) Regulations 2015 reg 85"

RULES = [
    ("standstill_days_electronic", "10", "2006-01-31", ELECTRONIC, REGS_2006),
    ("standstill_days_other", "10", "2006-01-31", OTHER, REGS_2006),
    ("standstill_days_electronic", "10", "2009-12-20", ELECTRONIC, REGS_2009),
    ("standstill_days_other", "15", "2009-12-20", OTHER, REGS_2009),
    ("standstill_days_electronic", "10", "2016-04-18", ELECTRONIC, REGS_2015),
    ("standstill_days_other", "15", "2016-04-18", OTHER, REGS_2015),
]


def seed(apps, schema_editor):
    StatutoryRule = apps.get_model("core", "StatutoryRule")
    for key, value, start, rule, source in RULES:
        StatutoryRule.objects.get_or_create(
            key=key,
            effective_from=dt.date.fromisoformat(start),
            defaults={
                "value": Decimal(value),
                "unit": "days",
                "rule": rule,
                "source": source,
                "includes_vat": False,
            },
        )


def unseed(apps, schema_editor):
    StatutoryRule = apps.get_model("core", "StatutoryRule")
    StatutoryRule.objects.filter(
        key__in={key for key, *_ in RULES},
        effective_from__in={dt.date.fromisoformat(start) for _, _, start, *_ in RULES},
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0008_statutory_rule_unit")]

    operations = [migrations.RunPython(seed, unseed)]
