"""The audit log's PostgreSQL trigger loses its session switch (``coplan.audit_reseal``): any
session could set it, and nothing needs it now that the demo writes its story at the story's
dates. UPDATE is allowed only for an erasure's redaction (the free text and the ``redacted``
mark change, every sealed field stays as it was); DELETE is always refused."""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION coplan_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND NEW.redacted
        AND NEW.id = OLD.id
        AND NEW.created_at = OLD.created_at
        AND NEW.action = OLD.action
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.partnership_id IS NOT DISTINCT FROM OLD.partnership_id
        AND NEW.content_type_id IS NOT DISTINCT FROM OLD.content_type_id
        AND NEW.object_id = OLD.object_id
        AND NEW.detail_digest = OLD.detail_digest
        AND NEW.prev_hash = OLD.prev_hash
        AND NEW.hash = OLD.hash
    THEN
        RETURN NEW;  -- redaction (UK GDPR Art. 17): coplan.core.audit.redact
    END IF;
    RAISE EXCEPTION 'core_auditevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

PREVIOUS = """
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
"""


def replace(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0013_timestamps_read_the_clock")]
    operations = [migrations.RunPython(replace(TRIGGER), replace(PREVIOUS))]
