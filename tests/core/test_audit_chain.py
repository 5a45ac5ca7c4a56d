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
    """Tampering as an attacker who owns the tables would: plain SQL, not our code, with the
    PostgreSQL append-only trigger switched off first."""
    trigger = "TRIGGER coplan_audit_append_only"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # (pending foreign-key checks first: see 0012)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE {trigger}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent ENABLE {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


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
    assert out.startswith(f"Audit log intact: {count} entries in 1 chain(s)\n")
    assert f"site: {count} entries, last #{three[-1].pk}, head {three[-1].hash}\n" in out


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


def test_the_model_refuses_update_and_delete(three):
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


def test_nothing_may_backdate_or_remove_events_not_even_the_newest(three):
    import datetime as dt

    from django.utils import timezone

    when = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    with pytest.raises(AuditChainBroken):
        AuditEvent.objects.filter(pk__gte=three[1].pk).update(created_at=when)
    with pytest.raises(AuditChainBroken):
        AuditEvent.objects.filter(pk=three[2].pk).delete()
    assert AuditEvent.objects.count() == 3


def test_events_written_at_a_story_moment_carry_it_and_verify(db, capsys):
    """The demo tells its story through the clock seam instead of moving events afterwards."""
    import datetime as dt

    from django.utils import timezone

    from coplan.core import clock

    when = timezone.make_aware(dt.datetime(2007, 7, 2, 11, 0))
    with clock.at(when):
        told = record(1)
    now = record(2)

    assert told.created_at == when
    assert now.created_at > when
    call_command("verify_audit")
    assert "Audit log intact: 2 entries" in capsys.readouterr().out


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_has_no_session_switch_around_the_trigger(three):
    """Earlier releases let any session through by setting ``coplan.audit_reseal``."""
    from django.db import InternalError, ProgrammingError

    with (
        pytest.raises((InternalError, ProgrammingError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT set_config('coplan.audit_reseal', 'on', true)")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [three[2].pk])


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_lets_a_redaction_change_only_the_free_text(three):
    from django.db import InternalError, ProgrammingError

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET object_repr = '[removed]', redacted = true WHERE id = %s",
            [three[0].pk],
        )
    with (
        pytest.raises((InternalError, ProgrammingError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE core_auditevent SET redacted = true, action = 'x.y' WHERE id = %s",
            [three[1].pk],
        )


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


# One chain per partnership and one for site-wide events.


def record_in(partnership, n):
    """An event in ``partnership``'s chain (``None``: the site's chain)."""
    org = Organisation.objects.create(name=f"Org {n}", type="council")
    with transaction.atomic():
        return audit.log(
            actor=None,
            action="core.organisation.created",
            obj=org,
            partnership=partnership,
            data={"n": n},
        )


@pytest.fixture
def chains(db):
    """Events in two partnerships' chains and the site's, interleaved."""
    from tests.factories import PartnershipFactory

    p1, p2 = PartnershipFactory(), PartnershipFactory()
    events = {"p1": [], "p2": [], "site": []}
    for n in range(3):
        events["p1"].append(record_in(p1, f"p1-{n}"))
        events["site"].append(record_in(None, f"site-{n}"))
        events["p2"].append(record_in(p2, f"p2-{n}"))
    return p1, p2, events


def test_each_partnership_has_its_own_chain(chains, capsys):
    p1, p2, events = chains
    for chain in events.values():
        assert chain[0].prev_hash == audit.GENESIS
        assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    assert set(heads) == {"site", f"partnership:{p1.pk}", f"partnership:{p2.pk}"}
    for key, chain in [
        ("site", events["site"]),
        (f"partnership:{p1.pk}", events["p1"]),
        (f"partnership:{p2.pk}", events["p2"]),
    ]:
        assert (heads[key].last_id, heads[key].last_hash, heads[key].count) == (
            chain[-1].pk,
            chain[-1].hash,
            3,
        )

    call_command("verify_audit")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Audit log intact: 9 entries in 3 chain(s)"
    assert out[1:] == [
        f"site: 3 entries, last #{events['site'][-1].pk}, head {events['site'][-1].hash}",
        f"partnership:{p1.pk}: 3 entries, last #{events['p1'][-1].pk}, "
        f"head {events['p1'][-1].hash}",
        f"partnership:{p2.pk}: 3 entries, last #{events['p2'][-1].pk}, "
        f"head {events['p2'][-1].hash}",
    ]


def test_an_edited_entry_in_a_partnership_chain_is_named(chains, capsys):
    _p1, _p2, events = chains
    raw_sql(
        "UPDATE core_auditevent SET action = %s WHERE id = %s",
        ["core.organisation.deleted", events["p1"][1].pk],
    )

    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"#{events['p1'][1].pk}: edited" in err
    assert "TAMPERED: 1 problem(s)" in err


def test_verify_audit_prints_every_head_when_tampered(chains, capsys):
    p1, p2, events = chains
    raw_sql("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 9}', events["p2"][0].pk])

    with pytest.raises(SystemExit):
        call_command("verify_audit")
    out = capsys.readouterr().out
    for key in ("site", f"partnership:{p1.pk}", f"partnership:{p2.pk}"):
        assert f"\n{key}: 3 entries, last #" in f"\n{out}"


def test_a_deleted_entry_in_the_middle_of_a_partnership_chain_is_found(chains, capsys):
    p1, _p2, events = chains
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [events["p1"][1].pk])

    code, err = verify_exit_code(capsys)
    assert code == 1
    first, third = events["p1"][0].pk, events["p1"][2].pk
    assert f"#{third}: the chain is broken — an entry after #{first} was deleted" in err
    assert f"chain partnership:{p1.pk}" in err


def test_deleting_the_newest_entries_of_a_partnership_chain_is_found(chains, capsys):
    _p1, p2, events = chains
    # p2's newest entry is not the newest of the log: only its chain's head shows the cut
    raw_sql("DELETE FROM core_auditevent WHERE id = %s", [events["p2"][2].pk])

    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"chain partnership:{p2.pk}: the chain ends at #{events['p2'][1].pk} with 2" in err
    assert "entries at the end were deleted" in err


def test_deleting_a_whole_partnership_chain_is_found(chains, capsys):
    p1, _p2, events = chains
    raw_sql("DELETE FROM core_auditevent WHERE id IN (%s, %s, %s)", [e.pk for e in events["p1"]])

    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"chain partnership:{p1.pk}: the chain ends at #0 with 0 entries" in err


def test_a_chain_without_its_head_is_found(chains, capsys):
    p1, _p2, _events = chains
    raw_sql("DELETE FROM core_auditchainhead WHERE chain = %s", [f"partnership:{p1.pk}"])

    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"chain partnership:{p1.pk}: 3 entries ending at #" in err


def test_an_entry_moved_to_another_partnership_is_found(chains, capsys):
    _p1, p2, events = chains
    raw_sql(
        "UPDATE core_auditevent SET partnership_id = %s WHERE id = %s",
        [p2.pk, events["p1"][2].pk],
    )

    code, err = verify_exit_code(capsys)
    assert code == 1
    assert f"#{events['p1'][2].pk}: edited" in err or "the chain is broken" in err


def test_redaction_across_chains_still_verifies(chains):
    p1, _p2, _events = chains
    org = Organisation.objects.create(name="Ann Ólafsdóttir's group", type="community")
    with transaction.atomic():
        about_ann = audit.log(
            actor=None, action="core.organisation.created", obj=org, partnership=p1
        )
    record_in(p1, "after")

    assert redact_ann() == [about_ann.pk]
    # the redaction's own record is a site-wide event
    assert AuditEvent.objects.get(action=audit.REDACTED_ACTION).partnership_id is None
    assert audit.verify().ok


def test_story_moments_in_two_chains_verify(chains):
    import datetime as dt

    from django.utils import timezone

    from coplan.core import clock

    p1, p2, _events = chains
    with clock.at(timezone.make_aware(dt.datetime(2006, 1, 9, 10, 0))):
        record_in(p1, "p1 in 2006")
        record_in(p2, "p2 in 2006")
    record_in(None, "site now")
    result = audit.verify()
    assert result.problems == []
    assert {h.chain: h.count for h in result.heads} == {
        "site": 4,
        f"partnership:{p1.pk}": 4,
        f"partnership:{p2.pk}": 4,
    }


def _migration():
    import importlib

    return importlib.import_module("coplan.core.migrations.0012_audit_chain_per_partnership")


def test_the_migration_rechains_one_chain_into_one_per_partnership(chains):
    """0012 splits the single chain of earlier releases per partnership (and back)."""
    from types import SimpleNamespace

    from django.apps import apps

    migration, editor = _migration(), SimpleNamespace(connection=connection)
    migration.single_chain(apps, editor)  # as the previous release left the log
    rows = list(AuditEvent.objects.order_by("pk").values_list("prev_hash", "hash"))
    assert rows[0][0] == audit.GENESIS
    assert all(prev == rows[i - 1][1] for i, (prev, _h) in enumerate(rows) if i)
    head = AuditChainHead.objects.get()
    assert (head.pk, head.count, head.last_hash) == (1, 9, rows[-1][1])
    assert migration._check_single_chain(apps) == []

    migration.per_chain(apps, editor)

    result = audit.verify()
    assert result.problems == []
    assert len(result.heads) == 3 and all(h.count == 3 for h in result.heads)
    _p1, _p2, events = chains
    assert AuditEvent.objects.get(pk=events["p1"][1].pk).prev_hash == (
        AuditEvent.objects.get(pk=events["p1"][0].pk).hash
    )


def test_the_migration_refuses_to_rechain_a_broken_chain(chains, monkeypatch):
    from types import SimpleNamespace

    from django.apps import apps

    migration, editor = _migration(), SimpleNamespace(connection=connection)
    migration.single_chain(apps, editor)
    _p1, _p2, events = chains
    raw_sql("UPDATE core_auditevent SET action = %s WHERE id = %s", ["x.y", events["p2"][0].pk])

    monkeypatch.delenv("COPLAN_AUDIT_RECHAIN_BROKEN", raising=False)
    with pytest.raises(RuntimeError, match=rf"#{events['p2'][0].pk}: edited"):
        migration.per_chain(apps, editor)

    monkeypatch.setenv("COPLAN_AUDIT_RECHAIN_BROKEN", "1")
    migration.per_chain(apps, editor)
    assert len(audit.verify().heads) == 3


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite has one writer at a time: its transactions always wait on each other",
)
@pytest.mark.django_db(transaction=True)
def test_writes_in_two_partnerships_do_not_wait_on_each_other():
    """Two connections, each in an open transaction that has written an audit event for its own
    partnership (a new chain, so its head is created too): each commits while the other's
    transaction is still open. Writes in one partnership's chain still queue."""
    from django.db import OperationalError

    from tests.factories import PartnershipFactory

    p1, p2 = PartnershipFactory(), PartnershipFactory()
    logged = {1: threading.Event(), 2: threading.Event()}
    committed = {1: threading.Event(), 2: threading.Event()}
    errors, other_still_open = [], []

    def worker(me, other, partnership):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:  # never hang the suite on a lock
                    cursor.execute("SET LOCAL lock_timeout = '20s'")
                record_in(partnership, f"thread {me}")
                logged[me].set()
                # both transactions are open and have written: neither waited for the other
                if not logged[other].wait(timeout=20):
                    errors.append(f"thread {me}: the other thread could not write meanwhile")
                if me == 2 and not committed[1].wait(timeout=20):
                    errors.append("thread 2: thread 1 could not commit meanwhile")
                if me == 1:
                    other_still_open.append(not committed[2].is_set())
            committed[me].set()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(f"thread {me}: {exc!r}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(1, 2, p1)),
        threading.Thread(target=worker, args=(2, 1, p2)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert all(e.is_set() for e in committed.values())
    assert other_still_open == [True]  # thread 1 committed inside thread 2's transaction

    # the same partnership's chain still serialises its writers (so it never forks)
    holding, done = threading.Event(), threading.Event()

    def holder():
        try:
            with transaction.atomic():
                record_in(p1, "holder")
                holding.set()
                done.wait(timeout=20)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert holding.wait(timeout=20)
        with pytest.raises(OperationalError), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            record_in(p1, "waiter")
    finally:
        done.set()
        thread.join(timeout=30)
    result = audit.verify()
    assert result.problems == []
    assert {h.chain: h.count for h in result.heads} == {
        f"partnership:{p1.pk}": 2,
        f"partnership:{p2.pk}": 1,
    }
