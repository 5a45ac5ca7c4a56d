"""Seed the starter community benefit clause library (``coplan/tendering/seed.py``)."""

from django.db import migrations


def seed(apps, schema_editor):
    from coplan.tendering.seed import seed_library

    seed_library(
        apps.get_model("tendering", "Clause"),
        apps.get_model("tendering", "ClauseVersion"),
        apps.get_model("tendering", "Measure"),
        apps.get_model("tendering", "ProxyValue"),
    )


class Migration(migrations.Migration):
    dependencies = [("tendering", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
