"""The site administrators keep the clause library (core 0011 made the group): they see and
change clauses, and see each clause's wording versions and measures. New clauses and new
wording go through the clause library's own pages (every wording is a new, audited version),
so the group has no add or delete permission here."""

from importlib import import_module

from django.db import migrations

GROUP = "Site administrators"
PERMISSIONS = [
    ("clause", ("view", "change")),
    ("clauseversion", ("view",)),
    ("measure", ("view",)),
]


def seed(apps, schema_editor):
    core = import_module("coplan.core.migrations.0011_site_administrators")
    core.grant(apps, GROUP, "tendering", PERMISSIONS)


def unseed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="tendering",
                codename__in=[f"{a}_{m}" for m, actions in PERMISSIONS for a in actions],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0011_site_administrators"),
        ("tendering", "0003_spec_requirement"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
