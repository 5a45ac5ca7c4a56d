"""One audit chain per partnership and one for site-wide events, instead of one for the whole
site: appending locks only the chain's own head, so writes in two partnerships never wait on
each other (see ``coplan.core.audit``).

The existing events are first checked against the single chain they were sealed in: if that
chain is broken (an entry edited or deleted), re-chaining would hide it, so the migration stops
and says so (``coplan verify-audit`` on the previous release names the entries; set
``COPLAN_AUDIT_RECHAIN_BROKEN=1`` to re-chain anyway once that has been dealt with). Then every
event is re-chained in its own chain, in id order, and each chain gets its head. On PostgreSQL
the migration, run by the tables' owner, switches the append-only trigger off for its own
transaction while it re-chains (no session setting can do that any more: migration 0014).
"""

import hashlib
import os

from django.db import migrations, models


def _hasher(apps):
    from coplan.core.audit import canonical

    ContentType = apps.get_model("contenttypes", "ContentType")
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}

    def compute(event, prev):  # as coplan.core.audit.compute_hash
        if event.detail_digest:
            object_repr, data = None, {"detail": event.detail_digest}
        else:
            object_repr, data = event.object_repr, event.data
        return hashlib.sha256(
            canonical(
                actor_id=event.actor_id,
                action=event.action,
                partnership_id=event.partnership_id,
                content_type=labels.get(event.content_type_id, ""),
                object_id=event.object_id,
                object_repr=object_repr,
                data=data,
                created_at=event.created_at,
                prev_hash=prev,
            )
        ).hexdigest()

    return compute


def _reseal(schema_editor, on: bool):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # PostgreSQL alters no table with foreign-key checks still pending in the transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            switch = "DISABLE" if on else "ENABLE"
            cursor.execute(f"ALTER TABLE core_auditevent {switch} TRIGGER coplan_audit_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred


def _key(partnership_id):
    return "site" if partnership_id is None else f"partnership:{partnership_id}"


def _rechain(apps, schema_editor, key_of, head_id=None):
    """Chain every event into the chain ``key_of(event)`` in id order; one head per chain
    (``head_id``: the id of the single head, when there is one chain)."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    compute = _hasher(apps)
    heads, changed = {}, []
    _reseal(schema_editor, True)
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        key = key_of(event)
        prev, count = heads.get(key, (0, "", 0))[1:]
        digest = compute(event, prev)
        if (event.prev_hash, event.hash) != (prev, digest):
            event.prev_hash, event.hash = prev, digest
            changed.append(event)
        heads[key] = (event.pk, digest, count + 1)
        if len(changed) >= 500:
            AuditEvent._base_manager.bulk_update(changed, ["prev_hash", "hash"])
            changed = []
    if changed:
        AuditEvent._base_manager.bulk_update(changed, ["prev_hash", "hash"])
    _reseal(schema_editor, False)
    AuditChainHead.objects.all().delete()
    if head_id is not None:
        heads.setdefault("site", (0, "", 0))
    AuditChainHead.objects.bulk_create(
        AuditChainHead(id=head_id, chain=key, last_id=last_id, last_hash=last_hash, count=count)
        for key, (last_id, last_hash, count) in heads.items()
    )


def _check_single_chain(apps):
    """The problems of the one site-wide chain the events were sealed in (empty: intact)."""
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    compute = _hasher(apps)
    problems, prev, count = [], "", 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            problems.append(f"#{event.pk}: the chain is broken before it")
        if (event.detail_digest or not event.redacted) and compute(
            event, event.prev_hash
        ) != event.hash:
            problems.append(f"#{event.pk}: edited")
        prev, count = event.hash, count + 1
    head = AuditChainHead.objects.order_by("pk").first()
    if head is not None and (head.last_hash, head.count) != (prev, count):
        problems.append(f"entries at the end were deleted (head records {head.count} entries)")
    return problems


def per_chain(apps, schema_editor):
    problems = _check_single_chain(apps)
    if problems and os.environ.get("COPLAN_AUDIT_RECHAIN_BROKEN") != "1":
        raise RuntimeError(
            "The audit log's chain is broken, and re-chaining it per partnership would hide "
            "that: " + "; ".join(problems[:10]) + ". Run `coplan verify-audit` on the previous "
            "release, deal with it, then migrate with COPLAN_AUDIT_RECHAIN_BROKEN=1."
        )
    _rechain(apps, schema_editor, lambda event: _key(event.partnership_id))


def single_chain(apps, schema_editor):
    """Back to one chain for the whole site, whose head is row 1 (as the previous release
    expects)."""
    _rechain(apps, schema_editor, lambda event: "site", head_id=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0011_site_administrators")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(max_length=40, null=True),
        ),
        migrations.RunPython(per_chain, single_chain),
        migrations.AlterField(
            model_name="auditchainhead",
            name="chain",
            field=models.CharField(max_length=40, unique=True),
        ),
    ]
