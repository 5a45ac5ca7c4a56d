from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_append_only")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="window_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="window_started_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
    ]
