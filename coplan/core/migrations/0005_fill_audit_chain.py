"""Seal the audit events recorded before the hash chain existed, oldest first."""

import hashlib

from django.db import migrations


def fill(apps, schema_editor):
    from coplan.core.audit import canonical

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    ContentType = apps.get_model("contenttypes", "ContentType")
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    prev, last_id, count = "", 0, 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        digest = hashlib.sha256(
            canonical(
                actor_id=event.actor_id,
                action=event.action,
                partnership_id=event.partnership_id,
                content_type=labels.get(event.content_type_id, ""),
                object_id=event.object_id,
                object_repr=event.object_repr,
                data=event.data,
                created_at=event.created_at,
                prev_hash=prev,
            )
        ).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev, last_id, count = digest, event.pk, count + 1
    AuditChainHead.objects.update_or_create(
        pk=1, defaults={"last_id": last_id, "last_hash": prev, "count": count}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_audit_chain_and_token_scope")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
