"""Every audit event now has a hash; on PostgreSQL a trigger refuses UPDATE and DELETE on the
audit log unless the transaction has set ``coplan.audit_reseal`` (demo backdating and test
set-up only, see ``coplan.core.audit.resealing``)."""

from django.db import migrations, models

TRIGGER = """
CREATE OR REPLACE FUNCTION coplan_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('coplan.audit_reseal', true), 'off') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS coplan_audit_append_only ON core_auditevent;
CREATE TRIGGER coplan_audit_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION coplan_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS coplan_audit_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS coplan_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_fill_audit_chain")]
    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
