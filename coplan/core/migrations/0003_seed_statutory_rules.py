import datetime as dt
from decimal import Decimal

from django.db import migrations

RULES = [
    ("regulated_goods_services", "50000", "2016-04-18",
     "A contract for goods or services is a regulated procurement if its estimated value is at "
     "least this.", "Procurement Reform (Scotland) Act 2014 s.3"),
    ("regulated_works", "2000000", "2016-04-18",
     "A works contract is a regulated procurement if its estimated value is at least this.",
     "Procurement Reform (Scotland) Act 2014 s.3"),
    ("cb_duty_threshold", "4000000", "2016-06-01",
     "At or above this estimated value the authority must consider community benefit "
     "requirements; the contract notice summarises them or gives reasons for none, and the award "
     "notice states the benefits expected.", "Procurement Reform (Scotland) Act 2014 s.25"),
    ("procurement_strategy_spend", "5000000", "2016-04-18",
     "An authority expecting regulated spend of at least this in the next financial year must "
     "publish a procurement strategy and an annual report.",
     "Procurement Reform (Scotland) Act 2014 s.15"),
    ("light_touch", "589148", "2016-04-18",
     "Social and other specific services at or above this value follow the Public Contracts "
     "(Scotland) Regulations 2015 light-touch regime.", "SG EU and PR(S)A reference pack (2016)"),
    ("light_touch", "615278", "2018-01-01",
     "Social and other specific services at or above this value follow the Public Contracts "
     "(Scotland) Regulations 2015 light-touch regime (threshold re-set every two years).",
     "SG EU and PR(S)A reference pack"),
]


def seed(apps, schema_editor):
    StatutoryRule = apps.get_model("core", "StatutoryRule")
    for key, value, start, rule, source in RULES:
        StatutoryRule.objects.get_or_create(
            key=key, effective_from=dt.date.fromisoformat(start),
            defaults={"value": Decimal(value), "rule": rule, "source": source,
                      "includes_vat": False},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
