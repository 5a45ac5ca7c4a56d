"""Site administration is a named role: the "Site administrators" group, with exactly the model
permissions that running the site needs — the statutory rules table, organisations and
accounts (the clause library's are added by tendering 0004). View, add and change only: rows
are never deleted here (a statutory rule is superseded by a later one, a person is erased
through the privacy pages, an organisation is cited by partnerships).

The permissions are created here if they do not exist yet (Django makes them after the last
migration, so on a new database they are not there when this runs).
"""

from django.db import migrations, models

GROUP = "Site administrators"
MODELS = ("statutoryrule", "organisation", "user")
ACTIONS = ("view", "add", "change")


def grant(apps, group_name, app_label, models_and_actions):
    """Give ``group_name`` (made if missing) these permissions, creating them if missing."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for model_name, actions in models_and_actions:
        model = apps.get_model(app_label, model_name)
        content_type, _ = ContentType.objects.get_or_create(
            app_label=app_label, model=model._meta.model_name
        )
        for action in actions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model._meta.model_name}",
                defaults={"name": f"Can {action} {model._meta.verbose_name_raw}"},
            )
            group.permissions.add(permission)
    return group


def seed(apps, schema_editor):
    grant(apps, GROUP, "core", [(model, ACTIONS) for model in MODELS])


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0010_audit_redaction"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="is_staff",
            field=models.BooleanField(
                default=False,
                help_text="Staff may sign in to the admin site; what they may do there comes "
                "from their groups (Site administrators).",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="is_superuser",
            field=models.BooleanField(
                default=False,
                help_text="Superusers hold every site-wide permission but nothing inside a "
                "partnership: they see a partnership, its bids and its evaluation only as a "
                "member with a role.",
                verbose_name="superuser status",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
