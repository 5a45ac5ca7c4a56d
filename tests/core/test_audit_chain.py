"""The audit log is append-only and tamper-evident: each event carries the hash of the one
before it, and ``coplan verify-audit`` names any entry that was edited or deleted."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from coplan.core import audit
from coplan.core.models import AuditChainBroken, AuditChainHead, AuditEvent, Organisation


def record(n, actor=None):
    org = Organisation.objects.create(name=f"Org {n}", type="council")
    with transaction.atomic():
        return audit.log(actor=actor, action="core.organisation.created", obj=org, data={"n": n})


def verify_exit_code(capsys):
    with pytest.raises(SystemExit) as exited:
        call_command("verify_audit")
    return exited.value.code, capsys.readouterr().err


def raw_sql(sql, params=()):
    """Tampering as an attacker with database access would: plain SQL, not our code."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('coplan.audit_reseal', 'on', false)")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config('coplan.audit_reseal', 'off', false)")


@pytest.fixture
def three(db, personas):
    return [record(n, personas["commissioner"]) for n in (1, 2, 3)]


def test_each_event_links_to_the_previous_one(three):
    first, second, third = three
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({e.hash for e in three}) == 3
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash) == (third.pk, third.hash)


def test_an_intact_log_verifies(three, capsys):
    call_command("verify_audit")
    out = capsys.readouterr().out
    count = AuditEvent.objects.count()
    assert out.startswith(f"Audit log intact: {count} entries, head {three[-1].hash}")


def test_an_edited_entry_is_named(three, capsys):
    raw_sql("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', three[1].pk])

    code, err = verify_exit_code(capsys)

    assert code == 1
    assert f"#{three[1].pk}: edited" in err
    assert "TAMPERED: 1 problem(s)" in err


def test_a_deleted_entry_in_the_middle_is_found(three, capsys):
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [three[1].pk])

    code, err = verify_exit_code(capsys)

    assert code == 1
    assert f"#{three[2].pk}: the chain is broken — an entry after #{three[0].pk} was deleted" in err


def test_deleting_the_newest_entries_is_found_from_the_head(three, capsys):
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [three[2].pk])

    code, err = verify_exit_code(capsys)

    assert code == 1
    assert "entries at the end were deleted" in err


def test_the_model_refuses_update_and_delete(three, settings):
    settings.COPLAN_AUDIT_ALLOW_RESEAL = False
    event = AuditEvent.objects.get(pk=three[0].pk)
    event.action = "core.something.else"
    with pytest.raises(AuditChainBroken):
        event.save()
    with pytest.raises(AuditChainBroken):
        event.delete()
    with pytest.raises(AuditChainBroken):
        AuditEvent.objects.filter(pk=event.pk).update(action="x.y")
    with pytest.raises(AuditChainBroken):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditChainBroken, match=r"audit\.log"):
        AuditEvent(action="x.y").save()


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_update_even_in_raw_sql(three):
    from django.db import InternalError, ProgrammingError

    with (
        pytest.raises((InternalError, ProgrammingError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE core_auditevent SET action = 'x.y' WHERE id = %s", [three[0].pk])


def test_demo_backdating_reseals_the_chain(three, capsys):
    import datetime as dt

    from django.utils import timezone

    when = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    AuditEvent.objects.filter(pk__gte=three[1].pk).update(created_at=when)

    call_command("verify_audit")
    assert "Audit log intact" in capsys.readouterr().out
    assert AuditEvent.objects.get(pk=three[2].pk).created_at == when


def test_test_setup_may_remove_only_the_newest_events(three, capsys):
    with pytest.raises(AuditChainBroken, match="newest"):
        AuditEvent.objects.filter(pk=three[0].pk).delete()
    AuditEvent.objects.filter(pk__gte=three[1].pk).delete()

    call_command("verify_audit")
    assert "Audit log intact" in capsys.readouterr().out


def test_audit_module_is_the_only_writer():
    """No code outside coplan/core/audit.py creates audit events."""
    import pathlib
    import re

    root = pathlib.Path(audit.__file__).resolve().parent.parent
    writers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "audit.py"
        and re.search(
            r"AuditEvent(\.objects)?\.(create|bulk_create|get_or_create)|AuditEvent\((?!models\.Model)[^)]",
            path.read_text(),
        )
    ]
    assert writers == []


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite serialises writers itself (IMMEDIATE transactions); the in-memory test "
    "database's shared cache reports 'table is locked' instead of waiting",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_do_not_fork_the_chain():
    """Two threads (two connections, two transactions) append at the same time."""
    errors = []

    def worker(base):
        try:
            for n in range(base, base + 10):
                record(n)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(b,)) for b in (0, 100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    result = audit.verify()
    assert result.problems == []
    assert result.checked == AuditEvent.objects.count() == 20
    hashes = list(AuditEvent.objects.order_by("pk").values_list("prev_hash", "hash"))
    assert all(prev == hashes[i - 1][1] for i, (prev, _h) in enumerate(hashes) if i)


# Erasure: a person's name and email leave the text; the chain still verifies the rest.


def mention(name, email):
    org = Organisation.objects.create(name=f"{name}'s group", type="community")
    with transaction.atomic():
        return audit.log(
            actor=None,
            action="core.organisation.created",
            obj=org,
            data={"contact": {"email": email, "note": f"Set up by {name.upper()}."}},
        )


def redact_ann():
    with transaction.atomic():
        return audit.redact(
            terms=["Ann Ólafsdóttir", "ann@example.org"], replacement="Erased person"
        )


def test_redaction_takes_a_person_out_of_the_text_and_the_chain_still_verifies(three, capsys):
    about_ann = mention("Ann Ólafsdóttir", "ann@example.org")
    unrelated = record(4)

    ids = redact_ann()

    assert ids == [about_ann.pk]
    event = AuditEvent.objects.get(pk=about_ann.pk)
    assert event.redacted and not AuditEvent.objects.get(pk=unrelated.pk).redacted
    assert event.object_repr == "Erased person's group"
    assert event.data == {"contact": {"email": "Erased person", "note": "Set up by Erased person."}}
    record_of_it = AuditEvent.objects.get(action=audit.REDACTED_ACTION)
    assert record_of_it.data["events"] == [about_ann.pk]
    assert audit.verify().ok
    assert redact_ann() == []  # nothing left to redact


def test_a_redacted_entry_still_guards_who_did_what_and_when(three, capsys):
    about_ann = mention("Ann Ólafsdóttir", "ann@example.org")
    redact_ann()

    raw_sql(
        "UPDATE core_auditevent SET action = %s WHERE id = %s",
        ["core.organisation.deleted", about_ann.pk],
    )

    code, err = verify_exit_code(capsys)
    assert code == 1 and f"#{about_ann.pk}: edited" in err


def test_an_entry_marked_redacted_without_a_record_is_named(three, capsys):
    raw_sql(
        "UPDATE core_auditevent SET redacted = %s, data = %s WHERE id = %s",
        [True, '{"n": 99}', three[1].pk],
    )

    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"#{three[1].pk}: marked redacted, but no core.audit.redacted event" in err
